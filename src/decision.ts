import type { Address, Hex, PublicClient } from 'viem';
import { encodePlan } from './bundle/plan.ts';
import type { LocalAccount } from 'viem/accounts';
import type { Dispatcher } from './bundle/dispatch.ts';
import type { ResolvedChain, RunConfig } from './config/runConfig.ts';
import type { Logger } from './log.ts';
import type { CandidateReport } from './monitor/candidateReport.ts';
import type { RiskGate } from './risk/gate.ts';
import type { Head, PendingSwaps } from './mempool/watcher.ts';
import type { LatencyHistogram } from './histogram.ts';
import type { BundleTx } from './bundle/bundleTx.ts';
import type { BundleSimulator } from './sim/bundle.ts';
import { executorBundleTx, pendingBundleTx } from './sim/bundleTxs.ts';
import type { Candidate, EngineConfig, PriorTrade } from './strategy/candidates.ts';
import { applyCosts, netAfterGasWei } from './strategy/costs.ts';
import type { PoolGraph } from './strategy/graph.ts';
import { planFor } from './bundle/toPlan.ts';
import type { TokenSafety } from './sim/tokenSafety.ts';
import { probeMarket } from './strategy/tokenVerdict.ts';

/** What we sent for one coming block, in nonce order: later opportunities for it are judged after these. */
export type PriorSends = { target: bigint; trades: PriorTrade[]; txs: BundleTx[]; victims: Set<string> };

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
};

export type DecisionContext = {
  parameters: DecisionParameters;
  engineConfig: EngineConfig;
  client: PublicClient;
  simulator: BundleSimulator;
  safety: TokenSafety;
  graph: PoolGraph;
  latency: Record<'decode' | 'search' | 'simulate' | 'send' | 'total' | 'seenToSent', LatencyHistogram>;
  stats: { candidates: number; sendDecisions: number; rejects: number; mismatches: number };
  /** The newest head (moves while a decision is in flight only between decisions: the engine serialises them). */
  head: () => Head;
};

const us = (ms: number) => Math.round(ms * 1000);

/**
 * One candidate, from search result to a decision: token safety, the bundle simulated after our earlier sends
 * for the block, the prediction checked to the wei, the risk gate, the send, and the report. The engine runs
 * decisions one at a time, so each sees the state the previous one left.
 */
export class CandidateDecider {
  private sent: PriorSends = { target: 0n, trades: [], txs: [], victims: new Set() };
  /** The operator's transaction count at the head (private bundles do not move it until they land). */
  private operatorNonce: { head: bigint; value: number } | undefined;

  constructor(private readonly context: DecisionContext) {}

  private head(): Head {
    return this.context.head();
  }

  /** Records the operator's count read at a head (the engine reads it once per head). */
  setOperatorNonce(head: bigint, value: number): void {
    if (this.head().number === head) this.operatorNonce = { head, value };
  }

  /** The operator's count at the newest head, if it has been read. */
  knownOperatorNonce(): number | undefined {
    return this.operatorNonce?.head === this.head().number ? this.operatorNonce.value : undefined;
  }

  async decide(found: Candidate | undefined, victim: PendingSwaps | undefined, firstSeenMs: number, searchStarted: number, leading: readonly PendingSwaps[] = []): Promise<void> {
    if (!found) return;
    // Re-priced below when the simulated gas is above the estimate (the report shows what was decided on).
    let candidate: Candidate = found;
    this.context.stats.candidates++;
    const { config, chain } = this.context.parameters;
    const searched = performance.now();
    const target = this.head().number + 1n;
    let simulatedNet: bigint | null = null;
    let simulatedGain: bigint | null = null;
    let decision: 'send' | 'reject' = 'reject';
    let reason: string;
    let simulateMs = 0;
    let simulatedGas: bigint | undefined;
    const emit = (decision: 'send' | 'reject', reason: string, bundle: CandidateReport['bundle'], sendMs: number) => {
      if (decision === 'send') this.context.stats.sendDecisions++;
      else this.context.stats.rejects++;
      const latencyUs = {
        decode: victim ? us(victim.decodedMs - victim.firstSeenMs) : 0,
        search: us(searched - searchStarted),
        simulate: us(simulateMs),
        send: us(sendMs),
        total: us(performance.now() - firstSeenMs),
      };
      this.context.latency.decode.record(latencyUs.decode);
      this.context.latency.search.record(latencyUs.search);
      this.context.latency.simulate.record(latencyUs.simulate);
      if (bundle) this.context.latency.send.record(latencyUs.send);
      // The latency that decides who wins a backrun: from the victim's first sighting to our bundle at the builders.
      if (bundle && victim) this.context.latency.seenToSent.record(latencyUs.total);
      this.context.latency.total.record(latencyUs.total);
      this.context.parameters.onCandidate({
        block: target,
        victim: victim?.tx.hash ?? null,
        path: candidate.cycle.hops.map((hop) => hop.pool.address),
        amountIn: candidate.amountIn,
        grossProfitWei: candidate.grossProfitWei,
        gasCostWei: candidate.gasCostWei,
        bribeWei: candidate.bribeWei,
        netProfitWei: candidate.netProfitWei,
        simulatedNetProfitWei: simulatedNet,
        simulatedGainWei: simulatedGain,
        decision,
        reason,
        ...(bundle ? { bundle } : {}),
        ...(simulatedGas !== undefined ? { simulatedGas } : {}),
        ...(candidate.flash ? { flash: true } : {}),
        ...(candidate.optimalAmountIn !== undefined ? { optimalAmountIn: candidate.optimalAmountIn } : {}),
        firstSeenMs,
        latencyUs,
      });
    };
    const minimum = config.strategy.minNetProfitWei;
    // What our gas costs in the target block: its base fee (exact, from the head) plus our tip.
    const gasPriceWei = this.head().nextBaseFeePerGas + config.strategy.priorityFeeWei;
    // Before simulation only what cannot pay even at the least gas it may burn is dropped; the simulated gas decides.
    const bestCaseNet = candidate.maxNetProfitWei ?? candidate.netProfitWei;
    const estimatedBelow = bestCaseNet < minimum;
    const unsafeToken = candidate.sizeRefusal || estimatedBelow ? undefined : await this.firstUnsafeToken(candidate);
    if (candidate.sizeRefusal) {
      reason = candidate.sizeRefusal;
    } else if (estimatedBelow) {
      reason = `net profit below the minimum: at most ${bestCaseNet} wei < ${minimum} wei before simulation${candidate.capNote ? ` (${candidate.capNote})` : ''}`;
    } else if (unsafeToken) {
      // "unsafe" is a verdict; "unknown" means the probe got no answer: skipped now, probed again after a backoff.
      reason = `token ${unsafeToken.token} is ${unsafeToken.verdict}: ${unsafeToken.reason}`;
    } else {
      const operator = this.context.parameters.signer?.address ?? this.context.parameters.chain.operator!;
      const prior = this.prior(target);
      const victims = victim ? [...leading, victim] : [];
      const victimTxs = await Promise.all(victims.map((pending) => this.victimTransaction(pending)));
      let txs: BundleTx[] = [];
      const simulate = async (sized: Candidate) => {
        const plan = encodePlan(planFor(sized, target, this.context.engineConfig.policy));
        // Our own earlier transactions for this block come first, nonce by nonce (leading victims are not ours).
        txs = [...victimTxs, await this.ourTransaction(operator, chain.executor, plan, prior.trades.filter((trade) => trade.cycle).length)];
        const simulateStarted = performance.now();
        // A later timestamp than the head's, as the target block will have: pools that accrue oracles per block
        // (V2 price accumulators, V3 observations) then spend the same gas as they will on chain.
        const result = await this.context.simulator.simulate({ txs, prefix: prior.txs, executor: chain.executor, startToken: chain.weth, targetBlock: target, timestamp: this.head().timestamp + 1n });
        simulateMs += performance.now() - simulateStarted;
        return result;
      };
      let simulation = await simulate(candidate);
      // The builder payment was a share of the profit after the estimated gas. When the transaction burns more,
      // the share is taken again from what the simulated gas leaves (a smaller payment), and the plan, whose
      // minimum profit and payment change with it, is simulated once more.
      if (simulation.ok && simulation.victimsOk && simulation.gain === candidate.grossProfitWei - candidate.bribeWei && simulation.gasUsed > candidate.gas) {
        const repriced = { ...candidate, ...applyCosts(candidate.grossProfitWei, simulation.gasUsed, this.head().nextBaseFeePerGas, this.context.engineConfig.policy) };
        if (repriced.bribeWei !== candidate.bribeWei) {
          candidate = repriced;
          simulation = await simulate(candidate);
        }
      }
      simulatedGas = simulation.gasUsed;
      simulatedGain = simulation.gain;
      const predicted = candidate.grossProfitWei - candidate.bribeWei;
      // The gain is the executor's start-token change, already net of the builder payment; the gas is what the
      // simulation used, at the price our transaction pays in the target block.
      const net = netAfterGasWei({ gainWei: simulation.gain, gasUsed: simulation.gasUsed, baseFeeWei: this.head().nextBaseFeePerGas, priorityFeeWei: config.strategy.priorityFeeWei });
      simulatedNet = net;
      if (!simulation.ok) reason = `simulation reverted: ${simulation.revertReason ?? 'unknown'}`;
      else if (!simulation.victimsOk) reason = 'the victim reverts in the simulation';
      else if (simulation.gain !== predicted) {
        this.context.stats.mismatches++;
        for (const hop of candidate.cycle.hops) this.context.parameters.risk?.onMismatch(hop.pool.address);
        reason = `simulation mismatch: predicted ${predicted}, simulated ${simulation.gain}`;
        this.context.parameters.logger.warn({ predicted: String(predicted), simulated: String(simulation.gain) }, 'engine: prediction and simulation differ');
      } else if (net < minimum) {
        reason = `net after simulated gas below the minimum: gain ${simulation.gain} wei (after the builder's ${candidate.bribeWei}) - ${simulation.gasUsed} gas x ${gasPriceWei} wei = ${net} wei < ${minimum} wei`;
      } else {
        decision = 'send';
        reason = `simulated gain equals the prediction; net after simulated gas ${net} wei`;
        const dispatcher = this.context.parameters.dispatcher;
        const checked = dispatcher?.check({ candidate, target, simulatedGas: simulation.gasUsed });
        if (checked && !checked.ok) {
          decision = 'reject';
          reason = checked.reason;
        } else if (dispatcher && checked?.ok) {
          const sendStarted = performance.now();
          const dispatched = await dispatcher.send({ candidate, ...(victim ? { victim } : {}), leading, target, simulated: { gainWei: simulation.gain, gasUsed: simulation.gasUsed } }, checked.proposal).catch((error: Error) => ({
            sent: false as const,
            reason: `send failed: ${error.message.split('\n')[0]}`,
            uuid: undefined,
            ourHash: undefined,
          }));
          const sendMs = performance.now() - sendStarted;
          if (!dispatched.sent) return emit('reject', dispatched.reason, undefined, sendMs);
          // The next opportunity for this block is judged after this one, and its nonce follows this one's.
          for (const earlier of leading) prior.trades.push({ swaps: earlier.swaps });
          prior.trades.push({ ...(victim ? { swaps: victim.swaps } : {}), cycle: candidate.cycle, amountIn: candidate.amountIn });
          prior.txs.push(...txs);
          for (const pending of victims) prior.victims.add(pending.tx.hash.toLowerCase());
          return emit('send', `${reason}; ${dispatched.reason}`, { uuid: dispatched.uuid!, ourTxHash: dispatched.ourHash! }, sendMs);
        }
      }
    }
    emit(decision, reason, undefined, 0);
  }

  /** Every token the cycle holds on the way gets a safety verdict before it is first traded. */
  private async firstUnsafeToken(candidate: Candidate) {
    for (const hop of candidate.cycle.hops) {
      const token = hop.tokenOut;
      if (token.toLowerCase() === this.context.parameters.chain.weth.toLowerCase()) continue;
      const market = probeMarket(this.context.graph.pools(token, this.context.parameters.chain.weth), this.context.parameters.chain.weth);
      const verdict = await this.context.safety.check(token, market, this.head().number);
      if (!verdict.safe) return verdict;
    }
    return undefined;
  }

  /** Our sends for a target block (a new target starts empty). */
  prior(target: bigint): PriorSends {
    if (this.sent.target !== target) this.sent = { target, trades: [], txs: [], victims: new Set() };
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
