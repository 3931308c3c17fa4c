import type { SqlDatabase } from './sqlDatabase.ts';
import type { Address, Hash } from 'viem';
import type { MissReason, TokenVerdictRecord } from './records.ts';
import { parseHops } from './hops.ts';
import type { BlockSummary, BuilderStats, BundleView, Mismatch, OpportunityView, Totals } from './storeViews.ts';

export type { BlockSummary, BuilderStats, BundleStatus, BundleView, Mismatch, OpportunityView, Totals } from './storeViews.ts';

/**
 * Read side of the store, for `searcher report` and the dashboard. SQLite cannot add 256-bit integers (its
 * INTEGER is 64-bit and SUM of TEXT goes through REAL), so amounts are summed here, in bigint. Each read covers
 * one instance or, with a null filter, every instance (a fleet's totals); the SQL is the portable subset.
 */

/** One instance by name, or null for all of them. */
type Filter = string | null;

/** `alias.instance = ?` for one instance, an always-true condition for all; with its parameters. */
function where(filter: Filter, alias = ''): { sql: string; params: unknown[] } {
  return filter === null ? { sql: '1 = 1', params: [] } : { sql: `${alias}instance = ?`, params: [filter] };
}

/** The instances that wrote anything to the store, by name. */
export function queryInstances(db: SqlDatabase): string[] {
  const rows = db
    .prepare('SELECT instance FROM blocks UNION SELECT instance FROM bot_heartbeats UNION SELECT instance FROM risk_state UNION SELECT instance FROM bundles ORDER BY instance')
    .all() as Array<{ instance: string }>;
  return rows.map((row) => row.instance);
}

const big = (value: string): bigint => BigInt(value);
const bigOrNull = (value: string | null): bigint | null => (value === null ? null : BigInt(value));

type BlockRow = { number: number; hash: Hash | null; timestamp: number | null; base_fee_wei: string | null; seen: number; candidates: number; bundles_sent: number; included: number };
type LandedRow = { block: number; gross_wei: string; gas_paid_wei: string; builder_payment_wei: string; net_wei: string; simulated_net_wei: string | null };

/** Rows of one block number from several instances, as one row: counters added, header from the first that has it. */
function mergeBlocks(blocks: readonly BlockRow[]): BlockRow[] {
  const merged = new Map<number, BlockRow>();
  for (const row of blocks) {
    const seen = merged.get(row.number);
    if (!seen) merged.set(row.number, { ...row });
    else {
      seen.hash ??= row.hash;
      seen.timestamp ??= row.timestamp;
      seen.base_fee_wei ??= row.base_fee_wei;
      seen.seen += row.seen;
      seen.candidates += row.candidates;
      seen.bundles_sent += row.bundles_sent;
      seen.included += row.included;
    }
  }
  return [...merged.values()];
}

/**
 * Pure core: per-block counters plus the realised amounts of what landed in each block, with a running net.
 * Several instances' rows for one block number (a fleet on one chain) add up into one block.
 */
export function summarizeBlocks(blocks: readonly BlockRow[], landed: readonly LandedRow[]): BlockSummary[] {
  const amounts = new Map<number, { gross: bigint; gas: bigint; bribe: bigint; net: bigint; simulated: bigint }>();
  for (const row of landed) {
    const sum = amounts.get(row.block) ?? { gross: 0n, gas: 0n, bribe: 0n, net: 0n, simulated: 0n };
    sum.gross += big(row.gross_wei);
    sum.gas += big(row.gas_paid_wei);
    sum.bribe += big(row.builder_payment_wei);
    sum.net += big(row.net_wei);
    sum.simulated += row.simulated_net_wei === null ? 0n : big(row.simulated_net_wei);
    amounts.set(row.block, sum);
  }
  let cumulative = 0n;
  return mergeBlocks(blocks)
    .sort((a, b) => a.number - b.number)
    .map((row) => {
      const sum = amounts.get(row.number);
      cumulative += sum?.net ?? 0n;
      return {
        number: row.number,
        hash: row.hash,
        timestamp: row.timestamp,
        baseFeeWei: bigOrNull(row.base_fee_wei),
        seen: row.seen,
        candidates: row.candidates,
        sent: row.bundles_sent,
        included: row.included,
        grossWei: sum?.gross ?? 0n,
        gasWei: sum?.gas ?? 0n,
        bribeWei: sum?.bribe ?? 0n,
        netWei: sum?.net ?? 0n,
        simulatedNetWei: sum?.simulated ?? 0n,
        cumulativeNetWei: cumulative,
      };
    });
}

const landedColumns = 'block, gross_wei, gas_paid_wei, builder_payment_wei, net_wei, simulated_net_wei';

export function queryBlockSummaries(db: SqlDatabase, filter: Filter, options: { last?: number } = {}): BlockSummary[] {
  const only = where(filter);
  const read = db.transaction(() => ({
    blocks: db.prepare(`SELECT number, hash, timestamp, base_fee_wei, seen, candidates, bundles_sent, included FROM blocks WHERE ${only.sql}`).all(...only.params) as BlockRow[],
    landed: db.prepare(`SELECT ${landedColumns} FROM inclusions WHERE ${only.sql}`).all(...only.params) as LandedRow[],
  }));
  const { blocks, landed } = read();
  const all = summarizeBlocks(blocks, landed);
  return options.last === undefined ? all : all.slice(Math.max(0, all.length - options.last));
}

export function queryTotals(db: SqlDatabase, filter: Filter): Totals {
  const only = where(filter);
  const read = db.transaction(() => {
    // CAST: PostgreSQL sums BIGINT into NUMERIC (read back as text); these counters are plain numbers.
    const counts = db
      .prepare(
        `SELECT count(DISTINCT number) AS blocks, CAST(coalesce(sum(seen), 0) AS BIGINT) AS seen, CAST(coalesce(sum(candidates), 0) AS BIGINT) AS candidates,
           CAST(coalesce(sum(bundles_sent), 0) AS BIGINT) AS sent, CAST(coalesce(sum(included), 0) AS BIGINT) AS included FROM blocks WHERE ${only.sql}`,
      )
      .get(...only.params) as { blocks: number; seen: number; candidates: number; sent: number; included: number };
    const reverted = (db.prepare(`SELECT count(*) AS n FROM inclusions WHERE status = 'reverted' AND ${only.sql}`).get(...only.params) as { n: number }).n;
    const missed = (db.prepare(`SELECT count(*) AS n FROM misses WHERE ${only.sql}`).get(...only.params) as { n: number }).n;
    const mismatches = (db.prepare(`SELECT count(*) AS n FROM inclusions WHERE mismatch = 1 AND ${only.sql}`).get(...only.params) as { n: number }).n;
    const landed = db.prepare(`SELECT ${landedColumns} FROM inclusions WHERE ${only.sql}`).all(...only.params) as LandedRow[];
    return { counts, reverted, missed, mismatches, landed };
  });
  const { counts, reverted, missed, mismatches, landed } = read();
  const totals: Totals = { ...counts, reverted, missed, mismatches, grossWei: 0n, gasWei: 0n, bribeWei: 0n, netWei: 0n, simulatedNetWei: 0n };
  for (const row of landed) {
    totals.grossWei += big(row.gross_wei);
    totals.gasWei += big(row.gas_paid_wei);
    totals.bribeWei += big(row.builder_payment_wei);
    totals.netWei += big(row.net_wei);
    totals.simulatedNetWei += row.simulated_net_wei === null ? 0n : big(row.simulated_net_wei);
  }
  return totals;
}

const countOf = (outcome: string) => `CAST(sum(CASE WHEN s.outcome = '${outcome}' THEN 1 ELSE 0 END) AS BIGINT)`;

export function queryBuilderStats(db: SqlDatabase, filter: Filter): BuilderStats[] {
  const only = where(filter, 's.');
  const inner = where(filter, 't.');
  // Bundles are counted per (instance, id): two instances may use one id. Quoted aliases keep their case in PostgreSQL.
  const rows = db
    .prepare(
      `SELECT s.builder AS builder, count(DISTINCT s.instance || ' ' || s.bundle_id) AS sent, count(*) AS submissions,
         ${countOf('accepted')} AS accepted, ${countOf('refused')} AS refused,
         ${countOf('timeout')} AS timeout, ${countOf('error')} AS error, avg(s.latency_ms) AS "meanLatencyMs",
         (SELECT count(DISTINCT i.instance || ' ' || i.bundle_id) FROM inclusions i JOIN submissions t ON t.instance = i.instance AND t.bundle_id = i.bundle_id
           WHERE t.builder = s.builder AND i.status = 'success' AND ${inner.sql}
             AND (i.builder = t.builder OR (i.builder IS NULL AND t.outcome = 'accepted'))) AS included
       FROM submissions s WHERE ${only.sql} GROUP BY s.builder ORDER BY s.builder`,
    )
    .all(...inner.params, ...only.params) as Array<Omit<BuilderStats, 'inclusionRate'>>;
  return rows.map((row) => ({ ...row, inclusionRate: row.sent === 0 ? 0 : row.included / row.sent }));
}

type BundleRow = {
  instance: string; id: string; opportunity_id: number | null; target_block: number; our_tx: Hash; txs: string; predicted_net_wei: string;
  simulated_net_wei: string | null; sent_at: number; landed_status: 'success' | 'reverted' | null; landed_net: string | null;
  landed_block: number | null; miss_reason: MissReason | null; miss_detail: string | null; path: string | null; hops: string | null;
};

export function queryRecentBundles(db: SqlDatabase, filter: Filter, limit: number): BundleView[] {
  const only = where(filter, 'b.');
  const read = db.transaction(() => {
    // Ties on sent_at: the newer opportunity first (bundles have no row order PostgreSQL keeps).
    const rows = db
      .prepare(
        `SELECT b.instance, b.id, b.opportunity_id, b.target_block, b.our_tx, b.txs, b.predicted_net_wei, b.simulated_net_wei, b.sent_at,
           i.status AS landed_status, i.net_wei AS landed_net, i.block AS landed_block, m.reason AS miss_reason, m.detail AS miss_detail, o.path AS path, o.hops AS hops
         FROM bundles b LEFT JOIN inclusions i ON i.instance = b.instance AND i.bundle_id = b.id LEFT JOIN misses m ON m.instance = b.instance AND m.bundle_id = b.id
           LEFT JOIN opportunities o ON o.instance = b.instance AND o.id = b.opportunity_id
         WHERE ${only.sql} ORDER BY b.sent_at DESC, b.opportunity_id DESC, b.id DESC LIMIT ?`,
      )
      .all(...only.params, limit) as BundleRow[];
    const submissions = db.prepare(
      'SELECT builder, outcome, latency_ms AS "latencyMs", error, bundle_hash AS "bundleHash" FROM submissions WHERE instance = ? AND bundle_id = ? ORDER BY id',
    );
    return rows.map((row) => ({ row, submissions: submissions.all(row.instance, row.id) as BundleView['submissions'] }));
  });
  return read().map(({ row, submissions }) => ({
    instance: row.instance,
    id: row.id,
    opportunityId: row.opportunity_id,
    targetBlock: row.target_block,
    ourTxHash: row.our_tx,
    txHashes: JSON.parse(row.txs) as Hash[],
    predictedNetWei: big(row.predicted_net_wei),
    simulatedNetWei: bigOrNull(row.simulated_net_wei),
    sentAtMs: row.sent_at,
    status: row.landed_status === 'success' ? 'included' : row.landed_status === 'reverted' ? 'reverted' : row.miss_reason ? 'missed' : 'pending',
    reason: row.landed_status === 'reverted' ? 'reverted' : row.miss_reason,
    detail: row.miss_detail,
    netWei: bigOrNull(row.landed_net),
    landedBlock: row.landed_block,
    path: row.path === null ? [] : (JSON.parse(row.path) as string[]),
    hops: parseHops(row.hops),
    submissions,
  }));
}

export function queryMismatches(db: SqlDatabase, filter: Filter, limit = 1000): Mismatch[] {
  const only = where(filter);
  const rows = db
    .prepare(`SELECT bundle_id, block, tx_hash, net_wei, simulated_net_wei FROM inclusions WHERE mismatch = 1 AND ${only.sql} ORDER BY block DESC, at DESC, bundle_id DESC LIMIT ?`)
    .all(...only.params, limit) as Array<{ bundle_id: string; block: number; tx_hash: Hash; net_wei: string; simulated_net_wei: string }>;
  return rows.map((row) => {
    const netWei = big(row.net_wei);
    const simulatedNetWei = big(row.simulated_net_wei);
    return { bundleId: row.bundle_id, block: row.block, txHash: row.tx_hash, netWei, simulatedNetWei, differenceWei: netWei - simulatedNetWei };
  });
}

type OpportunityRow = {
  instance: string; id: number; block: number; victim: Hash | null; path: string; amount_in_wei: string; gross_wei: string; gas_wei: string; bribe_wei: string;
  net_wei: string; decision: 'send' | 'reject'; reason: string; first_seen_ms: number | null; latency_us: number; source: OpportunityView['source']; hops: string | null;
};

export function queryRecentOpportunities(db: SqlDatabase, filter: Filter, limit: number): OpportunityView[] {
  const only = where(filter);
  const read = db.transaction(() => {
    const rows = db.prepare(`SELECT * FROM opportunities WHERE ${only.sql} ORDER BY id DESC LIMIT ?`).all(...only.params, limit) as OpportunityRow[];
    const simulations = db.prepare('SELECT backend, ok, gain_wei, net_wei, gas_used, error FROM simulations WHERE opportunity_id = ? ORDER BY id');
    return rows.map((row) => ({
      row,
      simulations: simulations.all(row.id) as Array<{ backend: string; ok: number; gain_wei: string | null; net_wei: string | null; gas_used: number | null; error: string | null }>,
    }));
  });
  return read().map(({ row, simulations }) => ({
    instance: row.instance,
    id: row.id,
    block: row.block,
    victim: row.victim,
    path: JSON.parse(row.path) as Address[],
    hops: parseHops(row.hops),
    amountInWei: big(row.amount_in_wei),
    grossWei: big(row.gross_wei),
    gasWei: big(row.gas_wei),
    bribeWei: big(row.bribe_wei),
    netWei: big(row.net_wei),
    decision: row.decision,
    reason: row.reason,
    firstSeenMs: row.first_seen_ms,
    latencyUs: row.latency_us,
    source: row.source,
    simulations: simulations.map((s) => ({ backend: s.backend, ok: s.ok === 1, gainWei: bigOrNull(s.gain_wei), netWei: bigOrNull(s.net_wei), gasUsed: s.gas_used, error: s.error })),
  }));
}

export function queryTokenVerdicts(db: SqlDatabase, instance: string, chain: string): TokenVerdictRecord[] {
  const rows = db.prepare('SELECT token, verdict, reason, probe_block, probed_at FROM token_verdicts WHERE instance = ? AND chain = ? ORDER BY token').all(instance, chain) as Array<{
    token: Address;
    verdict: 'safe' | 'unsafe';
    reason: string;
    probe_block: number;
    probed_at: number;
  }>;
  return rows.map((row) => ({ token: row.token, verdict: row.verdict, reason: row.reason, probeBlock: BigInt(row.probe_block), probedAt: row.probed_at }));
}

/** Counters that disagree with the rows they count (empty when the store is consistent). */
export function queryInconsistencies(db: SqlDatabase, filter: Filter): string[] {
  const only = where(filter, 't.');
  const rows = db
    .prepare(
      `WITH touched (instance, number) AS (SELECT instance, number FROM blocks UNION SELECT instance, block FROM opportunities
         UNION SELECT instance, target_block FROM bundles UNION SELECT instance, block FROM inclusions),
       counted AS (
         SELECT t.instance AS instance, t.number AS number,
           (SELECT count(*) FROM opportunities o WHERE o.instance = t.instance AND o.block = t.number) AS candidates,
           (SELECT count(*) FROM bundles b WHERE b.instance = t.instance AND b.target_block = t.number) AS bundles_sent,
           (SELECT count(*) FROM inclusions i WHERE i.instance = t.instance AND i.block = t.number AND i.status = 'success') AS included
         FROM touched t WHERE ${only.sql})
       SELECT c.instance, c.number, coalesce(b.candidates, -1) AS kept_candidates, c.candidates, coalesce(b.bundles_sent, -1) AS kept_sent, c.bundles_sent,
         coalesce(b.included, -1) AS kept_included, c.included
       FROM counted c LEFT JOIN blocks b ON b.instance = c.instance AND b.number = c.number
       WHERE b.number IS NULL OR b.candidates <> c.candidates OR b.bundles_sent <> c.bundles_sent OR b.included <> c.included`,
    )
    .all(...only.params) as Array<{ instance: string; number: number; kept_candidates: number; candidates: number; kept_sent: number; bundles_sent: number; kept_included: number; included: number }>;
  const problems = rows.map(
    (r) => `${filter === null ? `${r.instance} ` : ''}block ${r.number}: counters candidates/sent/included ${r.kept_candidates}/${r.kept_sent}/${r.kept_included}, rows ${r.candidates}/${r.bundles_sent}/${r.included}`,
  );
  const both = db
    .prepare(`SELECT count(*) AS n FROM inclusions i JOIN misses m ON m.instance = i.instance AND m.bundle_id = i.bundle_id WHERE ${where(filter, 'i.').sql}`)
    .get(...where(filter, 'i.').params) as { n: number };
  if (both.n > 0) problems.push(`${both.n} bundles are both included and missed`);
  return problems;
}
