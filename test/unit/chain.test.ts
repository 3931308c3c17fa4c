import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../../src/chain/backoff.ts';
import { nextBaseFee } from '../../src/mempool/watcher.ts';

describe('backoffDelay', () => {
  it('grows exponentially up to the cap, with jitter below the ceiling', () => {
    expect([0, 1, 2, 3, 10].map((attempt) => backoffDelay(attempt, 100, 5000, () => 1))).toEqual([100, 200, 400, 800, 5000]);
    expect(backoffDelay(3, 100, 5000, () => 0)).toBe(0);
    expect(backoffDelay(3, 100, 5000, () => 0.5)).toBe(400);
  });
});

describe('nextBaseFee (EIP-1559)', () => {
  const head = (baseFee: bigint) => ({ number: 1n, hash: '0x', parentHash: '0x', baseFeePerGas: baseFee });
  it('holds at the target, rises 12.5% when full and falls 12.5% when empty', () => {
    const gwei = 10n ** 9n;
    expect(nextBaseFee(head(gwei), { gasUsed: '0xe4e1c0', gasLimit: '0x1c9c380' })).toBe(gwei); // 15M of 30M
    expect(nextBaseFee(head(gwei), { gasUsed: '0x1c9c380', gasLimit: '0x1c9c380' })).toBe(1_125_000_000n);
    expect(nextBaseFee(head(gwei), { gasUsed: '0x0', gasLimit: '0x1c9c380' })).toBe(875_000_000n);
    expect(nextBaseFee(head(7n), { gasUsed: '0x1c9c380', gasLimit: '0x1c9c380' })).toBe(8n); // at least +1
  });
});
