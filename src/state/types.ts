import type { Address, Hex } from 'viem';
import type { V3PoolState } from '../amm/v3/pool.ts';
import type { V4PoolState } from '../amm/v4/pool.ts';
import type { V4PoolKey } from '../amm/v4/poolKey.ts';

/** A Uniswap V2-style pair as the market holds it (immutable, like V3Pool). */
export type V2Pair = {
  kind: 'v2';
  address: Address;
  token0: Address;
  token1: Address;
  reserve0: bigint;
  reserve1: bigint;
  /** 30 for Uniswap V2 and SushiSwap; set per factory for forks. */
  feeBps: bigint;
  /** Which DEX it belongs to (the factory's name in the config), when known. */
  venue?: string;
  /** The factory that deployed it, when known (the executor recomputes the pair's address from it). */
  factory?: Address;
};

/**
 * A Uniswap V3 pool: identity, everything a swap reads, and each initialized tick's liquidityGross (a tick
 * stays initialized while any position uses it, even when its liquidityNet is 0, and swaps step at it).
 * Pool objects are never mutated: an update makes a new object, so journals and overlays can share them.
 */
export type V3Pool = {
  kind: 'v3';
  address: Address;
  token0: Address;
  token1: Address;
  liquidityGross: bigint[];
  venue?: string;
  /** The factory that deployed it, when known (the executor recomputes the pool's address from it). */
  factory?: Address;
} & V3PoolState;

/**
 * A Uniswap V4 pool: one PoolManager holds every pool, so a pool is named by its id (keccak of its key), and the
 * market keys it by that id where it keys V2/V3 pools by address: `address` IS the pool id (32 bytes, lowercase),
 * never an account. Events come from the PoolManager with the id in topic1 (events.ts maps them to it). `token0`
 * and `token1` are the key's currencies (address(0): native ETH).
 */
export type V4Pool = V4PoolState & {
  kind: 'v4';
  /** The pool id (bytes32, lowercase): the market's key for this pool. */
  address: Hex;
  poolId: Hex;
  key: V4PoolKey;
  /** The PoolManager that holds it (the events' emitter, the contract extsload reads). */
  poolManager: Address;
  token0: Address;
  token1: Address;
  liquidityGross: bigint[];
  /** A hook runs around swaps (it may change amounts or the fee): our math alone must never quote it (isSimulateOnly). */
  simulateOnly: boolean;
  venue?: string;
  factory?: Address;
};

export type Pool = V2Pair | V3Pool | V4Pool;

/** Whether our own math may quote the pool with nothing else: every V2/V3 pool, a V4 pool without swap hooks. */
export const quotableByMath = (pool: Pool): boolean => pool.kind !== 'v4' || !pool.simulateOnly;
