import type { Address, Hash, Hex } from 'viem';
import type { MissReason as SubmitterMiss, SendOutcome, SubmissionSink } from '../bundle/submitter.ts';
import type { BuilderMissKind } from '../bundle/builderVerdict.ts';
import type { CandidateReport } from './candidateReport.ts';
import type { Logger } from '../log.ts';
import type { RiskGate } from '../risk/gate.ts';
import { accountInclusion, type ReceiptReader, type RealisedExecution } from './accounting.ts';
import type { Metrics } from './metrics.ts';
import type { MissReason, SubmissionOutcome } from './records.ts';
import type { Store } from './store.ts';
import type { OrderFlowSource } from '../mempool/types.ts';
import { defaultRefundPercent, expectedRefundWei } from './refunds.ts';
import type { BidOutcome } from '../strategy/bidPolicy.ts';
import type { Pool } from '../state/types.ts';
import { hopRecord, type HopRecord } from './hops.ts';

export type LedgerParameters = {
  store: Store;
  metrics?: Metrics;
  /** Required: every outcome reaches the risk layer first (in memory), the store second. */
  risk: Pick<RiskGate, 'onBundleResolved' | 'onBundleUnresolved' | 'unresolvedBundles'>;
  client: ReceiptReader;
  executor: Address;
  startToken: Address;
  logger: Logger;
  /** Each landed bundle with its realised account, as it is recorded. */
  onLanded?: (bundle: LandedBundle) => void;
  /** The bidding policy in force (recorded with each bid; default fixed). */
  bidPolicy?: 'fixed' | 'adaptive';
  /** What came of each of our bids, for the bidding policy to learn from (the engine's learnBid). */
  onBidOutcome?: (outcome: Omit<BidOutcome, 'nowMs'>) => void;
  /**
   * The market's pool by address or V4 pool id (the engine's `pool`): each candidate's pools are recorded with their
   * protocol, venue, fee and tokens (monitor/hops.ts) when it reports none. Without it they are recorded by id alone.
   */
  poolOf?: (address: string) => Pool | undefined;
};

/**
 * What a bid is compared on when its outcome comes in: its pools, the share we bid, the opportunity's gross and gas,
 * and (simulated bundles) what the bundle gives the builder besides our payment, over its gas.
 */
export type BidBasis = { pools: readonly string[]; shareBps: number; grossWei: bigint; gasCostWei: bigint; bundleGasUsed?: bigint; bundleTipsWei?: bigint };

/**
 * One included bundle, as the demo and the dashboard report it: `source` is its candidate's order-flow source, and
 * `expectedRefundWei` what the relay's builder is expected to refund the user out of our payment (0 when none); the
 * ledger always sets both (optional only for bundles made elsewhere, e.g. in tests).
 */
/**
 * The bid a landed bundle won at, as the policy must learn it. A bundle whose realised state was not its simulated
 * one (held to the executor's floor, or placed by the builder among ours) paid a share of what it realised, which
 * can be well below the share it was recorded at (relaxedShareBps): it won at what it paid, as a share of its
 * realised profit after gas. Learning the recorded share would set the level that last won too high.
 */
export function wonBid(bid: BidBasis | undefined, uncompared: string | undefined, execution: Pick<RealisedExecution, 'gross' | 'gasPaid' | 'builderPayment'>): BidBasis | undefined {
  if (!bid || uncompared === undefined) return bid;
  const afterGas = execution.gross - execution.gasPaid;
  if (afterGas <= 0n) return bid;
  const paid = Number((execution.builderPayment * 10_000n) / afterGas);
  return paid < bid.shareBps ? { ...bid, shareBps: paid } : bid;
}

export type LandedBundle = { uuid: string; block: bigint; execution: RealisedExecution; simulatedNetWei: bigint | null; victim?: Hex; source?: OrderFlowSource; expectedRefundWei?: bigint; uncompared?: string };

/** Base fees of recent heads kept for the refund basis (older ones are read from the store). */
const baseFeesKept = 256;

const missReason: Record<SubmitterMiss, MissReason> = {
  outbid: 'outbid',
  'not included': 'not_included',
  cancelled: 'cancelled',
  superseded: 'cancelled',
  refused: 'not_included',
  risk: 'cancelled',
};

/**
 * The store's `reason` when a builder said why (not a guess): its kind in the store's older words, so a nonce
 * failure is no longer "outbid" nor a builder's outbid "not included". The full verdict goes beside it.
 */
const reportedReason: Record<BuilderMissKind, MissReason> = {
  outbid: 'outbid',
  reverted: 'reverted',
  nonce: 'not_included',
  late: 'expired',
  cancelled: 'cancelled',
  other: 'not_included',
};

function submissionOutcome(outcome: SendOutcome): SubmissionOutcome {
  if (outcome.ok) return 'accepted';
  if (outcome.error?.kind === 'timeout') return 'timeout';
  if (outcome.error?.kind === 'rpc') return 'refused';
  return 'error';
}

/**
 * Where the pipeline's facts go after the hot path: candidates, bundles, builder answers, inclusions with their
 * realised account from the receipt, misses with the builder's reason. Feeds the store (the record), the metrics
 * and the risk layer (spend, losses, failures). Writes happen after a bundle is sent, never before.
 *
 * The risk layer hears every outcome first and the store second: a store that fails (disk full, locked) is
 * logged and never hides a loss from the breakers. A landed bundle whose receipt cannot be read is reported
 * to the risk layer as unresolved (counted at its worst case) and read again on every head until it is.
 */
export class Ledger implements SubmissionSink {
  /** Bundles whose builder answers arrived before the engine reported the candidate (the send comes first). */
  private readonly early = new Map<string, Array<{ outcomes: SendOutcome[] }>>();
  /** Sent bundles: the block they were simulated for, and what the simulation found there. */
  private readonly known = new Map<
    string,
    { target: bigint; simulatedNetWei: bigint | null; simulatedGainWei: bigint | null; simulatedGas: bigint | null; source: OrderFlowSource; refundPercent: number; uncompared?: string; bid?: BidBasis }
  >();
  /** Sent bundles found uncomparable after they were sent, before the engine reported them: applied when it does. */
  private readonly uncomparedEarly = new Map<string, { reason: string; target: bigint }>();
  /** Base fees of recent heads: the part of our gas price that is a payment to the builder is above it. */
  private readonly baseFees = new Map<bigint, bigint>();
  private seen = new Map<bigint, number>();
  private accounting: Promise<unknown> = Promise.resolve();
  private readonly deferred: Array<() => void> = [];
  /** Landed bundles whose receipt could not be read yet, by uuid. */
  private readonly unresolved = new Map<string, Parameters<SubmissionSink['included']>[0]>();

  constructor(private readonly parameters: LedgerParameters) {
    // The per-source money from the store, so the gauges start where the last run left them.
    this.guarded('read the per-source totals', () => parameters.metrics?.setSourceTotals(parameters.store.sourceTotals()));
    // Landed bundles a previous run could not read (the risk state kept them at their worst case): read again
    // from the first head on, or they would count at their worst forever.
    for (const { id, txHash, block } of parameters.risk.unresolvedBundles()) {
      this.unresolved.set(id, { uuid: id, key: id, block: BigInt(block), ourHash: txHash as Hex });
    }
  }

  /** A pending swap seen (through `source`, public by default), counted toward the block it may land in (flushed with the next head). */
  countSeen(targetBlock: bigint, source: OrderFlowSource = 'public'): void {
    this.seen.set(targetBlock, (this.seen.get(targetBlock) ?? 0) + 1);
    this.parameters.metrics?.seen(1, source);
  }

  onHead(block: { number: bigint; hash: Hex; timestamp: bigint; baseFeePerGas: bigint }): void {
    const { store } = this.parameters;
    this.baseFees.set(block.number, block.baseFeePerGas);
    for (const [uuid, early] of this.uncomparedEarly) if (early.target + BigInt(baseFeesKept) < block.number) this.uncomparedEarly.delete(uuid);
    for (const number of this.baseFees.keys()) if (number + BigInt(baseFeesKept) < block.number) this.baseFees.delete(number);
    this.guarded(`record block ${block.number}`, () => {
      store.recordBlock({ number: block.number, hash: block.hash as Hash, timestamp: Number(block.timestamp), baseFeeWei: block.baseFeePerGas });
      for (const [target, count] of this.seen) store.countSeen(target, count);
      this.seen = new Map();
    });
    // Receipts that could not be read: try again, once per head.
    for (const event of this.unresolved.values()) this.queueAccount(event, true);
  }

  /** A store write that must not stop what follows it (the risk layer has already been told). */
  private guarded(what: string, write: () => void): void {
    try {
      write();
    } catch (error) {
      this.parameters.logger.error({ err: (error as Error).message }, `ledger: could not ${what}`);
    }
  }

  /**
   * A decided candidate. Recorded after the burst of work in progress (setImmediate): the engine's next
   * victim, already queued, is not kept waiting for the disk.
   */
  /**
   * A bundle already sent turns out to meet a state nobody can simulate (a transaction known only by its hint trades
   * its pools in the same block, and may run first): its realised net is no longer compared with its simulation.
   */
  markUncompared(uuid: string, target: bigint, reason: string): void {
    const known = this.known.get(uuid);
    if (known) {
      if (known.uncompared === undefined) known.uncompared = reason;
      return;
    }
    this.uncomparedEarly.set(uuid, { reason, target });
  }

  onCandidate(report: CandidateReport): void {
    // Now, not when recorded: the market may drop a pool before then.
    const hops = report.hops ?? this.hopsOf(report.path);
    this.deferred.push(() => this.recordCandidate(report, hops));
    if (this.deferred.length === 1) setImmediate(() => this.flushDeferred());
  }

  /** The path's pools as the market holds them, or null when it does not hold every one of them. */
  private hopsOf(path: readonly string[]): HopRecord[] | null {
    const poolOf = this.parameters.poolOf;
    if (!poolOf) return null;
    try {
      const hops: HopRecord[] = [];
      for (const address of path) {
        const pool = poolOf(address);
        if (!pool) return null;
        hops.push(hopRecord(pool));
      }
      return hops;
    } catch (error) {
      // Called on the trading path: a lookup that fails costs the record its detail, never the decision.
      this.parameters.logger.error({ err: (error as Error).message }, 'ledger: the pools of a candidate could not be described');
      return null;
    }
  }

  private flushDeferred(): void {
    const work = this.deferred.splice(0);
    for (const record of work) {
      try {
        record();
      } catch (error) {
        this.parameters.logger.error({ err: (error as Error).message }, 'ledger: record failed');
      }
    }
  }

  private recordCandidate(report: CandidateReport, hops: HopRecord[] | null): void {
    const { store, metrics, logger } = this.parameters;
    const source = report.source ?? 'public';
    let refundPercent = defaultRefundPercent[source];
    if (report.refundPercent !== undefined) {
      if (Number.isInteger(report.refundPercent) && report.refundPercent >= 0 && report.refundPercent <= 100) refundPercent = report.refundPercent;
      else logger.error({ refundPercent: report.refundPercent, source }, `ledger: a refund percent must be an integer 0..100; the ${source} default (${refundPercent}) is recorded instead`);
    }
    metrics?.candidate(1, source);
    metrics?.observeStage('search', report.latencyUs.search);
    if (report.latencyUs.simulate > 0) metrics?.observeStage('simulate', report.latencyUs.simulate);
    if (report.bundle) metrics?.observeStage('send', report.latencyUs.send);
    metrics?.observeStage('total', report.latencyUs.total);
    const opportunityId = store.recordOpportunity({
      block: report.block,
      victim: report.victim as Hash | null,
      path: report.path,
      hops,
      amountInWei: report.amountIn,
      grossWei: report.grossProfitWei,
      gasWei: report.gasCostWei,
      bribeWei: report.bribeWei,
      netWei: report.netProfitWei,
      decision: report.decision,
      reason: report.reason,
      firstSeenMs: report.victim ? Math.round(performance.timeOrigin + report.firstSeenMs) : null,
      latencyUs: report.latencyUs.total,
      source,
    });
    if (report.simulatedNetProfitWei !== null) {
      store.recordSimulation({ opportunityId, backend: 'engine', ok: true, netWei: report.simulatedNetProfitWei, gasUsed: report.simulatedGas ?? null });
    }
    if (!report.bundle) return;
    const uuid = report.bundle.uuid;
    store.recordBundle({
      id: uuid,
      opportunityId,
      targetBlock: report.block,
      ourTxHash: report.bundle.ourTxHash as Hash,
      txHashes: (report.victim ? [report.victim, report.bundle.ourTxHash] : [report.bundle.ourTxHash]) as Hash[],
      predictedNetWei: report.netProfitWei,
      simulatedNetWei: report.simulatedNetProfitWei,
    });
    metrics?.bundleSent(source);
    const bid = this.recordBid(uuid, report);
    const uncompared = report.uncompared ?? this.uncomparedEarly.get(uuid)?.reason;
    this.uncomparedEarly.delete(uuid);
    this.known.set(uuid, { target: report.block, simulatedNetWei: report.simulatedNetProfitWei, simulatedGainWei: report.simulatedGainWei, simulatedGas: report.simulatedGas ?? null, source, refundPercent, ...(uncompared ? { uncompared } : {}), ...(bid ? { bid } : {}) });
    for (const early of this.early.get(uuid) ?? []) this.writeSubmissions(uuid, early.outcomes);
    this.early.delete(uuid);
  }

  /**
   * The bid of a bundle just recorded: the share the policy picked and what it pays. A blind backrun pays its share of
   * what is realised on chain: its bid is the share of the best gross the search saw (an estimate; the receipt has
   * the payment).
   */
  private recordBid(uuid: string, report: CandidateReport): BidBasis | undefined {
    if (report.bidShareBps === undefined) return undefined;
    const afterGas = report.grossProfitWei - report.gasCostWei;
    const bidWei = report.bribeWei > 0n || afterGas <= 0n ? report.bribeWei : (afterGas * BigInt(report.bidShareBps)) / 10_000n;
    // Guarded: a bid that cannot be written must not keep the bundle's own bookkeeping (below in recordCandidate) from running.
    this.guarded(`record the bid of ${uuid}`, () =>
      this.parameters.store.recordBid({ bundleId: uuid, block: report.block, pools: report.path, policy: this.parameters.bidPolicy ?? 'fixed', shareBps: report.bidShareBps!, bidWei, grossWei: report.grossProfitWei, gasWei: report.gasCostWei }),
    );
    return {
      pools: report.path,
      shareBps: report.bidShareBps,
      grossWei: report.grossProfitWei,
      gasCostWei: report.gasCostWei,
      ...(report.bundleValue ? { bundleGasUsed: report.bundleValue.gasUsed, bundleTipsWei: report.bundleValue.tipsWei } : {}),
    };
  }

  /** Pools our landed bundles traded, per block (the last few blocks): an outbid there may be our own doing. */
  private readonly ourPools = new Map<bigint, Set<string>>();

  private noteOurPools(block: bigint, pools: readonly string[]): void {
    const set = this.ourPools.get(block) ?? new Set<string>();
    for (const pool of pools) set.add(pool.toLowerCase());
    this.ourPools.set(block, set);
    for (const old of this.ourPools.keys()) if (old + 16n < block) this.ourPools.delete(old);
  }

  private oursLandedOn(block: bigint, pools: readonly string[]): boolean {
    const set = this.ourPools.get(block);
    return set !== undefined && pools.some((pool) => set.has(pool.toLowerCase()));
  }

  /** A bid's outcome, to the policy first (in memory) and the store second. */
  private resolveBid(uuid: string, bid: BidBasis | undefined, outcome: Omit<BidOutcome, 'nowMs' | 'pools' | 'shareBps' | 'grossWei' | 'gasCostWei' | 'bundleGasUsed' | 'bundleTipsWei'>): void {
    if (!bid) return;
    try {
      this.parameters.onBidOutcome?.({ ...bid, ...outcome, route: this.known.get(uuid)?.source ?? 'public' });
    } catch (error) {
      this.parameters.logger.error({ err: (error as Error).message }, 'ledger: the bidding policy could not learn an outcome');
    }
    const { builder, missKind, winnerBidWei } = outcome;
    this.guarded(`record the outcome of bid ${uuid}`, () =>
      this.parameters.store.resolveBid({ bundleId: uuid, outcome: outcome.outcome, ...(builder ? { builder } : {}), ...(missKind ? { missKind } : {}), ...(winnerBidWei !== undefined ? { winningBidWei: winnerBidWei } : {}) }),
    );
  }

  private writeSubmissions(uuid: string, outcomes: SendOutcome[]): void {
    for (const outcome of outcomes) {
      const result = submissionOutcome(outcome);
      this.parameters.store.recordSubmission({
        bundleId: uuid,
        builder: outcome.builder,
        outcome: result,
        latencyMs: (outcome as { latencyMs?: number }).latencyMs ?? 0,
        error: outcome.error?.message ?? null,
        bundleHash: outcome.bundleHash ?? null,
      });
      this.parameters.metrics?.submission(outcome.builder, result);
    }
    if (this.known.get(uuid)?.bid) this.guarded(`record the builders of bid ${uuid}`, () => this.parameters.store.recordBidBuilders(uuid, outcomes.map((outcome) => outcome.builder)));
  }

  sent(event: Parameters<SubmissionSink['sent']>[0]): void {
    if (this.deferred.length > 0) this.flushDeferred(); // the bundle's own record first
    if (this.known.has(event.uuid)) this.guarded(`record the submissions of ${event.uuid}`, () => this.writeSubmissions(event.uuid, event.outcomes));
    else this.early.set(event.uuid, [...(this.early.get(event.uuid) ?? []), { outcomes: event.outcomes }]);
  }

  included(event: Parameters<SubmissionSink['included']>[0]): void {
    // At once, not after the receipt: a miss of that block (told in the background) may come before the receipt.
    const bid = this.known.get(event.uuid)?.bid;
    if (bid) this.noteOurPools(event.block, bid.pools);
    this.queueAccount(event, false);
  }

  /** Receipts are read off the hot path; the next head does not wait for them. */
  private queueAccount(event: Parameters<SubmissionSink['included']>[0], retry: boolean): void {
    this.accounting = this.accounting.then(() => this.account(event, retry)).catch((error: Error) => {
      this.parameters.logger.error({ err: error.message, bundle: event.uuid }, 'ledger: inclusion not accounted yet (counted at its worst case; read again on the next head)');
    });
  }

  private async account(event: Parameters<SubmissionSink['included']>[0], retry: boolean): Promise<void> {
    this.flushDeferred();
    const { store, metrics, risk, client, executor, startToken } = this.parameters;
    if (retry && this.unresolved.get(event.uuid) !== event) return; // resolved (or reported again) since it was queued
    let execution: RealisedExecution;
    try {
      execution = await accountInclusion(client, { txHash: event.ourHash as Hash, executor, startToken });
    } catch (error) {
      // It landed, so it cost something: until the receipt is read the risk layer counts it at its worst.
      if (!this.unresolved.has(event.uuid)) risk.onBundleUnresolved(event.uuid, undefined, { txHash: event.ourHash, block: String(event.block) });
      this.unresolved.set(event.uuid, event);
      throw error;
    }
    this.unresolved.delete(event.uuid);
    // The loss breaker first, in memory: nothing after this line can hide the outcome from it.
    risk.onBundleResolved({ id: event.uuid, included: true, netWei: execution.net, gasPaidWei: execution.gasPaid, failed: execution.status !== 'success' });
    const simulatedNetWei = this.simulatedNetIn(event.uuid, event.block, execution);
    const { source, refund } = this.refundOf(event.uuid, execution);
    const uncompared = this.known.get(event.uuid)?.uncompared;
    // It landed: the auction for its block space was ours, whatever the execution then did.
    this.resolveBid(event.uuid, wonBid(this.known.get(event.uuid)?.bid, uncompared, execution), { outcome: 'won' });
    this.known.delete(event.uuid);
    metrics?.included(source);
    if (simulatedNetWei !== null && simulatedNetWei !== execution.net) metrics?.mismatch();
    this.guarded(`record the inclusion of ${event.uuid}`, () => store.recordInclusion({ bundleId: event.uuid, execution, simulatedNetWei, expectedRefundWei: refund }));
    this.parameters.onLanded?.({ uuid: event.uuid, block: event.block, execution, simulatedNetWei, ...(event.victim ? { victim: event.victim } : {}), source, expectedRefundWei: refund, ...(uncompared ? { uncompared } : {}) });
    this.guarded('read the cumulative profit', () => {
      metrics?.setCumulativePnl(store.totals().netWei);
      metrics?.setSourceTotals(store.sourceTotals());
    });
  }

  /**
   * The landed bundle's source (its candidate's; from the store for a bundle of an earlier run) and the refund its
   * relay's builder is expected to pay out of our payment. The base fee that splits our gas price into burn and
   * payment is the head's (or the store's record of it); without it the refund counts the coinbase transfer alone
   * (a floor), and says so.
   */
  private refundOf(uuid: string, execution: RealisedExecution): { source: OrderFlowSource; refund: bigint } {
    const known = this.known.get(uuid);
    let source: OrderFlowSource = known?.source ?? 'public';
    if (!known) this.guarded(`read the source of ${uuid}`, () => (source = this.parameters.store.bundleSource(uuid) ?? 'public'));
    const percent = known?.refundPercent ?? defaultRefundPercent[source];
    if (percent === 0) return { source, refund: 0n };
    let baseFee = this.baseFees.get(execution.blockNumber);
    if (baseFee === undefined) this.guarded(`read the base fee of block ${execution.blockNumber}`, () => (baseFee = this.parameters.store.blockBaseFee(execution.blockNumber)));
    if (baseFee === undefined) this.parameters.logger.warn({ bundle: uuid, block: String(execution.blockNumber) }, 'ledger: base fee unknown; the expected refund counts the coinbase transfer only');
    return { source, refund: expectedRefundWei(execution, baseFee ?? execution.effectiveGasPrice, percent) };
  }

  /**
   * What the simulation predicted for the block the bundle landed in. In the block it was simulated for, the
   * full prediction (gain, gas and that block's price). A re-send lands later, at another base fee: there the
   * simulated gain and gas at the price the receipt paid, so a re-send that kept its gain and gas still compares
   * equal, and one that did not shows as a mismatch.
   */
  private simulatedNetIn(uuid: string, block: bigint, execution: RealisedExecution): bigint | null {
    const known = this.known.get(uuid);
    if (!known) return null;
    if (block === known.target) return known.simulatedNetWei;
    if (known.simulatedGainWei === null || known.simulatedGas === null) return null;
    return known.simulatedGainWei - known.simulatedGas * execution.effectiveGasPrice;
  }

  missed(event: Parameters<SubmissionSink['missed']>[0]): void {
    this.flushDeferred();
    const { store, metrics, risk } = this.parameters;
    const verdict = event.verdict;
    const reason = verdict?.builder !== undefined && !verdict.guessed ? reportedReason[verdict.kind] : missReason[event.reason];
    const source = this.known.get(event.uuid)?.source ?? 'public';
    risk.onBundleResolved({ id: event.uuid, included: false, netWei: 0n, gasPaidWei: 0n, failed: event.reason === 'refused' });
    // Refused by every builder inside the send: the engine reports it as a reject, with no bundle to attach to.
    if (this.known.has(event.uuid)) this.guarded(`record the miss of ${event.uuid}`, () => store.recordMiss({ bundleId: event.uuid, block: event.block, reason, detail: event.detail, ...(verdict ? { verdict } : {}) }));
    // Only a builder's own "outbid" is a lost auction; anything else (and any guess of ours) says nothing about the
    // price. Nor does one lost to a bundle of ours that landed in that block on the same pools: no rival's price.
    const lostToUs = this.oursLandedOn(event.block, this.known.get(event.uuid)?.bid?.pools ?? []);
    const outbid = verdict?.kind === 'outbid' && verdict.builder !== undefined && !verdict.guessed && !lostToUs;
    const builder = verdict?.builder;
    this.resolveBid(
      event.uuid,
      this.known.get(event.uuid)?.bid,
      outbid
        ? {
            outcome: 'outbid',
            builder: builder!,
            ...(verdict.winner?.bidWei !== undefined ? { winnerBidWei: verdict.winner.bidWei } : {}),
            ...(verdict.winner?.gasPriceWei !== undefined ? { winnerGasPriceWei: verdict.winner.gasPriceWei } : {}),
          }
        : {
            outcome: 'missed',
            ...(builder ? { builder } : {}),
            missKind: verdict && verdict.kind !== 'outbid' ? verdict.kind : 'other',
            // The victim landed without us and no builder said why (a relay's bundle): maybe a price, maybe not.
            ...(event.reason === 'outbid' && (verdict === undefined || verdict.guessed) && !lostToUs ? { lostUnexplained: true as const } : {}),
          },
    );
    this.known.delete(event.uuid);
    this.early.delete(event.uuid);
    metrics?.missed(reason, source);
  }

  /** Waits for the receipts being accounted and writes what is deferred (shutdown, end of a demo, each head). */
  async settled(): Promise<void> {
    this.flushDeferred();
    await this.accounting;
    this.flushDeferred();
  }
}
