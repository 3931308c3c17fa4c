import type { OrderFlowSource } from '../../mempool/types.ts';
import type { BlockSummary, BuilderStats, BundleView, SourceTotals, Store } from '../store.ts';
import { builderMissKinds } from '../../bundle/builderVerdict.ts';
import type { BuilderMisses } from '../missQueries.ts';
import type { BidBucket } from '../bidQueries.ts';
import type { BidRow, BreakerRow, BuilderRow, BundleRow, DashboardSnapshot, DashboardSource, HaltState, LatencyHistogramView, PoolRow, SourceRow } from './types.ts';
import type { PoolStats } from '../poolQueries.ts';
import { feeLabel, hopLabel, pairLabel, shortId } from '../poolLabels.ts';

/**
 * The dashboard's data from the real parts: the store (blocks, bundles, builders, opportunity latencies) and
 * the risk layer (halt latch, breakers). The mapping is pure (`toBlockRows`, `toBundleRow`, ...); the source
 * only reads and assembles, on every call, so the page always shows what is committed.
 */

/** The part of the store the dashboard reads. */
export type DashboardStore = Pick<Store, 'blockSummaries' | 'recentBundles' | 'builderStats' | 'recentOpportunities' | 'instances'> & {
  readonly instance: string;
  /** Per order-flow source (a Store has it; a store without it shows no per-source panel). */
  sourceTotals?: Store['sourceTotals'];
  /** Misses per builder as the builders reported them (a store without it shows none). */
  missesByBuilder?: Store['missesByBuilder'];
  /** Bid share vs outcome (a store without it shows no bids panel). */
  bidBuckets?: Store['bidBuckets'];
  /** Per pool (a store without it shows no pools panel). */
  poolStats?: Store['poolStats'];
};

/** What the dashboard needs of the risk layer; a `RiskGate` (src/risk/gate.ts) fits as it is. */
export type DashboardRisk = {
  status(): {
    halted: { reason: string; by: string; at: number } | null;
    breakers: ReadonlyArray<{ breaker: string; limit: string; scope?: string; state: 'ok' | 'tripped'; threshold?: string; current?: string; unit?: 'wei' | 'gas' | 'ms'; reason?: string; since?: number }>;
  };
};

export type StoreDashboardSourceParameters = {
  store: DashboardStore;
  /** Without it the page shows "running" and no breakers. */
  risk?: DashboardRisk;
  /** A histogram from elsewhere (e.g. the engine's stage timers); default: decode-to-decision latency of recent opportunities. */
  latency?: () => LatencyHistogramView;
  /** Unix ms. */
  now?: () => number;
  /** Newest blocks on the chart (default 300). */
  blocks?: number;
  /** Newest bundles in the table (default 50). */
  bundles?: number;
  /** Recent bundles whose submissions give each builder's p50 latency (default 500). */
  latencyBundles?: number;
  /** Recent opportunities in the default latency histogram (default 1000). */
  latencyOpportunities?: number;
  /** Recent opportunities the pools panel counts (default 2000). */
  poolOpportunities?: number;
};

/** 50 µs to 1 s, the bounds of the Prometheus stage histogram (src/monitor/metrics.ts), in µs. */
export const defaultLatencyBoundsUs: readonly number[] = [50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 25_000, 50_000, 100_000, 250_000, 500_000, 1_000_000];

export function toBlockRows(summaries: readonly BlockSummary[]): DashboardSnapshot['blocks'] {
  return summaries.map((b) => ({
    number: b.number,
    seen: b.seen,
    candidates: b.candidates,
    sent: b.sent,
    included: b.included,
    netWei: b.netWei.toString(),
    cumulativeNetWei: b.cumulativeNetWei.toString(),
  }));
}

/** The store's per-source totals as the page's rows, public first. */
export function toSourceRows(totals: Record<OrderFlowSource, SourceTotals>): SourceRow[] {
  return (['public', 'mevBlocker', 'mevShare'] as const).map((source) => ({
    source,
    opportunities: totals[source].opportunities,
    sent: totals[source].sent,
    landed: totals[source].landed,
    grossWei: totals[source].grossWei.toString(),
    expectedRefundsWei: totals[source].expectedRefundsWei.toString(),
    netWei: totals[source].netWei.toString(),
  }));
}

const missStatus = { outbid: 'outbid', not_included: 'not-included', expired: 'not-included', cancelled: 'cancelled', reverted: 'reverted' } as const;

/** The store's view of a bundle in the dashboard's words; a bundle no builder accepted is "refused". */
export function toBundleRow(view: BundleView): BundleRow {
  const builders = [...new Set(view.submissions.map((s) => s.builder))];
  const row: BundleRow = { id: view.id, targetBlock: view.targetBlock, status: 'pending', builders };
  if (view.path.length > 0) row.pools = view.path.map((pool, i) => ({ label: hopLabel(pool, view.hops?.[i] ?? protocolOfId(pool)), id: pool }));
  if (view.netWei !== null) row.netWei = view.netWei.toString();
  if (view.status === 'included') row.status = 'included';
  else if (view.status === 'reverted') {
    row.status = 'reverted';
    row.reason = 'reverted on chain';
  } else if (view.status === 'missed' && view.reason !== null) {
    row.status = missStatus[view.reason];
    row.reason = view.detail ? `${view.reason}: ${view.detail}` : view.reason;
  } else if (view.submissions.length > 0 && view.submissions.every((s) => s.outcome !== 'accepted')) {
    row.status = 'refused';
    row.reason = view.submissions.map((s) => `${s.builder}: ${s.outcome}${s.error ? ` (${s.error})` : ''}`).join('; ');
  }
  return row;
}

/** Nearest-rank median; undefined for no samples. */
export function median(samples: readonly number[]): number | undefined {
  if (samples.length === 0) return undefined;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.ceil(sorted.length / 2) - 1];
}

/** Per builder; p50 over the submissions of recent bundles, the all-time mean when it has none recently. */
export function toBuilderRows(stats: readonly BuilderStats[], recent: readonly BundleView[], misses?: readonly BuilderMisses[]): BuilderRow[] {
  const latencies = new Map<string, number[]>();
  for (const bundle of recent) {
    for (const s of bundle.submissions) {
      const list = latencies.get(s.builder) ?? [];
      list.push(s.latencyMs);
      latencies.set(s.builder, list);
    }
  }
  return stats.map((s) => ({
    name: s.builder,
    sent: s.sent,
    accepted: s.accepted,
    included: s.included,
    inclusionRate: s.inclusionRate,
    p50LatencyMs: Math.round(median(latencies.get(s.builder) ?? []) ?? s.meanLatencyMs ?? 0),
    ...(misses ? { misses: missesOf(misses.find((row) => row.builder === s.builder)) } : {}),
  }));
}

/** One builder's miss counts by kind (zeros when it reported none). */
function missesOf(row: BuilderMisses | undefined): NonNullable<BuilderRow['misses']> {
  return Object.fromEntries(builderMissKinds.map((kind) => [kind, row?.[kind] ?? 0])) as NonNullable<BuilderRow['misses']>;
}

export function toHaltState(status: ReturnType<DashboardRisk['status']> | undefined): HaltState {
  const latch = status?.halted;
  return latch ? { halted: true, reason: latch.reason, by: latch.by, sinceMs: latch.at } : { halted: false };
}

/** One row per breaker limit ("gas.perBlock", "integrity.priceJump 0xpool"); the halt latch is the breaker itself. */
export function toBreakerRows(status: ReturnType<DashboardRisk['status']> | undefined): BreakerRow[] {
  return (status?.breakers ?? []).map((b) => {
    const row: BreakerRow = { name: `${b.limit === 'latch' ? b.breaker : `${b.breaker}.${b.limit}`}${b.scope ? ` ${b.scope}` : ''}`, state: b.state };
    if (b.reason !== undefined) row.reason = b.reason;
    if (b.since !== undefined) row.sinceMs = b.since;
    if (b.current !== undefined) row.current = b.current;
    if (b.threshold !== undefined) row.threshold = b.threshold;
    if (b.unit !== undefined) row.unit = b.unit;
    return row;
  });
}

/**
 * Counts per bucket (sample <= bound, first bound that fits). Samples above the last bound get one more
 * bucket bounded by the largest of them, so every label is true and no sample is dropped.
 */
export function toLatencyHistogram(stage: string, samplesUs: readonly number[], boundsUs: readonly number[] = defaultLatencyBoundsUs): LatencyHistogramView {
  const bucketsUs = [...boundsUs];
  const counts = bucketsUs.map(() => 0);
  let overflow = 0;
  let overflowMax = 0;
  for (const sample of samplesUs) {
    const index = bucketsUs.findIndex((bound) => sample <= bound);
    if (index >= 0) counts[index]!++;
    else {
      overflow++;
      overflowMax = Math.max(overflowMax, sample);
    }
  }
  if (overflow > 0) {
    bucketsUs.push(Math.ceil(overflowMax));
    counts.push(overflow);
  }
  return { stage, bucketsUs, counts };
}

/** Share buckets as the panel shows them: the win rate over the resolved bids, amounts as decimal wei. */
export function toBidRows(buckets: readonly BidBucket[]): BidRow[] {
  return buckets.map(({ netWei, ...bucket }) => {
    const resolved = bucket.won + bucket.outbid + bucket.missed;
    return { ...bucket, winRate: resolved > 0 ? bucket.won / resolved : 0, netWei: netWei.toString() };
  });
}

/** A pool recorded by its id alone: only a V4 pool is named by 32 bytes. */
const protocolOfId = (pool: string) => (/^0x[0-9a-fA-F]{64}$/.test(pool) ? { protocol: 'v4' as const } : undefined);

/** The store's per-pool counts as the panel's rows, the `limit` busiest. */
export function toPoolRows(pools: readonly PoolStats[], limit = 50): PoolRow[] {
  return pools.slice(0, limit).map((p) => ({
    pool: p.pool,
    short: shortId(p.pool),
    protocol: p.protocol ?? '?',
    venue: p.venue ?? '',
    fee: feeLabel(p),
    pair: pairLabel(p),
    candidates: p.candidates,
    sent: p.sent,
    landed: p.landed,
    netWei: p.netWei.toString(),
  }));
}

export function storeDashboardSource(parameters: StoreDashboardSourceParameters): DashboardSource {
  const { store, risk } = parameters;
  const now = parameters.now ?? Date.now;
  const bundleRows = parameters.bundles ?? 50;
  return {
    snapshot(instance?: string | null): DashboardSnapshot {
      const view = instance === undefined ? store.instance : instance;
      const recent = store.recentBundles(Math.max(bundleRows, parameters.latencyBundles ?? 500), view);
      const status = risk?.status();
      const latency =
        parameters.latency?.() ??
        toLatencyHistogram('decode->decision', store.recentOpportunities(parameters.latencyOpportunities ?? 1000, view).map((o) => o.latencyUs));
      return {
        generatedAtMs: now(),
        halted: toHaltState(status),
        blocks: toBlockRows(store.blockSummaries({ last: parameters.blocks ?? 300, instance: view })),
        bundles: recent.slice(0, bundleRows).map(toBundleRow),
        builders: toBuilderRows(store.builderStats(view), recent, store.missesByBuilder?.(view)),
        breakers: toBreakerRows(status),
        latency,
        instance: view,
        instances: store.instances(),
        ...(store.sourceTotals ? { sources: toSourceRows(store.sourceTotals(view)) } : {}),
        ...(store.bidBuckets ? { bids: toBidRows(store.bidBuckets(view)) } : {}),
        ...(store.poolStats ? { pools: toPoolRows(store.poolStats(view, parameters.poolOpportunities ?? 2000).pools) } : {}),
      };
    },
  };
}
