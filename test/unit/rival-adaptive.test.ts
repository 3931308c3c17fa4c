import { describe, expect, it } from 'vitest';
import { nextAdaptiveShare } from '../../src/devnet/rivals/adaptive.ts';
import { parseRivals } from '../../src/devnet/rivals/schema.ts';

const policy = parseRivals([{ name: 'a', policy: { kind: 'adaptive', startBps: 5000, minBps: 3000, maxBps: 9000, stepUpBps: 1500, stepDownBps: 200 } }], 'test')[0]!.policy!;

describe('the adaptive rival rule', () => {
  it('raises its share after an outbid, up to its ceiling', () => {
    expect(nextAdaptiveShare(policy, 5000, { won: 0, outbid: 1 })).toBe(6500);
    expect(nextAdaptiveShare(policy, 8000, { won: 3, outbid: 1 })).toBe(9000);
  });

  it('lowers it slowly after wins, down to its floor', () => {
    expect(nextAdaptiveShare(policy, 5000, { won: 2, outbid: 0 })).toBe(4800);
    expect(nextAdaptiveShare(policy, 3100, { won: 1, outbid: 0 })).toBe(3000);
  });

  it('keeps it when it sent nothing that block', () => {
    expect(nextAdaptiveShare(policy, 6100, { won: 0, outbid: 0 })).toBe(6100);
  });

  it('refuses a start outside [minBps, maxBps]', () => {
    expect(() => parseRivals([{ name: 'a', policy: { kind: 'adaptive', startBps: 9500, maxBps: 9000 } }], 'x')).toThrow(/rivals\[0\]\.policy/);
    expect(() => parseRivals([{ name: 'a', policy: { kind: 'adaptive', startBps: 2000, minBps: 3000 } }], 'x')).toThrow(/minBps <= startBps <= maxBps/);
  });
});
