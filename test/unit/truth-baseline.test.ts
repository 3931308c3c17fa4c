import { describe, expect, it } from 'vitest';
import { countVictim, emptyVictimTally, marginalOf, tallyFigures } from '../../src/devnet/truth/baseline.ts';
import { bestBackrun, type CycleBest, type Quotes } from '../../src/devnet/truth/best.ts';
import type { TruthCycle } from '../../src/devnet/truth/cycles.ts';

const cycle = (i: number): TruthCycle => {
  const pool = { address: `0x${String(i + 1).padStart(40, '0')}` as const, venue: 'uniswapV2' as const, token0: '0x000000000000000000000000000000000000000a' as const, token1: '0x000000000000000000000000000000000000000b' as const };
  return [{ pool, tokenIn: pool.token0, tokenOut: pool.token1 }];
};
const best = (i: number, gross: bigint): CycleBest => ({ cycle: cycle(i), amountIn: 10n ** 18n, gross });
/** Each cycle's best on one state (capped and uncapped alike); undefined: gains nothing. */
const state = (...grosses: Array<bigint | undefined>) => {
  const bests = grosses.map((gross, i) => (gross === undefined ? undefined : best(i, gross)));
  return { capped: bests, uncapped: bests };
};

describe('a victim graded by what it created (the baseline before it)', () => {
  it('a gap that stood on the cycle before the swap is taken out: the swap is worth only what it added there', () => {
    const marginal = marginalOf(state(15n), state(10n));
    expect(marginal.gross).toBe(5n);
    expect(marginal.uncappedGross).toBe(5n);
    expect(marginal.after?.gross).toBe(15n);
    expect(marginal.before?.gross).toBe(10n);
  });

  it('a swap that only narrows a standing gap created nothing', () => {
    expect(marginalOf(state(4n), state(10n)).gross).toBe(0n);
  });

  it('a swap that closes a gap and overshoots owns the reverse gap it opened (the overall difference would say 0)', () => {
    // Cycle 0 one way round stood at 10 and the swap brought it to 3; the reverse, cycle 1, gained nothing before and 5 after.
    const marginal = marginalOf(state(3n, 5n), state(10n, undefined));
    expect(marginal.gross).toBe(5n);
    expect(marginal.after?.cycle).toEqual(cycle(1));
    expect(marginal.before).toBeUndefined();
  });

  it('is the best over cycles of (after - before), never below the overall difference nor above the best after', () => {
    const after = state(11n, 9n);
    const before = state(10n, undefined);
    const marginal = marginalOf(after, before);
    expect(marginal.gross).toBe(9n);
    expect(marginal.gross).toBeGreaterThanOrEqual(11n - 10n);
    expect(marginal.gross).toBeLessThanOrEqual(11n);
  });

  it('credits our backrun at most the victim\'s own value; the rest is a standing gap, and the old rule is kept beside', () => {
    const tally = emptyVictimTally();
    // Our backrun took 12 after a victim that added 5 to a gap of 10 (its best after: 15).
    countVictim(tally, { afterOnly: 15n, afterOnlyUncapped: 15n, marginal: marginalOf(state(15n), state(10n)), ours: 12n });
    // A victim that only narrowed a standing gap we then closed: not a victim by its own value, all of ours stood.
    countVictim(tally, { afterOnly: 4n, afterOnlyUncapped: 4n, marginal: marginalOf(state(4n), state(10n)), ours: 4n });
    // A victim nobody backran, worth 3 of its own.
    countVictim(tally, { afterOnly: 3n, afterOnlyUncapped: 3n, marginal: marginalOf(state(3n), state(undefined)), ours: undefined });
    expect(tallyFigures(tally)).toEqual({
      victims: 2,
      captured: 1,
      bestGrossWei: '8',
      capturedGrossWei: '5',
      ratio: 0.625,
      afterOnlyVictims: 3,
      afterOnlyCaptured: 2,
      afterOnlyBestGrossWei: '22',
      afterOnlyCapturedGrossWei: '16',
      afterOnlyRatio: 0.7272,
      standingGapBackrunGrossWei: '11',
    });
  });
});

describe('the truth search, every cycle refined (what the baseline compares)', () => {
  it('finds each gaining cycle\'s own optimum, not only the winner\'s, and the best of them is the plain search\'s best', async () => {
    // Cycle 0 gains 2% of its input up to 1 WETH, cycle 1 1% up to 1.5 WETH, and less per unit beyond; cycle 2 loses from the start.
    const knee = (i: number) => [10n ** 18n, 15n * 10n ** 17n, 10n ** 18n][i]!;
    const out = (i: number, amountIn: bigint) => {
      const pct = [102n, 101n, 99n][i]!;
      return amountIn <= knee(i) ? (amountIn * pct) / 100n : (knee(i) * (pct - 100n)) / 100n + amountIn - (amountIn - knee(i)) / 10n;
    };
    const index = (c: TruthCycle) => Number(BigInt(c[0]!.pool.address)) - 1;
    const quote: Quotes = {
      edges: async (requests) => requests.map((request) => ({ amountOut: out(index(request.cycle), request.amountIn), amountIn: request.amountIn })),
      forward: async (requests) => requests.map((request) => out(index(request.cycle), request.amountIn)),
    };
    const cycles = [cycle(0), cycle(1), cycle(2)];
    const depth = cycles.map(() => 10n ** 22n);
    const plain = await bestBackrun(quote, cycles, { depth });
    expect(plain.byCycle).toBeUndefined();
    const every = await bestBackrun(quote, cycles, { depth, everyCycle: true });
    const [first, second, third] = every.byCycle!.capped;
    // Each optimum is at its knee, found to within a billionth: 2% of 1 WETH, 1% of 1.5 WETH.
    expect(first!.amountIn).toBeGreaterThan(knee(0) - 10n ** 9n);
    expect(first!.gross).toBeGreaterThan((knee(0) * 2n) / 100n - 10n ** 8n);
    expect(second!.amountIn).toBeGreaterThan(knee(1) - 2n * 10n ** 9n);
    expect(second!.gross).toBeGreaterThan((knee(1) * 1n) / 100n - 10n ** 8n);
    expect(first!.gross).toBeLessThanOrEqual((knee(0) * 2n) / 100n);
    expect(second!.gross).toBeLessThanOrEqual((knee(1) * 1n) / 100n);
    expect(third).toBeUndefined();
    expect(every.capped!.gross).toBe(plain.capped!.gross);
    expect(every.capped!.cycle).toBe(cycles[0]);
  });
});
