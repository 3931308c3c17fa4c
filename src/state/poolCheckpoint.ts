import { getAddress, type Address, type Hex } from 'viem';
import type { BlockRef } from './market.ts';
import type { V4PoolKey } from '../amm/v4/poolKey.ts';
import type { Pool } from './types.ts';

/**
 * The pool registry and tracked pool states, kept across runs so a restart reads only what changed since (the
 * SQLite store implements the interface in monitor/; state/ does not import monitor/). `scope` names the chain
 * (chain id and genesis hash): a checkpoint never applies to another chain.
 */

/**
 * A pool the factories created, tracked or not: what is needed to read it again. A V4 pool's `address` is its pool
 * id (lowercase), its `factory` the PoolManager, and `v4Key` its key (a pool id alone cannot be read back to one).
 */
export type RegisteredPool = {
  address: Address;
  kind: 'v2' | 'v3' | 'v4';
  v4Key?: V4PoolKey;
  /** V2 pairs' fee (bps) from their factory. */
  feeBps?: bigint;
  venue?: string;
  factory?: Address;
  /** The block whose creation log announced it (a deep reorg drops the pools created above the fork). */
  createdAt?: bigint;
  /** Its tokens, once read (an untracked pool's Sync can then be valued without a read). */
  token0?: Address;
  token1?: Address;
};

export type PoolCheckpoint = {
  /** The block the states are the chain's at, and up to which the registry holds every created pool. */
  block: BlockRef;
  registry: RegisteredPool[];
  /** Full states (V3 with every tick) of the pools tracked at `block`. */
  states: Pool[];
};

export type PoolCheckpointUpdate = {
  block: BlockRef;
  /** New or changed registry entries. */
  registry: readonly RegisteredPool[];
  /** States of tracked pools that changed since the last checkpoint (or all, the first time). */
  states: readonly Pool[];
  /** Pools no longer tracked (below the floor now, or gone with a reorg). */
  untracked: readonly Address[];
  /** Registry entries to forget (pools of an abandoned branch). */
  removed?: readonly Address[];
  /** Replace everything the scope held (a cold bootstrap). */
  replace?: boolean;
};

export interface PoolCheckpointStore {
  loadPoolCheckpoint(scope: string): PoolCheckpoint | undefined;
  savePoolCheckpoint(scope: string, update: PoolCheckpointUpdate): void;
}

/** A pool state as text: bigints as decimal strings (JSON has none), everything else as it is. */
export function encodePoolState(pool: Pool): string {
  return JSON.stringify(pool, (_, value: unknown) => (typeof value === 'bigint' ? { $n: value.toString() } : value));
}

export function decodePoolState(text: string): Pool {
  const pool = JSON.parse(text, (_, value: unknown) => (value !== null && typeof value === 'object' && '$n' in value ? BigInt((value as { $n: string }).$n) : value)) as Pool;
  const tokens = { token0: getAddress(pool.token0), token1: getAddress(pool.token1), ...(pool.factory ? { factory: getAddress(pool.factory) } : {}) };
  if (pool.kind === 'v4') {
    // A V4 pool is keyed by its id (lowercase, never checksummed: it is no address).
    const key = { ...pool.key, currency0: getAddress(pool.key.currency0), currency1: getAddress(pool.key.currency1), hooks: getAddress(pool.key.hooks) };
    return { ...pool, ...tokens, address: pool.address.toLowerCase() as Hex, poolId: pool.poolId.toLowerCase() as Hex, key, poolManager: getAddress(pool.poolManager) };
  }
  return { ...pool, ...tokens, address: getAddress(pool.address) };
}
