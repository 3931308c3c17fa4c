/** floor(sqrt(value)) for a non-negative bigint, by Newton's method (exact). */
export function isqrt(value: bigint): bigint {
  if (value < 0n) throw new RangeError('isqrt: negative input');
  if (value < 2n) return value;
  // Start above the root (a power of two from the bit length) so the iteration decreases monotonically.
  let x = 1n << BigInt(Math.ceil(value.toString(2).length / 2));
  for (;;) {
    const next = (x + value / x) >> 1n;
    if (next >= x) return x;
    x = next;
  }
}
