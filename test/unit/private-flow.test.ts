import { readFileSync } from 'node:fs';
import type { Hex } from 'viem';
import { describe, expect, it } from 'vitest';
import { defaultScenarioPath, loadScenario, parseScenario, ScenarioError } from '../../src/devnet/scenario/load.ts';
import { PrivateRouter, privateRouteDraw, type PrivateSink } from '../../src/devnet/traffic/privateRoute.ts';

const base = () => JSON.parse(readFileSync(defaultScenarioPath(), 'utf8'));

function issuesOf(privateFlow: unknown): Array<{ path: string; message: string }> {
  try {
    parseScenario({ ...base(), privateFlow });
  } catch (error) {
    expect(error).toBeInstanceOf(ScenarioError);
    return [...(error as ScenarioError).issues];
  }
  throw new Error('expected the scenario to be refused');
}

const sink = (name: PrivateSink['name']): PrivateSink => ({ name, submit: async (raw: Hex) => raw });
const trader = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8' as const;

describe('scenario privateFlow', () => {
  it('sends 70% of the default scenario privately: 30% through MEV Blocker, 40% through MEV-Share with the default hints', () => {
    const scenario = loadScenario(defaultScenarioPath());
    expect(scenario.privateFlow).toEqual({ mevBlockerShare: 0.3, mevShareShare: 0.4, hints: ['hash', 'default_logs'] });
    const router = new PrivateRouter(1, scenario.privateFlow, { mevBlocker: sink('mevBlocker'), mevShare: sink('mevShare') });
    const routes = Array.from({ length: 2000 }, (_, nonce) => router.route(trader, nonce));
    const share = (route: string) => routes.filter((each) => each === route).length / routes.length;
    expect(share('mevBlocker')).toBeGreaterThan(0.27);
    expect(share('mevBlocker')).toBeLessThan(0.33);
    expect(share('mevShare')).toBeGreaterThan(0.37);
    expect(share('mevShare')).toBeLessThan(0.43);
  });

  it('accepts null (public only) and a valid mix with hints', () => {
    expect(parseScenario({ ...base(), privateFlow: null }).privateFlow).toBeNull();
    const mixed = parseScenario({ ...base(), privateFlow: { mevBlockerShare: 0.3, mevShareShare: 0.4, hints: ['hash', 'logs'] } }).privateFlow;
    expect(mixed).toEqual({ mevBlockerShare: 0.3, mevShareShare: 0.4, hints: ['hash', 'logs'] });
  });

  it('names the bad field: shares out of [0, 1], shares summing over 1, unknown hints, unknown keys', () => {
    expect(issuesOf({ mevBlockerShare: -0.1, mevShareShare: 0, hints: [] })).toEqual([expect.objectContaining({ path: 'privateFlow.mevBlockerShare' })]);
    expect(issuesOf({ mevBlockerShare: 0.7, mevShareShare: 0.4, hints: [] })).toEqual([expect.objectContaining({ path: 'privateFlow', message: expect.stringMatching(/sum.*1/) })]);
    expect(issuesOf({ mevBlockerShare: 0.3, mevShareShare: 0.4, hints: ['amounts'] })).toEqual([expect.objectContaining({ path: 'privateFlow.hints[0]' })]);
    expect(issuesOf({ mevBlockerShare: 0.3, mevShareShare: 0.4, hints: [], extra: 1 })[0]!.path).toBe('privateFlow');
    expect(issuesOf({ mevShareShare: 0.4, hints: [] })).toEqual([expect.objectContaining({ path: 'privateFlow.mevBlockerShare' })]);
  });
});

describe('private flow router', () => {
  it('is deterministic by seed, trader and nonce, and differs across seeds', () => {
    const draws = Array.from({ length: 50 }, (_, nonce) => privateRouteDraw(42, trader, nonce));
    expect(Array.from({ length: 50 }, (_, nonce) => privateRouteDraw(42, trader, nonce))).toEqual(draws);
    expect(Array.from({ length: 50 }, (_, nonce) => privateRouteDraw(43, trader, nonce))).not.toEqual(draws);
    for (const draw of draws) expect(draw >= 0 && draw < 1).toBe(true);
  });

  it('sends about each share of 4000 swaps to each route', () => {
    const router = new PrivateRouter(7, { mevBlockerShare: 0.3, mevShareShare: 0.4, hints: ['hash'] }, { mevBlocker: sink('mevBlocker'), mevShare: sink('mevShare') });
    const counts = { public: 0, mevBlocker: 0, mevShare: 0 };
    for (let nonce = 0; nonce < 4000; nonce++) counts[router.route(trader, nonce)]++;
    // Binomial(4000, p): 5 standard deviations is under 160 for every p here.
    expect(Math.abs(counts.mevBlocker - 1200)).toBeLessThan(160);
    expect(Math.abs(counts.mevShare - 1600)).toBeLessThan(160);
    expect(Math.abs(counts.public - 1200)).toBeLessThan(160);
  });

  it('refuses a share whose relay is not running (fail closed: never public by accident)', () => {
    expect(() => new PrivateRouter(7, { mevBlockerShare: 0, mevShareShare: 0.4, hints: [] }, { mevBlocker: sink('mevBlocker') })).toThrow(/mevShareShare.*MEV-Share/);
    expect(() => new PrivateRouter(7, { mevBlockerShare: 0.3, mevShareShare: 0, hints: [] }, {})).toThrow(/mevBlockerShare.*MEV Blocker/);
    const onlyBlocker = new PrivateRouter(7, { mevBlockerShare: 1, mevShareShare: 0, hints: [] }, { mevBlocker: sink('mevBlocker') });
    expect(onlyBlocker.route(trader, 3)).toBe('mevBlocker');
    expect(onlyBlocker.sink('mevBlocker')?.name).toBe('mevBlocker');
  });
});
