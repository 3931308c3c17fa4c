/**
 * Uniswap V3 TickMath in exact bigint arithmetic: the same constants and rounding as the Solidity library,
 * so ticks and prices computed here equal the pool's to the last bit.
 */
export const MIN_TICK = -887272;
export const MAX_TICK = 887272;
export const MIN_SQRT_RATIO = 4295128739n;
export const MAX_SQRT_RATIO = 1461446703485210103287273052203988822378723970342n;

const MAX_UINT256 = (1n << 256n) - 1n;

/** ratio multipliers for each bit of |tick|: 2^128 / sqrt(1.0001)^(2^i), as in TickMath.sol. */
const bitMultipliers: readonly bigint[] = [
  0xfff97272373d413259a46990580e213an,
  0xfff2e50f5f656932ef12357cf3c7fdccn,
  0xffe5caca7e10e4e61c3624eaa0941cd0n,
  0xffcb9843d60f6159c9db58835c926644n,
  0xff973b41fa98c081472e6896dfb254c0n,
  0xff2ea16466c96a3843ec78b326b52861n,
  0xfe5dee046a99a2a811c461f1969c3053n,
  0xfcbe86c7900a88aedcffc83b479aa3a4n,
  0xf987a7253ac413176f2b074cf7815e54n,
  0xf3392b0822b70005940c7a398e4b70f3n,
  0xe7159475a2c29b7443b29c7fa6e889d9n,
  0xd097f3bdfd2022b8845ad8f792aa5825n,
  0xa9f746462d870fdf8a65dc1f90e061e5n,
  0x70d869a156d2a1b890bb3df62baf32f7n,
  0x31be135f97d08fd981231505542fcfa6n,
  0x9aa508b5b7a84e1c677de54f3e99bc9n,
  0x5d6af8dedb81196699c329225ee604n,
  0x2216e584f5fa1ea926041bedfe98n,
  0x48a170391f7dc42444e8fa2n,
];

export class TickOutOfRangeError extends RangeError {}

/**
 * The ratios computed lately, by tick: a swap's steps end on the same initialized ticks quote after quote (a
 * sizing quotes a pool twenty-odd times), and the ratio is a pure function of the tick. Direct-mapped (a tick
 * has one slot, a newer tick in the same slot replaces it): fixed size, no table that grows and is dropped.
 */
const MEMO_SLOTS = 4096;
const memoTicks = new Int32Array(MEMO_SLOTS).fill(MAX_TICK + 1); // out of range: no tick is looked up with it
const memoRatios: bigint[] = new Array<bigint>(MEMO_SLOTS).fill(0n);

/** sqrt(1.0001^tick) * 2^96 as a Q64.96, rounded up like TickMath.getSqrtRatioAtTick. */
export function getSqrtRatioAtTick(tick: number): bigint {
  if (!Number.isInteger(tick) || tick < MIN_TICK || tick > MAX_TICK) {
    throw new TickOutOfRangeError(`tick ${tick} is outside [${MIN_TICK}, ${MAX_TICK}]`);
  }
  const slot = tick & (MEMO_SLOTS - 1);
  if (memoTicks[slot] === tick) return memoRatios[slot]!;
  const ratio = sqrtRatioAtTick(tick);
  memoTicks[slot] = tick;
  memoRatios[slot] = ratio;
  return ratio;
}

function sqrtRatioAtTick(tick: number): bigint {
  const absTick = Math.abs(tick);
  let ratio = absTick & 1 ? 0xfffcb933bd6fad37aa2d162d1a594001n : 0x100000000000000000000000000000000n;
  for (let bit = 1; bit < 20; bit++) {
    if (absTick & (1 << bit)) ratio = (ratio * bitMultipliers[bit - 1]!) >> 128n;
  }
  if (tick > 0) ratio = MAX_UINT256 / ratio;
  return (ratio >> 32n) + (ratio % (1n << 32n) === 0n ? 0n : 1n);
}

/**
 * The greatest tick whose sqrt ratio is <= `sqrtPriceX96`: TickMath.getTickAtSqrtRatio's log2 method, step
 * for step (msb, 14 squarings, the same two error bounds and the same final check).
 */
export function getTickAtSqrtRatio(sqrtPriceX96: bigint): number {
  if (sqrtPriceX96 < MIN_SQRT_RATIO || sqrtPriceX96 >= MAX_SQRT_RATIO) {
    throw new TickOutOfRangeError(`sqrtPriceX96 ${sqrtPriceX96} is outside [MIN_SQRT_RATIO, MAX_SQRT_RATIO)`);
  }
  const ratio = sqrtPriceX96 << 32n;
  let r = ratio;
  let msb = 0n;
  for (const [shift, bound] of msbSteps) {
    const f = r > bound ? shift : 0n;
    msb |= f;
    r >>= f;
  }
  if (r > 1n) msb |= 1n;
  r = msb >= 128n ? ratio >> (msb - 127n) : ratio << (127n - msb);
  let log2 = (msb - 128n) << 64n;
  for (let bit = 63n; bit >= 50n; bit--) {
    r = (r * r) >> 127n;
    const f = r >> 128n;
    log2 |= f << bit;
    r >>= f;
  }
  const logSqrt10001 = log2 * 255738958999603826347141n;
  const tickLow = Number((logSqrt10001 - 3402992956809132418596140100660247210n) >> 128n);
  const tickHigh = Number((logSqrt10001 + 291339464771989622907027621153398088495n) >> 128n);
  if (tickLow === tickHigh) return tickLow;
  return getSqrtRatioAtTick(tickHigh) <= sqrtPriceX96 ? tickHigh : tickLow;
}

const msbSteps: ReadonlyArray<readonly [bigint, bigint]> = [
  [128n, 0xffffffffffffffffffffffffffffffffn],
  [64n, 0xffffffffffffffffn],
  [32n, 0xffffffffn],
  [16n, 0xffffn],
  [8n, 0xffn],
  [4n, 0xfn],
  [2n, 0x3n],
];
