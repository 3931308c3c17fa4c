/**
 * A Uniswap V4 pool's swap, simulated exactly: Pool.swap's loop with V4's step (swapMath.ts), fee composition
 * and sign convention, over the same tick walk as V3 (TickBitmap and TickMath are unchanged in V4, so the V3
 * emulation of the bitmap and its empty-word skip are reused).
 */
import { addDelta } from '../v3/liquidityMath.ts';
import { checkWordLoaded, crossedNet, skipEmptyWords, type V3PoolState } from '../v3/pool.ts';
import { nextInitializedTickWithinOneWord } from '../v3/tickBitmap.ts';
import { getSqrtRatioAtTick, getTickAtSqrtRatio, MAX_SQRT_RATIO, MAX_TICK, MIN_SQRT_RATIO, MIN_TICK } from '../v3/tickMath.ts';
import { calculateSwapFee, computeSwapStepV4, directionalProtocolFee, MAX_SWAP_FEE } from './swapMath.ts';

/**
 * The state a V4 swap reads: V3's shape (ticks ascending with their liquidityNet, optional loaded word range),
 * with slot0's fees instead of a fixed tier. `fee` is unused by the V4 loop; it mirrors lpFee for code that
 * shares V3's helpers.
 */
export type V4PoolState = V3PoolState & {
  /** slot0.lpFee in pips: the static fee, or the dynamic fee the hook last set (read per block). */
  lpFee: number;
  /** slot0.protocolFee: 12 bits per direction (0->1 low, 1->0 high). */
  protocolFee: number;
};

export type V4SwapParameters = {
  zeroForOne: boolean;
  /** < 0 exact input, > 0 exact output, as in PoolManager.swap. */
  amountSpecified: bigint;
  /** Default: the extreme price in the swap's direction (as V4Quoter does). */
  sqrtPriceLimitX96?: bigint;
};

export type V4SwapResult = {
  /** The swapper's view (BalanceDelta): negative = paid into the pool, positive = received. */
  amount0: bigint;
  amount1: bigint;
  sqrtPriceX96: bigint;
  tick: number;
  liquidity: bigint;
  /** The fee charged, in pips (LP fee composed with the protocol fee). */
  swapFee: number;
  ticksCrossed: number;
};

export class V4SwapError extends RangeError {}
/** Not enough liquidity to fill the specified amount: V4Quoter reverts (NotEnoughLiquidity) rather than quoting a part. */
export class V4PartialFillError extends V4SwapError {}

export function simulateV4Swap(pool: V4PoolState, parameters: V4SwapParameters): V4SwapResult {
  const { zeroForOne, amountSpecified } = parameters;
  if (amountSpecified === 0n) throw new V4SwapError('amountSpecified must not be zero (SwapAmountCannotBeZero)');
  const swapFee = calculateSwapFee(directionalProtocolFee(pool.protocolFee, zeroForOne), pool.lpFee);
  if (BigInt(swapFee) >= MAX_SWAP_FEE && amountSpecified > 0n) throw new V4SwapError('exact output at a 100% fee (InvalidFeeForExactOut)');
  const limit = parameters.sqrtPriceLimitX96 ?? (zeroForOne ? MIN_SQRT_RATIO + 1n : MAX_SQRT_RATIO - 1n);
  if (zeroForOne ? limit >= pool.sqrtPriceX96 || limit <= MIN_SQRT_RATIO : limit <= pool.sqrtPriceX96 || limit >= MAX_SQRT_RATIO) {
    throw new V4SwapError('price limit is on the wrong side of the price or out of bounds');
  }
  const feePips = BigInt(swapFee);
  let remaining = amountSpecified;
  let calculated = 0n;
  let { sqrtPriceX96, tick, liquidity } = pool;
  let ticksCrossed = 0;
  let limitTick: number | undefined;
  while (remaining !== 0n && sqrtPriceX96 !== limit) {
    if (liquidity === 0n) {
      // No liquidity: every step only moves the price to the next word boundary; jump over whole empty words.
      limitTick ??= getTickAtSqrtRatio(limit);
      const skipped = skipEmptyWords(pool, tick, zeroForOne, limitTick);
      if (skipped) ({ sqrtPriceX96, tick } = skipped);
    }
    const sqrtPriceStartX96 = sqrtPriceX96;
    checkWordLoaded(pool, tick, zeroForOne);
    const next = nextInitializedTickWithinOneWord(pool.ticks, tick, pool.tickSpacing, zeroForOne);
    const tickNext = Math.min(MAX_TICK, Math.max(MIN_TICK, next.tick));
    const sqrtPriceNextX96 = getSqrtRatioAtTick(tickNext);
    const target = (zeroForOne ? sqrtPriceNextX96 < limit : sqrtPriceNextX96 > limit) ? limit : sqrtPriceNextX96;
    const step = computeSwapStepV4(sqrtPriceX96, target, liquidity, remaining, feePips);
    sqrtPriceX96 = step.sqrtPriceNextX96;
    if (amountSpecified > 0n) {
      remaining -= step.amountOut;
      calculated -= step.amountIn + step.feeAmount;
    } else {
      remaining += step.amountIn + step.feeAmount;
      calculated += step.amountOut;
    }
    if (sqrtPriceX96 === sqrtPriceNextX96) {
      if (next.initialized) {
        liquidity = addDelta(liquidity, zeroForOne ? -crossedNet(pool, tickNext) : crossedNet(pool, tickNext));
        ticksCrossed++;
      }
      tick = zeroForOne ? tickNext - 1 : tickNext;
    } else if (sqrtPriceX96 !== sqrtPriceStartX96) {
      tick = getTickAtSqrtRatio(sqrtPriceX96);
    }
  }
  const specified = amountSpecified - remaining;
  const [amount0, amount1] = zeroForOne !== amountSpecified < 0n ? [calculated, specified] : [specified, calculated];
  return { amount0, amount1, sqrtPriceX96, tick, liquidity, swapFee, ticksCrossed };
}

/** What V4Quoter.quoteExactInputSingle answers: the output for `amountIn`, or V4PartialFillError when the pool cannot take all of it. */
export function quoteV4ExactInput(pool: V4PoolState, zeroForOne: boolean, amountIn: bigint): bigint {
  const result = simulateV4Swap(pool, { zeroForOne, amountSpecified: -amountIn });
  const [taken, paid] = zeroForOne ? [result.amount0, result.amount1] : [result.amount1, result.amount0];
  if (taken !== -amountIn) throw new V4PartialFillError(`the pool takes only ${-taken} of ${amountIn}`);
  return paid;
}

/** What V4Quoter.quoteExactOutputSingle answers: the input `amountOut` costs, or V4PartialFillError when the pool cannot pay it all. */
export function quoteV4ExactOutput(pool: V4PoolState, zeroForOne: boolean, amountOut: bigint): bigint {
  const result = simulateV4Swap(pool, { zeroForOne, amountSpecified: amountOut });
  const [taken, paid] = zeroForOne ? [result.amount0, result.amount1] : [result.amount1, result.amount0];
  if (paid !== amountOut) throw new V4PartialFillError(`the pool pays only ${paid} of ${amountOut}`);
  return -taken;
}
