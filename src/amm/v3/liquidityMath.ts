export class LiquidityError extends RangeError {}

const MAX_UINT128 = (1n << 128n) - 1n;

/** LiquidityMath.addDelta: liquidity + a signed delta, reverting (here: throwing) on under/overflow. */
export function addDelta(liquidity: bigint, delta: bigint): bigint {
  const result = liquidity + delta;
  if (result < 0n) throw new LiquidityError('liquidity underflow (LS)');
  if (result > MAX_UINT128) throw new LiquidityError('liquidity overflow (LA)');
  return result;
}
