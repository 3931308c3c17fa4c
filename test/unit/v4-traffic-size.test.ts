/**
 * The V4 traffic's size basis: what a pool's positions hold at its price (v4Quote.ts heldAt), checked against the
 * textbook amounts of a concentrated position (Uniswap v3 whitepaper, 6.29-6.30) computed in floating point.
 */
import { describe, expect, it } from 'vitest';
import { getSqrtRatioAtTick } from '../../src/amm/v3/tickMath.ts';
import { heldAt } from '../../src/devnet/traffic/v4Quote.ts';

const Q96 = 2 ** 96;
const near = (actual: bigint, expected: number) => expect(Math.abs(Number(actual) - expected) / expected).toBeLessThan(1e-9);

describe('heldAt: a V4 pool depth as its positions hold it', () => {
  const L = 10n ** 21n;
  const positions = [{ tickLower: -600, tickUpper: 600, liquidity: L.toString() }];
  const sqrt = (tick: number) => Math.sqrt(1.0001 ** tick);

  it('in range: x = L (1/sqrt(P) - 1/sqrt(Pb)), y = L (sqrt(P) - sqrt(Pa))', () => {
    const price = getSqrtRatioAtTick(120);
    near(heldAt(positions, price, true), 1e21 * (1 / sqrt(120) - 1 / sqrt(600)));
    near(heldAt(positions, price, false), 1e21 * (sqrt(120) - sqrt(-600)));
  });

  it('below the range all of it is currency0, above all currency1; several positions add up', () => {
    near(heldAt(positions, getSqrtRatioAtTick(-900), true), 1e21 * (1 / sqrt(-600) - 1 / sqrt(600)));
    expect(heldAt(positions, getSqrtRatioAtTick(-900), false)).toBe(0n);
    near(heldAt(positions, getSqrtRatioAtTick(900), false), 1e21 * (sqrt(600) - sqrt(-600)));
    expect(heldAt(positions, getSqrtRatioAtTick(900), true)).toBe(0n);
    const twice = heldAt([...positions, ...positions], BigInt(Q96), false);
    expect(twice).toBe(2n * heldAt(positions, BigInt(Q96), false));
  });

  it('a concentrated pool holds far less than its virtual reserve L / sqrt(P) (the old basis)', () => {
    const narrow = [{ tickLower: -20, tickUpper: 20, liquidity: L.toString() }];
    const virtual = (L * BigInt(Q96)) / BigInt(Q96);
    expect(heldAt(narrow, BigInt(Q96), true) * 100n).toBeLessThan(virtual);
  });
});
