import { describe, expect, it } from 'vitest';
import { rankingShareBps, ranksBelow, topBidAt } from '../../src/decision.ts';

// A builder runs bundles by what they pay it per gas at the top of the block (cross-multiplied there too: see the
// local builder's paysMore). A detached bundle may go out only if it ranks below each earlier one of ours on its pools.
describe('ranksBelow', () => {
  const earlier = { leastWei: 3_000_000n, mostWei: 3_000_100n, gasUsed: 300_000n }; // 10 wei per gas at least

  it('is true when the later bundle pays less per gas even at its most and the earlier at its least', () => {
    expect(ranksBelow({ leastWei: 1_000_000n, mostWei: 1_999_999n, gasUsed: 200_000n }, earlier)).toBe(true);
  });

  it('is false when the later one could pay as much per gas (a tie goes to neither: the builder breaks it by arrival)', () => {
    expect(ranksBelow({ leastWei: 1_000_000n, mostWei: 2_000_000n, gasUsed: 200_000n }, earlier)).toBe(false);
    expect(ranksBelow({ leastWei: 1_000_000n, mostWei: 2_000_001n, gasUsed: 200_000n }, earlier)).toBe(false);
  });

  it('compares per gas, not in total: a bundle paying less in all can still rank first', () => {
    expect(ranksBelow({ leastWei: 1_100_000n, mostWei: 1_100_000n, gasUsed: 100_000n }, earlier)).toBe(false);
  });

  it('ranks nothing against an earlier bundle whose bid is unknown', () => {
    expect(ranksBelow({ leastWei: 0n, mostWei: 0n, gasUsed: 100_000n }, undefined)).toBe(false);
  });
});

// A detached bundle that would pay more per gas than an earlier one of ours has its share of profit capped so that it
// ranks below: checked against ranksBelow on the bids at the shares on either side of the answer, and against the
// builder's own rule written out per gas (an independent statement of "pays less per gas, whatever the rounding").
describe('rankingShareBps', () => {
  // Profit at the top of the block between 1e15 and 1e15 + 2 wei, 50% of it paid, 150k gas at 1 gwei of priority fee.
  const alone = { profitLeastWei: 10n ** 15n, profitMostWei: 10n ** 15n + 2n, shareBps: 5_000, feesWei: 150_000n * 10n ** 9n, gasUsed: 150_000n };

  it('keeps the share it would pay when that already ranks below every earlier bundle', () => {
    const earlier = { leastWei: 10n ** 16n, mostWei: 10n ** 16n, gasUsed: 300_000n };
    expect(rankingShareBps(alone, [earlier])).toBe(5_000);
  });

  it('caps the share at the largest that pays less per gas than the lowest-paying earlier bundle', () => {
    // 2e15 wei over 300k gas: 6.67e9 per gas; ours at share s pays (1e15 * s / 1e4 + 1.5e14) / 1.5e5 per gas.
    const high = { leastWei: 2n * 10n ** 15n, mostWei: 2n * 10n ** 15n, gasUsed: 300_000n };
    const low = { leastWei: 6n * 10n ** 14n, mostWei: 6n * 10n ** 14n, gasUsed: 200_000n }; // 3e9 per gas
    const share = rankingShareBps(alone, [high, low])!;
    // Per gas at the most it pays: (ceil(most * s / 1e4) + fees) / gas < 3e9  =>  s < 3_000 (3e9 * 1.5e5 = 4.5e14 = 1.5e14 + 3e14).
    expect(share).toBe(2_999);
    const paid = (s: number) => ((alone.profitMostWei * BigInt(s) + 9_999n) / 10_000n + alone.feesWei) * low.gasUsed;
    expect(paid(share) < low.leastWei * alone.gasUsed).toBe(true);
    expect(paid(share + 1) < low.leastWei * alone.gasUsed).toBe(false);
    expect(ranksBelow(topBidAt(alone, share), low) && ranksBelow(topBidAt(alone, share), high)).toBe(true);
    expect(ranksBelow(topBidAt(alone, share + 1), low)).toBe(false);
  });

  it('finds none when its priority fees alone pay as much per gas as an earlier bundle: it must ride after it', () => {
    const cheap = { leastWei: 10n ** 8n * 200_000n, mostWei: 10n ** 8n * 200_000n, gasUsed: 200_000n }; // 0.1 gwei per gas
    expect(rankingShareBps(alone, [cheap])).toBeUndefined();
  });

  it("finds none when an earlier bundle's bid is unknown", () => {
    expect(rankingShareBps(alone, [undefined])).toBeUndefined();
  });

  it('bounds the bid it pays at a share by the profit bounds, rounded outward', () => {
    expect(topBidAt(alone, 5_000)).toEqual({ leastWei: 5n * 10n ** 14n + alone.feesWei, mostWei: 5n * 10n ** 14n + 1n + alone.feesWei, gasUsed: 150_000n });
    expect(topBidAt(alone, 0)).toEqual({ leastWei: alone.feesWei, mostWei: alone.feesWei, gasUsed: 150_000n });
  });
});
