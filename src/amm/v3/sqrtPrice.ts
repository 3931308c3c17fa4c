import { isqrt } from '../isqrt.ts';
import { MAX_SQRT_RATIO, MIN_SQRT_RATIO } from './tickMath.ts';

/**
 * floor(sqrt(numerator / denominator) * 2^96): the Q64.96 square-root price of a raw price ratio
 * (token1 base units per token0 base unit). floor(sqrt(floor(x))) = floor(sqrt(x)), so this is exact.
 */
export function encodeSqrtRatioX96(numerator: bigint, denominator: bigint): bigint {
  if (numerator <= 0n || denominator <= 0n) throw new RangeError('encodeSqrtRatioX96: ratio must be positive');
  const sqrtPriceX96 = isqrt((numerator << 192n) / denominator);
  if (sqrtPriceX96 < MIN_SQRT_RATIO || sqrtPriceX96 >= MAX_SQRT_RATIO) {
    throw new RangeError(`price ${numerator}/${denominator} is outside what a V3 pool can represent`);
  }
  return sqrtPriceX96;
}
