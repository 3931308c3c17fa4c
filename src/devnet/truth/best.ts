import type { TruthCycle } from './cycles.ts';
import type { EdgeQuote, QuoteRequest } from './quote.ts';

export type CycleBest = { cycle: TruthCycle; amountIn: bigint; gross: bigint };

export type BestBackrun = {
  /** The best WETH gain with at most `cap` in (undefined: no cycle gains anything). */
  capped: CycleBest | undefined;
  /** The best WETH gain at any input up to the first pool's WETH depth. */
  uncapped: CycleBest | undefined;
  /** Cycle quotes asked of the chain. */
  quotes: number;
  /**
   * With `everyCycle`: each cycle's own best (index as `cycles`), capped and uncapped, every gaining cycle refined
   * to the same precision as the winner (undefined: the cycle gains nothing). Absent otherwise.
   */
  byCycle?: { capped: Array<CycleBest | undefined>; uncapped: Array<CycleBest | undefined> };
};

export type BestOptions = {
  /** The most the bot may put in (its inventory cap); none: same as uncapped. */
  cap?: bigint;
  /** Per cycle, the largest input worth trying (the first pool's WETH side). */
  depth: readonly bigint[];
  /** Smallest grid input (default 10^15 wei, 0.001 WETH). */
  minAmountIn?: bigint;
  /** Grid points per decade (default 8: neighbours 1.33x apart). */
  perDecade?: number;
  /** Points tried inside a bracket per refinement round (default 16). */
  sections?: number;
  /** Grid points tried per cycle per round while walking up the grid (default 6). */
  chunk?: number;
  /** Refinement stops when the bracket is this fraction of its top (default 10^-9) or 2 wei. */
  relativeWidth?: bigint;
  /**
   * Refine every gaining cycle, not only those that could beat the best, and report each cycle's own best
   * (`byCycle`): what a baseline needs to compare one cycle's gain on two states. Costs the refinement of each.
   */
  everyCycle?: boolean;
};

/** The chain's quotes: a cycle's output and the least input that gets it (the search's figure), and a plain forward quote (the result's). */
export type Quotes = { edges: (requests: readonly QuoteRequest[]) => Promise<EdgeQuote[]>; forward: (requests: readonly QuoteRequest[]) => Promise<bigint[]> };

/** The input grid of one cycle: log-spaced from the minimum to the depth, the depth and the cap included. */
function gridOf(minAmountIn: bigint, upper: bigint, perDecade: number, cap: bigint | undefined): bigint[] {
  if (upper < minAmountIn) return [];
  const points = new Set<bigint>();
  for (let k = 0; ; k++) {
    // Sample points only: each is an exact integer input; a float is fine for choosing where to look.
    const x = BigInt(Math.floor(Number(minAmountIn) * 10 ** (k / perDecade)));
    if (x > upper) break;
    points.add(x);
  }
  points.add(upper);
  if (cap !== undefined && cap >= minAmountIn && cap < upper) points.add(cap);
  return [...points].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * The best backrun over the cycles, by search on the chain's quotes, not by any formula of the bot's: a dense
 * log-spaced grid of inputs per cycle, then for each cycle that could still be the best, a k-section search on
 * integers inside the bracket around its best grid point (the bracket's best point and its neighbours become the
 * next bracket) until the bracket is a billionth of the input. A cycle's gain is concave in its input (every
 * hop's output is concave), so the bracket keeps the maximum, and a cycle whose best grid gain times the grid
 * ratio is below another's best cannot win and is not refined. Each tried input is scored at its step's left
 * edge (quoteEdges: hops round to whole units, so the raw gain is a staircase whose noise, up to ~10^11 wei on a
 * WBTC hop, would mislead the bracket); the result is the better of the winner's edge and the best tried input,
 * both by forward quote. Done twice over the same quotes: up to the cap, and up to the pool's depth.
 */
export async function bestBackrun(quote: Quotes, cycles: readonly TruthCycle[], options: BestOptions): Promise<BestBackrun> {
  const minAmountIn = options.minAmountIn ?? 10n ** 15n;
  const perDecade = options.perDecade ?? 8;
  const sections = BigInt(options.sections ?? 16);
  const relativeWidth = options.relativeWidth ?? 10n ** 9n;
  const chunk = options.chunk ?? 6;
  const gains = cycles.map(() => new Map<bigint, bigint>());
  // The least input that gets what each tried input gets (the step's left edge), by cycle and tried input.
  const edges = cycles.map(() => new Map<bigint, bigint>());
  // The forward gain at each tried input itself (an exact quote already: a candidate for the result too).
  const plain = cycles.map(() => new Map<bigint, bigint>());
  let quotes = 0;
  const evaluate = async (points: ReadonlyArray<{ cycle: number; amountIn: bigint }>) => {
    const fresh = new Map<string, { cycle: number; amountIn: bigint }>();
    for (const point of points) if (!gains[point.cycle]!.has(point.amountIn)) fresh.set(`${point.cycle}:${point.amountIn}`, point);
    const asked = [...fresh.values()];
    if (asked.length === 0) return;
    quotes += asked.length;
    const quoted = await quote.edges(asked.map((point) => ({ cycle: cycles[point.cycle]!, amountIn: point.amountIn })));
    asked.forEach((point, i) => {
      const { amountOut, amountIn } = quoted[i]!;
      gains[point.cycle]!.set(point.amountIn, amountOut > 0n ? amountOut - amountIn : -point.amountIn);
      edges[point.cycle]!.set(point.amountIn, amountIn);
      plain[point.cycle]!.set(point.amountIn, amountOut > 0n ? amountOut - point.amountIn : -point.amountIn);
    });
  };

  // The grid is walked upward a chunk at a time per cycle, and a cycle's walk ends once its gain has fallen for
  // two points past its best (concave: it only falls further), or when what it walked gains nothing (concave
  // with no gain at zero input: a loss at some input is a loss at every larger one). The first step is the
  // smallest input alone: most cycles through a hub lose there, and need no more quotes (at the scale devnet's hubs,
  // thousands of cycles per swap).
  const fullGrids = cycles.map((_, i) => gridOf(minAmountIn, options.depth[i]!, perDecade, options.cap));
  const walked = cycles.map(() => 0);
  const open = new Set(cycles.map((_, i) => i).filter((i) => fullGrids[i]!.length > 0));
  const step = (cycle: number) => (walked[cycle] === 0 ? 1 : chunk);
  while (open.size > 0) {
    await evaluate([...open].flatMap((cycle) => fullGrids[cycle]!.slice(walked[cycle]!, walked[cycle]! + step(cycle)).map((amountIn) => ({ cycle, amountIn }))));
    for (const cycle of [...open]) {
      walked[cycle] = Math.min(walked[cycle]! + step(cycle), fullGrids[cycle]!.length);
      const seen = fullGrids[cycle]!.slice(0, walked[cycle]);
      const gainsSeen = seen.map((x) => gains[cycle]!.get(x)!);
      const top = gainsSeen.reduce((max, gain, i) => (gain > gainsSeen[max]! ? i : max), 0);
      const past = walked[cycle]! - 1 - top;
      if (walked[cycle] === fullGrids[cycle]!.length || gainsSeen[top]! <= 0n || past >= 2) open.delete(cycle);
    }
  }
  // Walked grids: the cap is on them whenever the walk reached it; when it stopped below, the best is below too.
  const grids = fullGrids.map((grid, cycle) => grid.slice(0, walked[cycle]));

  // Grid neighbours are at most this ratio apart (as a fraction num/den, rounded up): the bound on what lies between.
  const ratioNum = BigInt(Math.ceil(10 ** (1 / perDecade) * 1_000_000));
  const ratioDen = 1_000_000n;

  type Bracket = { cycle: number; low: bigint; high: bigint; limit: bigint };
  const brackets = (limitOf: (cycle: number) => bigint): Bracket[] => {
    const best = grids.map((grid, cycle) => {
      const inRange = grid.filter((x) => x <= limitOf(cycle));
      let at = -1;
      inRange.forEach((x, i) => {
        if (at < 0 || gains[cycle]!.get(x)! > gains[cycle]!.get(inRange[at]!)!) at = i;
      });
      return { cycle, inRange, at, gain: at < 0 ? 0n : gains[cycle]!.get(inRange[at]!)! };
    });
    const top = best.reduce((max, entry) => (entry.gain > max ? entry.gain : max), 0n);
    return best
      .filter((entry) => entry.gain > 0n && (options.everyCycle === true || entry.gain * ratioNum >= top * ratioDen))
      .map((entry) => ({ cycle: entry.cycle, low: entry.at > 0 ? entry.inRange[entry.at - 1]! : 0n, high: entry.inRange[entry.at + 1] ?? entry.inRange[entry.at]!, limit: limitOf(entry.cycle) }));
  };

  const refine = async (open: Bracket[]) => {
    while (true) {
      const active = open.filter((bracket) => bracket.high - bracket.low > 2n && (bracket.high - bracket.low) * relativeWidth > bracket.high);
      if (active.length === 0) return;
      const inside = (bracket: Bracket) => {
        const points: bigint[] = [];
        for (let j = 1n; j <= sections; j++) points.push(bracket.low + ((bracket.high - bracket.low) * j) / (sections + 1n));
        return [...new Set(points)].filter((x) => x > bracket.low && x < bracket.high && x > 0n);
      };
      await evaluate(active.flatMap((bracket) => inside(bracket).map((amountIn) => ({ cycle: bracket.cycle, amountIn }))));
      for (const bracket of active) {
        const points = [bracket.low, ...inside(bracket), bracket.high].filter((x) => x > 0n);
        const gainAt = (x: bigint) => gains[bracket.cycle]!.get(x)!;
        let at = 0;
        points.forEach((x, i) => {
          if (gainAt(x) > gainAt(points[at]!)) at = i;
        });
        const all = [bracket.low, ...inside(bracket), bracket.high];
        const index = all.indexOf(points[at]!);
        bracket.low = index > 0 ? all[index - 1]! : bracket.low;
        bracket.high = index + 1 < all.length ? all[index + 1]! : bracket.high;
      }
    }
  };

  // The winner's figure is a forward quote of its edge input (and of the tried input, should the edge fall short).
  const bestOf = async (limitOf: (cycle: number) => bigint): Promise<CycleBest | undefined> => {
    let chosen: { cycle: number; tried: bigint; gain: bigint } | undefined;
    gains.forEach((byInput, cycle) => {
      for (const [tried, gain] of byInput) {
        if (tried > limitOf(cycle) || gain <= 0n) continue;
        if (!chosen || gain > chosen.gain) chosen = { cycle, tried, gain };
      }
    });
    if (!chosen) return undefined;
    const cycle = cycles[chosen.cycle]!;
    const inputs = [...new Set([edges[chosen.cycle]!.get(chosen.tried)!, chosen.tried])];
    const outputs = await quote.forward(inputs.map((amountIn) => ({ cycle, amountIn })));
    quotes += inputs.length;
    let best: CycleBest | undefined;
    inputs.forEach((amountIn, i) => {
      const gross = outputs[i]! - amountIn;
      if (outputs[i]! > 0n && gross > 0n && (!best || gross > best.gross)) best = { cycle, amountIn, gross };
    });
    plain.forEach((byInput, index) => {
      for (const [amountIn, gross] of byInput) {
        if (amountIn <= limitOf(index) && gross > 0n && (!best || gross > best.gross)) best = { cycle: cycles[index]!, amountIn, gross };
      }
    });
    return best;
  };

  // Each cycle's own best, the same way as the winner's: the forward quote of the edge of its best tried input and
  // of that input itself, or any tried input's forward gain if better; all cycles' forward quotes in one batch.
  const eachBest = async (limitOf: (cycle: number) => bigint): Promise<Array<CycleBest | undefined>> => {
    const asked: Array<{ cycle: number; amountIn: bigint }> = [];
    gains.forEach((byInput, cycle) => {
      let chosen: { tried: bigint; gain: bigint } | undefined;
      for (const [tried, gain] of byInput) if (tried <= limitOf(cycle) && gain > 0n && (!chosen || gain > chosen.gain)) chosen = { tried, gain };
      if (chosen) for (const amountIn of new Set([edges[cycle]!.get(chosen.tried)!, chosen.tried])) asked.push({ cycle, amountIn });
    });
    const outputs = asked.length === 0 ? [] : await quote.forward(asked.map((point) => ({ cycle: cycles[point.cycle]!, amountIn: point.amountIn })));
    quotes += asked.length;
    const result: Array<CycleBest | undefined> = cycles.map(() => undefined);
    const offer = (index: number, amountIn: bigint, gross: bigint) => {
      if (gross > 0n && (!result[index] || gross > result[index]!.gross)) result[index] = { cycle: cycles[index]!, amountIn, gross };
    };
    asked.forEach((point, i) => {
      if (outputs[i]! > 0n) offer(point.cycle, point.amountIn, outputs[i]! - point.amountIn);
    });
    plain.forEach((byInput, index) => {
      for (const [amountIn, gross] of byInput) if (amountIn <= limitOf(index)) offer(index, amountIn, gross);
    });
    return result;
  };

  const uncappedLimit = (cycle: number) => options.depth[cycle]!;
  const cappedLimit = (cycle: number) => (options.cap !== undefined && options.cap < options.depth[cycle]! ? options.cap : options.depth[cycle]!);
  await refine(brackets(uncappedLimit));
  await refine(brackets(cappedLimit));
  if (options.everyCycle !== true) {
    const capped = await bestOf(cappedLimit);
    const uncapped = await bestOf(uncappedLimit);
    return { capped, uncapped, quotes };
  }
  // Every input bestOf would consider is among each cycle's own (the winner's edge is its cycle's edge): the best
  // of the cycles' bests is the best, at least bestOf's figure.
  const byCycle = { capped: await eachBest(cappedLimit), uncapped: await eachBest(uncappedLimit) };
  return { capped: topOf(byCycle.capped), uncapped: topOf(byCycle.uncapped), quotes, byCycle };
}

/** The best of some cycles' bests (the first of equals). */
export function topOf(bests: ReadonlyArray<CycleBest | undefined>): CycleBest | undefined {
  let top: CycleBest | undefined;
  for (const best of bests) if (best && (!top || best.gross > top.gross)) top = best;
  return top;
}
