import { describe, expect, it } from 'vitest';
import type { LocalAccount } from 'viem/accounts';
import { Dispatcher } from '../../src/bundle/dispatch.ts';
import type { Submitter } from '../../src/bundle/submitter.ts';
import { createLogger } from '../../src/log.ts';

/** A submitter as the lane choice sees it: how many bundles it has live. */
const lane = (outstanding: number) => ({ account: { address: `0x${String(outstanding).padStart(40, '0')}` } as unknown as LocalAccount, submitter: { outstanding } as unknown as Submitter });

function dispatcher(main: number, extras: number[]) {
  const first = lane(main);
  return new Dispatcher({
    submitter: first.submitter,
    account: first.account,
    lanes: extras.map(lane),
    risk: { check: () => ({ ok: true }), recheck: () => ({ ok: true }), onBundleSent: () => {} } as never,
    chainId: 31337,
    executor: '0x0000000000000000000000000000000000000001',
    policy: { priorityFeeWei: 1n, builderShareBps: 5000n, minNetProfitWei: 0n },
    nextBaseFee: () => 1n,
    fetchRaw: async () => '0x',
    logger: createLogger('test'),
  });
}

describe('Dispatcher lanes (one nonce chain per operator)', () => {
  it('a bundle that depends on an earlier one of the block goes on that one’s lane, busy or not', () => {
    expect(dispatcher(3, [1, 0]).lane(1)).toBe(1);
    expect(dispatcher(0, [0, 0]).lane(2)).toBe(2);
  });

  it('an independent bundle takes a lane with nothing live, the main one first; with every lane busy, the main one', () => {
    expect(dispatcher(0, [0, 0]).lane(undefined)).toBe(0);
    expect(dispatcher(2, [1, 0]).lane(undefined)).toBe(2);
    expect(dispatcher(2, [1, 4]).lane(undefined)).toBe(0);
    expect(dispatcher(1, []).lane(undefined)).toBe(0);
  });
});
