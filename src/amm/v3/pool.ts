/**
 * A Uniswap V3 pool's swap, simulated exactly: the loop of UniswapV3Pool.swap over the same steps, with the
 * same rounding, so amounts, final price, tick and liquidity equal the pool's to the wei.
 */
import { addDelta } from './liquidityMath.ts';
import { computeSwapStep } from './swapMath.ts';
import { lastAtOrBelow, searchTick } from './sortedTicks.ts';
import { nextInitializedTickWithinOneWord } from './tickBitmap.ts';
import { getSqrtRatioAtTick, getTickAtSqrtRatio, MAX_SQRT_RATIO, MAX_TICK, MIN_SQRT_RATIO, MIN_TICK } from './tickMath.ts';

/** The state a swap reads. `ticks` are the initialized ticks, ascending; `liquidityNet[i]` belongs to `ticks[i]`. */
export type V3PoolState = {
  sqrtPriceX96: bigint;
  tick: number;
  liquidity: bigint;
  /** Fee in hundredths of a basis point (500 = 0.05%). */
  fee: number;
  tickSpacing: number;
  ticks: number[];
  liquidityNet: bigint[];
  /**
   * The bitmap words (compressed tick >> 8, inclusive) whose initialized ticks are all in `ticks`, when only a
   * window around the price was loaded; absent when every word was. A swap that needs a word outside it throws
   * V3RangeError: it is refused, never guessed.
   */
  wordRange?: { from: number; to: number };
};

export type V3SwapParameters = {
  zeroForOne: boolean;
  /** > 0 exact input, < 0 exact output (of the other token), as in UniswapV3Pool.swap. */
  amountSpecified: bigint;
  /** Default: the extreme price in the swap's direction (as the periphery does with 0). */
  sqrtPriceLimitX96?: bigint;
};

export type V3SwapResult = {
  /** Pool's view: positive = paid into the pool, negative = paid out. */
  amount0: bigint;
  amount1: bigint;
  sqrtPriceX96: bigint;
  tick: number;
  liquidity: bigint;
  /** Initialized ticks crossed. */
  ticksCrossed: number;
};

export class V3SwapError extends RangeError {}

/** The swap would walk into bitmap words that were not loaded: its result cannot be known exactly. */
export class V3RangeError extends V3SwapError {}

/** The bitmap word the pool's next step searches: the current one going down, the next tick's going up. */
function wordSearched(tick: number, spacing: number, zeroForOne: boolean): number {
  const compressed = Math.floor(tick / spacing);
  return Math.floor((zeroForOne ? compressed : compressed + 1) / 256);
}

/** Index of an initialized tick (it must exist). */
function tickIndex(ticks: readonly number[], tick: number): number {
  const index = searchTick(ticks, tick);
  if (index < 0) throw new V3SwapError(`tick ${tick} is not initialized`);
  return index;
}

/**
 * Where the pool's step-by-step walk through empty bitmap words would leave it, computed at once. With no
 * liquidity every step moves the price to the next word boundary and changes nothing else, so the state after
 * the last whole empty word before the next initialized tick (or the price limit) is known exactly: the price
 * at that boundary and the tick the pool sets there. The words that remain are stepped normally.
 * Returns undefined when there is not at least one whole word to skip.
 */
export function skipEmptyWords(
  pool: V3PoolState,
  tick: number,
  zeroForOne: boolean,
  limitTick: number,
): { sqrtPriceX96: bigint; tick: number } | undefined {
  const spacing = pool.tickSpacing;
  const compressed = Math.floor(tick / spacing);
  // With a window loaded, the walk may skip no further than its edge: the words beyond are unknown.
  const range = pool.wordRange;
  if (zeroForOne) {
    const index = lastAtOrBelow(pool.ticks, compressed * spacing);
    const stop = Math.max(index >= 0 ? pool.ticks[index]! : MIN_TICK, limitTick, range ? range.from * 256 * spacing : MIN_TICK);
    const stopWord = Math.floor(Math.floor(stop / spacing) / 256);
    if (stopWord + 1 >= Math.floor(compressed / 256)) return undefined;
    const boundary = (stopWord + 1) * 256 * spacing;
    if (boundary <= MIN_TICK) return undefined;
    return { sqrtPriceX96: getSqrtRatioAtTick(boundary), tick: boundary - 1 };
  }
  const index = lastAtOrBelow(pool.ticks, compressed * spacing) + 1;
  const stop = Math.min(index < pool.ticks.length ? pool.ticks[index]! : MAX_TICK, limitTick, range ? (range.to * 256 + 255) * spacing : MAX_TICK);
  const stopWord = Math.floor(Math.floor(stop / spacing) / 256);
  if (stopWord - 1 <= Math.floor((compressed + 1) / 256)) return undefined;
  const boundary = (stopWord * 256 - 1) * spacing;
  if (boundary >= MAX_TICK) return undefined;
  return { sqrtPriceX96: getSqrtRatioAtTick(boundary), tick: boundary };
}

export function simulateV3Swap(pool: V3PoolState, parameters: V3SwapParameters): V3SwapResult {
  const { zeroForOne, amountSpecified } = parameters;
  if (amountSpecified === 0n) throw new V3SwapError('amountSpecified must not be zero (AS)');
  const sqrtPriceLimitX96 = parameters.sqrtPriceLimitX96 ?? (zeroForOne ? MIN_SQRT_RATIO + 1n : MAX_SQRT_RATIO - 1n);
  if (
    zeroForOne
      ? !(sqrtPriceLimitX96 < pool.sqrtPriceX96 && sqrtPriceLimitX96 > MIN_SQRT_RATIO)
      : !(sqrtPriceLimitX96 > pool.sqrtPriceX96 && sqrtPriceLimitX96 < MAX_SQRT_RATIO)
  ) {
    throw new V3SwapError('price limit is on the wrong side of the price (SPL)');
  }
  const state: V3SwapState = { remaining: amountSpecified, calculated: 0n, sqrtPriceX96: pool.sqrtPriceX96, tick: pool.tick, liquidity: pool.liquidity, ticksCrossed: 0 };
  swapSteps(pool, zeroForOne, sqrtPriceLimitX96, state, true);
  const exactInput = amountSpecified > 0n;
  const { remaining, calculated } = state;
  const [amount0, amount1] =
    zeroForOne === exactInput ? [amountSpecified - remaining, calculated] : [calculated, amountSpecified - remaining];
  return { amount0, amount1, sqrtPriceX96: state.sqrtPriceX96, tick: state.tick, liquidity: state.liquidity, ticksCrossed: state.ticksCrossed };
}

/**
 * A swap in progress: what is left of amountSpecified (> 0 exact input, < 0 exact output), the other amount so
 * far (UniswapV3Pool.swap's amountCalculated), and the pool's price, tick and active liquidity.
 */
export type V3SwapState = { remaining: bigint; calculated: bigint; sqrtPriceX96: bigint; tick: number; liquidity: bigint; ticksCrossed: number };

/**
 * UniswapV3Pool.swap's loop from `state` (updated in place) until the amount is used or the price reaches the
 * limit. `finalTick`: set the tick where a step ends inside a range (a log2, the dearest part of a step); a
 * quote that reads only amounts passes false, and the tick is then left at the last one the walk passed (the
 * step that ends inside a range is always the last: it used all that remained, or reached the limit).
 */
export function swapSteps(pool: V3PoolState, zeroForOne: boolean, sqrtPriceLimitX96: bigint, state: V3SwapState, finalTick: boolean): void {
  const feePips = BigInt(pool.fee);
  let { remaining, calculated, sqrtPriceX96, tick, liquidity, ticksCrossed } = state;
  const exactInput = remaining > 0n;
  let limitTick: number | undefined;
  while (remaining !== 0n && sqrtPriceX96 !== sqrtPriceLimitX96) {
    if (liquidity === 0n) {
      limitTick ??= getTickAtSqrtRatio(sqrtPriceLimitX96);
      const skipped = skipEmptyWords(pool, tick, zeroForOne, limitTick);
      if (skipped) ({ sqrtPriceX96, tick } = skipped);
    }
    const sqrtPriceStartX96 = sqrtPriceX96;
    checkWordLoaded(pool, tick, zeroForOne);
    const next = nextInitializedTickWithinOneWord(pool.ticks, tick, pool.tickSpacing, zeroForOne);
    const tickNext = Math.min(MAX_TICK, Math.max(MIN_TICK, next.tick));
    const sqrtPriceNextX96 = getSqrtRatioAtTick(tickNext);
    const target = (zeroForOne ? sqrtPriceNextX96 < sqrtPriceLimitX96 : sqrtPriceNextX96 > sqrtPriceLimitX96)
      ? sqrtPriceLimitX96
      : sqrtPriceNextX96;
    const step = computeSwapStep(sqrtPriceX96, target, liquidity, remaining, feePips);
    sqrtPriceX96 = step.sqrtRatioNextX96;
    if (exactInput) {
      remaining -= step.amountIn + step.feeAmount;
      calculated -= step.amountOut;
    } else {
      remaining += step.amountOut;
      calculated += step.amountIn + step.feeAmount;
    }
    if (sqrtPriceX96 === sqrtPriceNextX96) {
      if (next.initialized) {
        liquidity = addDelta(liquidity, zeroForOne ? -crossedNet(pool, tickNext) : crossedNet(pool, tickNext));
        ticksCrossed++;
      }
      tick = zeroForOne ? tickNext - 1 : tickNext;
    } else if (sqrtPriceX96 !== sqrtPriceStartX96 && finalTick) {
      tick = getTickAtSqrtRatio(sqrtPriceX96);
    }
  }
  Object.assign(state, { remaining, calculated, sqrtPriceX96, tick, liquidity, ticksCrossed });
}

/** The liquidityNet of an initialized tick the swap crosses. */
export function crossedNet(pool: V3PoolState, tick: number): bigint {
  return pool.liquidityNet[tickIndex(pool.ticks, tick)]!;
}

/** Throws V3RangeError when the step from `tick` searches a bitmap word outside the loaded window. */
export function checkWordLoaded(pool: V3PoolState, tick: number, zeroForOne: boolean): void {
  if (!pool.wordRange) return;
  const word = wordSearched(tick, pool.tickSpacing, zeroForOne);
  if (word < pool.wordRange.from || word > pool.wordRange.to) {
    throw new V3RangeError(`the swap needs bitmap word ${word}, outside the loaded words ${pool.wordRange.from}..${pool.wordRange.to}`);
  }
}

/** Exact-input quote: what the pool pays out for `amountIn` (0 if it cannot fill any of it). */
export function quoteV3ExactInput(pool: V3PoolState, zeroForOne: boolean, amountIn: bigint): bigint {
  const result = simulateV3Swap(pool, { zeroForOne, amountSpecified: amountIn });
  return -(zeroForOne ? result.amount1 : result.amount0);
}
