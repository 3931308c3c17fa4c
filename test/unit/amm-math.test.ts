import { TickMath } from '@uniswap/v3-sdk';
import { describe, expect, it } from 'vitest';
import { isqrt } from '../../src/amm/isqrt.ts';
import { encodeSqrtRatioX96 } from '../../src/amm/v3/sqrtPrice.ts';
import {
  MAX_SQRT_RATIO,
  MAX_TICK,
  MIN_SQRT_RATIO,
  MIN_TICK,
  getSqrtRatioAtTick,
  getTickAtSqrtRatio,
} from '../../src/amm/v3/tickMath.ts';

describe('isqrt', () => {
  it('is the floor square root for small and huge values', () => {
    for (let n = 0n; n < 2000n; n++) {
      const r = isqrt(n);
      expect(r * r <= n && (r + 1n) * (r + 1n) > n).toBe(true);
    }
    const big = (1n << 255n) + 12345n;
    const r = isqrt(big);
    expect(r * r <= big && (r + 1n) * (r + 1n) > big).toBe(true);
  });

  it('rejects negative input', () => {
    expect(() => isqrt(-1n)).toThrow(RangeError);
  });
});

describe('TickMath', () => {
  it('maps the extreme ticks to the library constants', () => {
    expect(getSqrtRatioAtTick(MIN_TICK)).toBe(MIN_SQRT_RATIO);
    expect(getSqrtRatioAtTick(MAX_TICK)).toBe(MAX_SQRT_RATIO);
    expect(getSqrtRatioAtTick(0)).toBe(1n << 96n);
  });

  it('round-trips every tick at and between sqrt ratios', () => {
    for (const tick of [MIN_TICK, -500_000, -1, 0, 1, 60, 887_000, MAX_TICK - 1]) {
      const ratio = getSqrtRatioAtTick(tick);
      expect(getTickAtSqrtRatio(ratio)).toBe(tick);
      if (tick < MAX_TICK - 1) expect(getTickAtSqrtRatio(getSqrtRatioAtTick(tick + 1) - 1n)).toBe(tick);
    }
  });

  it('gives the Uniswap v3-sdk ratio every time, for ticks asked again and for ticks that take turns in its memory', () => {
    // The ratios are remembered by tick (4,096 slots): ticks 4,096 apart share a slot and replace each other.
    const ticks = [-887_272 + 4_096 * 3, -198_000, -60, 0, 61, 4_157, 8_253, 200_040, 887_272 - 4_096 * 5];
    let asked = 0;
    for (let round = 0; round < 3; round++) {
      for (const base of ticks) {
        for (const tick of [base, base + 4_096, base - 4_096, base]) {
          expect(getSqrtRatioAtTick(tick), `tick ${tick}`).toBe(BigInt(TickMath.getSqrtRatioAtTick(tick).toString()));
          asked++;
        }
      }
    }
    expect(asked).toBe(3 * ticks.length * 4);
  });

  it('refuses ticks and prices out of range', () => {
    expect(() => getSqrtRatioAtTick(MAX_TICK + 1)).toThrow(/outside/);
    expect(() => getTickAtSqrtRatio(MIN_SQRT_RATIO - 1n)).toThrow(/outside/);
    expect(() => getTickAtSqrtRatio(MAX_SQRT_RATIO)).toThrow(/outside/);
  });
});

describe('encodeSqrtRatioX96', () => {
  it('is floor(sqrt(ratio) * 2^96)', () => {
    expect(encodeSqrtRatioX96(1n, 1n)).toBe(1n << 96n);
    expect(encodeSqrtRatioX96(4n, 1n)).toBe(2n << 96n);
    const value = encodeSqrtRatioX96(3000n * 10n ** 6n, 10n ** 18n);
    const scaled = (3000n * 10n ** 6n << 192n) / 10n ** 18n;
    expect(value * value <= scaled && (value + 1n) * (value + 1n) > scaled).toBe(true);
  });

  it('refuses ratios a pool cannot represent', () => {
    expect(() => encodeSqrtRatioX96(1n, 1n << 130n)).toThrow(/outside/);
    expect(() => encodeSqrtRatioX96(0n, 1n)).toThrow(/positive/);
  });
});
