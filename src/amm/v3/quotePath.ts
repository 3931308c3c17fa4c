/**
 * Exact-input V3 quotes for a search that quotes the same pool state many times (sizing a cycle evaluates it
 * at twenty-odd inputs): the steps a swap takes across whole ranges are the same for every input large enough
 * to take them, so they are computed once per pool state and direction and replayed. Each replayed step is the
 * pool's own test (the input left, less the fee, covers the step's input), and the step that ends inside a
 * range is computed as UniswapV3Pool.swap computes it (swapSteps from there on). The amounts equal
 * simulateV3Swap's to the wei; only the final tick is not computed (a quote does not read it).
 */
import { MAX_UINT256 } from './fullMath.ts';
import { addDelta } from './liquidityMath.ts';
import { checkWordLoaded, crossedNet, skipEmptyWords, swapSteps, V3SwapError, type V3PoolState, type V3SwapState } from './pool.ts';
import { computeSwapStep } from './swapMath.ts';
import { nextInitializedTickWithinOneWord } from './tickBitmap.ts';
import { getSqrtRatioAtTick, getTickAtSqrtRatio, MAX_SQRT_RATIO, MAX_TICK, MIN_SQRT_RATIO, MIN_TICK } from './tickMath.ts';

const ONE_MILLION = 1_000_000n;
/** An input no real swap has: a step computed with it is a step taken whole (checked, never assumed). */
const UNBOUNDED = 1n << 250n;

/**
 * One step across a whole range: what it takes (before the fee) and the fee, what it pays, the state after, and
 * `least`, the least input left that takes it whole. computeSwapStep takes the range whole when
 * floor(left * (10^6 - fee) / 10^6) >= amountIn, that is left * (10^6 - fee) >= amountIn * 10^6 (amountIn is
 * an integer), that is left >= ceil(amountIn * 10^6 / (10^6 - fee)): one comparison per step replayed.
 */
type WholeStep = { amountIn: bigint; feeAmount: bigint; amountOut: bigint; least: bigint; sqrtPriceX96: bigint; tick: number; liquidity: bigint; ticksCrossed: number };

/** The whole steps from a pool state in one direction, computed as far as a quote has needed. */
type Path = { steps: WholeStep[]; complete: boolean };

/**
 * The paths of the pool states one search quotes (a sizing, or the sizings of one search): kept by the caller
 * for as long as those states are what it quotes, then dropped with it (nothing is kept between searches).
 */
export class V3QuotePaths {
  private readonly known = new Map<V3PoolState, { down?: Path; up?: Path }>();

  pathOf(pool: V3PoolState, zeroForOne: boolean): Path {
    let both = this.known.get(pool);
    if (both === undefined) this.known.set(pool, (both = {}));
    const known = zeroForOne ? both.down : both.up;
    if (known !== undefined) return known;
    const path: Path = { steps: [], complete: false };
    if (zeroForOne) both.down = path;
    else both.up = path;
    return path;
  }

  /** quoteExactInputOnPath on this pool state's path. */
  quote(pool: V3PoolState, zeroForOne: boolean, amountIn: bigint): V3ExactInputQuote {
    return quoteExactInputOnPath(pool, zeroForOne, amountIn, this.pathOf(pool, zeroForOne));
  }
}

/**
 * The next whole step after `from` (the path's last state), as the pool's loop would take it with an input
 * that covers it; undefined when the next step is not a whole range (it reaches the price limit, or cannot be
 * taken whole) or would leave the loaded ticks: the loop itself handles those.
 */
function nextWholeStep(pool: V3PoolState, zeroForOne: boolean, limit: bigint, from: { sqrtPriceX96: bigint; tick: number; liquidity: bigint; ticksCrossed: number }): WholeStep | undefined {
  let { sqrtPriceX96, tick } = from;
  const { liquidity } = from;
  if (sqrtPriceX96 === limit) return undefined;
  if (liquidity === 0n) {
    const skipped = skipEmptyWords(pool, tick, zeroForOne, getTickAtSqrtRatio(limit));
    if (skipped) ({ sqrtPriceX96, tick } = skipped);
  }
  try {
    checkWordLoaded(pool, tick, zeroForOne);
  } catch {
    return undefined;
  }
  const next = nextInitializedTickWithinOneWord(pool.ticks, tick, pool.tickSpacing, zeroForOne);
  const tickNext = Math.min(MAX_TICK, Math.max(MIN_TICK, next.tick));
  const sqrtPriceNextX96 = getSqrtRatioAtTick(tickNext);
  if (zeroForOne ? sqrtPriceNextX96 < limit : sqrtPriceNextX96 > limit) return undefined;
  let step: ReturnType<typeof computeSwapStep>;
  try {
    step = computeSwapStep(sqrtPriceX96, sqrtPriceNextX96, liquidity, UNBOUNDED, BigInt(pool.fee));
  } catch {
    return undefined; // a range no input can cross whole (its math overflows): the loop meets it with the real input
  }
  if (step.sqrtRatioNextX96 !== sqrtPriceNextX96) return undefined;
  const crossed = next.initialized;
  const feeLeft = ONE_MILLION - BigInt(pool.fee);
  return {
    amountIn: step.amountIn,
    least: (step.amountIn * ONE_MILLION + feeLeft - 1n) / feeLeft,
    feeAmount: step.feeAmount,
    amountOut: step.amountOut,
    sqrtPriceX96: sqrtPriceNextX96,
    tick: zeroForOne ? tickNext - 1 : tickNext,
    liquidity: crossed ? addDelta(liquidity, zeroForOne ? -crossedNet(pool, tickNext) : crossedNet(pool, tickNext)) : liquidity,
    ticksCrossed: from.ticksCrossed + (crossed ? 1 : 0),
  };
}

function quoteByLoop(pool: V3PoolState, zeroForOne: boolean, amountIn: bigint): V3ExactInputQuote {
  const state: V3SwapState = { remaining: amountIn, calculated: 0n, sqrtPriceX96: pool.sqrtPriceX96, tick: pool.tick, liquidity: pool.liquidity, ticksCrossed: 0 };
  swapSteps(pool, zeroForOne, zeroForOne ? MIN_SQRT_RATIO + 1n : MAX_SQRT_RATIO - 1n, state, false);
  return { amountIn: amountIn - state.remaining, amountOut: -state.calculated, ticksCrossed: state.ticksCrossed };
}

export type V3ExactInputQuote = { amountIn: bigint; amountOut: bigint; ticksCrossed: number };

/**
 * What an exact-input swap of `amountIn` (> 0) with no price limit takes and pays: `amountIn` used (less when
 * the pool runs out of liquidity) and the output, as simulateV3Swap computes them. Throws what it throws
 * (V3RangeError past the loaded ticks). `path`: this pool state's, in this direction.
 */
function quoteExactInputOnPath(pool: V3PoolState, zeroForOne: boolean, amountIn: bigint, path: Path): V3ExactInputQuote {
  if (amountIn <= 0n) throw new V3SwapError('amountIn must be positive');
  const limit = zeroForOne ? MIN_SQRT_RATIO + 1n : MAX_SQRT_RATIO - 1n;
  if (zeroForOne ? !(limit < pool.sqrtPriceX96) : !(limit > pool.sqrtPriceX96)) throw new V3SwapError('price limit is on the wrong side of the price (SPL)');
  // Past uint256 the pool's own test (a mulDiv) can overflow, which the replay's comparison would not: the loop.
  if (amountIn > MAX_UINT256) return quoteByLoop(pool, zeroForOne, amountIn);
  let remaining = amountIn;
  let calculated = 0n;
  let at: { sqrtPriceX96: bigint; tick: number; liquidity: bigint; ticksCrossed: number } = { sqrtPriceX96: pool.sqrtPriceX96, tick: pool.tick, liquidity: pool.liquidity, ticksCrossed: 0 };
  for (let i = 0; remaining !== 0n; i++) {
    if (i === path.steps.length) {
      const step = path.complete ? undefined : nextWholeStep(pool, zeroForOne, limit, at);
      if (step === undefined) {
        path.complete = true;
        break;
      }
      path.steps.push(step);
    }
    const step = path.steps[i]!;
    // computeSwapStep's test: the input left after the fee covers the whole range (see WholeStep).
    if (remaining < step.least) break;
    remaining -= step.amountIn + step.feeAmount;
    calculated -= step.amountOut;
    at = step;
  }
  const state: V3SwapState = { remaining, calculated, sqrtPriceX96: at.sqrtPriceX96, tick: at.tick, liquidity: at.liquidity, ticksCrossed: at.ticksCrossed };
  swapSteps(pool, zeroForOne, limit, state, false);
  return { amountIn: amountIn - state.remaining, amountOut: -state.calculated, ticksCrossed: state.ticksCrossed };
}
