import { describe, expect, it } from 'vitest';
import { relaxedShareBps } from '../../src/bundle/dispatch.ts';

// An exact backrun held to its floor pays the builder a share of what it realises (executeSized); the executor reverts
// when the profit less that share is below the floor (minProfit).
const keeps = (profit: bigint, bps: number) => profit - (profit * BigInt(bps)) / 10_000n;

describe('relaxedShareBps', () => {
  it("is the policy's share when the prediction less that share still reaches the floor", () => {
    expect(relaxedShareBps(10n ** 16n, 4n * 10n ** 15n, 5_000n)).toBe(5_000);
    expect(relaxedShareBps(10n ** 16n, 5n * 10n ** 15n, 5_000n)).toBe(5_000);
  });

  it('is lowered just enough that the predicted profit keeps the floor, never below the exact bundle bribe', () => {
    // The backrun of the devnet's miss: 1.044e15 predicted, floor 6.158e14; at 50% it kept 5.22e14 and reverted.
    const profit = 1_043_987_685_381_406n;
    const floor = 615_789_666_532_248n;
    expect(keeps(profit, 5_000)).toBeLessThan(floor);
    const bps = relaxedShareBps(profit, floor, 5_000n);
    expect(bps).toBeLessThan(5_000);
    expect(keeps(profit, bps)).toBeGreaterThanOrEqual(floor);
    expect(keeps(profit, bps + 1)).toBeLessThan(floor);
    // Held to what the exact bundle keeps (its floor above that), it pays that bundle's bribe, to a basis point.
    const bribe = 300_000_000_000_000n;
    const exact = relaxedShareBps(profit, profit - bribe, 5_000n);
    expect(keeps(profit, exact)).toBeGreaterThanOrEqual(profit - bribe);
    expect(profit - keeps(profit, exact)).toBeGreaterThan(bribe - profit / 10_000n);
  });

  it('is 0 when the floor takes the whole prediction', () => {
    expect(relaxedShareBps(10n ** 15n, 10n ** 15n, 5_000n)).toBe(0);
    expect(relaxedShareBps(10n ** 15n, 2n * 10n ** 15n, 5_000n)).toBe(0);
  });
});
