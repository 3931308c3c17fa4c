import { composeHops, optimalCycleInput } from '../amm/v2.ts';
import type { V3QuotePaths } from '../amm/v3/quotePath.ts';
import { isV2Only, prepareCycle, quoteCycle, v4SwapFee, type Cycle, type CycleHop, type PoolView, type PreparedCycle } from './cycle.ts';
import type { V2Hop } from '../amm/v2.ts';
import { walkable } from './graph.ts';

const Q96 = 1n << 96n;

/** A hop as constant-product reserves: a pair's own, or a V3/V4 pool's virtual reserves at its current price. */
function virtualHop(view: PoolView, hop: CycleHop): V2Hop {
  const pool = view.get(hop.pool.address) ?? hop.pool;
  if (pool.kind === 'v2') {
    return { reserveIn: hop.zeroForOne ? pool.reserve0 : pool.reserve1, reserveOut: hop.zeroForOne ? pool.reserve1 : pool.reserve0, feeBps: pool.feeBps };
  }
  const reserve0 = pool.sqrtPriceX96 === 0n ? 0n : (pool.liquidity * Q96) / pool.sqrtPriceX96;
  const reserve1 = (pool.liquidity * pool.sqrtPriceX96) / Q96;
  // A V4 pool's fee is its LP fee composed with this direction's protocol fee (what its swap charges).
  const fee = pool.kind === 'v4' ? v4SwapFee(pool, hop.zeroForOne) : pool.fee;
  return { reserveIn: hop.zeroForOne ? reserve0 : reserve1, reserveOut: hop.zeroForOne ? reserve1 : reserve0, feeBps: BigInt(Math.ceil(fee / 100)) };
}

/** Every hop's pool may be sized by our math (graph.ts `walkable`), in the view's state. */
const sizable = (view: PoolView, cycle: Cycle): boolean => cycle.hops.every((hop) => walkable(view.get(hop.pool.address) ?? hop.pool));

export type Sized = { amountIn: bigint; amountOut: bigint; profit: bigint; ticksCrossed: number; evaluations: number };

const profitAt = (view: PoolView, cycle: Cycle, x: bigint, prepared?: PreparedCycle) => {
  const quote = quoteCycle(view, cycle, x, prepared);
  return { amountOut: quote.amountOut, ticksCrossed: quote.ticksCrossed, profit: quote.amountOut - x };
};

/**
 * The best profit of the cycle if every hop kept its current constant-product shape (V3 hops as their
 * virtual reserves): exact for V2 and for V3 trades that stay in range. A cheap estimate to decide whether a
 * cycle is worth an exact search (one that cannot pay its gas is not).
 */
export function approximateProfit(view: PoolView, cycle: Cycle): bigint {
  if (!sizable(view, cycle)) return 0n;
  const hops = cycle.hops.map((hop) => virtualHop(view, hop));
  const x = optimalCycleInput(hops);
  if (x <= 0n) return 0n;
  const { a, b, c } = composeHops(hops);
  return (a * x) / (b + c * x) - x;
}

/**
 * The input that maximises the cycle's exact profit. V2-only cycles: the closed form of the composed hop map
 * (then the exact chain is evaluated there). Cycles with V3 or V4 hops: the profit is concave in the input (each
 * hop's output is concave and increasing), so a doubling bracket and a golden-section search on integers close in on
 * the optimum until the bracket is within 1 part in 10^3 of the input, then the best point is taken; the
 * profit lost to the remaining bracket is far below 0.01% (tests compare with brute force). `paths`: V3 paths
 * shared with the other cycles sized on the same view (they often share a pool).
 */
export function sizeCycle(view: PoolView, cycle: Cycle, minInput = 10n ** 12n, paths?: V3QuotePaths): Sized | undefined {
  // Fail closed: a pool our math may not quote alone (a simulate-only V4 pool: a hook may change its amounts) is never sized.
  if (!sizable(view, cycle)) return undefined;
  if (isV2Only(cycle)) {
    const hops = cycle.hops.map((hop) => {
      const pool = view.get(hop.pool.address) ?? hop.pool;
      if (pool.kind !== 'v2') throw new Error('unreachable');
      return {
        reserveIn: hop.zeroForOne ? pool.reserve0 : pool.reserve1,
        reserveOut: hop.zeroForOne ? pool.reserve1 : pool.reserve0,
        feeBps: pool.feeBps,
      };
    });
    const x = optimalCycleInput(hops);
    if (x <= 0n) return undefined;
    const at = profitAt(view, cycle, x);
    return at.profit > 0n ? { amountIn: x, amountOut: at.amountOut, profit: at.profit, ticksCrossed: 0, evaluations: 1 } : undefined;
  }

  let evaluations = 0;
  // The hops' states looked up once, the V3 hops' whole-range steps computed once: the search below quotes
  // the cycle twenty-odd times on the same view.
  const prepared = prepareCycle(view, cycle, paths);
  const f = (x: bigint) => {
    evaluations++;
    return profitAt(view, cycle, x, prepared);
  };
  // Start from the closed-form optimum of the cycle with each V3 hop replaced by its current virtual reserves
  // (exact for a trade that stays inside the active range), then bracket and refine on the exact function.
  const guess = optimalCycleInput(cycle.hops.map((hop) => virtualHop(view, hop)));
  // When the trade at that guess crosses no initialized tick, every V3 hop stays inside its range, the
  // virtual-reserve curve is the real one and the guess is the optimum up to rounding: confirm it is a local
  // maximum on the exact function (one part in 10^3 either side) and stop there.
  if (guess > 0n) {
    const atGuess = f(guess);
    const step = guess / 1000n > 0n ? guess / 1000n : 1n;
    if (atGuess.ticksCrossed === 0 && atGuess.profit > 0n && f(guess - step).profit <= atGuess.profit && f(guess + step).profit <= atGuess.profit) {
      return { amountIn: guess, amountOut: atGuess.amountOut, profit: atGuess.profit, ticksCrossed: 0, evaluations };
    }
  }
  // A first profitable point: tiny inputs can round to nothing in a hop (a 6-decimal token), so grow the
  // probe tenfold until the cycle pays (a concave profit with P(0) = 0 is negative at small x only by rounding).
  let mid = guess > minInput ? guess / 2n : minInput;
  let atMid = f(mid);
  while (atMid.profit <= 0n && mid < 10n ** 27n) {
    mid *= 10n;
    atMid = f(mid);
  }
  if (atMid.profit <= 0n) return undefined;
  // Bracket: grow until profit stops rising (or the cycle stops filling). The quotes at the bracket's ends are
  // kept as it narrows, so that the final pick does not quote them again.
  let low = 0n;
  let atLow: ReturnType<typeof f> | undefined;
  let high = mid * 2n;
  let atHigh = f(high);
  while (atHigh.profit > atMid.profit && atHigh.amountOut > 0n && high < 1n << 200n) {
    low = mid;
    atLow = atMid;
    mid = high;
    atMid = atHigh;
    high *= 2n;
    atHigh = f(high);
  }
  // Golden-section search on [low, high] for the maximum of a concave function: one new evaluation per step.
  const inner = (a: bigint, b: bigint) => [a + ((b - a) * 382n) / 1000n, a + ((b - a) * 618n) / 1000n] as const;
  let [c, d] = inner(low, high);
  let atC = f(c);
  let atD = f(d);
  let fc = atC.profit;
  let fd = atD.profit;
  // Stop at 1 part in 10^3 of the input: near the top the profit is flat (quadratic in the distance), so the
  // profit given up is of order 10^-6 of it, far inside the 0.01% the sizing promises.
  while (high - low > 2n && (high - low) * 1_000n > high) {
    if (fc < fd) {
      low = c;
      atLow = atC;
      c = d;
      atC = atD;
      fc = fd;
      d = low + ((high - low) * 618n) / 1000n;
      if (d <= c) d = c + 1n;
      atD = f(d);
      fd = atD.profit;
    } else {
      high = d;
      atHigh = atD;
      d = c;
      atD = atC;
      fd = fc;
      c = low + ((high - low) * 382n) / 1000n;
      if (c >= d) c = d - 1n;
      atC = f(c);
      fc = atC.profit;
    }
  }
  let best = { x: low, ...(atLow ?? f(low)) };
  const middle = low + (high - low) / 2n;
  for (const [x, at] of [[middle, f(middle)], [high, atHigh]] as const) {
    if (at.profit > best.profit) best = { x, ...at };
  }
  if (best.profit <= 0n) return undefined;
  return { amountIn: best.x, amountOut: best.amountOut, profit: best.profit, ticksCrossed: best.ticksCrossed, evaluations };
}
