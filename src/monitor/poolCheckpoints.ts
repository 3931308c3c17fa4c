import type { SqlDatabase } from './sqlDatabase.ts';
import { getAddress, type Address, type Hex } from 'viem';
import type { V4PoolKey } from '../amm/v4/poolKey.ts';
import { decodePoolState, encodePoolState, type PoolCheckpoint, type PoolCheckpointUpdate, type RegisteredPool } from '../state/poolCheckpoint.ts';

type RegistryRow = { address: string; kind: 'v2' | 'v3' | 'v4'; fee_bps: number | null; venue: string | null; factory: string | null; created_at: number | null; token0: string | null; token1: string | null; state: string | null; v4_key: string | null };

/** A V4 pool key as stored (JSON), read back with its addresses checksummed. */
function decodeKey(text: string): V4PoolKey {
  const key = JSON.parse(text) as V4PoolKey;
  return { currency0: getAddress(key.currency0), currency1: getAddress(key.currency1), fee: Number(key.fee), tickSpacing: Number(key.tickSpacing), hooks: getAddress(key.hooks) };
}
type CheckpointRow = { block: number; hash: string; parent_hash: string };

/** The chain's pool checkpoint: registry rows with the tracked pools' states, and the block they hold at. */
export function queryPoolCheckpoint(db: SqlDatabase, instance: string, chain: string): PoolCheckpoint | undefined {
  const head = db.prepare('SELECT block, hash, parent_hash FROM pool_checkpoints WHERE instance = ? AND chain = ?').get(instance, chain) as CheckpointRow | undefined;
  if (!head) return undefined;
  const rows = db.prepare('SELECT address, kind, fee_bps, venue, factory, created_at, token0, token1, state, v4_key FROM pool_registry WHERE instance = ? AND chain = ?').all(instance, chain) as RegistryRow[];
  const registry: RegisteredPool[] = rows.map((row) => ({
    // A V4 pool's address column is its pool id: no address, never checksummed.
    address: row.kind === 'v4' ? (row.address as Address) : getAddress(row.address),
    kind: row.kind,
    ...(row.v4_key !== null ? { v4Key: decodeKey(row.v4_key) } : {}),
    ...(row.fee_bps !== null ? { feeBps: BigInt(row.fee_bps) } : {}),
    ...(row.venue !== null ? { venue: row.venue } : {}),
    ...(row.factory !== null ? { factory: getAddress(row.factory) } : {}),
    ...(row.created_at !== null ? { createdAt: BigInt(row.created_at) } : {}),
    ...(row.token0 !== null && row.token1 !== null ? { token0: getAddress(row.token0), token1: getAddress(row.token1) } : {}),
  }));
  const states = rows.filter((row) => row.state !== null).map((row) => decodePoolState(row.state!));
  return { block: { number: BigInt(head.block), hash: head.hash as Hex, parentHash: head.parent_hash as Hex }, registry, states };
}

/** Applies one checkpoint update; the caller runs it in a transaction (all of it lands, or none). */
export function writePoolCheckpoint(db: SqlDatabase, instance: string, chain: string, update: PoolCheckpointUpdate, now: number): void {
  if (update.replace) db.prepare('DELETE FROM pool_registry WHERE instance = ? AND chain = ?').run(instance, chain);
  const upsert = db.prepare(
    `INSERT INTO pool_registry (instance, chain, address, kind, fee_bps, venue, factory, created_at, token0, token1, state, v4_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?)
     ON CONFLICT (instance, chain, address) DO UPDATE SET kind = excluded.kind, fee_bps = excluded.fee_bps, venue = excluded.venue, factory = excluded.factory,
       created_at = excluded.created_at, v4_key = coalesce(excluded.v4_key, pool_registry.v4_key), token0 = coalesce(excluded.token0, pool_registry.token0), token1 = coalesce(excluded.token1, pool_registry.token1)`,
  );
  for (const pool of update.registry) {
    upsert.run(instance, chain, pool.address.toLowerCase(), pool.kind, pool.feeBps === undefined ? null : Number(pool.feeBps), pool.venue ?? null, pool.factory ?? null, pool.createdAt === undefined ? null : Number(pool.createdAt), pool.token0 ?? null, pool.token1 ?? null, pool.v4Key ? JSON.stringify(pool.v4Key) : null);
  }
  const setState = db.prepare('UPDATE pool_registry SET state = ? WHERE instance = ? AND chain = ? AND address = ?');
  for (const pool of update.states) {
    const changed = setState.run(encodePoolState(pool), instance, chain, pool.address.toLowerCase()).changes;
    // A tracked pool the registry does not hold yet (a pool the caller named by hand): registered with its state.
    if (changed === 0) {
      upsert.run(instance, chain, pool.address.toLowerCase(), pool.kind, pool.kind === 'v2' ? Number(pool.feeBps) : null, pool.venue ?? null, pool.kind === 'v4' ? pool.poolManager : (pool.factory ?? null), null, pool.token0, pool.token1, pool.kind === 'v4' ? JSON.stringify(pool.key) : null);
      setState.run(encodePoolState(pool), instance, chain, pool.address.toLowerCase());
    }
  }
  for (const address of update.untracked) setState.run(null, instance, chain, address.toLowerCase());
  const remove = db.prepare('DELETE FROM pool_registry WHERE instance = ? AND chain = ? AND address = ?');
  for (const address of update.removed ?? []) remove.run(instance, chain, address.toLowerCase());
  db.prepare(
    `INSERT INTO pool_checkpoints (instance, chain, block, hash, parent_hash, at) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (instance, chain) DO UPDATE SET block = excluded.block, hash = excluded.hash, parent_hash = excluded.parent_hash, at = excluded.at`,
  ).run(instance, chain, Number(update.block.number), update.block.hash, update.block.parentHash, now);
}
