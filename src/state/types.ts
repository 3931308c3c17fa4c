import type { Address } from 'viem';
import type { V3PoolState } from '../amm/v3/pool.ts';

/** A Uniswap V2-style pair as the market holds it. */
export type V2Pair = {
  kind: 'v2';
  address: Address;
  token0: Address;
  token1: Address;
  reserve0: bigint;
  reserve1: bigint;
  /** 30 for Uniswap V2 and SushiSwap; set per factory for forks. */
  feeBps: bigint;
};

/** A Uniswap V3 pool: identity plus everything a swap reads. */
export type V3Pool = { kind: 'v3'; address: Address; token0: Address; token1: Address } & V3PoolState;

export type Pool = V2Pair | V3Pool;
