import { describe, expect, it } from 'vitest';
import { decimalToRational, formatUnitsExact, parseUnitsExact } from '../../src/units/decimal.ts';

describe('parseUnitsExact', () => {
  it('converts decimal strings exactly', () => {
    expect(parseUnitsExact('1500.25', 6)).toBe(1_500_250_000n);
    expect(parseUnitsExact('0.000000000000000001', 18)).toBe(1n);
    expect(parseUnitsExact('3', 0)).toBe(3n);
    expect(parseUnitsExact('1.500', 1)).toBe(15n);
  });

  it('refuses precision the token does not have instead of rounding', () => {
    expect(() => parseUnitsExact('1.0000001', 6)).toThrow(/more than 6 decimals/);
    expect(() => parseUnitsExact('1e18', 18)).toThrow(/not a decimal/);
    expect(() => parseUnitsExact('-1', 18)).toThrow(/not a decimal/);
  });
});

describe('formatUnitsExact', () => {
  it('inverts parseUnitsExact', () => {
    for (const [value, decimals] of [['1500.25', 6], ['0.000000000000000001', 18], ['42', 8]] as const) {
      expect(formatUnitsExact(parseUnitsExact(value, decimals), decimals)).toBe(value);
    }
    expect(formatUnitsExact(-5n, 2)).toBe('-0.05');
  });
});

describe('decimalToRational', () => {
  it('keeps the exact value', () => {
    expect(decimalToRational('2.5')).toEqual({ numerator: 25n, denominator: 10n });
    expect(decimalToRational('7')).toEqual({ numerator: 7n, denominator: 1n });
  });
});
