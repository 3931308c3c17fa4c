import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { topUpFor } from '../../src/bundle/treasury.ts';
import { loadRunConfig } from '../../src/config/runConfig.ts';

const policy = { minBalanceWei: 100n, topUpToWei: 500n, maxPerTopUpWei: 400n, maxPerDayWei: 1_000n };

function configErrorOf(treasury: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'treasury-'));
  writeFileSync(join(dir, 'c.json'), JSON.stringify({ chain: { rpcUrl: 'http://127.0.0.1:1', wsUrl: 'ws://127.0.0.1:1', chainId: 1, executor: { address: '0x0000000000000000000000000000000000000001' } }, treasury }));
  try {
    loadRunConfig(join(dir, 'c.json'));
  } catch (error) {
    return (error as Error).message;
  }
  return '';
}

describe('treasury top-ups (pure rule)', () => {
  it('nothing for an operator at or above the minimum', () => {
    expect(topUpFor(100n, policy, 0n)).toEqual({ amount: 0n });
    expect(topUpFor(10_000n, policy, 0n)).toEqual({ amount: 0n });
  });

  it('below it: up to the target, within the cap per top-up and what is left of the day', () => {
    expect(topUpFor(99n, policy, 0n)).toEqual({ amount: 400n }); // 401 wanted, 400 per top-up
    expect(topUpFor(300n - 250n, policy, 0n)).toEqual({ amount: 400n });
    expect(topUpFor(99n, { ...policy, maxPerTopUpWei: 1_000n }, 0n)).toEqual({ amount: 401n });
    expect(topUpFor(0n, policy, 850n)).toEqual({ amount: 150n }); // 150 left today, lifts it to 150 >= 100
  });

  it('a top-up the caps keep below the minimum is not sent: the operator stops', () => {
    const capped = topUpFor(0n, policy, 950n);
    expect(capped.amount).toBe(0n);
    expect('stop' in capped && capped.stop).toMatch(/below the minimum 100 wei.*top-up of 50 wei only \(950 of 1000 wei spent today\)/);
    expect('stop' in topUpFor(0n, policy, 2_000n) && topUpFor(0n, policy, 2_000n)).toBeTruthy();
  });

  it('the config refuses caps that cannot work, with the field named', () => {
    expect(configErrorOf({ minBalanceWei: '500', topUpToWei: '500', maxPerTopUpWei: '1', maxPerDayWei: '1' })).toMatch(/topUpToWei.*must be above minBalanceWei/s);
    expect(configErrorOf({ minBalanceWei: '1', topUpToWei: '5', maxPerTopUpWei: '10', maxPerDayWei: '2' })).toMatch(/maxPerTopUpWei.*at most maxPerDayWei/s);
    expect(configErrorOf({ minBalanceWei: '1', topUpToWei: '5', maxPerTopUpWei: '-1', maxPerDayWei: '2' })).toMatch(/maxPerTopUpWei/);
    expect(configErrorOf({ minBalanceWei: '1', topUpToWei: '5', maxPerTopUpWei: '1', maxPerDayWei: '2' })).toBe('');
  });
});
