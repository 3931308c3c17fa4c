import type { Pool } from '../state/types.ts';
import type { PoolObservation } from './types.ts';

/**
 * What the price-jump and liquidity-exit breakers watch of a pool, after logs moved it: a price on the same
 * fixed-point scale every time (V2 reserve ratio x 1e18, V3/V4 sqrtPriceX96 squared) and a liquidity measure (the
 * WETH reserve of a V2 pair, else reserve0; V3/V4 active liquidity). undefined for an empty pair.
 */
export function observePool(pool: Pool, weth: string): PoolObservation | undefined {
  if (pool.kind !== 'v2') return { pool: pool.address, price: pool.sqrtPriceX96 * pool.sqrtPriceX96, explainedByLog: true, liquidity: pool.liquidity };
  if (pool.reserve0 === 0n) return undefined;
  const wethLower = weth.toLowerCase();
  const liquidity = pool.token1.toLowerCase() === wethLower ? pool.reserve1 : pool.reserve0;
  return { pool: pool.address, price: (pool.reserve1 * 10n ** 18n) / pool.reserve0, explainedByLog: true, liquidity };
}
