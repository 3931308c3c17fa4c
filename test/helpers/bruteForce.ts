/**
 * The best input of a cycle found by brute force over a quoting function (the tests' own truth for sizing: it
 * uses only the chain's quotes, never the bot's sizing code). The profit of a cycle of constant-product and
 * concentrated-liquidity hops is unimodal in its input, so a ternary search over integers closes in on the
 * optimum; the last bracket is scanned point by point.
 */
export type CycleQuote = (amountIn: bigint) => Promise<bigint | undefined>;

export async function bruteForceBest(quote: CycleQuote, ceiling: bigint, tolerance = 10n ** 12n): Promise<{ amountIn: bigint; profit: bigint }> {
  const seen = new Map<bigint, bigint>();
  const profit = async (x: bigint): Promise<bigint> => {
    if (x === 0n) return 0n;
    let value = seen.get(x);
    if (value === undefined) {
      const out = await quote(x);
      // A quote that fails (not enough liquidity) is no opportunity.
      value = out === undefined ? -(1n << 255n) : out - x;
      seen.set(x, value);
    }
    return value;
  };
  let [lo, hi] = [0n, ceiling];
  while (hi - lo > tolerance) {
    const m1 = lo + (hi - lo) / 3n;
    const m2 = hi - (hi - lo) / 3n;
    if ((await profit(m1)) < (await profit(m2))) lo = m1;
    else hi = m2;
  }
  let best = { amountIn: 0n, profit: 0n };
  const step = (hi - lo) / 8n + 1n;
  for (let x = lo; x <= hi; x += step) {
    const p = await profit(x);
    if (p > best.profit) best = { amountIn: x, profit: p };
  }
  return best;
}
