import type { Address, Hex } from 'viem';
import { builderMissKinds, type BuilderMissKind, type BuilderVerdict, type Winner } from '../bundle/builderVerdict.ts';
import type { MissReason } from './records.ts';
import type { SqlDatabase } from './sqlDatabase.ts';

/**
 * Read side of the misses as the builders reported them (migration 8): each miss with its verdict, counts per
 * kind, and per builder (the bidding policy's and the dashboard's view). A guess or a cancel of ours has no builder.
 */

/** One instance by name, or null for all of them. */
type Filter = string | null;

export type MissView = { bundleId: string; block: number; reason: MissReason; detail: string | null; verdict: BuilderVerdict | null };

export type MissKindCounts = Record<BuilderMissKind, number>;

/** Per builder (null: no builder said it: the bot's guesses and our own cancels); `guessed` counts the guesses among `other`. */
export type BuilderMisses = { builder: string | null } & MissKindCounts & { guessed: number };

type MissRow = {
  bundle_id: string; block: number; reason: MissReason; detail: string | null; builder_reason: BuilderMissKind | null; builder: string | null;
  builder_detail: string | null; guessed: number; winner_bundle: Hex | null; winner_signer: Address | null; winning_bid_wei: string | null; winning_gas_price_wei: string | null;
};

const where = (filter: Filter): { sql: string; params: unknown[] } => (filter === null ? { sql: '1 = 1', params: [] } : { sql: 'instance = ?', params: [filter] });

function verdictOf(row: MissRow): BuilderVerdict | null {
  if (row.builder_reason === null) return null;
  const winner: Winner = {
    ...(row.winner_bundle !== null ? { bundleHash: row.winner_bundle } : {}),
    ...(row.winner_signer !== null ? { signer: row.winner_signer } : {}),
    ...(row.winning_bid_wei !== null ? { bidWei: BigInt(row.winning_bid_wei) } : {}),
    ...(row.winning_gas_price_wei !== null ? { gasPriceWei: BigInt(row.winning_gas_price_wei) } : {}),
  };
  return {
    kind: row.builder_reason,
    ...(row.builder !== null ? { builder: row.builder } : {}),
    detail: row.builder_detail ?? '',
    ...(Object.keys(winner).length > 0 ? { winner } : {}),
    ...(Number(row.guessed) === 1 ? { guessed: true as const } : {}),
  };
}

/** The newest misses first, each with the builder's verdict (null for a miss recorded before there was one). */
export function queryRecentMisses(db: SqlDatabase, filter: Filter, limit: number): MissView[] {
  const only = where(filter);
  const rows = db
    .prepare(
      `SELECT bundle_id, block, reason, detail, builder_reason, builder, builder_detail, guessed, winner_bundle, winner_signer, winning_bid_wei, winning_gas_price_wei
       FROM misses WHERE ${only.sql} ORDER BY at DESC, block DESC, bundle_id DESC LIMIT ?`,
    )
    .all(...only.params, limit) as MissRow[];
  return rows.map((row) => ({ bundleId: row.bundle_id, block: Number(row.block), reason: row.reason, detail: row.detail, verdict: verdictOf(row) }));
}

const kindColumns = builderMissKinds.map((kind) => `CAST(sum(CASE WHEN builder_reason = '${kind}' THEN 1 ELSE 0 END) AS BIGINT) AS "${kind}"`).join(', ');

/** Misses per builder and kind; builders by name, the unnamed (guesses, our cancels) first. Misses with no verdict are left out. */
export function queryMissesByBuilder(db: SqlDatabase, filter: Filter): BuilderMisses[] {
  const only = where(filter);
  const rows = db
    .prepare(
      `SELECT builder, ${kindColumns}, CAST(sum(guessed) AS BIGINT) AS guessed FROM misses
       WHERE ${only.sql} AND builder_reason IS NOT NULL GROUP BY builder ORDER BY builder IS NOT NULL, builder`,
    )
    .all(...only.params) as Array<Record<string, unknown>>;
  return rows.map((row) => ({
    builder: (row.builder as string | null) ?? null,
    ...(Object.fromEntries(builderMissKinds.map((kind) => [kind, Number(row[kind] ?? 0)])) as MissKindCounts),
    guessed: Number(row.guessed ?? 0),
  }));
}

/** Misses per kind over every builder (the demo's `misses`). */
export function queryMissKinds(db: SqlDatabase, filter: Filter): MissKindCounts {
  const counts = Object.fromEntries(builderMissKinds.map((kind) => [kind, 0])) as MissKindCounts;
  for (const row of queryMissesByBuilder(db, filter)) for (const kind of builderMissKinds) counts[kind] += row[kind];
  return counts;
}
