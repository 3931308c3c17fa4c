import { encodeFunctionData, type Address, type Hex, type PublicClient } from 'viem';
import type { LocalAccount } from 'viem/accounts';
import type { BundleTx } from './bundle/bundleTx.ts';
import type { LaneChoice } from './bundle/laneChoice.ts';
import { bundleValue } from './bundle/builderValue.ts';
import { fixedInputTable, gasLimitFor, relaxedShareBps, type Dispatcher } from './bundle/dispatch.ts';
import { encodeSizing } from './bundle/sizing.ts';
import { executorAbi } from './abi/executor.generated.ts';
import { encodePlan, type PlanContext } from './bundle/plan.ts';
import { planContext, planFor } from './bundle/toPlan.ts';
import type { ResolvedChain, RunConfig } from './config/runConfig.ts';
import { checkSentBundle, decideCandidate, isDecision, repriceAfterSimulation, type Decision, type DecisionFacts } from './decisionPolicy.ts';
import type { LatencyHistogram } from './histogram.ts';
import type { Logger } from './log.ts';
import type { Head, PendingSwaps } from './mempool/watcher.ts';
import type { CandidateReport } from './monitor/candidateReport.ts';
import type { RiskGate } from './risk/gate.ts';
import type { BundleSimulation, BundleSimulator } from './sim/bundle.ts';
import { executorBundleTx, pendingBundleTx } from './sim/bundleTxs.ts';
import type { TokenSafety } from './sim/tokenSafety.ts';
import type { Pool } from './state/types.ts';
import { netAfterGasWei } from './strategy/costs.ts';
import { victimPools, type Candidate, type EngineConfig, type PriorTrade } from './strategy/candidates.ts';
import type { PoolView } from './strategy/cycle.ts';
import type { PoolGraph } from './strategy/graph.ts';
import { probeMarket } from './strategy/tokenVerdict.ts';

/**
 * Our sends for one target block (later opportunities for it are judged after these): what they trade (in nonce
 * order), their transactions, their victims, the pools whose state in the block nobody can simulate (lowercase:
 * those a MEV-Share transaction known only by its hint will move, those our blind backruns of it may trade, those of
 * a victim that may not run), and the operators whose chain a bundle whose victim may not run ends (nothing of ours
 * rides behind it).
 */
export type PriorSends = { target: bigint; trades: PriorTrade[]; txs: BundleTx[]; victims: Set<string>; hiddenPools: Set<string>; sealedLanes: Set<number> };

/**
 * What one of our bundles pays the builder (priority fees and its transfer, our transaction's only), at least and at
 * most, and the gas it uses, where the builder ranks it: at the top of the block. A prediction of the builder's
 * order, not its figure: the victims' fees and gas are left out on both sides (each bundle carries its own).
 */
export type TopBid = { leastWei: bigint; mostWei: bigint; gasUsed: bigint };

/** `later` pays less per gas than `earlier` whatever each pays within its bounds (cross-multiplied); unknown bids rank nothing. */
export function ranksBelow(later: TopBid, earlier: TopBid | undefined): boolean {
  return earlier !== undefined && later.mostWei * earlier.gasUsed < earlier.leastWei * later.gasUsed;
}

/**
 * A bundle held to the floor on the top of the block, as simulated alone: the bounds of the profit it realises there
 * (before it pays the builder), the share of that it pays (basis points), its priority fees and gas.
 */
export type AloneBid = { profitLeastWei: bigint; profitMostWei: bigint; shareBps: number; feesWei: bigint; gasUsed: bigint };

/** What a bundle held to the floor pays the builder at the top of the block at a share of its profit (rounded each way). */
export function topBidAt(alone: AloneBid, shareBps: number): TopBid {
  const share = BigInt(shareBps);
  return { leastWei: (alone.profitLeastWei * share) / 10_000n + alone.feesWei, mostWei: (alone.profitMostWei * share + 9_999n) / 10_000n + alone.feesWei, gasUsed: alone.gasUsed };
}

/**
 * The largest share of its profit (at most the one it would pay) at which a detached bundle still ranks below every
 * earlier bundle of ours on its pools, so the builder runs it after them, on the state it was sized for: a bundle
 * that pays more per gas than they do would run ahead of them and push them (held to their floor) into reverting.
 * Lowering the share only raises what we keep, so our floor holds at any share. Undefined when no share ranks it
 * below (its priority fees alone outrank one of them, or one's bid is unknown): it must then ride after them.
 */
export function rankingShareBps(alone: AloneBid, earlier: readonly (TopBid | undefined)[]): number | undefined {
  const below = (shareBps: number) => earlier.every((bid) => ranksBelow(topBidAt(alone, shareBps), bid));
  if (!below(0)) return undefined;
  // What it pays grows with the share: the largest share that ranks below is found by bisection.
  let low = 0;
  let high = alone.shareBps;
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (below(middle)) low = middle;
    else high = middle - 1;
  }
  return low;
}

/** What a decision needs of the engine's parameters (the engine passes its own; decision.ts does not import engine.ts). */
export type DecisionParameters = {
  config: RunConfig;
  chain: ResolvedChain;
  logger: Logger;
  /** The operator's key: signs our transaction for the simulators that run signed bytes. */
  signer?: LocalAccount;
  risk?: RiskGate;
  /** Sends what simulates; without it the decision is reported only. */
  dispatcher?: Dispatcher;
  onCandidate: (report: CandidateReport) => void;
  /** Bundles sent whose realised state is not the simulated one (the ledger does not compare them). */
  onStateHidden?: (uuids: readonly string[], target: bigint, reason: string) => void;
};

export type DecisionContext = {
  parameters: DecisionParameters;
  engineConfig: EngineConfig;
  client: PublicClient;
  simulator: BundleSimulator;
  safety: TokenSafety;
  graph: PoolGraph;
  /** The market now (the graph's pools are identities: their states are the market's). */
  market: PoolView;
  latency: Record<'decode' | 'search' | 'simulate' | 'send' | 'total' | 'seenToSent', LatencyHistogram>;
  stats: { candidates: number; sendDecisions: number; rejects: number; mismatches: number };
  /** The newest head (moves while a decision is in flight only between decisions: the engine serialises them). */
  head: () => Head;
};

const us = (ms: number) => Math.round(ms * 1000);

/**
 * How long a rival's outbid keeps a route contested (ms): 50 mainnet blocks. A rival seen once is likely back soon; one
 * that left costs a detached bundle only its earlier one in the blocks where both would have landed chained.
 */
export const contestedMemoryMs = 600_000;

/** What the report of one candidate is made of. */
type ReportRun = { candidate: Candidate; victim: PendingSwaps | undefined; victims: readonly PendingSwaps[]; target: bigint; firstSeenMs: number; searchStarted: number; searched: number; simulateMs: number; sendMs: number; bundle: CandidateReport['bundle']; simulation: BundleSimulation | undefined; afterBlind?: boolean; capShareBps?: number; mayNotRun?: string };

/**
 * One candidate, from search result to a decision: token safety, the bundle simulated after our earlier sends
 * for the block, the prediction checked to the wei, the risk gate, the send, and the report. The engine runs
 * decisions one at a time, so each sees the state the previous one left.
 */
export class CandidateDecider {
  private sent: PriorSends = { target: 0n, trades: [], txs: [], victims: new Set(), hiddenPools: new Set(), sealedLanes: new Set() };
  /**
   * What each of our bundles for `sent.target` pays the builder at the top of the block, as the builder ranks bundles
   * (by uuid; see TopBid): a detached bundle must rank below the earlier ones on its pools.
   */
  private topBids = new Map<string, TopBid>();
  /** The route of each of our bundles for `sent.target` (by uuid): public, or the relay that showed its victim. */
  private routes = new Map<string, string>();
  /** When a rival last outbid a bundle of ours, per route (as a builder reported it; see noteOutbid). */
  private readonly outbidAt = new Map<string, number>();
  /**
   * Our bundles for `sent.target` whose realised state is not the simulated one (by uuid): those the builder places
   * (detached ones and the earlier ones beside them), and every one of ours on their pools (their states follow).
   */
  private hidden = new Set<string>();
  /** The simulations of bundles sent before them, in order (each sees our earlier transactions of the block). */
  private verifying: Promise<void> = Promise.resolve();
  /** Pools a simulation agreed with to the wei (lowercase): bundles through only these may go out before theirs. */
  private readonly verifiedPools = new Set<string>();
  /**
   * Dependent bundles (on the pools of an earlier one of ours for the block) that stood alone: sent detached (capped:
   * their share lowered to rank below the earlier ones: lanes.capDependentShare; outranking: at their own share, paying
   * more per gas than earlier ones on a route a rival contests), or chained because they would pay more per gas than one of
   * them (unranked) or a builder did not take an earlier one's floor version (unrelaxed).
   */
  readonly detaching = { detached: 0, capped: 0, chainedUnranked: 0, chainedUnrelaxed: 0, detachedOutranking: 0 };
  /** The operator's transaction count at the head (private bundles do not move it until they land). */
  private operatorNonce: { head: bigint; value: number } | undefined;

  constructor(private readonly context: DecisionContext) {}

  private head(): Head {
    return this.context.head();
  }

  /**
   * A rival outbid a bundle of ours on this route, as a builder reported it (the ledger's 'outbid' outcome: not a
   * guess, not one lost to a bundle of ours): bundles of ours on it may miss for a while, so ours that would run
   * ahead of one go out detached rather than after its nonce.
   */
  noteOutbid(route: string, nowMs: number): void {
    this.outbidAt.set(route, Math.max(nowMs, this.outbidAt.get(route) ?? 0));
  }

  /** A rival outbid us on this route within contestedMemoryMs of `nowMs`. */
  private contested(route: string | undefined, nowMs: number): boolean {
    const last = route === undefined ? undefined : this.outbidAt.get(route);
    return last !== undefined && nowMs - last <= contestedMemoryMs;
  }

  /** Records the operator's count read at a head (the engine reads it once per head). */
  setOperatorNonce(head: bigint, value: number): void {
    if (this.head().number === head) this.operatorNonce = { head, value };
  }

  /** The operator's count at the newest head, if it has been read. */
  knownOperatorNonce(): number | undefined {
    return this.operatorNonce?.head === this.head().number ? this.operatorNonce.value : undefined;
  }

  /**
   * The effects of the policy (decisionPolicy.ts): it names the next fact it needs, this finds it out (probes the
   * tokens, simulates, asks the gate, sends), until it decides; then the report, the counters and the latencies.
   */
  async decide(found: Candidate | undefined, victim: PendingSwaps | undefined, firstSeenMs: number, searchStarted: number, leading: readonly PendingSwaps[] = [], nonceGap?: Promise<string | undefined>): Promise<void> {
    if (!found) return;
    // Re-priced below when the simulated gas is above the estimate (the report shows what was decided on).
    let candidate: Candidate = found;
    this.context.stats.candidates++;
    const { config, chain } = this.context.parameters;
    const searched = performance.now();
    const target = this.head().number + 1n;
    let simulateMs = 0;
    let sendMs = 0;
    let bundle: CandidateReport['bundle'];
    const dispatcher = this.context.parameters.dispatcher;
    const facts: DecisionFacts = {
      candidate,
      minNetProfitWei: config.strategy.minNetProfitWei,
      // What our gas costs in the target block: its base fee (exact, from the head) plus our tip.
      nextBaseFeePerGas: this.head().nextBaseFeePerGas,
      priorityFeeWei: config.strategy.priorityFeeWei,
      sending: dispatcher !== undefined,
      optimistic: config.simulation.mode === 'optimistic' && dispatcher !== undefined && candidate.cycle.hops.every((hop) => this.verifiedPools.has(hop.pool.address.toLowerCase())),
    };
    const prior = this.prior(target);
    // A MEV-Share transaction known only by its hint (or our blind backrun of it, or a victim that may not run) will
    // move one of these pools in this block, or may not: the state this backrun meets is then no one's to simulate. Sent
    // all the same (an exact backrun is worth the most), held to the executor's floor rather than to the prediction,
    // so it lands on the state it meets instead of reverting.
    const afterBlind = candidate.cycle.hops.some((hop) => prior.hiddenPools.has(hop.pool.address.toLowerCase()));
    // What this bundle trades, its victim's swaps (and the victim's sender's earlier ones) included: a bundle of ours
    // for the block touching none of it does not move its state, so the two need not share a nonce chain.
    const pools = new Set([...candidate.cycle.hops.map((hop) => hop.pool.address.toLowerCase()), ...[...leading, ...(victim ? [victim] : [])].flatMap((pending) => victimPools(this.context.graph, this.context.engineConfig, pending.swaps)), ...(candidate.victimStates?.keys() ?? [])]);
    // Blind bundles (size 0 in our view) are not waited for: run first, an exact backrun realises its prediction. Nor
    // is one whose victim may not run (its pools are hidden instead): nothing of ours rides on its nonce.
    const predecessors = prior.trades.filter((trade) => trade.lane !== undefined && trade.amountIn !== 0n && trade.mayNotRun === undefined && [...(trade.pools ?? [])].some((pool) => pools.has(pool)));
    const dependsOn = predecessors.at(-1)?.lane;
    const victims = victim ? [...leading, victim] : [];
    let txs: BundleTx[] = [];
    let proposal: Parameters<Dispatcher['send']>[1] | undefined;
    // The share a detached bundle was capped to (what it bids, which the bidding policy must learn from).
    let sentCapShareBps: number | undefined;
    // Why the victim of the bundle sent may not run in the block (held to the floor, so not compared).
    let sentMayNotRun: string | undefined;
    let step = decideCandidate(facts);
    while (!isDecision(step)) {
      if (step.need === 'tokens') {
        facts.unsafeToken = (await this.firstUnsafeToken(candidate)) ?? null;
      } else if (step.need === 'simulation') {
        // Our bundles sent before their simulations come first in this one's prefix: wait until they are simulated.
        await this.verifying;
        const simulate = await this.simulator(victims, target, prior);
        let simulation = await simulate(candidate);
        const repriced = repriceAfterSimulation(candidate, simulation.result, this.head().nextBaseFeePerGas, this.context.engineConfig.policy);
        if (repriced) {
          candidate = repriced;
          facts.candidate = candidate;
          simulation = await simulate(candidate);
        }
        ({ txs } = simulation);
        simulateMs += simulation.ms;
        facts.simulation = simulation.result;
      } else if (step.need === 'gate') {
        // Sent before its simulation: the estimated gas stands in for the simulated one.
        const checked = dispatcher!.check({ candidate, target, simulatedGas: facts.simulation?.gasUsed ?? candidate.gas, ...(victim?.source ? { source: victim.source } : {}) });
        if (checked.ok) proposal = checked.proposal;
        facts.gate = checked.ok ? { ok: true } : { ok: false, reason: checked.reason };
      } else {
        const simulated = facts.simulation ? { gainWei: facts.simulation.gain, gasUsed: facts.simulation.gasUsed } : { gainWei: candidate.grossProfitWei - candidate.bribeWei, gasUsed: candidate.gas };
        const sendStarted = performance.now();
        // The latency that decides who wins a backrun: from the victim's first sighting to our bundle's bytes on a
        // builder's socket (the builder's own processing is not ours).
        const onSent = victim ? (at: number) => this.context.latency.seenToSent.record(us(at - firstSeenMs)) : undefined;
        const alone = config.lanes.detachDependents && predecessors.length > 0 && dispatcher!.hasFreeLane() ? await this.standsAlone(candidate, victims, target, facts.simulation?.gasUsed ?? candidate.gas) : undefined;
        // A builder runs bundles in the order of what they pay it per gas at the top of the block, not in the order we
        // sized them for: detached, this one should rank below every earlier one of ours on its pools, or it may run
        // ahead of them on a state it was not sized for and they (held to their floor) revert after it.
        // Only backruns of victims are ranked against: a block arbitrage of ours that this one runs ahead of meets less
        // of its gap and may revert at its floor, but this one, run first, takes that gap itself (sized after it, in
        // part); chained behind it, this one is lost with it whenever anyone's backrun on those pools outbids it.
        const ranked = alone !== undefined ? rankingShareBps(alone, predecessors.filter((trade) => trade.swaps !== undefined).map((trade) => (trade.uuid !== undefined ? this.topBids.get(trade.uuid) : undefined))) : undefined;
        const shareBps = ranked !== undefined && (ranked === alone!.shareBps || config.lanes.capDependentShare) ? ranked : undefined;
        // Where it would pay more per gas than one of them (and is not capped: lanes.capDependentShare, or no share
        // ranks it below), run ahead of it, it often leaves it (held to its floor) nothing and the builder drops it;
        // chained behind it, both land whenever it does (measured without rivals: capture 0.996 chained, 0.967 ahead).
        // But where a rival outbids it, this one is lost on its nonce: every nonce miss of ours in the 30-block rival
        // demos (a MEV Blocker backrun behind a public one outbid). So where each earlier one it would run ahead of
        // went out on a route where a rival outbid us lately (noteOutbid), it goes out detached at its own share.
        // Nothing is put at risk: it lands on the top of the block at our minimum net (standsAlone simulated exactly
        // that), or on the state it was sized for, or (held to the floor) not at all.
        const aheadOf = alone !== undefined && shareBps === undefined ? predecessors.filter((trade) => trade.swaps !== undefined && !ranksBelow(topBidAt(alone, alone.shareBps), trade.uuid !== undefined ? this.topBids.get(trade.uuid) : undefined)) : [];
        const now = Date.now();
        const outranks = aheadOf.length > 0 && aheadOf.every((trade) => trade.uuid !== undefined && this.contested(this.routes.get(trade.uuid), now));
        let choice: LaneChoice = dispatcher!.lane(dependsOn, shareBps !== undefined || outranks);
        // Detached from the earlier bundles on its pools (its own nonce chain): the builder may run it before them or
        // without them, so it is held to the floor rather than to a prediction made after them, and so must they be
        // first (a builder took each one's floor version), or this one could push them out; else it rides after them.
        if (choice.kind === 'detached' && !(await this.relaxAll(predecessors, target))) {
          choice = { kind: 'chained', lane: choice.from, from: choice.from };
          this.detaching.chainedUnrelaxed++;
        }
        // Nothing of ours rides behind a bundle whose victim may not run: whenever it does not, all after it on its
        // nonce chain would fail with it.
        if (choice.kind === 'chained' && prior.sealedLanes.has(choice.lane)) {
          choice = { kind: 'none', reason: 'not sent: it would ride the nonce chain of a bundle of ours whose victim may not run in the block' };
        }
        const lane = choice.kind === 'none' ? 0 : choice.lane;
        const detached = choice.kind === 'detached';
        const capShareBps = detached && shareBps !== undefined && shareBps < alone!.shareBps ? shareBps : undefined;
        // A victim that may not run in the block (its sender's nonce not reached: a transaction nobody showed us must
        // run first, and often does, in the same block) is sent all the same, but ends its operator's chain for the
        // block; that transaction may move its pools too, and our later bundles on them (not ranked against it) may
        // run first: it is held to the floor like them.
        const mayNotRun = nonceGap ? await nonceGap : undefined;
        if (alone !== undefined && shareBps === undefined && choice.kind === 'chained') this.detaching.chainedUnranked++;
        const dispatched =
          choice.kind === 'none'
            ? { sent: false as const, reason: choice.reason, uuid: undefined, ourHash: undefined }
            : await dispatcher!.send({ candidate, ...(victim ? { victim } : {}), leading, target, simulated, ...(onSent ? { onSent } : {}), ...(afterBlind || detached || mayNotRun !== undefined ? { floorOnly: true } : {}), ...(capShareBps !== undefined ? { maxBuilderShareBps: capShareBps } : {}), lane }, proposal!).catch((error: Error) => ({
                sent: false as const,
                reason: `send failed: ${error.message.split('\n')[0]}`,
                uuid: undefined,
                ourHash: undefined,
              }));
        // Which nonce chain each bundle rode and why: a nonce miss is explained from this line and the submitter's.
        this.context.parameters.logger.debug({ target: String(target), uuid: dispatched.uuid, sent: dispatched.sent, source: victim?.source ?? 'public', victim: victim?.tx.hash, lane, choice: choice.kind, from: choice.kind === 'chained' || choice.kind === 'detached' ? choice.from : undefined, predecessors: predecessors.map((trade) => trade.uuid), standsAlone: alone !== undefined, rankedShareBps: shareBps, outranks, mayNotRun }, 'engine: lane chosen');
        // After a bundle of ours whose place the builder picks, this one meets a state nobody simulated either.
        if (dispatched.sent && !detached && predecessors.some((trade) => trade.uuid !== undefined && this.hidden.has(trade.uuid))) this.hide([dispatched.uuid!], target, 'after a bundle of ours on its pools whose place the builder picks');
        if (dispatched.sent && detached) {
          await this.detach(dispatched.uuid!, predecessors, target, pools);
          this.detaching.detached++;
          if (outranks) this.detaching.detachedOutranking++;
          if (capShareBps !== undefined) {
            this.detaching.capped++;
            sentCapShareBps = capShareBps;
          }
        }
        if (dispatched.sent) {
          // Its bid as the builder ranks it: detached, what it pays on the top of the block; else on the state it was
          // simulated on, its bribe (held to the floor later, it pays that less at most a basis point of its profit:
          // relaxedShareBps).
          const gasUsed = facts.simulation?.gasUsed ?? candidate.gas;
          const fees = gasUsed * config.strategy.priorityFeeWei;
          const least = candidate.bribeWei - candidate.grossProfitWei / 10_000n - 1n;
          if (victim !== undefined) this.routes.set(dispatched.uuid!, victim.source ?? 'public');
          this.topBids.set(dispatched.uuid!, detached ? topBidAt(alone!, capShareBps ?? alone!.shareBps) : { leastWei: (least > 0n ? least : 0n) + fees, mostWei: candidate.bribeWei + fees, gasUsed });
        }
        sendMs = performance.now() - sendStarted;
        facts.sent = { sent: dispatched.sent, reason: dispatched.reason };
        if (dispatched.sent) {
          bundle = { uuid: dispatched.uuid!, ourTxHash: dispatched.ourHash! };
          // The next opportunity for this block is judged after this one, and its nonce follows this one's.
          for (const earlier of leading) prior.trades.push({ swaps: earlier.swaps });
          prior.trades.push({ ...(victim ? { swaps: victim.swaps } : {}), ...(candidate.victimStates ? { victimStates: candidate.victimStates } : {}), cycle: candidate.cycle, amountIn: candidate.amountIn, pools, lane, uuid: dispatched.uuid!, ...(mayNotRun !== undefined ? { mayNotRun } : {}) });
          // Whether its victim runs (and so this) is not ours to know: our later bundles on its pools are held to the floor.
          if (mayNotRun !== undefined) {
            sentMayNotRun = mayNotRun;
            for (const pool of pools) prior.hiddenPools.add(pool);
            // With one operator there is no other chain: ours after it ride it, as every bundle of the block does.
            if (dispatcher!.laneCount() > 1) prior.sealedLanes.add(lane);
          }
          prior.txs.push(...txs); // empty when sent before its simulation: pushed once that has run
          for (const pending of victims) prior.victims.add(pending.tx.hash.toLowerCase());
        }
      }
      step = decideCandidate(facts);
    }
    const run = { candidate, victim, victims, target, firstSeenMs, searchStarted, searched, simulateMs, sendMs, bundle, simulation: facts.simulation, afterBlind, ...(sentCapShareBps !== undefined ? { capShareBps: sentCapShareBps } : {}), ...(sentMayNotRun !== undefined ? { mayNotRun: sentMayNotRun } : {}) };
    if (step.unsimulated && bundle) {
      // Sent before its simulation: it is simulated beside the trading path (the next victim need not wait), in
      // order with the others so each sees our earlier transactions for the block first.
      const sent = step;
      const earlierOfOurs = prior.trades.filter((trade) => trade.cycle).length - 1;
      const verification = this.verifying.then(() => this.verifyAfterSend(sent, facts, run, { victims, prior, earlierOfOurs, uuid: bundle.uuid }));
      this.verifying = verification.catch((error: Error) => this.context.parameters.logger.error({ err: error.message }, 'engine: checking a bundle sent before its simulation failed'));
      return;
    }
    this.conclude(step, run);
  }

  /**
   * Whether a bundle that trades the pools of earlier ones of ours also runs, at our minimum net, without them: on
   * the top of the block, as a builder first simulates each bundle (one that reverts there is refused). Only then
   * can it go out detached; a failed simulation counts as no (undefined). Yes is the most it pays the builder there,
   * which ranks it among our bundles (the builder runs the better payer per gas first).
   */
  private async standsAlone(candidate: Candidate, victims: readonly PendingSwaps[], target: bigint, simulatedGas: bigint): Promise<AloneBid | undefined> {
    const { chain, signer } = this.context.parameters;
    const { policy } = this.context.engineConfig;
    const planned = planFor(candidate, target, policy);
    // A flash plan held to the floor keeps its fixed payment (no sized call); a backend that runs signed bytes is the
    // fork's, which has one nonce chain (no extra operators).
    if (planned.flash || this.context.simulator.runsSignedTransactions) return undefined;
    try {
      // As it would go out detached (Dispatcher.send, floorOnly): executeSized with the planned input at every key,
      // paying the builder its share of what is realised, held to the floor (its gas at our price plus the minimum net).
      const gas = gasLimitFor(simulatedGas);
      const floor = gas * (this.head().nextBaseFeePerGas + policy.priorityFeeWei) + policy.minNetProfitWei;
      const sizing = fixedInputTable(planned, Number(policy.builderShareBps));
      const held = { ...planned, minProfit: floor < planned.minProfit ? floor : planned.minProfit, builderPayment: 0n };
      const packed = encodePlan(held, this.planContext());
      const call = await this.ourTransaction(signer?.address ?? chain.operator!, chain.executor, packed, 0);
      const ours = { ...call, gas, data: encodeFunctionData({ abi: executorAbi, functionName: 'executeSized', args: [packed, encodeSizing(held, sizing)] }) };
      const victimTxs = await Promise.all(victims.map((pending) => this.victimTransaction(pending)));
      const alone = await this.context.simulator.simulate({ txs: [...victimTxs, ours], prefix: [], executor: chain.executor, startToken: chain.weth, targetBlock: target, timestamp: this.head().timestamp + 1n });
      const net = netAfterGasWei({ gainWei: alone.gain, gasUsed: alone.gasUsed, baseFeeWei: this.head().nextBaseFeePerGas, priorityFeeWei: policy.priorityFeeWei });
      if (!(alone.ok && alone.victimsOk && net >= policy.minNetProfitWei)) return undefined;
      // What it pays there: simulated at share p, the executor paid profit * p / 10_000 (rounded down) and kept `gain`,
      // so gain * 10_000 / (10_000 - p) bounds the profit within a wei or so; sent, it pays the plan's bid of that,
      // lowered by relaxedShareBps as Dispatcher.send does.
      const p = BigInt(sizing.builderShareBps);
      if (p >= 10_000n || alone.gain <= 0n) return undefined;
      const most = (alone.gain * 10_000n + (10_000n - p) - 1n) / (10_000n - p) + 1n;
      const least = ((alone.gain - 1n) * 10_000n) / (10_000n - p);
      const sent = relaxedShareBps(candidate.grossProfitWei, held.minProfit, BigInt(planned.maxBuilderShareBps));
      return { profitLeastWei: least, profitMostWei: most, shareBps: sent, feesWei: alone.gasUsed * policy.priorityFeeWei, gasUsed: alone.gasUsed };
    } catch {
      return undefined;
    }
  }

  /**
   * A bundle went out from its own operator beside earlier ones of ours on its pools: those are held to the floor
   * too (in place, same nonce), so whichever the builder runs first, none reverts for the other; none of them is
   * compared with its simulation (the order that decides what each realises is the builder's).
   */
  private async detach(uuid: string, predecessors: readonly PriorTrade[], target: bigint, pools: ReadonlySet<string>): Promise<void> {
    const earlier = predecessors.filter((trade) => trade.uuid !== undefined && trade.lane !== undefined);
    this.hide([uuid, ...earlier.map((trade) => trade.uuid!)], target, 'sent from its own operator beside an earlier bundle of ours on the same pools; the builder picks the order');
    // Ours sent before on pools those move (through one another) meet what the builder's order leaves, too.
    const moved = new Set(pools);
    for (const trade of this.sent.trades) if (trade.uuid !== undefined && this.hidden.has(trade.uuid)) for (const pool of trade.pools ?? []) moved.add(pool);
    let grown = true;
    while (grown) {
      grown = false;
      for (const trade of this.sent.trades) {
        if (trade.uuid === undefined || this.hidden.has(trade.uuid) || ![...(trade.pools ?? [])].some((pool) => moved.has(pool))) continue;
        this.hide([trade.uuid], target, 'on the pools of a bundle of ours whose place the builder picks');
        for (const pool of trade.pools ?? []) moved.add(pool);
        grown = true;
      }
    }
  }

  /** Bundles whose realised state is not the simulated one: not compared with their simulation (each told once). */
  private hide(uuids: readonly string[], target: bigint, reason: string): void {
    const fresh = uuids.filter((uuid) => !this.hidden.has(uuid));
    for (const uuid of fresh) this.hidden.add(uuid);
    if (fresh.length > 0) this.context.parameters.onStateHidden?.(fresh, target, reason);
  }

  /** Holds every earlier bundle on these pools to the floor (in place); true when a builder took each replacement. */
  private async relaxAll(predecessors: readonly PriorTrade[], target: bigint): Promise<boolean> {
    const earlier = predecessors.filter((trade) => trade.uuid !== undefined && trade.lane !== undefined);
    if (earlier.length !== predecessors.length) return false;
    const relaxed = await Promise.all(earlier.map((trade) => this.context.parameters.dispatcher!.relax(trade.uuid!, trade.lane!, target)));
    // Held to the floor, each pays the builder a share of what it realises, not its simulated payment: not compared.
    const held = earlier.filter((_, i) => relaxed[i]).map((trade) => trade.uuid!);
    if (held.length > 0) this.hide(held, target, 'held to the floor for a later bundle of ours on the same pools');
    return relaxed.every(Boolean);
  }

  /** Pools the market dropped: no longer verified (a pool that comes back is simulated first again). */
  forgetPools(addresses: readonly string[]): void {
    for (const address of addresses) this.verifiedPools.delete(address.toLowerCase());
  }

  /** Resolves when every bundle sent before its simulation has been simulated, and cancelled if it disagreed. */
  settled(): Promise<void> {
    return this.verifying;
  }

  /**
   * The simulation of a bundle already sent, and what follows from it: kept, or withdrawn from every builder
   * (eth_cancelBundle) when it disagrees, its pools no longer verified and the breaker told.
   */
  private async verifyAfterSend(step: Decision, facts: DecisionFacts, run: ReportRun, sent: { victims: readonly PendingSwaps[]; prior: PriorSends; earlierOfOurs: number; uuid: string }): Promise<void> {
    const { candidate } = run;
    let simulation: Awaited<ReturnType<Awaited<ReturnType<CandidateDecider['simulator']>>>>;
    try {
      simulation = await (await this.simulator(sent.victims, run.target, sent.prior, sent.earlierOfOurs))(candidate);
    } catch (error) {
      // No simulation, no proof: a bundle sent on trust is withdrawn rather than left to land unchecked.
      const why = `its simulation failed: ${(error as Error).message.split('\n')[0]}`;
      const cancelled = await this.context.parameters.dispatcher!.cancel(sent.uuid, `cancelled: ${why}`).catch(() => false);
      this.context.parameters.logger.warn({ uuid: sent.uuid, reason: why, cancelled }, 'engine: a bundle sent before its simulation could not be simulated; cancelled');
      this.conclude({ decision: 'send', reason: `${step.reason}; ${cancelled ? 'cancelled' : 'could not cancel (no longer live)'}: ${why}` }, run);
      return;
    }
    sent.prior.txs.push(...simulation.txs);
    const check = checkSentBundle({ ...facts, simulation: simulation.result });
    const simulatedNet = check.simulatedNetWei !== undefined ? { simulatedNetWei: check.simulatedNetWei } : {};
    let decided: Decision;
    if (check.keep) {
      decided = { decision: 'send', reason: `${step.reason}; the simulation agrees: ${check.reason}`, ...simulatedNet };
    } else {
      const cancelled = await this.context.parameters.dispatcher!.cancel(sent.uuid, `cancelled after its simulation: ${check.reason}`).catch(() => false);
      this.context.parameters.logger.warn({ uuid: sent.uuid, reason: check.reason, cancelled }, 'engine: a bundle sent before its simulation disagreed with it; cancelled');
      decided = { decision: 'send', reason: `${step.reason}; ${cancelled ? 'cancelled' : 'could not cancel (no longer live)'} after its simulation: ${check.reason}`, ...simulatedNet, ...(check.mismatch ? { mismatch: check.mismatch } : {}) };
      // A mismatch is signalled in conclude; a revert or a loss of a verified cycle is a signal to the breaker too.
      if (!check.mismatch) for (const hop of candidate.cycle.hops) this.context.parameters.risk?.onMismatch(hop.pool.address);
    }
    this.conclude(decided, { ...run, simulateMs: run.simulateMs + simulation.ms, simulation: simulation.result });
  }

  /** Pools verified or not by the simulation, a mismatch counted and signalled, the decision reported. */
  private conclude(step: Decision, run: ReportRun): void {
    const { candidate, simulation } = run;
    const agreed = simulation?.ok && simulation.victimsOk && simulation.gain === candidate.grossProfitWei - candidate.bribeWei;
    for (const hop of candidate.cycle.hops) {
      if (agreed) this.verifiedPools.add(hop.pool.address.toLowerCase());
      else if (step.mismatch || step.decision === 'send') this.verifiedPools.delete(hop.pool.address.toLowerCase());
    }
    if (step.mismatch) {
      this.context.stats.mismatches++;
      for (const hop of candidate.cycle.hops) this.context.parameters.risk?.onMismatch(hop.pool.address);
      this.context.parameters.logger.warn({ predicted: String(step.mismatch.predicted), simulated: String(step.mismatch.simulated) }, 'engine: prediction and simulation differ');
    }
    this.report(step, run);
  }

  /**
   * Simulates a candidate's bundle for `target` after our earlier sends for the block: the victims' transactions,
   * then ours (nonce after our earlier ones). Returns the result, the transactions simulated and the time it took.
   */
  private async simulator(victims: readonly PendingSwaps[], target: bigint, prior: PriorSends, earlierOfOurs = prior.trades.filter((trade) => trade.cycle).length): Promise<(sized: Candidate) => Promise<{ result: BundleSimulation; txs: BundleTx[]; ms: number }>> {
    const { chain } = this.context.parameters;
    const operator = this.context.parameters.signer?.address ?? chain.operator!;
    const victimTxs = await Promise.all(victims.map((pending) => this.victimTransaction(pending)));
    return async (sized) => {
      const plan = encodePlan(planFor(sized, target, this.context.engineConfig.policy), this.planContext());
      const txs = [...victimTxs, await this.ourTransaction(operator, chain.executor, plan, earlierOfOurs)];
      const started = performance.now();
      // A later timestamp than the head's, as the target block will have: pools that accrue oracles per block
      // (V2 price accumulators, V3 observations) then spend the same gas as they will on chain.
      const result = await this.context.simulator.simulate({ txs, prefix: prior.txs, executor: chain.executor, startToken: chain.weth, targetBlock: target, timestamp: this.head().timestamp + 1n });
      return { result, txs, ms: performance.now() - started };
    };
  }

  /** What plans are checked against: the chain's WETH and the configured V4 PoolManager (none: V4 hops refused). */
  private planContext(): PlanContext | undefined {
    return planContext(this.context.parameters.chain.weth, this.context.engineConfig.v4PoolManager);
  }

  /** The decision reported (`onCandidate`), counted, and its latencies recorded. */
  private report(decided: Decision, run: ReportRun): void {
    const { candidate, victim, bundle, simulation } = run;
    if (decided.decision === 'send') this.context.stats.sendDecisions++;
    else this.context.stats.rejects++;
    const latencyUs = {
      decode: victim ? us(victim.decodedMs - victim.firstSeenMs) : 0,
      search: us(run.searched - run.searchStarted),
      simulate: us(run.simulateMs),
      send: us(run.sendMs),
      total: us(performance.now() - run.firstSeenMs),
    };
    this.context.latency.decode.record(latencyUs.decode);
    this.context.latency.search.record(latencyUs.search);
    this.context.latency.simulate.record(latencyUs.simulate);
    if (bundle) this.context.latency.send.record(latencyUs.send);
    this.context.latency.total.record(latencyUs.total);
    // Capped (detached below our earlier bundles), it bids its capped share of the profit on the state it was sized
    // for, not the planned bribe: the bid recorded and learnt from is the one sent.
    const bribeWei = run.capShareBps !== undefined ? (candidate.grossProfitWei * BigInt(run.capShareBps)) / 10_000n : candidate.bribeWei;
    // What the bundle gives the builder apart from our payment, as it ranks bundles: the bidding policy reads from it
    // what an outbid bundle had to pay to win.
    const gasUsedByVictims = simulation?.victimsGasUsed;
    const builderValue =
      simulation && gasUsedByVictims && gasUsedByVictims.length === run.victims.length
        ? bundleValue({
            victims: run.victims.map((pending, i) => ({ maxFeePerGas: pending.tx.maxFeePerGas, ...(pending.tx.maxPriorityFeePerGas !== undefined ? { maxPriorityFeePerGas: pending.tx.maxPriorityFeePerGas } : {}), gasUsed: gasUsedByVictims[i]! })),
            ourGasUsed: simulation.gasUsed,
            ourPriorityFeeWei: this.context.engineConfig.policy.priorityFeeWei,
            baseFeeWei: this.head().nextBaseFeePerGas,
          })
        : undefined;
    this.context.parameters.onCandidate({
      block: run.target,
      victim: victim?.tx.hash ?? null,
      path: candidate.cycle.hops.map((hop) => hop.pool.address),
      amountIn: candidate.amountIn,
      grossProfitWei: candidate.grossProfitWei,
      gasCostWei: candidate.gasCostWei,
      bribeWei,
      netProfitWei: candidate.netProfitWei + candidate.bribeWei - bribeWei,
      simulatedNetProfitWei: decided.simulatedNetWei ?? null,
      simulatedGainWei: simulation?.gain ?? null,
      decision: decided.decision,
      reason: decided.reason,
      ...(bundle ? { bundle } : {}),
      ...(simulation ? { simulatedGas: simulation.gasUsed } : {}),
      ...(builderValue ? { bundleValue: builderValue } : {}),
      ...(candidate.flash ? { flash: true } : {}),
      bidShareBps: run.capShareBps ?? Number(candidate.builderShareBps ?? this.context.engineConfig.policy.builderShareBps),
      ...(candidate.optimalAmountIn !== undefined ? { optimalAmountIn: candidate.optimalAmountIn } : {}),
      firstSeenMs: run.firstSeenMs,
      latencyUs,
      ...(victim?.source ? { source: victim.source } : {}),
      ...(run.afterBlind && bundle ? { uncompared: 'its pools may be moved first by a MEV-Share transaction known only by its hint, or by a victim that may not run' } : run.mayNotRun !== undefined && bundle ? { uncompared: `held to the floor: its victim may not run in the block (${run.mayNotRun})` } : {}),
    });
  }

  /** Every token the cycle holds on the way gets a safety verdict before it is first traded. */
  private async firstUnsafeToken(candidate: Candidate) {
    for (const hop of candidate.cycle.hops) {
      const token = hop.tokenOut;
      if (token.toLowerCase() === this.context.parameters.chain.weth.toLowerCase()) continue;
      // A token with a verdict needs no market to probe through (most candidates: looked up, nothing built).
      const verdict = this.context.safety.verdict(token) ?? (await this.context.safety.check(token, probeMarket(this.wethPools(token), this.context.parameters.chain.weth), this.head().number));
      if (!verdict.safe) return verdict;
    }
    return undefined;
  }

  /**
   * The token's WETH pools as the market holds them now: the graph names the pair's few pools (no walk over the
   * market), their depth is the market's at the head, and a pool the market no longer holds is not among them.
   */
  private wethPools(token: Address): Pool[] {
    const pools: Pool[] = [];
    for (const named of this.context.graph.pools(token, this.context.parameters.chain.weth)) {
      const now = this.context.market.get(named.address);
      if (now) pools.push(now);
    }
    return pools;
  }

  /** Our sends for a target block (a new target starts empty). */
  prior(target: bigint): PriorSends {
    if (this.sent.target !== target) {
      this.sent = { target, trades: [], txs: [], victims: new Set(), hiddenPools: new Set(), sealedLanes: new Set() };
      this.topBids = new Map();
      this.routes = new Map();
      this.hidden = new Set();
    }
    return this.sent;
  }

  /** Our transaction as simulated: after `earlier` of our own transactions for the same block. */
  private async ourTransaction(operator: Address, executor: Address, plan: Hex, earlier: number): Promise<BundleTx> {
    if (this.operatorNonce?.head !== this.head().number) {
      this.operatorNonce = { head: this.head().number, value: await this.context.client.getTransactionCount({ address: operator, blockTag: 'latest' }) };
    }
    return executorBundleTx({
      operator,
      executor,
      plan,
      nonce: this.operatorNonce.value + earlier,
      priorityFeeWei: this.context.parameters.config.strategy.priorityFeeWei,
      nextBaseFeeWei: this.head().nextBaseFeePerGas,
      chainId: this.context.parameters.chain.chainId,
      // Only the fork backend runs signed bytes; eth_simulateV1 takes the call as is (no signing on the hot path).
      ...(this.context.parameters.signer && this.context.simulator.runsSignedTransactions ? { signer: this.context.parameters.signer } : {}),
    });
  }

  /** A victim as the simulator runs it; the fork backend mines signed bytes, so it gets them from the node. */
  private async victimTransaction(victim: PendingSwaps): Promise<BundleTx> {
    const raw = this.context.simulator.runsSignedTransactions ? ((await this.context.client.request({ method: 'eth_getRawTransactionByHash' as never, params: [victim.tx.hash] as never })) as Hex) : undefined;
    return pendingBundleTx(victim.tx, raw);
  }
}
