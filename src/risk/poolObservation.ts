import type { Pool } from '../state/types.ts';
import type { PoolObservation } from './types.ts';

/**
 * What the price-jump and liquidity-exit breakers watch of a pool, after logs moved it: a price on the same
 * fixed-point scale every time (V2 reserve ratio x 1e18, V3/V4 sqrtPriceX96 squared) and a liquidity measure (the
 * WETH reserve of a V2 pair, else reserve0; V3/V4 the liquidity of the positions, see positionLiquidity). undefined
 * for an empty pair.
 */
export function observePool(pool: Pool, weth: string): PoolObservation | undefined {
  if (pool.kind !== 'v2') {
    const window = pool.wordRange ? { liquidityBasis: `words ${pool.wordRange.from}..${pool.wordRange.to}` } : {};
    return { pool: pool.address, price: pool.sqrtPriceX96 * pool.sqrtPriceX96, explainedByLog: true, liquidity: positionLiquidity(pool), ...window };
  }
  if (pool.reserve0 === 0n) return undefined;
  const wethLower = weth.toLowerCase();
  const liquidity = pool.token1.toLowerCase() === wethLower ? pool.reserve1 : pool.reserve0;
  return { pool: pool.address, price: (pool.reserve1 * 10n ** 18n) / pool.reserve0, explainedByLog: true, liquidity };
}

/**
 * A concentrated pool's liquidity as LPs leaving would lower it and a swap would not: half the sum of its initialized
 * ticks' liquidityGross (each position adds its liquidity to the gross of both its ticks), over the ticks loaded
 * (their window is the observation's liquidityBasis: a re-read window is not compared with the old one).
 * The active liquidity is no measure of LPs leaving: a swap that crosses out of a position lowers it as much as a
 * withdrawal (the V4 devnet's pools tripped the breaker on their own traffic, 60-98% "falls" with no LP leaving).
 * Without tick data (a pool read without its ticks), the active liquidity stands in.
 */
function positionLiquidity(pool: Exclude<Pool, { kind: 'v2' }>): bigint {
  if (pool.liquidityGross.length === 0) return pool.liquidity;
  let gross = 0n;
  for (const value of pool.liquidityGross) gross += value;
  return gross / 2n;
}
