import type { Address, Hex } from 'viem';
import type { LocalAccount } from 'viem/accounts';
import type { Logger } from '../log.ts';
import type { PendingSwaps } from '../mempool/watcher.ts';
import type { OrderFlowSource } from '../mempool/types.ts';
import type { RiskGate } from '../risk/gate.ts';
import type { BundleProposal } from '../risk/types.ts';
import type { Candidate, EngineConfig } from '../strategy/candidates.ts';
import { netAfterGasWei } from '../strategy/costs.ts';
import { planFor } from './toPlan.ts';
import type { ExecutorPlan, PlanContext } from './plan.ts';
import type { SizingTable } from './sizing.ts';
import { v4PoolId } from '../amm/v4/poolKey.ts';
import { chooseLane, type LaneChoice } from './laneChoice.ts';
import { feesForTargetBlock } from './fees.ts';
import { signExecutorSizedTransaction, signExecutorTransaction } from './signTransaction.ts';
import type { Opportunity, Submitter } from './submitter.ts';
import { victimRawTransaction, type RawTransactionSource, type SignedTransactionFields } from './victimRaw.ts';

export type DispatcherParameters = {
  submitter: Submitter;
  /** Required: every bundle is judged here, and again before each network write (no gate, no sends). */
  risk: Pick<RiskGate, 'check' | 'recheck' | 'onBundleSent'>;
  /** The executor's operator (signs our transactions). */
  account: LocalAccount;
  /**
   * More operators, each with its own submitter (nonce chain): a bundle that depends on none of our earlier ones
   * of the block goes out from a free one, so that a miss of one bundle cannot drop another through our nonces.
   */
  lanes?: ReadonlyArray<{ account: LocalAccount; submitter: Submitter }>;
  chainId: number;
  executor: Address;
  /** The chain's WETH and the configured V4 PoolManager, for plans with V4 hops (toPlan.ts planContext; none: V4 off). */
  planContext?: PlanContext;
  policy: EngineConfig['policy'];
  /** The next block's base fee now (moves with every head; re-sends are priced for their own block). */
  nextBaseFee: () => bigint;
  fetchRaw: RawTransactionSource;
  logger: Logger;
  /** The submitter only logs (reports say so). */
  dryRun?: boolean;
};

/** The largest sizing key (a V3 sqrtPriceX96 is below 2^160, a V2 reserve0 below 2^112): a table from 0 to it covers every state. */
export const anyKey = (1n << 160n) - 1n;

/**
 * The table of a bundle held to its floor (executeSized): the planned input at every key of its first hop's pool (a V4
 * hop named by its pool id), so it trades what it was sized for on whatever state it meets, paying the builder
 * `builderShareBps` of what it realises.
 */
export function fixedInputTable(plan: Pick<ExecutorPlan, 'hops' | 'amountIn'>, builderShareBps: number): SizingTable {
  const first = plan.hops[0]!;
  const pool = first.protocol === 'v4' ? v4PoolId(first.v4Key!) : first.pool;
  return { pool, builderShareBps, entries: [{ key: 0n, amountIn: plan.amountIn }, { key: anyKey, amountIn: plan.amountIn }] };
}

export type Dispatch = { sent: boolean; reason: string; uuid?: string; ourHash?: Hex; proposal?: BundleProposal };

/** Gas limit for our transaction: what the simulation used, with room for state that moves before the block. */
export function gasLimitFor(simulatedGas: bigint): bigint {
  const padded = (simulatedGas * 13n) / 10n + 10_000n;
  return padded > 100_000n ? padded : 100_000n;
}

/**
 * The builder's share of the realised profit for an exact backrun held to its floor (executeSized): the policy's share,
 * lowered only as far as the trade still keeps `minProfit` on the state it was sized for (`predictedProfitWei`, the
 * prediction). At the policy's share of the whole profit a small backrun, whose gas is a large part of its profit,
 * keeps less than its floor even on that state and reverts where the exact bundle lands. Lowered, it pays there at
 * least the exact bundle's bribe (`minProfit` is at most the prediction less that bribe), to a basis point.
 */
export function relaxedShareBps(predictedProfitWei: bigint, minProfit: bigint, policyShareBps: bigint): number {
  if (predictedProfitWei <= 0n) return Number(policyShareBps);
  const fits = ((predictedProfitWei - minProfit) * 10_000n) / predictedProfitWei;
  const bps = fits < policyShareBps ? fits : policyShareBps;
  return Number(bps > 0n ? bps : 0n);
}

/**
 * From a simulated candidate to bundles at the builders: the risk layer's yes first, then the victim's signed
 * bytes, our transaction signed per target block (the plan names its block), and the submitter's fan-out.
 */
export class Dispatcher {
  constructor(private readonly parameters: DispatcherParameters) {}

  /**
   * The risk layer's answer for a candidate about to be sent (synchronous, so the engine can commit to the send
   * before it lets the next opportunity in).
   */
  check(input: { candidate: Candidate; target: bigint; simulatedGas: bigint; source?: OrderFlowSource }): { ok: true; proposal: BundleProposal } | { ok: false; reason: string; proposal: BundleProposal } {
    const { candidate, target } = input;
    const gas = gasLimitFor(input.simulatedGas);
    const plan = planFor(candidate, target, this.parameters.policy);
    const proposal: BundleProposal = {
      targetBlock: target,
      gasLimit: gas,
      maxGasCostWei: gas * this.fees().maxFeePerGas,
      pools: candidate.cycle.hops.map((hop) => hop.pool.address),
      startToken: plan.startToken,
      amountIn: plan.amountIn,
      flash: plan.flash,
      // A private stream that is blind holds its own bundles only.
      ...(input.source && input.source !== 'public' ? { source: input.source } : {}),
    };
    const verdict = this.parameters.risk.check(proposal);
    return verdict.ok ? { ok: true, proposal } : { ok: false, reason: `risk ${verdict.breaker}: ${verdict.reason}`, proposal };
  }

  /** Each signature is for the block right after the head it is made at (re-sends are re-signed), so the next base fee is exact. */
  private fees() {
    return feesForTargetBlock({ nextBaseFee: this.parameters.nextBaseFee(), blocksAfterNext: 0, priorityFee: this.parameters.policy.priorityFeeWei });
  }

  /**
   * Sends what `check` allowed: the victims' signed bytes, our transaction signed for its block, the fan-out.
   * `simulated` is what the simulation for `target` found: a re-send for a later block goes out only while it
   * still nets `minNetProfitWei` at that block's gas price.
   */
  async send(
    input: {
      candidate: Candidate;
      victim?: PendingSwaps;
      leading?: readonly PendingSwaps[];
      target: bigint;
      simulated: { gainWei: bigint; gasUsed: bigint };
      onSent?: (at: number) => void;
      /** Hold it to the gas and the minimum net, not to the prediction (the state it meets is not known to the wei). */
      floorOnly?: boolean;
      /** Held to the floor, the most of its realised profit it pays the builder (basis points): it must rank below others. */
      maxBuilderShareBps?: number;
      /** Which operator sends it: 0 the main one, i > 0 lanes[i - 1] (see lane()). */
      lane?: number;
    },
    proposal: BundleProposal,
  ): Promise<Dispatch> {
    const { candidate, victim, target } = input;
    const { risk, policy, chainId, executor } = this.parameters;
    const { account, submitter } = this.laneAt(input.lane ?? 0);
    const rawOf = async (pending: PendingSwaps) => {
      const signed = (pending.tx.signed ?? { hash: pending.tx.hash }) as SignedTransactionFields;
      const { raw } = await victimRawTransaction(signed, { fetchRaw: this.parameters.fetchRaw });
      return { raw, hash: pending.tx.hash as Hex };
    };
    // A private victim has no signature here: its relay holds the signed bytes and puts them back in.
    const route = victim?.source ?? 'public';
    // MEV Blocker takes a bid only as an ETH transfer from the backrun to the fee recipient; one of 0 wei (the gross
    // did not cover the gas at the high estimate, so no bribe) is left out by its rule, and would hold an operator's
    // nonce for nothing.
    if (route === 'mevBlocker' && candidate.bribeWei <= 0n) {
      return { sent: false, reason: `not sent: MEV Blocker takes a bid only as an ETH transfer to the fee recipient, and this backrun transfers ${candidate.bribeWei} wei`, proposal };
    }
    const victimRaw = victim ? (route === 'public' ? await rawOf(victim) : { hash: victim.tx.hash as Hex }) : undefined;
    // A private victim's earlier pending transactions are private too: the builder holds them and places them ahead
    // of the target (the relay's bundle names one target only); the search has already assumed them.
    const leading = route === 'public' ? await Promise.all((input.leading ?? []).map(rawOf)) : [];
    // Held to the floor from the start, or from when a hint-only transaction turns up on its pools (Submitter.relax).
    let floorOnly = input.floorOnly === true;
    const opportunity: Opportunity = {
      key: victim ? victim.tx.hash : `block:${proposal.pools.map((pool) => pool.toLowerCase()).sort().join(',')}`,
      ...(victimRaw ? { victim: victimRaw } : {}),
      route,
      ...(leading.length > 0 ? { leading } : {}),
      // Between the check and the send the victims' bytes and the nonce may need node round trips, a lost
      // response is retried and re-sends come blocks later: the gate is asked again right before each network
      // write (a halt in between stops it).
      // The block it was approved for gets a recheck (its spend is counted already); a re-send for a later
      // block is a new proposal and gets the full check.
      allowed: (block: bigint) => {
        if (block !== proposal.targetBlock) {
          const net = netAfterGasWei({ ...input.simulated, baseFeeWei: this.parameters.nextBaseFee(), priorityFeeWei: policy.priorityFeeWei });
          if (net < policy.minNetProfitWei) return { ok: false as const, reason: `re-send unprofitable in block ${block}: net after gas ${net} wei < ${policy.minNetProfitWei} wei` };
        }
        const verdict = block === proposal.targetBlock ? risk.recheck(proposal) : risk.check({ ...proposal, targetBlock: block });
        return verdict.ok ? { ok: true as const } : { ok: false as const, reason: `risk ${verdict.breaker}: ${verdict.reason}` };
      },
      ...(input.onSent ? { onSent: input.onSent } : {}),
      relax: () => {
        floorOnly = true;
      },
      sign: async (block, nonce) => {
        const fees = this.fees();
        const plan = planFor(candidate, block, policy);
        // The floor: what the gas costs in this block at our price, plus the minimum net (never below 0 after gas).
        const floor = proposal.gasLimit * (this.parameters.nextBaseFee() + policy.priorityFeeWei) + policy.minNetProfitWei;
        const minProfit = floor < plan.minProfit ? floor : plan.minProfit;
        const context = this.parameters.planContext;
        // A flash plan held to its floor goes out as `execute` with its fixed payment (executeSized runs inventory only).
        if (floorOnly && !plan.flash) {
          // Held to the floor, it pays the builder a share of what is realised (as a blind backrun does), through
          // executeSized with the planned input at every key: a fixed payment sized for the predicted profit would
          // sink it on a state that gives less, which is the state it is held to the floor for. The share is the bid
          // the plan states, lowered where the floor needs it (relaxedShareBps): on the state it was sized for it
          // lands, as the exact one would.
          const relaxed = relaxedShareBps(candidate.grossProfitWei, minProfit, BigInt(plan.maxBuilderShareBps));
          const share = input.maxBuilderShareBps !== undefined && input.maxBuilderShareBps < relaxed ? input.maxBuilderShareBps : relaxed;
          // MEV Blocker leaves out a backrun whose transfer to the fee recipient is 0 (see above): held to the floor
          // it still pays a basis point of what it realises, or reverts at its floor (the executor's check), never
          // lands unpaid.
          const sizing = fixedInputTable(plan, route === 'mevBlocker' && share === 0 ? 1 : share);
          const signed = await signExecutorSizedTransaction({ account, chainId, executor, plan: { ...plan, minProfit, builderPayment: 0n }, sizing, ...(context ? { context } : {}), nonce, gas: proposal.gasLimit, ...fees });
          return { raw: signed.raw, hash: signed.hash };
        }
        const signed = await signExecutorTransaction({ account, chainId, executor, plan: floorOnly ? { ...plan, minProfit } : plan, ...(context ? { context } : {}), nonce, gas: proposal.gasLimit, ...fees });
        return { raw: signed.raw, hash: signed.hash };
      },
    };
    const result = await submitter.submit(opportunity, target);
    if (result.refused) return { sent: false, reason: result.refused, proposal };
    // Counted as outstanding spend from now; the builders' answers arrive in the ledger (a refusal by all of
    // them resolves it as failed).
    risk.onBundleSent(result.uuid, proposal);
    return { sent: true, reason: this.parameters.dryRun ? 'dry run: logged, not sent' : 'handed to the builders', uuid: result.uuid, ourHash: result.ourHash, proposal };
  }

  /** Withdraws a bundle sent before its simulation, which then disagreed (optimistic mode). */
  async cancel(uuid: string, reason: string): Promise<boolean> {
    for (const { submitter } of this.allLanes()) if (await submitter.cancel(uuid, reason)) return true;
    return false;
  }

  private allLanes(): Array<{ account: LocalAccount; submitter: Submitter }> {
    return [{ account: this.parameters.account, submitter: this.parameters.submitter }, ...(this.parameters.lanes ?? [])];
  }

  private laneAt(lane: number): { account: LocalAccount; submitter: Submitter } {
    return this.allLanes()[lane] ?? this.allLanes()[0]!;
  }

  /** Where the next search for a free operator starts: bundles are spread over the free ones in turn. */
  private cursor = 0;

  /** The operator for a bundle (see chooseLane): a free one in turn, never one with a live bundle unless there is no other. */
  lane(dependsOn: number | undefined, standsAlone = false): LaneChoice {
    const choice = chooseLane({ standsAlone, live: this.allLanes().map((lane) => (lane.submitter.stopped ? Number.POSITIVE_INFINITY : lane.submitter.outstanding)), dependsOn, cursor: this.cursor });
    if (choice.kind === 'free' || choice.kind === 'detached') this.cursor = choice.lane + 1;
    return choice;
  }

  /** How many operators (nonce chains) bundles go out from: the main one and the extra ones. */
  laneCount(): number {
    return this.allLanes().length;
  }

  /** Some operator has nothing live (a dependent bundle could go out detached; worth simulating it alone). */
  hasFreeLane(): boolean {
    const lanes = this.allLanes();
    return lanes.length > 1 && lanes.some((lane) => lane.submitter.outstanding === 0 && !lane.submitter.stopped);
  }

  /** Holds a live bundle (by uuid, on its lane) to the executor's floor in place: a later one of ours on its pools went out detached. */
  async relax(uuid: string, lane: number, target: bigint): Promise<boolean> {
    return this.laneAt(lane).submitter.relax(uuid, target, { confirmed: true }).catch(() => false);
  }
}
