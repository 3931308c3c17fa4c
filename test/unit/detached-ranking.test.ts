import { describe, expect, it } from 'vitest';
import { ranksBelow } from '../../src/decision.ts';

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
