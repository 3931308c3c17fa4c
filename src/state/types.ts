import type { Address } from 'viem';
import type { V3PoolState } from '../amm/v3/pool.ts';

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

export type Pool = V2Pair | V3Pool;
