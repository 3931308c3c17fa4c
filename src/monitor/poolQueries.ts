import { parseHops, type HopRecord } from './hops.ts';
import type { SqlDatabase } from './sqlDatabase.ts';

/**
 * Per pool and per venue (protocol and DEX): how many candidates went through it, how many were sent, landed, and
 * what the landed ones netted. Read from the opportunities' paths and hops (migration 11), the bundles and their
 * inclusions; amounts summed here, in bigint, as the other reads do. A V4 pool is keyed by its pool id like a V2/V3
 * pool by its address.
 */

/** One instance by name, or null for all of them. */
type Filter = string | null;

type Counts = {
  /** Candidates (sent or rejected) whose cycle went through it. */
  candidates: number;
  /** Bundles sent. */
  sent: number;
  /** Bundles whose transaction landed and succeeded. */
  landed: number;
  /** What those landed bundles netted, whole (a cycle's net is counted for each of its pools, not split). */
  netWei: bigint;
};

/**
 * One pool: its identity as recorded with its newest candidate (`protocol` null when no candidate of it recorded
 * its hops: a row from before migration 11), and its counts.
 */
export type PoolStats = Counts & { pool: string; protocol: HopRecord['protocol'] | null } & Partial<Omit<HopRecord, 'pool' | 'protocol'>>;

/** One venue: a protocol and its DEX name (null when unknown); `pools` is how many distinct pools it counted. */
export type VenueStats = Counts & { protocol: HopRecord['protocol'] | null; venue: string | null; pools: number };

type Row = { path: string; hops: string | null; bundle: string | null; status: 'success' | 'reverted' | null; net_wei: string | null };

const zero = (): Counts => ({ candidates: 0, sent: 0, landed: 0, netWei: 0n });

function count(into: Counts, row: Row): void {
  into.candidates++;
  if (row.bundle !== null) into.sent++;
  if (row.status === 'success') {
    into.landed++;
    into.netWei += BigInt(row.net_wei!);
  }
}

/** Only a V4 pool is named by 32 bytes: an older row without hops still tells a V4 pool from the others. */
const protocolOfId = (pool: string): HopRecord['protocol'] | null => (/^0x[0-9a-fA-F]{64}$/.test(pool) ? 'v4' : null);

/** Pure: the per-pool and per-venue counts of rows given newest first (a pool keeps the identity of its newest row). */
export function summarizePools(rows: readonly Row[]): { pools: PoolStats[]; venues: VenueStats[] } {
  const pools = new Map<string, PoolStats>();
  const venues = new Map<string, { stats: VenueStats; pools: Set<string> }>();
  for (const row of rows) {
    const path = JSON.parse(row.path) as string[];
    const hops = parseHops(row.hops);
    const known = hops !== null && hops.length === path.length ? hops : null;
    const countedVenues = new Set<string>();
    for (const [index, id] of path.entries()) {
      const key = id.toLowerCase();
      const hop = known?.[index];
      let pool = pools.get(key);
      if (!pool) {
        const { pool: _, ...identity } = hop ?? { protocol: protocolOfId(id) };
        pools.set(key, (pool = { pool: hop?.pool ?? id, ...identity, ...zero() }));
      }
      if (pool.protocol === null && hop) Object.assign(pool, { ...hop, pool: pool.pool });
      // A pool twice in one cycle is one candidate through it.
      if (path.slice(0, index).some((earlier) => earlier.toLowerCase() === key)) continue;
      count(pool, row);
      const protocol = hop?.protocol ?? protocolOfId(id);
      const venueKey = `${protocol ?? ''}\n${hop?.venue ?? ''}`;
      let venue = venues.get(venueKey);
      if (!venue) venues.set(venueKey, (venue = { stats: { protocol, venue: hop?.venue ?? null, pools: 0, ...zero() }, pools: new Set() }));
      venue.pools.add(key);
      if (!countedVenues.has(venueKey)) {
        countedVenues.add(venueKey);
        count(venue.stats, row);
      }
    }
  }
  const byActivity = <T extends Counts>(a: T, b: T) => b.candidates - a.candidates || b.sent - a.sent || (b.netWei > a.netWei ? 1 : b.netWei < a.netWei ? -1 : 0);
  return {
    pools: [...pools.values()].sort((a, b) => byActivity(a, b) || a.pool.localeCompare(b.pool)),
    venues: [...venues.values()]
      .map(({ stats, pools: ids }) => ({ ...stats, pools: ids.size }))
      .sort((a, b) => byActivity(a, b) || `${a.protocol}${a.venue}`.localeCompare(`${b.protocol}${b.venue}`)),
  };
}

/** The newest `limit` candidates' pools and venues (one instance, or every instance with a null filter). */
export function queryPoolStats(db: SqlDatabase, filter: Filter, limit = 10_000): { pools: PoolStats[]; venues: VenueStats[] } {
  const only = filter === null ? { sql: '1 = 1', params: [] as unknown[] } : { sql: 'o.instance = ?', params: [filter] as unknown[] };
  const rows = db
    .prepare(
      `SELECT o.path AS path, o.hops AS hops, b.id AS bundle, i.status AS status, i.net_wei AS net_wei FROM opportunities o
       LEFT JOIN bundles b ON b.instance = o.instance AND b.opportunity_id = o.id
       LEFT JOIN inclusions i ON i.instance = b.instance AND i.bundle_id = b.id
       WHERE ${only.sql} ORDER BY o.id DESC LIMIT ?`,
    )
    .all(...only.params, limit) as Row[];
  return summarizePools(rows);
}
