import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../../src/chain/backoff.ts';
import { nextBaseFee } from '../../src/chain/baseFee.ts';

describe('backoffDelay', () => {
  it('grows exponentially up to the cap, with jitter below the ceiling', () => {
    expect([0, 1, 2, 3, 10].map((attempt) => backoffDelay(attempt, 100, 5000, () => 1))).toEqual([100, 200, 400, 800, 5000]);
    expect(backoffDelay(3, 100, 5000, () => 0)).toBe(0);
    expect(backoffDelay(3, 100, 5000, () => 0.5)).toBe(400);
  });
});

describe('nextBaseFee (EIP-1559)', () => {
  it('holds at the target, rises 12.5% when full and falls 12.5% when empty', () => {
    const gwei = 10n ** 9n;
    expect(nextBaseFee(gwei, 15_000_000n, 30_000_000n)).toBe(gwei); // 15M of 30M
    expect(nextBaseFee(gwei, 30_000_000n, 30_000_000n)).toBe(1_125_000_000n);
    expect(nextBaseFee(gwei, 0n, 30_000_000n)).toBe(875_000_000n);
    expect(nextBaseFee(7n, 30_000_000n, 30_000_000n)).toBe(8n); // at least +1
  });
});
