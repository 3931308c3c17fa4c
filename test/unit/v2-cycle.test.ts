import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { composeHops, getAmountOutThrough, optimalCycleInput, type V2Hop } from '../../src/amm/v2.ts';

/** The exact integer profit function and its true maximum, by exhaustive search over small inputs. */
function bruteForce(hops: V2Hop[], limit: bigint): { input: bigint; profit: bigint } {
  let best = { input: 0n, profit: 0n };
  for (let x = 1n; x <= limit; x++) {
    const profit = getAmountOutThrough(x, hops) - x;
    if (profit > best.profit) best = { input: x, profit };
  }
  return best;
}

// Small pools whose prices differ by at most 2x per hop, so exhaustive search over inputs stays cheap.
const hop = fc
  .record({ reserveIn: fc.bigInt({ min: 1_000n, max: 5_000n }), ratio: fc.bigInt({ min: 50n, max: 200n }), feeBps: fc.constantFrom(30n, 25n, 5n) })
  .map(({ reserveIn, ratio, feeBps }): V2Hop => ({ reserveIn, reserveOut: (reserveIn * ratio) / 100n, feeBps }));

describe('V2 cycle sizing', () => {
  it('composes hops into one map that bounds the exact chain from above', () => {
    fc.assert(
      fc.property(fc.array(hop, { minLength: 2, maxLength: 4 }), fc.bigInt({ min: 1n, max: 5_000n }), (hops, x) => {
        const { a, b, c } = composeHops(hops);
        // the composed map has no per-hop floors: it is the exact chain's upper envelope, never below it, and
        // each hop's floor (< 1 unit) is scaled by the later hops' rates (< 2 each here)
        const continuous = (a * x) / (b + c * x);
        const exact = getAmountOutThrough(x, hops);
        expect(continuous >= exact).toBe(true);
        expect(continuous - exact <= 2n ** BigInt(hops.length)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('finds an input whose exact profit is within a few units of the brute-force optimum', () => {
    let profitable = 0;
    fc.assert(
      fc.property(fc.array(hop, { minLength: 2, maxLength: 3 }), (hops) => {
        const best = bruteForce(hops, 5_000n);
        const x = optimalCycleInput(hops);
        if (best.profit === 0n) {
          expect(x === 0n || getAmountOutThrough(x, hops) - x <= 2n).toBe(true);
          return;
        }
        profitable++;
        const profit = getAmountOutThrough(x, hops) - x;
        // floors can move the discrete optimum a little; the profit lost is a few base units at most
        expect(best.profit - profit <= 3n).toBe(true);
      }),
      { numRuns: 150, seed: 42 },
    );
    expect(profitable).toBeGreaterThan(10);
  });

  it('says 0 for a cycle that cannot profit', () => {
    expect(optimalCycleInput([{ reserveIn: 1000n, reserveOut: 1000n }, { reserveIn: 1000n, reserveOut: 1000n }])).toBe(0n);
  });
});
