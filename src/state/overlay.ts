import type { Address } from 'viem';
import { getAmountIn, getAmountOut } from '../amm/v2.ts';
import { simulateV3Swap } from '../amm/v3/pool.ts';
import { simulateV4Swap, V4SwapError } from '../amm/v4/pool.ts';
import type { MarketState } from './market.ts';
import type { Pool, V2Pair, V4Pool } from './types.ts';

export type PendingSwap = { pool: Address; zeroForOne: boolean; amountIn: bigint };

/** A pair after a trade of `amountIn` for `amountOut` in the given direction. */
function traded(pool: V2Pair, zeroForOne: boolean, amountIn: bigint, amountOut: bigint): V2Pair {
  return zeroForOne
    ? { ...pool, reserve0: pool.reserve0 + amountIn, reserve1: pool.reserve1 - amountOut }
    : { ...pool, reserve0: pool.reserve0 - amountOut, reserve1: pool.reserve1 + amountIn };
}

/** A V4 swap in PoolManager's sign convention (< 0 exact input), or undefined when the pool would refuse it. */
function v4Swap(pool: V4Pool, zeroForOne: boolean, amountSpecified: bigint) {
  try {
    return simulateV4Swap(pool, { zeroForOne, amountSpecified });
  } catch (error) {
    if (error instanceof V4SwapError) return undefined;
    throw error;
  }
}

/**
 * A copy-on-write view of the market with pending swaps applied: reads fall through to the canonical state
 * except for the pools a pending swap touched. The canonical state is never modified.
 */
export class PendingOverlay {
  /** Keyed by lowercase address: checksumming on every read (a keccak) would dominate the search. */
  private readonly changed = new Map<string, Pool>();

  constructor(private readonly market: MarketState) {}

  get(address: Address): Pool | undefined {
    return this.changed.get(address.toLowerCase()) ?? this.market.get(address);
  }

  /** The pool's state if a pending swap here changed it (`key`: its lowercase address), else undefined. */
  changedPool(key: string): Pool | undefined {
    return this.changed.size === 0 ? undefined : this.changed.get(key);
  }

  touched(): Address[] {
    return [...this.changed.values()].map((pool) => pool.address);
  }

  /**
   * Puts a pool's state as something else established it (a simulated transaction's logs): `key` is the market's
   * key for it (an address, or a V4 pool id).
   */
  setPool(key: string, pool: Pool): void {
    this.changed.set(key.toLowerCase(), pool);
  }

  /** Applies an exact-input swap to the view and returns the output (0n if the pool is unknown or cannot fill). */
  applySwap(swap: PendingSwap): bigint {
    const key = swap.pool.toLowerCase();
    const pool = this.get(swap.pool);
    if (!pool || swap.amountIn <= 0n) return 0n;
    if (pool.kind === 'v2') {
      const [reserveIn, reserveOut] = swap.zeroForOne ? [pool.reserve0, pool.reserve1] : [pool.reserve1, pool.reserve0];
      const out = getAmountOut(swap.amountIn, reserveIn, reserveOut, pool.feeBps);
      this.changed.set(key, traded(pool, swap.zeroForOne, swap.amountIn, out));
      return out;
    }
    if (pool.kind === 'v4') {
      // A pool whose hook acts around swaps is never quoted by our math alone: its pending swap is not applied.
      if (pool.simulateOnly) return 0n;
      const result = v4Swap(pool, swap.zeroForOne, -swap.amountIn);
      if (!result) return 0n;
      this.changed.set(key, { ...pool, sqrtPriceX96: result.sqrtPriceX96, tick: result.tick, liquidity: result.liquidity });
      return swap.zeroForOne ? result.amount1 : result.amount0;
    }
    const result = simulateV3Swap(pool, { zeroForOne: swap.zeroForOne, amountSpecified: swap.amountIn });
    this.changed.set(key, { ...pool, sqrtPriceX96: result.sqrtPriceX96, tick: result.tick, liquidity: result.liquidity });
    return -(swap.zeroForOne ? result.amount1 : result.amount0);
  }

  /** Applies an exact-output swap (as Router02's getAmountsIn or V3's exactOutput does) and returns the input it takes. */
  applyExactOutput(swap: { pool: Address; zeroForOne: boolean; amountOut: bigint }): bigint {
    const key = swap.pool.toLowerCase();
    const pool = this.get(swap.pool);
    if (!pool || swap.amountOut <= 0n) return 0n;
    if (pool.kind === 'v2') {
      const [reserveIn, reserveOut] = swap.zeroForOne ? [pool.reserve0, pool.reserve1] : [pool.reserve1, pool.reserve0];
      const amountIn = getAmountIn(swap.amountOut, reserveIn, reserveOut, pool.feeBps);
      this.changed.set(key, traded(pool, swap.zeroForOne, amountIn, swap.amountOut));
      return amountIn;
    }
    if (pool.kind === 'v4') {
      if (pool.simulateOnly) return 0n;
      const result = v4Swap(pool, swap.zeroForOne, swap.amountOut);
      if (!result) return 0n;
      this.changed.set(key, { ...pool, sqrtPriceX96: result.sqrtPriceX96, tick: result.tick, liquidity: result.liquidity });
      return -(swap.zeroForOne ? result.amount0 : result.amount1);
    }
    const result = simulateV3Swap(pool, { zeroForOne: swap.zeroForOne, amountSpecified: -swap.amountOut });
    this.changed.set(key, { ...pool, sqrtPriceX96: result.sqrtPriceX96, tick: result.tick, liquidity: result.liquidity });
    return swap.zeroForOne ? result.amount0 : result.amount1;
  }
}
