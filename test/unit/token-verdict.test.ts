import { getAddress, type Address } from 'viem';
import { describe, expect, it } from 'vitest';
import type { V2Pair } from '../../src/state/types.ts';
import { judgeProbe, MIN_PROBE_DEPTH_WEI, retryWaitMs, trustedStoredVerdict, unprobeableMarket, type ProbeResult } from '../../src/strategy/tokenVerdict.ts';

/* The token-safety rules without a node: plain measurements in, verdicts out (the probe itself is sim/tokenSafety.ts). */

const weth = getAddress('0x00000000000000000000000000000000000000e7');
const tok = getAddress('0x00000000000000000000000000000000000000aa');
const pair = (wethReserve: bigint): V2Pair => ({ kind: 'v2', address: getAddress('0x00000000000000000000000000000000000000b1'), token0: tok, token1: weth as Address, reserve0: 10n ** 24n, reserve1: wethReserve, feeBps: 30n });
const exact: ProbeResult = { bought: true, promisedOut: 1_000_000n, received: 1_000_000n, moved: true, movedReceived: 500_000n, sold: true, pairReceived: 500_000n };

describe('token verdict rules', () => {
  it('an exact round trip is safe; each fault is unsafe with its reason', () => {
    const market = pair(MIN_PROBE_DEPTH_WEI);
    expect(judgeProbe(exact, market)).toEqual({ verdict: 'safe', reason: 'bought, moved and sold back exactly' });
    expect(judgeProbe({ ...exact, received: 990_000n }, market)).toEqual({ verdict: 'unsafe', reason: 'delivers 990000 where the pair promised 1000000 (fee on transfer or false balances)' });
    expect(judgeProbe({ ...exact, moved: false }, market)).toEqual({ verdict: 'unsafe', reason: 'refuses a transfer between holders' });
    expect(judgeProbe({ ...exact, movedReceived: 499_999n }, market)).toEqual({ verdict: 'unsafe', reason: 'a transfer of 500000 credits 499999' });
    expect(judgeProbe({ ...exact, sold: false }, market)).toEqual({ verdict: 'unsafe', reason: 'cannot be sold back (honeypot)' });
    expect(judgeProbe({ ...exact, pairReceived: 1n }, market)).toEqual({ verdict: 'unsafe', reason: 'the sale delivers less to the pair than was sent' });
  });

  it('what says nothing about the token is unknown: a promise of 0, or too few units to show a 1 bp fee', () => {
    expect(judgeProbe({ ...exact, promisedOut: 0n }, pair(MIN_PROBE_DEPTH_WEI)).verdict).toBe('unknown');
    const few = { ...exact, promisedOut: 9_999n, received: 9_999n, movedReceived: 4_999n, pairReceived: 5_000n };
    expect(judgeProbe(few, pair(MIN_PROBE_DEPTH_WEI))).toMatchObject({ verdict: 'unknown' });
    // A fault seen on few units is real at any size.
    expect(judgeProbe({ ...few, sold: false }, pair(MIN_PROBE_DEPTH_WEI))).toEqual({ verdict: 'unsafe', reason: 'cannot be sold back (honeypot)' });
  });

  it('a market is probed through only when it holds the minimum WETH', () => {
    expect(unprobeableMarket(undefined, weth)).toBe('no WETH pair or pool to probe through');
    expect(unprobeableMarket(pair(MIN_PROBE_DEPTH_WEI - 1n), weth)).toMatch(/^no WETH market deep enough to probe/);
    expect(unprobeableMarket(pair(MIN_PROBE_DEPTH_WEI), weth)).toBeUndefined();
  });

  it('the retry wait doubles from the base to the cap; verdicts older versions reached through shallow pairs are not trusted', () => {
    expect([1, 2, 3, 9, 60].map((count) => retryWaitMs(count, { baseMs: 2_000, maxMs: 300_000 }))).toEqual([2_000, 4_000, 8_000, 300_000, 300_000]);
    const stored = { token: tok, probeBlock: 1n, probedAt: 0 };
    expect(trustedStoredVerdict({ ...stored, verdict: 'unsafe', reason: 'cannot be bought' })).toBe(false);
    expect(trustedStoredVerdict({ ...stored, verdict: 'unsafe', reason: 'cannot be sold back (honeypot)' })).toBe(true);
  });
});
