import type { BlockSummary, Totals } from '../monitor/queries.ts';
import type { BidBucket } from '../monitor/bidQueries.ts';
import { defaultDbFile, Store, StoreError, type SourceTotals } from '../monitor/store.ts';
import type { OrderFlowSource } from '../mempool/types.ts';
import { builderMissKinds } from '../bundle/builderVerdict.ts';
import type { BuilderMisses, MissKindCounts } from '../monitor/missQueries.ts';
import { storeFlagsUsage, storeTarget } from './storeTarget.ts';
import { formatUnitsExact } from '../units/decimal.ts';
import type { PoolStats, VenueStats } from '../monitor/poolQueries.ts';
import { feeLabel, pairLabel, shortId } from '../monitor/poolLabels.ts';
import { integerFlag, parseFlags, UsageError } from './args.ts';
import { reportError } from './report.ts';

export const reportUsage = `Usage: searcher report [--db FILE] [--last N] [--json] [--instance NAME]

Profit per block from the searcher's store: pending swaps seen, candidates, bundles sent and included, and
the realised gross, gas, builder payment (bribe) and net of what landed, read from the receipts, with a
running total; then the same per order-flow source (public mempool, MEV Blocker, MEV-Share: candidates, sent,
landed, gross, the refunds the relays' builders are expected to pay users out of our payments, net). Amounts in
the tables are exact ETH; --json prints {"blocks": [...], "totals": {...}, "instances": [...], "sources": {...}}
with amounts as decimal wei strings. Then per venue and per pool over the newest 10,000 candidates (V2, V3 and
V4 alike; a V4 pool by its pool id): candidates, sent, landed and what the landed netted, with each pool's
protocol, fee (tick spacing and V4 hooks) and pair (native ETH as ETH); --json adds "venues" and "pools" (every
pool, full ids). A store shared by a fleet is reported for every instance (one block's
counters and amounts added up across instances) unless --instance names one.

Options:
${storeFlagsUsage(defaultDbFile)}
                    (here: report only this instance; default every instance in the store)
  --last N          only the newest N blocks (totals and the cumulative column still cover the whole store)
  --json            JSON instead of a table
  -h, --help        this help
`;

const eth = (wei: bigint) => formatUnitsExact(wei, 18);

const columns = ['block', 'seen', 'candidates', 'sent', 'included', 'gross ETH', 'gas ETH', 'bribe ETH', 'net ETH', 'cumulative ETH'] as const;

function blockCells(block: BlockSummary): string[] {
  return [
    String(block.number),
    String(block.seen),
    String(block.candidates),
    String(block.sent),
    String(block.included),
    eth(block.grossWei),
    eth(block.gasWei),
    eth(block.bribeWei),
    eth(block.netWei),
    eth(block.cumulativeNetWei),
  ];
}

function totalCells(totals: Totals): string[] {
  return ['total', String(totals.seen), String(totals.candidates), String(totals.sent), String(totals.included), eth(totals.grossWei), eth(totals.gasWei), eth(totals.bribeWei), eth(totals.netWei), eth(totals.netWei)];
}

const sourceColumns = ['source', 'candidates', 'sent', 'landed', 'gross ETH', 'expected refunds ETH', 'net ETH'] as const;

/** Right-aligned columns, each as wide as its widest cell. */
function aligned(rows: readonly string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  return rows.map((row) => row.map((cell, i) => cell.padStart(widths[i]!)).join('  ').trimEnd());
}

/** Pure: the per-source table (one line per order-flow source). */
export function formatSourcesTable(sources: Record<OrderFlowSource, SourceTotals>): string[] {
  const rows = (Object.entries(sources) as Array<[OrderFlowSource, SourceTotals]>).map(([source, t]) => [
    source,
    String(t.opportunities),
    String(t.sent),
    String(t.landed),
    eth(t.grossWei),
    eth(t.expectedRefundsWei),
    eth(t.netWei),
  ]);
  return aligned([[...sourceColumns], ...rows]);
}

const missColumns = ['builder', ...builderMissKinds, 'of which guessed'] as const;

/** Pure: misses per builder as the builders reported them; guesses and our own cancels under no builder. */
export function formatMissesTable(misses: readonly BuilderMisses[]): string[] {
  const rows = misses.map((row) => [row.builder ?? '(no builder: ours or guessed)', ...builderMissKinds.map((kind) => String(row[kind])), String(row.guessed)]);
  return aligned([[...missColumns], ...rows]);
}

/** Pure: bid share vs win rate (one line per 10% bucket); the win rate is over the resolved bids. */
export function formatBidsTable(bids: readonly BidBucket[]): string[] {
  const rows = bids.map((bucket) => {
    const resolved = bucket.won + bucket.outbid + bucket.missed;
    const rate = resolved > 0 ? `${((100 * bucket.won) / resolved).toFixed(1)} %` : '-';
    return [`${bucket.fromBps / 100}-${bucket.toBps / 100} %`, String(bucket.bids), String(bucket.won), String(bucket.outbid), String(bucket.missed), String(bucket.pending), rate, eth(bucket.netWei)];
  });
  return aligned([['share', 'bids', 'won', 'outbid', 'missed', 'pending', 'win rate', 'net of won (ETH)'], ...rows]);
}

/** Pure: per venue (protocol and DEX): distinct pools, candidates, sent, landed and what the landed netted. */
export function formatVenuesTable(venues: readonly VenueStats[]): string[] {
  const rows = venues.map((v) => [v.venue ?? '(unknown)', v.protocol ?? '?', String(v.pools), String(v.candidates), String(v.sent), String(v.landed), eth(v.netWei)]);
  return aligned([['venue', 'protocol', 'pools', 'candidates', 'sent', 'landed', 'net ETH'], ...rows]);
}

/** Pure: per pool, the `limit` busiest: its short id (a V4 pool id like an address), protocol, venue, fee, pair and counts. */
export function formatPoolsTable(pools: readonly PoolStats[], limit = 20): string[] {
  const rows = pools.slice(0, limit).map((p) => [
    shortId(p.pool),
    p.protocol ?? '?',
    p.venue ?? '',
    feeLabel(p),
    pairLabel(p),
    String(p.candidates),
    String(p.sent),
    String(p.landed),
    eth(p.netWei),
  ]);
  const table = aligned([['pool', 'protocol', 'venue', 'fee', 'pair', 'candidates', 'sent', 'landed', 'net ETH'], ...rows]);
  return pools.length > limit ? [...table, `(${pools.length - limit} more pools: --json lists every one)`] : table;
}

/** Pure: misses per kind over every builder. */
export function missKindTotals(misses: readonly BuilderMisses[]): MissKindCounts {
  const counts = Object.fromEntries(builderMissKinds.map((kind) => [kind, 0])) as MissKindCounts;
  for (const row of misses) for (const kind of builderMissKinds) counts[kind] += row[kind];
  return counts;
}

/** Pure: the human report, columns right-aligned to their widest cell; `instances` are the ones it covers. */
export function formatReportTable(
  blocks: readonly BlockSummary[],
  totals: Totals,
  instances: readonly string[] = [],
  sources?: Record<OrderFlowSource, SourceTotals>,
  misses?: readonly BuilderMisses[],
  bids?: readonly BidBucket[],
  pools?: { pools: readonly PoolStats[]; venues: readonly VenueStats[] },
): string {
  const rows = [[...columns], ...blocks.map(blockCells), totalCells(totals)];
  const widths = columns.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  const line = (row: string[]) => row.map((cell, i) => cell.padStart(widths[i]!)).join('  ').trimEnd();
  const out = [line(rows[0]!)];
  if (blocks.length === 0) out.push('(no blocks recorded)');
  out.push(...rows.slice(1, -1).map(line), line(rows[rows.length - 1]!));
  if (sources) out.push('', ...formatSourcesTable(sources));
  if (misses && misses.length > 0) out.push('', 'misses as the builders reported them:', ...formatMissesTable(misses));
  if (bids && bids.length > 0) out.push('', 'bids by share of the profit after gas:', ...formatBidsTable(bids));
  if (pools && pools.venues.length > 0) out.push('', 'by venue:', ...formatVenuesTable(pools.venues));
  if (pools && pools.pools.length > 0) out.push('', 'by pool:', ...formatPoolsTable(pools.pools));
  out.push(
    `blocks ${totals.blocks}; bundles missed ${totals.missed}, reverted on chain ${totals.reverted}; simulated net of the landed ${eth(totals.simulatedNetWei)} ETH, mismatches ${totals.mismatches}${instances.length > 0 ? `; ${instances.length === 1 ? 'instance' : 'instances'} ${instances.join(', ')}` : ''}`,
  );
  return `${out.join('\n')}\n`;
}

/** Pure: the --json document (bigint amounts as decimal wei strings). */
export function reportJson(
  blocks: readonly BlockSummary[],
  totals: Totals,
  instances: readonly string[] = [],
  sources?: Record<OrderFlowSource, SourceTotals>,
  misses?: readonly BuilderMisses[],
  bids?: readonly BidBucket[],
  pools?: { pools: readonly PoolStats[]; venues: readonly VenueStats[] },
): string {
  const missed = misses ? { misses: { kinds: missKindTotals(misses), byBuilder: misses } } : {};
  const byPool = pools ? { venues: pools.venues, pools: pools.pools } : {};
  return JSON.stringify({ blocks, totals, instances, ...(sources ? { sources } : {}), ...missed, ...(bids ? { bids } : {}), ...byPool }, (_, value) => (typeof value === 'bigint' ? value.toString() : value));
}

export async function run(argv: string[]): Promise<number> {
  try {
    const flags = parseFlags(argv, {
      db: { type: 'string' },
      instance: { type: 'string' },
      last: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    });
    if (flags.help) {
      process.stdout.write(reportUsage);
      return 0;
    }
    const last = flags.last === undefined ? undefined : integerFlag(flags.last, 'last', 0, 1);
    const target = storeTarget(flags, defaultDbFile);
    let store: Store;
    try {
      store = Store.open(target.location, { mustExist: true, ...(target.instance ? { instance: target.instance } : {}) });
    } catch (error) {
      // A wrong --db (missing, or not a searcher store) is bad input, not a runtime failure; a server that
      // cannot be reached is a runtime failure (exit 1).
      if (error instanceof StoreError && error.code !== 'STORE_UNREACHABLE') throw new UsageError(error.message);
      throw error;
    }
    try {
      const instance = target.instance ?? null;
      const blocks = store.blockSummaries({ last, instance });
      const totals = store.totals(instance);
      const instances = instance === null ? store.instances() : [instance];
      const sources = store.sourceTotals(instance);
      const misses = store.missesByBuilder(instance);
      const bids = store.bidBuckets(instance);
      const pools = store.poolStats(instance);
      process.stdout.write(flags.json ? `${reportJson(blocks, totals, instances, sources, misses, bids, pools)}\n` : formatReportTable(blocks, totals, instances, sources, misses, bids, pools));
    } finally {
      store.close();
    }
    return 0;
  } catch (error) {
    return reportError(error);
  }
}
