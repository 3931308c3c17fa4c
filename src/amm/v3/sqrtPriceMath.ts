/** SqrtPriceMath from Uniswap V3 in bigint, with the same rounding and the same overflow branches. */
import { divRoundingUp, MAX_UINT256, mulDiv, mulDivRoundingUp } from './fullMath.ts';

const Q96 = 1n << 96n;
const MAX_UINT160 = (1n << 160n) - 1n;

export class SqrtPriceError extends RangeError {}

function toUint160(value: bigint): bigint {
  if (value > MAX_UINT160) throw new SqrtPriceError('sqrt price overflows uint160');
  return value;
}

export function getNextSqrtPriceFromAmount0RoundingUp(sqrtPX96: bigint, liquidity: bigint, amount: bigint, add: boolean): bigint {
  if (amount === 0n) return sqrtPX96;
  const numerator1 = liquidity << 96n;
  const product = amount * sqrtPX96;
  if (add) {
    // Solidity takes the precise path only when neither the product nor the sum overflows uint256.
    if (product <= MAX_UINT256) {
      const denominator = numerator1 + product;
      if (denominator <= MAX_UINT256) return mulDivRoundingUp(numerator1, sqrtPX96, denominator);
    }
    const sum = numerator1 / sqrtPX96 + amount;
    if (sum > MAX_UINT256) throw new SqrtPriceError('amount0 too large');
    return divRoundingUp(numerator1, sum);
  }
  if (product > MAX_UINT256 || numerator1 <= product) throw new SqrtPriceError('not enough liquidity for amount0 out');
  return toUint160(mulDivRoundingUp(numerator1, sqrtPX96, numerator1 - product));
}

export function getNextSqrtPriceFromAmount1RoundingDown(sqrtPX96: bigint, liquidity: bigint, amount: bigint, add: boolean): bigint {
  if (add) {
    return toUint160(sqrtPX96 + (amount << 96n) / liquidity);
  }
  const quotient = divRoundingUp(amount << 96n, liquidity);
  if (sqrtPX96 <= quotient) throw new SqrtPriceError('not enough liquidity for amount1 out');
  return sqrtPX96 - quotient;
}

export function getNextSqrtPriceFromInput(sqrtPX96: bigint, liquidity: bigint, amountIn: bigint, zeroForOne: boolean): bigint {
  if (sqrtPX96 <= 0n || liquidity <= 0n) throw new SqrtPriceError('price and liquidity must be positive');
  return zeroForOne
    ? getNextSqrtPriceFromAmount0RoundingUp(sqrtPX96, liquidity, amountIn, true)
    : getNextSqrtPriceFromAmount1RoundingDown(sqrtPX96, liquidity, amountIn, true);
}

export function getNextSqrtPriceFromOutput(sqrtPX96: bigint, liquidity: bigint, amountOut: bigint, zeroForOne: boolean): bigint {
  if (sqrtPX96 <= 0n || liquidity <= 0n) throw new SqrtPriceError('price and liquidity must be positive');
  return zeroForOne
    ? getNextSqrtPriceFromAmount1RoundingDown(sqrtPX96, liquidity, amountOut, false)
    : getNextSqrtPriceFromAmount0RoundingUp(sqrtPX96, liquidity, amountOut, false);
}

export function getAmount0Delta(sqrtA: bigint, sqrtB: bigint, liquidity: bigint, roundUp: boolean): bigint {
  if (sqrtA > sqrtB) [sqrtA, sqrtB] = [sqrtB, sqrtA];
  if (sqrtA <= 0n) throw new SqrtPriceError('sqrt price must be positive');
  const numerator1 = liquidity << 96n;
  const numerator2 = sqrtB - sqrtA;
  return roundUp
    ? divRoundingUp(mulDivRoundingUp(numerator1, numerator2, sqrtB), sqrtA)
    : mulDiv(numerator1, numerator2, sqrtB) / sqrtA;
}

export function getAmount1Delta(sqrtA: bigint, sqrtB: bigint, liquidity: bigint, roundUp: boolean): bigint {
  if (sqrtA > sqrtB) [sqrtA, sqrtB] = [sqrtB, sqrtA];
  return roundUp ? mulDivRoundingUp(liquidity, sqrtB - sqrtA, Q96) : mulDiv(liquidity, sqrtB - sqrtA, Q96);
}
