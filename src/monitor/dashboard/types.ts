/**
 * The data contract between the bot and its dashboard page: one JSON snapshot, served whole at
 * /api/snapshot and pushed on /events. Amounts are decimal wei strings (bigint does not survive JSON);
 * the page converts to ETH for display only. Whoever owns the data (store, metrics, risk layer) plugs in
 * behind `DashboardSource`.
 */

export type BundleStatus = 'pending' | 'included' | 'outbid' | 'not-included' | 'reverted' | 'cancelled' | 'refused';

export const bundleStatuses: readonly BundleStatus[] = ['pending', 'included', 'outbid', 'not-included', 'reverted', 'cancelled', 'refused'];

export type HaltState = {
  halted: boolean;
  reason?: string;
  /** Who halted (e.g. "operator", a breaker name). */
  by?: string;
  /** Unix ms. */
  sinceMs?: number;
};

export type BlockSummary = {
  number: number;
  /** Pending swaps seen for this block. */
  seen: number;
  candidates: number;
  sent: number;
  included: number;
  /** Net profit in this block (wei, may be negative). */
  netWei: string;
  /** Running total up to and including this block (wei). */
  cumulativeNetWei: string;
};

export type BundleRow = {
  id: string;
  targetBlock: number;
  status: BundleStatus;
  reason?: string;
  netWei?: string;
  builders: string[];
  /** The pools its cycle traded, in order, short ("v4 0x1234ab…cdef"; absent when the store cannot say). */
  pools?: PoolLabel[];
};

/** A pool as the page names it: a short label, and the full address or V4 pool id (shown on hover). */
export type PoolLabel = { label: string; id: string };

/** One pool the recent candidates went through, named like the others whatever its protocol (a V4 pool by its pool id). */
export type PoolRow = {
  /** The full address or V4 pool id, and its short form. */
  pool: string;
  short: string;
  /** 'v2' | 'v3' | 'v4', or '?' for a pool recorded by its id alone. */
  protocol: string;
  /** The DEX (factory or PoolManager name in the config), '' when unknown. */
  venue: string;
  /** "0.3%", "0.05% ts 10", "0.3% ts 60 hooks 0x…", "dynamic ts 60 hooks 0x…"; '' when unknown. */
  fee: string;
  /** "ETH/USDC" (native ETH as ETH); '' when unknown. */
  pair: string;
  candidates: number;
  sent: number;
  landed: number;
  /** What its landed bundles netted (wei). */
  netWei: string;
};

export type BuilderRow = {
  name: string;
  sent: number;
  accepted: number;
  included: number;
  /** 0..1. */
  inclusionRate: number;
  p50LatencyMs: number;
  /** Its bundles' misses by kind, as this builder reported them (absent when the store cannot say). */
  misses?: Record<'outbid' | 'reverted' | 'nonce' | 'late' | 'cancelled' | 'other', number>;
};

export type BreakerRow = {
  name: string;
  state: 'ok' | 'tripped';
  reason?: string;
  /** Unix ms. */
  sinceMs?: number;
  /** The measured value and its limit, as the risk layer words them (display only). */
  current?: string;
  threshold?: string;
  /** `wei`: current and threshold are decimal wei (the page shows ETH or gwei, the exact wei on hover); `gas`: gas units; `ms`. */
  unit?: 'wei' | 'gas' | 'ms';
};

/** One order-flow source's account (public mempool, MEV Blocker, MEV-Share), from the store. Amounts in wei. */
export type SourceRow = {
  source: 'public' | 'mevBlocker' | 'mevShare';
  opportunities: number;
  sent: number;
  /** Landed and succeeded. */
  landed: number;
  grossWei: string;
  /** What the relays' builders are expected to refund users out of our payments. */
  expectedRefundsWei: string;
  netWei: string;
};

/** Bids whose share of the profit after gas fell in [fromBps, toBps), and what came of them (the "bids" panel). */
export type BidRow = {
  fromBps: number;
  toBps: number;
  bids: number;
  won: number;
  outbid: number;
  missed: number;
  pending: number;
  /** Won over resolved (won + outbid + missed), 0..1; 0 when none is resolved. */
  winRate: number;
  /** What the won ones realised, net (wei). */
  netWei: string;
};

export type LatencyHistogramView = {
  /** Pipeline stage the histogram measures (e.g. "pending->sent"). */
  stage: string;
  /** Upper bound of each bucket, microseconds, ascending; same length as `counts`. */
  bucketsUs: number[];
  counts: number[];
};

export type DashboardSnapshot = {
  /** Unix ms. */
  generatedAtMs: number;
  halted: HaltState;
  /** Ascending block number. */
  blocks: BlockSummary[];
  /** Most recent first. */
  bundles: BundleRow[];
  builders: BuilderRow[];
  breakers: BreakerRow[];
  latency: LatencyHistogramView;
  /** The instance the data is of (blocks, bundles, builders, latency), or null for every instance in the store. */
  instance?: string | null;
  /** The instances the store holds (a fleet sharing one store), for the page's selector. */
  instances?: string[];
  /** Per order-flow source, in the order public, MEV Blocker, MEV-Share (absent: the panel says so). */
  sources?: SourceRow[];
  /** Bid share vs win rate, in buckets of 10% (absent: the store cannot say). */
  bids?: BidRow[];
  /** The busiest pools of the recent candidates, V2, V3 and V4 alike (absent: the store cannot say). */
  pools?: PoolRow[];
};

/**
 * Where the dashboard reads its data; called on every request and push, so it should be cheap. `instance`:
 * undefined for the bot's own instance, null for all, or an instance's name; the halt and breakers are always
 * the running bot's own.
 */
export interface DashboardSource {
  snapshot(instance?: string | null): DashboardSnapshot;
}
