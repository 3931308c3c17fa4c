/** FullMath and UnsafeMath from Uniswap V3, in bigint: exact 512-bit intermediates, Solidity's overflow checks. */
export const MAX_UINT256 = (1n << 256n) - 1n;

export class MathOverflowError extends RangeError {}

export function mulDiv(a: bigint, b: bigint, denominator: bigint): bigint {
  if (denominator === 0n) throw new MathOverflowError('mulDiv: division by zero');
  const result = (a * b) / denominator;
  if (result > MAX_UINT256) throw new MathOverflowError('mulDiv: result overflows uint256');
  return result;
}

export function mulDivRoundingUp(a: bigint, b: bigint, denominator: bigint): bigint {
  if (denominator === 0n) throw new MathOverflowError('mulDivRoundingUp: division by zero');
  const product = a * b;
  let result = product / denominator;
  if (product % denominator > 0n) result += 1n;
  if (result > MAX_UINT256) throw new MathOverflowError('mulDivRoundingUp: result overflows uint256');
  return result;
}

export function divRoundingUp(x: bigint, y: bigint): bigint {
  return x / y + (x % y > 0n ? 1n : 0n);
}
