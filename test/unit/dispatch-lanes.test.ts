import { describe, expect, it } from 'vitest';
import type { LocalAccount } from 'viem/accounts';
import { Dispatcher } from '../../src/bundle/dispatch.ts';
import type { Submitter } from '../../src/bundle/submitter.ts';
import { createLogger } from '../../src/log.ts';

/** A submitter as the lane choice sees it: how many bundles it has live. */
const lane = (outstanding: number, i: number) => ({ account: { address: `0x${String(i + 1).padStart(40, '0')}` } as unknown as LocalAccount, submitter: { outstanding } as unknown as Submitter });

function dispatcher(main: number, extras: number[]) {
  const first = lane(main, 0);
  return new Dispatcher({
    submitter: first.submitter,
    account: first.account,
    lanes: extras.map((outstanding, i) => lane(outstanding, i + 1)),
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
  it('an independent bundle never gets a lane with a live bundle: a free one, or none at all', () => {
    expect(dispatcher(0, [0, 0]).lane(undefined)).toEqual({ kind: 'free', lane: 0 });
    expect(dispatcher(2, [1, 0]).lane(undefined)).toEqual({ kind: 'free', lane: 2 });
    expect(dispatcher(0, [3, 0]).lane(undefined)).toEqual({ kind: 'free', lane: 0 });
    // Every operator busy: not sent, rather than chained behind a bundle that may miss.
    const busy = dispatcher(2, [1, 4]).lane(undefined);
    expect(busy.kind).toBe('none');
    expect(busy).toMatchObject({ reason: expect.stringMatching(/every operator has a live bundle/) });
  });

  it('a dependent bundle that runs without its predecessor goes out from a free operator, detached, rather than after its nonce', () => {
    expect(dispatcher(3, [1, 0]).lane(1, true)).toEqual({ kind: 'detached', lane: 2, from: 1 });
    expect(dispatcher(1, [0, 0]).lane(0, true)).toEqual({ kind: 'detached', lane: 1, from: 0 });
  });

  it('a dependent bundle rides its predecessor’s lane when it needs it, or when no operator is free (it can then only run after it)', () => {
    expect(dispatcher(3, [1, 2]).lane(1, true)).toEqual({ kind: 'chained', lane: 1, from: 1 });
    expect(dispatcher(1, [0, 0]).lane(0, false)).toEqual({ kind: 'chained', lane: 0, from: 0 });
  });

  it('a stopped operator (no gas money) is never chosen', () => {
    const d = dispatcher(1, [0, 0]);
    ((d as unknown as { parameters: { lanes: Array<{ submitter: { stopped?: string } }> } }).parameters.lanes[0]!.submitter).stopped = 'treasury: no gas money';
    expect(d.lane(undefined)).toEqual({ kind: 'free', lane: 2 });
  });

  it('with the main operator alone, everything goes on its chain (the nonce verdict of a miss stays true)', () => {
    expect(dispatcher(0, []).lane(undefined)).toEqual({ kind: 'free', lane: 0 });
    expect(dispatcher(1, []).lane(undefined)).toEqual({ kind: 'chained', lane: 0 });
    expect(dispatcher(1, []).lane(0)).toEqual({ kind: 'chained', lane: 0, from: 0 });
  });

  it('free operators are rotated: consecutive choices spread over every free one', () => {
    const many = dispatcher(0, [0, 0, 0]);
    const picks = [0, 1, 2, 3, 4, 5].map(() => (many.lane(undefined) as { lane: number }).lane);
    expect(picks).toEqual([0, 1, 2, 3, 0, 1]);
  });
});
