import type { Address } from 'viem';
import { v3FeeTickSpacing } from '../../chain/addresses.ts';
import { getAmount0Delta, getAmount1Delta } from '../../amm/v3/sqrtPriceMath.ts';
import { encodeSqrtRatioX96 } from '../../amm/v3/sqrtPrice.ts';
import { MAX_TICK, MIN_TICK, getSqrtRatioAtTick, getTickAtSqrtRatio } from '../../amm/v3/tickMath.ts';
import type { ScaleMarket, ScaleV3Pool } from './generate.ts';

export type V3PositionLayout = { tickLower: number; tickUpper: number; liquidity: bigint };

/** What the seeder passes to the real pool for one generated V3 pool, and what the pool will take for it. */
export type V3PoolLayout = {
  token0: Address;
  token1: Address;
  fee: number;
  tickSpacing: number;
  sqrtPriceX96: bigint;
  /** The pool's tick after initialize (getTickAtSqrtRatio). */
  tick: number;
  positions: V3PositionLayout[];
  /** Exactly what the pool's mint callbacks ask for (the pool rounds up), summed over the positions. */
  amount0: bigint;
  amount1: bigint;
};

const Q96 = 1n << 96n;
/** A deep pool's concentrated position: about +-2% around the price, with this multiple of the full-range liquidity. */
const concentratedTicks = 200;
const concentratedMultiple = 20n;

export const tickSpacingOf = (fee: number): number => (fee === 100 ? 1 : v3FeeTickSpacing[fee]!);

/**
 * Lays a generated V3 pool out for the chain once token addresses are known: token order, sqrtPriceX96, a
 * full-range position holding `valueWei` of token1 (plus, for deep pools, a concentrated one), and the exact
 * amounts the pool will charge for them. Pure.
 */
export function layoutV3Pool(pool: ScaleV3Pool, market: ScaleMarket, addressOf: (tokenIndex: number) => Address): V3PoolLayout {
  const [a, b] = pool.tokens;
  const [addressA, addressB] = [addressOf(a), addressOf(b)];
  const aIsToken0 = BigInt(addressA) < BigInt(addressB);
  const { numerator, denominator } = pool.price; // token b per token a
  const sqrtPriceX96 = aIsToken0 ? encodeSqrtRatioX96(numerator, denominator) : encodeSqrtRatioX96(denominator, numerator);
  const tick = getTickAtSqrtRatio(sqrtPriceX96);
  const tickSpacing = tickSpacingOf(pool.fee);
  const token1 = market.tokens[aIsToken0 ? b : a]!;

  const fullLower = Math.ceil(MIN_TICK / tickSpacing) * tickSpacing;
  const fullUpper = Math.floor(MAX_TICK / tickSpacing) * tickSpacing;
  // Full range holds amount1 = L * (sqrtP - sqrtMin) / Q96 of token1; solve for the L that holds `valueWei` of it.
  const amount1Target = (pool.valueWei * 10n ** BigInt(token1.decimals)) / token1.priceWei;
  const fullLiquidity = (amount1Target * Q96) / (sqrtPriceX96 - getSqrtRatioAtTick(fullLower));
  const positions: V3PositionLayout[] = [{ tickLower: fullLower, tickUpper: fullUpper, liquidity: fullLiquidity }];
  if (pool.concentrated) {
    const width = Math.max(concentratedTicks, 2 * tickSpacing);
    positions.push({
      tickLower: Math.max(fullLower, Math.floor((tick - width) / tickSpacing) * tickSpacing),
      tickUpper: Math.min(fullUpper, Math.ceil((tick + width) / tickSpacing) * tickSpacing),
      liquidity: fullLiquidity * concentratedMultiple,
    });
  }
  let amount0 = 0n;
  let amount1 = 0n;
  for (const position of positions) {
    amount0 += getAmount0Delta(sqrtPriceX96, getSqrtRatioAtTick(position.tickUpper), position.liquidity, true);
    amount1 += getAmount1Delta(getSqrtRatioAtTick(position.tickLower), sqrtPriceX96, position.liquidity, true);
  }
  return {
    token0: aIsToken0 ? addressA : addressB,
    token1: aIsToken0 ? addressB : addressA,
    fee: pool.fee,
    tickSpacing,
    sqrtPriceX96,
    tick,
    positions,
    amount0,
    amount1,
  };
}
