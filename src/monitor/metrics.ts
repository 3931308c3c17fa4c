import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { MalformedInputs } from '../chain/malformedInputs.ts';
import { formatUnitsExact } from '../units/decimal.ts';
import type { MissReason, SubmissionOutcome } from './records.ts';
import type { OrderFlowSource } from '../mempool/types.ts';

const sources: readonly OrderFlowSource[] = ['public', 'mevBlocker', 'mevShare'];

/** One source's money, as setSourceTotals takes it (the store's SourceTotals has these fields). */
export type SourceMoney = { grossWei: bigint; expectedRefundsWei: bigint; netWei: bigint };

const eth = (wei: bigint) => Number(formatUnitsExact(wei, 18));

/** Pipeline stages with a latency histogram. */
export type Stage = 'decode' | 'search' | 'simulate' | 'sign' | 'send' | 'total';

/** 50 µs to 1 s: decode and search live at the bottom, simulation and builder round trips near the top. */
export const latencyBucketsSeconds: readonly number[] = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1];

export type MetricsOptions = {
  /** Unix ms clock (head age is now - head timestamp). */
  now?: () => number;
  /** Also export the process metrics (CPU, memory, event loop lag) into this registry. */
  processMetrics?: boolean;
  /** Metric name prefix (default "searcher_"). */
  prefix?: string;
};

/**
 * The searcher's Prometheus metrics, in a Registry of its own (not prom-client's global one), so a process,
 * or a test, can hold several. Money is exact in the store; here the cumulative PnL is a float in ETH, which
 * is what a dashboard plots.
 */
export class Metrics {
  readonly registry = new Registry();
  private readonly now: () => number;
  private headTimestampMs: number | undefined;
  private readonly malformedSources: MalformedInputs[] = [];

  // By order-flow source (public, MEV Blocker, MEV-Share); the names are those of before the label, so sum() reads
  // them as it did.
  private readonly swapsSeen: Counter<'source'>;
  private readonly candidates: Counter<'source'>;
  private readonly bundlesSent: Counter<'source'>;
  private readonly bundlesIncluded: Counter<'source'>;
  private readonly bundlesMissed: Counter<'reason' | 'source'>;
  private readonly sourceMoney: Record<keyof SourceMoney, Gauge<'source'>>;
  private readonly submissions: Counter<'builder' | 'outcome'>;
  private readonly mismatches: Counter;
  private readonly stageLatency: Histogram<'stage'>;
  private readonly pnlEth: Gauge;
  private readonly socketConnected: Gauge<'socket'>;
  private readonly headBlock: Gauge;

  constructor(options: MetricsOptions = {}) {
    this.now = options.now ?? Date.now;
    const p = options.prefix ?? 'searcher_';
    const registers = [this.registry];
    const counter = <L extends string>(name: string, help: string, labelNames: readonly L[] = []) =>
      new Counter<L>({ name: `${p}${name}`, help, labelNames, registers });
    const gauge = <L extends string>(name: string, help: string, labelNames: readonly L[] = []) =>
      new Gauge<L>({ name: `${p}${name}`, help, labelNames, registers });

    this.swapsSeen = counter('pending_swaps_seen_total', 'Pending transactions decoded as swaps, by order-flow source.', ['source']);
    this.candidates = counter('candidates_total', 'Opportunities evaluated (sized and costed), by order-flow source.', ['source']);
    this.bundlesSent = counter('bundles_sent_total', 'Bundles sent to builders, by order-flow source.', ['source']);
    this.bundlesIncluded = counter('bundles_included_total', 'Bundles whose executor transaction landed and succeeded, by order-flow source.', ['source']);
    this.bundlesMissed = counter('bundles_missed_total', 'Bundles that did not land, by reason and order-flow source.', ['reason', 'source']);
    // Every source from 0: a private source that never fires is a flat line, not a missing series.
    for (const source of sources) for (const series of [this.swapsSeen, this.candidates, this.bundlesSent, this.bundlesIncluded]) series.inc({ source }, 0);
    this.sourceMoney = {
      grossWei: gauge('source_gross_eth', 'Realised gross of landed bundles in ETH, by order-flow source (a float: exact wei are in the store).', ['source']),
      expectedRefundsWei: gauge('source_expected_refunds_eth', "Refunds the relays' builders are expected to pay users out of our payments, in ETH, by source.", ['source']),
      netWei: gauge('source_net_eth', 'Realised net of landed bundles in ETH, by order-flow source.', ['source']),
    };
    this.submissions = counter('builder_submissions_total', 'Bundle submissions to builders, by builder and outcome.', ['builder', 'outcome']);
    this.mismatches = counter('pnl_mismatches_total', 'Landed bundles whose realised net differs from the simulated net.');
    this.stageLatency = new Histogram<'stage'>({
      name: `${p}stage_latency_seconds`,
      help: 'Latency of each pipeline stage, seconds.',
      labelNames: ['stage'],
      buckets: [...latencyBucketsSeconds],
      registers,
    });
    this.pnlEth = gauge('cumulative_pnl_eth', 'Realised cumulative net profit in ETH (a float: exact wei are in the store).');
    this.socketConnected = gauge('socket_connected', '1 while the node subscription socket is connected, else 0.', ['socket']);
    // 0 from the start, not a missing series: a websocket that never connects is the blind mempool the alert
    // rules watch for (the engine reports only connects and drops, and a first connect may never come).
    this.socketConnected.set({ socket: 'node' }, 0);
    this.headBlock = gauge('head_block', 'Number of the newest block seen.');
    const self = this;
    new Gauge({
      name: `${p}head_age_seconds`,
      help: 'Seconds since the timestamp of the newest block seen (NaN before the first).',
      registers,
      collect() {
        this.set(self.headTimestampMs === undefined ? Number.NaN : (self.now() - self.headTimestampMs) / 1000);
      },
    });
    new Counter({
      name: `${p}malformed_input_total`,
      help: 'Garbage a peer sent (not JSON, ill-typed fields, oversized), by source and kind; each one was dropped.',
      labelNames: ['source', 'kind'],
      registers,
      collect() {
        this.reset();
        for (const inputs of self.malformedSources) for (const [kind, count] of inputs.totals()) this.inc({ source: inputs.source, kind }, count);
      },
    });
    if (options.processMetrics) collectDefaultMetrics({ register: this.registry, prefix: p });
  }

  /** Exports a MalformedInputs' counts (read at scrape time) as searcher_malformed_input_total{source,kind}. */
  countMalformed(inputs: MalformedInputs): void {
    this.malformedSources.push(inputs);
  }

  seen(count = 1, source: OrderFlowSource = 'public'): void {
    this.swapsSeen.inc({ source }, count);
  }

  candidate(count = 1, source: OrderFlowSource = 'public'): void {
    this.candidates.inc({ source }, count);
  }

  bundleSent(source: OrderFlowSource = 'public'): void {
    this.bundlesSent.inc({ source });
  }

  included(source: OrderFlowSource = 'public'): void {
    this.bundlesIncluded.inc({ source });
  }

  missed(reason: MissReason, source: OrderFlowSource = 'public'): void {
    this.bundlesMissed.inc({ reason, source });
  }

  /** Each source's realised money, exact wei in (the store's per-source totals), nearest double in ETH out. */
  setSourceTotals(totals: Record<OrderFlowSource, SourceMoney>): void {
    for (const source of sources) {
      for (const field of ['grossWei', 'expectedRefundsWei', 'netWei'] as const) this.sourceMoney[field].set({ source }, eth(totals[source][field]));
    }
  }

  submission(builder: string, outcome: SubmissionOutcome): void {
    this.submissions.inc({ builder, outcome });
  }

  mismatch(): void {
    this.mismatches.inc();
  }

  /** One stage's latency, in microseconds (what the engine measures). */
  observeStage(stage: Stage, microseconds: number): void {
    this.stageLatency.observe({ stage }, microseconds / 1e6);
  }

  /** The realised cumulative net, exact wei in, nearest double in ETH out. */
  setCumulativePnl(wei: bigint): void {
    this.pnlEth.set(eth(wei));
  }

  setSocketConnected(connected: boolean, socket = 'node'): void {
    this.socketConnected.set({ socket }, connected ? 1 : 0);
  }

  /** The newest head: its number and its timestamp (unix seconds). */
  setHead(number: bigint | number, timestampSeconds: bigint | number): void {
    this.headBlock.set(Number(number));
    this.headTimestampMs = Number(timestampSeconds) * 1000;
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** The Prometheus text exposition of every metric. */
  text(): Promise<string> {
    return this.registry.metrics();
  }
}
