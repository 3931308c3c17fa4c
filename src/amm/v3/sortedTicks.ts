/** Binary searches over a pool's ascending list of initialized ticks. */

/** Index of `tick`, or the bitwise complement of the index where it would be inserted. */
export function searchTick(ticks: ArrayLike<number>, tick: number): number {
  let low = 0;
  let high = ticks.length - 1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    const value = ticks[mid]!;
    if (value === tick) return mid;
    if (value < tick) low = mid + 1;
    else high = mid - 1;
  }
  return ~low;
}

/** Index of the last tick <= value (-1 if none). */
export function lastAtOrBelow(ticks: ArrayLike<number>, value: number): number {
  const index = searchTick(ticks, value);
  return index >= 0 ? index : ~index - 1;
}
