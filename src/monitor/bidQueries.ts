import type { Address } from 'viem';
import type { BuilderMissKind } from '../bundle/builderVerdict.ts';
import type { OrderFlowSource } from '../mempool/types.ts';
import type { SqlDatabase } from './sqlDatabase.ts';

/**
 * Every bid we made and what came of it (migration 9): written when the bundle is recorded, resolved when it lands
 * or misses; read back for `searcher report`, the dashboard's "bids" panel (share vs win rate) and the bidding
 * policy's memory at start.
 */

/** One instance by name, or null for all of them. */
type Filter = string | null;

export type BidOutcomeName = 'pending' | 'won' | 'outbid' | 'missed';

export type BidRecord = {
  bundleId: string;
  block: bigint | number;
  pools: readonly Address[] | readonly string[];
  policy: 'fixed' | 'adaptive';
  shareBps: number;
  bidWei: bigint;
  grossWei: bigint;
  gasWei: bigint;
};

export type BidResolution = { bundleId: string; outcome: Exclude<BidOutcomeName, 'pending'>; builder?: string; missKind?: BuilderMissKind; winningBidWei?: bigint };

export type BidView = {
  bundleId: string;
  block: number;
  pools: string[];
  builders: string[];
  policy: 'fixed' | 'adaptive';
  shareBps: number;
  bidWei: bigint;
  grossWei: bigint;
  gasWei: bigint;
  outcome: BidOutcomeName;
  outcomeBuilder: string | null;
  missKind: BuilderMissKind | null;
  winningBidWei: bigint | null;
};

/** A resolved bid with when it was resolved (unix ms): what the policy learns from again at start. */
/** A resolved bid as the policy learns it again: with when, and the route its victim came through (its auction). */
export type ResolvedBid = BidView & { at: number; route: OrderFlowSource };

/** Bids whose share fell in [fromBps, toBps): how many, what came of them, and what the won ones netted (receipts). */
export type BidBucket = { fromBps: number; toBps: number; bids: number; won: number; outbid: number; missed: number; pending: number; netWei: bigint };

type BidRow = {
  bundle_id: string; block: number; pools: string; builders: string | null; policy: 'fixed' | 'adaptive'; share_bps: number; bid_wei: string; gross_wei: string; gas_wei: string;
  outcome: BidOutcomeName; outcome_builder: string | null; miss_kind: BuilderMissKind | null; winning_bid_wei: string | null; resolved_at: number | null;
};

const where = (filter: Filter, column = 'instance'): { sql: string; params: unknown[] } => (filter === null ? { sql: '1 = 1', params: [] } : { sql: `${column} = ?`, params: [filter] });
const columns = 'bundle_id, block, pools, builders, policy, share_bps, bid_wei, gross_wei, gas_wei, outcome, outcome_builder, miss_kind, winning_bid_wei, resolved_at';
const list = (value: string | null) => (value ? value.split(',').filter((item) => item.length > 0) : []);

function viewOf(row: BidRow): BidView {
  return {
    bundleId: row.bundle_id,
    block: Number(row.block),
    pools: list(row.pools),
    builders: list(row.builders),
    policy: row.policy,
    shareBps: Number(row.share_bps),
    bidWei: BigInt(row.bid_wei),
    grossWei: BigInt(row.gross_wei),
    gasWei: BigInt(row.gas_wei),
    outcome: row.outcome,
    outcomeBuilder: row.outcome_builder,
    missKind: row.miss_kind,
    winningBidWei: row.winning_bid_wei === null ? null : BigInt(row.winning_bid_wei),
  };
}

export function writeBid(db: SqlDatabase, instance: string, bid: BidRecord, at: number): void {
  db.prepare(
    `INSERT INTO bids (instance, bundle_id, block, pools, policy, share_bps, bid_wei, gross_wei, gas_wei, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (instance, bundle_id) DO NOTHING`,
  ).run(instance, bid.bundleId, Number(bid.block), bid.pools.map((pool) => pool.toLowerCase()).join(','), bid.policy, bid.shareBps, bid.bidWei.toString(), bid.grossWei.toString(), bid.gasWei.toString(), at);
}

/** The builders a bid went to (names, added to those already recorded). */
export function writeBidBuilders(db: SqlDatabase, instance: string, bundleId: string, builders: readonly string[]): void {
  const row = db.prepare('SELECT builders FROM bids WHERE instance = ? AND bundle_id = ?').get(instance, bundleId) as { builders: string | null } | undefined;
  if (!row) return;
  const names = [...new Set([...list(row.builders), ...builders.map((name) => name.replace(/,/g, ' '))])];
  db.prepare('UPDATE bids SET builders = ? WHERE instance = ? AND bundle_id = ?').run(names.join(','), instance, bundleId);
}

/** What came of a bid (a later outcome replaces an earlier one: a reorg can turn a win into a miss). */
export function writeBidOutcome(db: SqlDatabase, instance: string, resolution: BidResolution, at: number): void {
  db.prepare('UPDATE bids SET outcome = ?, outcome_builder = ?, miss_kind = ?, winning_bid_wei = ?, resolved_at = ? WHERE instance = ? AND bundle_id = ?').run(
    resolution.outcome,
    resolution.builder ?? null,
    resolution.outcome === 'missed' ? (resolution.missKind ?? 'other') : null,
    resolution.winningBidWei === undefined ? null : resolution.winningBidWei.toString(),
    at,
    instance,
    resolution.bundleId,
  );
}

/** The newest bids first. */
export function queryRecentBids(db: SqlDatabase, filter: Filter, limit: number): BidView[] {
  const only = where(filter);
  const rows = db.prepare(`SELECT ${columns} FROM bids WHERE ${only.sql} ORDER BY at DESC, block DESC, bundle_id DESC LIMIT ?`).all(...only.params, limit) as BidRow[];
  return rows.map(viewOf);
}

/** The newest `limit` resolved bids of one instance, oldest first (the order the policy learned them in). */
export function queryResolvedBids(db: SqlDatabase, instance: string, limit: number): ResolvedBid[] {
  const prefixed = columns.split(', ').map((column) => `b.${column}`).join(', ');
  const rows = db
    .prepare(
      `SELECT ${prefixed}, coalesce(o.source, 'public') AS source FROM bids b
       LEFT JOIN bundles u ON u.instance = b.instance AND u.id = b.bundle_id
       LEFT JOIN opportunities o ON o.instance = u.instance AND o.id = u.opportunity_id
       WHERE b.instance = ? AND b.outcome <> 'pending' ORDER BY b.resolved_at DESC, b.block DESC, b.bundle_id DESC LIMIT ?`,
    )
    .all(instance, limit) as Array<BidRow & { source: OrderFlowSource }>;
  return rows.reverse().map((row) => ({ ...viewOf(row), at: Number(row.resolved_at), route: row.source }));
}

/**
 * Share vs win rate: the newest `limit` bids in buckets of `widthBps` (a 100% bid counts in the top bucket), with the
 * net the won ones realised (their receipts' net_wei, summed exactly here, not in SQL).
 */
export function queryBidBuckets(db: SqlDatabase, filter: Filter, widthBps = 1000, limit = 10_000): BidBucket[] {
  const only = where(filter, 'b.instance');
  const rows = db
    .prepare(
      `SELECT b.share_bps AS share_bps, b.outcome AS outcome, i.net_wei AS net_wei FROM bids b
       LEFT JOIN inclusions i ON i.instance = b.instance AND i.bundle_id = b.bundle_id
       WHERE ${only.sql} ORDER BY b.at DESC LIMIT ?`,
    )
    .all(...only.params, limit) as Array<{ share_bps: number; outcome: BidOutcomeName; net_wei: string | null }>;
  const buckets = new Map<number, BidBucket>();
  const top = Math.ceil(10_000 / widthBps) - 1;
  for (const row of rows) {
    const index = Math.min(top, Math.floor(Number(row.share_bps) / widthBps));
    let bucket = buckets.get(index);
    if (!bucket) buckets.set(index, (bucket = { fromBps: index * widthBps, toBps: Math.min(10_000, (index + 1) * widthBps), bids: 0, won: 0, outbid: 0, missed: 0, pending: 0, netWei: 0n }));
    bucket.bids++;
    bucket[row.outcome]++;
    if (row.outcome === 'won' && row.net_wei !== null) bucket.netWei += BigInt(row.net_wei);
  }
  return [...buckets.values()].sort((a, b) => a.fromBps - b.fromBps);
}
