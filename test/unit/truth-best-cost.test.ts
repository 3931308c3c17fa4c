import { describe, expect, it } from 'vitest';
import { bestBackrun, type Quotes } from '../../src/devnet/truth/best.ts';
import type { TruthCycle } from '../../src/devnet/truth/cycles.ts';

/**
 * What the truth's search asks of the chain for cycles that lose from the first input: a hub swap at the scale
 * devnet has thousands of cycles back, nearly all of them losing, and each quote is a fork eth_call per hop.
 */
const cycle = (i: number): TruthCycle => {
  const pool = { address: `0x${String(i).padStart(40, '0')}` as const, venue: 'uniswapV2' as const, token0: '0x0000000000000000000000000000000000000a' as const, token1: '0x0000000000000000000000000000000000000b' as const };
  return [{ pool, tokenIn: pool.token0, tokenOut: pool.token1 }];
};

/** A market where cycle 0 gains 1% of its input up to 1 WETH, and every other cycle returns 99% of its input. */
function quotes() {
  const asked: bigint[][] = [];
  const out = (cycleIndex: number, amountIn: bigint) => (cycleIndex === 0 ? (amountIn <= 10n ** 18n ? (amountIn * 101n) / 100n : 10n ** 18n / 100n + amountIn - (amountIn - 10n ** 18n) / 10n) : (amountIn * 99n) / 100n);
  const index = (c: TruthCycle) => Number(BigInt(c[0]!.pool.address));
  const quote: Quotes = {
    edges: async (requests) => {
      asked.push(requests.map((request) => request.amountIn));
      return requests.map((request) => ({ amountOut: out(index(request.cycle), request.amountIn), amountIn: request.amountIn }));
    },
    forward: async (requests) => requests.map((request) => out(index(request.cycle), request.amountIn)),
  };
  return { quote, asked };
}

describe('the truth search: cost of losing cycles', () => {
  it('asks one quote of a cycle that loses at the smallest input (a loss there is a loss at every larger one), and still finds the gaining one', async () => {
    const cycles = Array.from({ length: 50 }, (_, i) => cycle(i));
    const { quote } = quotes();
    const found = await bestBackrun(quote, cycles, { depth: cycles.map(() => 10n ** 21n) });
    expect(found.capped?.cycle).toBe(cycles[0]);
    // 1% of the input up to 1 WETH, then less per unit: the optimum is at 1 WETH, found to within a billionth.
    expect(found.capped!.amountIn).toBeGreaterThan(10n ** 18n - 10n ** 9n);
    expect(found.capped!.amountIn).toBeLessThanOrEqual(10n ** 18n);
    const losers = 49;
    // Each losing cycle costs exactly one quote; the gaining one costs what its walk and refinement take.
    const alone = await bestBackrun(quotes().quote, [cycles[0]!], { depth: [10n ** 21n] });
    expect(found.quotes).toBe(alone.quotes + losers);
  });
});
