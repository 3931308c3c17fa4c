/**
 * TickBitmap.nextInitializedTickWithinOneWord, emulated on a sorted list of initialized ticks. A swap step
 * ends at the next initialized tick or at the end of the 256-tick bitmap word, whichever comes first, and
 * each step rounds on its own: stopping at the same places is what makes the result equal to the pool's.
 */
import { lastAtOrBelow } from './sortedTicks.ts';

export type NextTick = { tick: number; initialized: boolean };

export function nextInitializedTickWithinOneWord(
  initializedTicks: ArrayLike<number>,
  tick: number,
  tickSpacing: number,
  lte: boolean,
): NextTick {
  let compressed = Math.trunc(tick / tickSpacing);
  if (tick < 0 && tick % tickSpacing !== 0) compressed--;
  if (lte) {
    const wordStart = (compressed >> 8) * 256;
    const index = lastAtOrBelow(initializedTicks, compressed * tickSpacing);
    if (index >= 0) {
      const candidate = initializedTicks[index]! / tickSpacing;
      if (candidate >= wordStart) return { tick: candidate * tickSpacing, initialized: true };
    }
    return { tick: wordStart * tickSpacing, initialized: false };
  }
  const next = compressed + 1;
  const wordEnd = (next >> 8) * 256 + 255;
  const index = lastAtOrBelow(initializedTicks, next * tickSpacing - 1) + 1;
  if (index < initializedTicks.length) {
    const candidate = initializedTicks[index]! / tickSpacing;
    if (candidate <= wordEnd) return { tick: candidate * tickSpacing, initialized: true };
  }
  return { tick: wordEnd * tickSpacing, initialized: false };
}
