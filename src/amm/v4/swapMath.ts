/**
 * V4's SwapMath.computeSwapStep and fee composition in bigint. The step differs from V3's in its sign
 * convention (amountRemaining < 0 is exact input), in taking the input of a partial step as the amount left
 * after the fee instead of re-deriving it from the price, and in allowing a 100% fee: amounts must equal the
 * PoolManager's to the wei, so the V4 code is followed line by line rather than V3's reused.
 */
import { mulDiv, mulDivRoundingUp } from '../v3/fullMath.ts';
import { getAmount0Delta, getAmount1Delta, getNextSqrtPriceFromInput, getNextSqrtPriceFromOutput } from '../v3/sqrtPriceMath.ts';

/** SwapMath.MAX_SWAP_FEE and ProtocolFeeLibrary.PIPS_DENOMINATOR: 100% in pips. */
export const MAX_SWAP_FEE = 1_000_000n;
/** ProtocolFeeLibrary.MAX_PROTOCOL_FEE: 0.1% per direction. */
export const MAX_PROTOCOL_FEE = 1000;

export type V4SwapStep = { sqrtPriceNextX96: bigint; amountIn: bigint; amountOut: bigint; feeAmount: bigint };

/** The protocol fee of one direction: the low 12 bits of slot0's protocolFee for 0->1, the high 12 for 1->0. */
export function directionalProtocolFee(protocolFee: number, zeroForOne: boolean): number {
  return zeroForOne ? protocolFee % 4096 : protocolFee >> 12;
}

/**
 * ProtocolFeeLibrary.calculateSwapFee: the protocol takes its share first and the LP fee applies to the rest,
 * so the total is protocolFee + lpFee - protocolFee * lpFee / 1e6 (the product rounded down).
 */
export function calculateSwapFee(protocolFee: number, lpFee: number): number {
  if (protocolFee === 0) return lpFee;
  return protocolFee + lpFee - Math.floor((protocolFee * lpFee) / 1_000_000);
}

export function computeSwapStepV4(
  sqrtPriceCurrentX96: bigint,
  sqrtPriceTargetX96: bigint,
  liquidity: bigint,
  amountRemaining: bigint,
  feePips: bigint,
): V4SwapStep {
  const zeroForOne = sqrtPriceCurrentX96 >= sqrtPriceTargetX96;
  let sqrtPriceNextX96: bigint;
  let amountIn: bigint;
  let amountOut: bigint;
  let feeAmount: bigint;
  if (amountRemaining < 0n) {
    const remaining = -amountRemaining;
    const amountRemainingLessFee = mulDiv(remaining, MAX_SWAP_FEE - feePips, MAX_SWAP_FEE);
    amountIn = zeroForOne
      ? getAmount0Delta(sqrtPriceTargetX96, sqrtPriceCurrentX96, liquidity, true)
      : getAmount1Delta(sqrtPriceCurrentX96, sqrtPriceTargetX96, liquidity, true);
    if (amountRemainingLessFee >= amountIn) {
      sqrtPriceNextX96 = sqrtPriceTargetX96;
      feeAmount = feePips === MAX_SWAP_FEE ? amountIn : mulDivRoundingUp(amountIn, feePips, MAX_SWAP_FEE - feePips);
    } else {
      amountIn = amountRemainingLessFee;
      sqrtPriceNextX96 = getNextSqrtPriceFromInput(sqrtPriceCurrentX96, liquidity, amountRemainingLessFee, zeroForOne);
      feeAmount = remaining - amountIn;
    }
    amountOut = zeroForOne
      ? getAmount1Delta(sqrtPriceNextX96, sqrtPriceCurrentX96, liquidity, false)
      : getAmount0Delta(sqrtPriceCurrentX96, sqrtPriceNextX96, liquidity, false);
  } else {
    amountOut = zeroForOne
      ? getAmount1Delta(sqrtPriceTargetX96, sqrtPriceCurrentX96, liquidity, false)
      : getAmount0Delta(sqrtPriceCurrentX96, sqrtPriceTargetX96, liquidity, false);
    if (amountRemaining >= amountOut) {
      sqrtPriceNextX96 = sqrtPriceTargetX96;
    } else {
      amountOut = amountRemaining;
      sqrtPriceNextX96 = getNextSqrtPriceFromOutput(sqrtPriceCurrentX96, liquidity, amountOut, zeroForOne);
    }
    amountIn = zeroForOne
      ? getAmount0Delta(sqrtPriceNextX96, sqrtPriceCurrentX96, liquidity, true)
      : getAmount1Delta(sqrtPriceCurrentX96, sqrtPriceNextX96, liquidity, true);
    // Pool.swap refuses exact output at a 100% fee before it gets here, so the divisor is never zero.
    feeAmount = mulDivRoundingUp(amountIn, feePips, MAX_SWAP_FEE - feePips);
  }
  return { sqrtPriceNextX96, amountIn, amountOut, feeAmount };
}
