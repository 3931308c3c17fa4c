import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../src/paths.ts';
import type { DevnetManifest } from '../../src/devnet/manifest.ts';
import { Store } from '../../src/monitor/store.ts';
import { childPids, isAlive, runCli, startCli } from '../helpers/cli.ts';

type DemoJson = {
  blocks: Array<{ number: number; seen: number; candidates: number; sent: number; included: number; grossProfitWei: string; gasCostWei: string; bribeWei: string; netProfitWei: string }>;
  totals: { seen: number; candidates: number; sent: number; included: number; netProfitWei: string; realizedEqualsSimulated: boolean | null; lossWei: string };
  breakers: { tripped: string[] };
  latencyUs: { p50: number; p99: number; count: number; stages: Record<'decode' | 'search' | 'simulate' | 'send', { p50: number; p99: number; count: number }> };
  capture: { victims: number; captured: number; bestGrossWei: string; capturedGrossWei: string; ratio: number | null; truth: string; aboveBest: number; verified: number; unverified: unknown[] };
  builders: Array<{ name: string; sent: number; accepted: number; refused: number; timeout: number; error: number; included: number }>;
  misses: Record<'outbid' | 'reverted' | 'nonce' | 'late' | 'cancelled' | 'other', number>;
  sources: Record<'public' | 'mevBlocker' | 'mevShare', { victims: number; captured: number; bestGrossWei: string; capturedGrossWei: string; ratio: number | null; refundsWei: string }>;
  captureByProtocol: Record<'v2' | 'v3' | 'v4', { victims: number; captured: number; bestGrossWei: string; capturedGrossWei: string; ratio: number | null; uncappedBestGrossWei: string; analyzed: number; bySource: Record<'public' | 'mevBlocker' | 'mevShare', { victims: number; captured: number; bestGrossWei: string; capturedGrossWei: string }> }>;
  simulateOnly: { pools: string[]; reason: string; swaps: number; bestGrossWei: string; extraGrossWei: string };
};

/** The protocols split the capture: their victims, captures and gross add up to it exactly. */
function expectProtocolsAddUp(result: DemoJson): void {
  const parts = [result.captureByProtocol.v2, result.captureByProtocol.v3, result.captureByProtocol.v4];
  expect(parts.reduce((sum, part) => sum + part.victims, 0)).toBe(result.capture.victims);
  expect(parts.reduce((sum, part) => sum + part.captured, 0)).toBe(result.capture.captured);
  expect(parts.reduce((sum, part) => sum + BigInt(part.bestGrossWei), 0n)).toBe(BigInt(result.capture.bestGrossWei));
  expect(parts.reduce((sum, part) => sum + BigInt(part.capturedGrossWei), 0n)).toBe(BigInt(result.capture.capturedGrossWei));
  // Each protocol's routes split it, and each route's protocols add up to the per-source capture.
  const routes = ['public', 'mevBlocker', 'mevShare'] as const;
  for (const part of parts) {
    expect(routes.reduce((sum, route) => sum + part.bySource[route].victims, 0)).toBe(part.victims);
    expect(routes.reduce((sum, route) => sum + BigInt(part.bySource[route].bestGrossWei), 0n)).toBe(BigInt(part.bestGrossWei));
  }
  for (const route of routes) {
    expect(parts.reduce((sum, part) => sum + part.bySource[route].victims, 0)).toBe(result.sources[route].victims);
    expect(parts.reduce((sum, part) => sum + BigInt(part.bySource[route].capturedGrossWei), 0n)).toBe(BigInt(result.sources[route].capturedGrossWei));
  }
}

const dir = mkdtempSync(join(tmpdir(), 'demo-'));

async function demo(name: string, blocks: number): Promise<{ result: DemoJson; db: string; manifest: DevnetManifest }> {
  const db = join(dir, `${name}.db`);
  const manifestFile = join(dir, `${name}.manifest.json`);
  const args = ['demo', '--blocks', String(blocks), '--block-time', '1', '--dashboard-port', '0', '--db', db, '--json', '--manifest', manifestFile];
  if (name !== 'default') args.push('--scenario', join(projectRoot(), 'scenarios', `${name}.json`));
  const { code, stdout, stderr } = await runCli(args);
  expect(code, stderr).toBe(0);
  const last = stdout.trim().split('\n').at(-1)!;
  return { result: JSON.parse(last) as DemoJson, db, manifest: JSON.parse(readFileSync(manifestFile, 'utf8')) as DevnetManifest };
}

describe('searcher demo, end to end (devnet + local builder + bot + dashboard)', () => {
  it('default scenario, 20 blocks: bundles land, net profit, realised equals simulated, no loss, no breaker', async () => {
    const { result, db } = await demo('default', 20);
    expect(result.blocks).toHaveLength(20);
    expect(result.totals.included).toBeGreaterThan(0);
    expect(BigInt(result.totals.netProfitWei)).toBeGreaterThan(0n);
    expect(result.totals.realizedEqualsSimulated).toBe(true);
    expect(result.totals.lossWei).toBe('0');
    expect(result.breakers.tripped).toEqual([]);
    // Per-block numbers add up to the totals, exactly.
    expect(result.blocks.reduce((sum, block) => sum + BigInt(block.netProfitWei), 0n)).toBe(BigInt(result.totals.netProfitWei));
    for (const block of result.blocks) {
      expect(BigInt(block.grossProfitWei) - BigInt(block.gasCostWei) - BigInt(block.bribeWei)).toBe(BigInt(block.netProfitWei));
    }
    // Latency: a sample per decision in every stage, per sent bundle in 'send', per sent backrun first seen -> sent,
    // counted against the store's own record of the run's decisions.
    const store = Store.open(db, { mustExist: true });
    const opportunities = store.recentOpportunities(100_000);
    store.close();
    const sends = opportunities.filter((opportunity) => opportunity.decision === 'send');
    const backruns = sends.filter((opportunity) => opportunity.victim !== null);
    expect(backruns.length).toBeGreaterThan(0);
    for (const stage of ['decode', 'search', 'simulate'] as const) expect(result.latencyUs.stages[stage].count, stage).toBe(opportunities.length);
    expect(result.latencyUs.stages.send.count).toBe(sends.length);
    expect(result.latencyUs.count).toBe(backruns.length);
    for (const value of [result.latencyUs.p50, result.latencyUs.p99, result.latencyUs.stages.send.p50, result.latencyUs.stages.send.p99]) {
      expect(Number.isFinite(value) && value > 0, String(value)).toBe(true);
    }
    expect(result.capture.victims).toBeGreaterThan(0);
    expect(result.capture.ratio).not.toBeNull();
    expect(BigInt(result.capture.capturedGrossWei)).toBeLessThanOrEqual(BigInt(result.capture.bestGrossWei));
    // Graded by the independent truth: no victim where we beat its best, and every best trade realised on the fork.
    expect(result.capture.truth).toBe('independent');
    expect(result.capture.aboveBest).toBe(0);
    expect(result.capture.unverified).toEqual([]);
    expect(result.capture.verified).toBeGreaterThanOrEqual(result.capture.victims);
    // Misses as the builders reported them: the six kinds, counts of bundles (no more than were sent).
    expect(Object.keys(result.misses).sort()).toEqual(['cancelled', 'late', 'nonce', 'other', 'outbid', 'reverted']);
    for (const count of Object.values(result.misses)) expect(Number.isInteger(count) && count >= 0).toBe(true);
    expect(Object.values(result.misses).reduce((sum, count) => sum + count, 0)).toBeLessThanOrEqual(result.totals.sent);
    // Per source (the route each victim's swap took, by the relays' record): the sources add up to the capture.
    const sources = [result.sources.public, result.sources.mevBlocker, result.sources.mevShare];
    for (const source of sources) expect(Object.keys(source)).toEqual(expect.arrayContaining(['victims', 'captured', 'bestGrossWei', 'capturedGrossWei', 'ratio', 'refundsWei']));
    expect(sources.reduce((sum, source) => sum + source.victims, 0)).toBe(result.capture.victims);
    expect(sources.reduce((sum, source) => sum + source.captured, 0)).toBe(result.capture.captured);
    expect(sources.reduce((sum, source) => sum + BigInt(source.bestGrossWei), 0n)).toBe(BigInt(result.capture.bestGrossWei));
    expect(sources.reduce((sum, source) => sum + BigInt(source.capturedGrossWei), 0n)).toBe(BigInt(result.capture.capturedGrossWei));
    expect(result.sources.public.refundsWei).toBe('0');
    // Per protocol: no V4 pools in the default scenario, so no V4 victims and nothing held apart.
    expectProtocolsAddUp(result);
    expect(result.captureByProtocol.v4.victims).toBe(0);
    expect(result.captureByProtocol.v4.analyzed).toBe(0);
    expect(result.simulateOnly.pools).toEqual([]);
    expect(result.simulateOnly.extraGrossWei).toBe('0');

    // `searcher report` reads the same store and agrees to the wei.
    const report = await runCli(['report', '--db', db, '--json']);
    expect(report.code).toBe(0);
    const stored = JSON.parse(report.stdout) as { totals: { netWei: string; included: number } };
    expect(stored.totals.included).toBe(result.totals.included);
    expect(BigInt(stored.totals.netWei)).toBe(BigInt(result.totals.netProfitWei));
  }, 240_000);

  it('v4 scenario, 12 blocks: the truth grades the V4 victims apart, and holds the two hook pools out of the ratio', async () => {
    const { result, manifest } = await demo('v4', 12);
    expect(result.capture.unverified).toEqual([]);
    expect(result.captureByProtocol.v4.victims).toBeGreaterThan(0);
    expect(BigInt(result.captureByProtocol.v4.bestGrossWei)).toBeGreaterThan(0n);
    expectProtocolsAddUp(result);
    const hookPools = manifest.v4.pools.filter((pool) => pool.hook !== 'none').map((pool) => pool.poolId.toLowerCase()).sort();
    expect(result.simulateOnly.pools.map((id) => id.toLowerCase()).sort()).toEqual(hookPools);
    expect(hookPools).toHaveLength(2);
  }, 360_000);

  it('poisoned scenario: no bundle touches the fee-on-transfer, honeypot or salmonella tokens, though they offer arbitrage', async () => {
    const { result, db, manifest } = await demo('poisoned', 12);
    expect(result.totals.included).toBeGreaterThan(0);
    expect(result.totals.lossWei).toBe('0');
    const poisonedTokens = new Set(manifest.tokens.filter((token) => ['feeOnTransfer', 'honeypot', 'salmonella'].includes(token.kind)).map((token) => token.address.toLowerCase()));
    const poisonedPools = new Set(manifest.pools.filter((pool) => poisonedTokens.has(pool.token0.toLowerCase()) || poisonedTokens.has(pool.token1.toLowerCase())).map((pool) => pool.address.toLowerCase()));
    expect(poisonedPools.size).toBe(6);
    const store = Store.open(db, { mustExist: true });
    const opportunities = store.recentOpportunities(10_000);
    const bundles = store.recentBundles(10_000);
    store.close();
    const throughPoison = opportunities.filter((opportunity) => opportunity.path.some((pool) => poisonedPools.has(pool.toLowerCase())));
    // The standing arbitrage between the two pools of each poisoned token is seen, judged and refused.
    expect(throughPoison.length).toBeGreaterThan(0);
    for (const opportunity of throughPoison) {
      expect(opportunity.decision).toBe('reject');
      expect(opportunity.reason).toMatch(/is unsafe/);
    }
    const sentIds = new Set(bundles.map((bundle) => bundle.opportunityId));
    expect(throughPoison.filter((opportunity) => sentIds.has(opportunity.id))).toEqual([]);
  }, 240_000);

  it('a scenario with failing builders (HTTP 500, no answer, 429): the local builder still lands bundles, every failure is counted', async () => {
    const { result } = await demo('faulty-builders', 10);
    expect(result.totals.included).toBeGreaterThan(0);
    expect(result.totals.realizedEqualsSimulated).toBe(true);
    const byName = Object.fromEntries(result.builders.map((builder) => [builder.name, builder]));
    expect(byName.local!.accepted).toBeGreaterThan(0);
    for (const name of ['broken', 'silent', 'throttled']) {
      expect(byName[name]!.sent).toBe(byName.local!.sent);
      expect(byName[name]!.accepted).toBe(0);
    }
    expect(byName.silent!.timeout).toBeGreaterThan(0);
    expect(byName.broken!.error).toBeGreaterThan(0);
  }, 240_000);

  it('Ctrl-C stops every child: nothing keeps running', async () => {
    const { child, output } = await startCli(['demo', '--block-time', '1', '--dashboard-port', '0', '--db', join(dir, 'ctrl-c.db')], /^block \d+: seen/m);
    expect(output()).toMatch(/dashboard http:\/\/127\.0\.0\.1:\d+/);
    const descendants = () => childPids(child.pid!).flatMap((pid) => [pid, ...childPids(pid)]);
    const before = descendants();
    expect(before.length).toBeGreaterThan(0); // anvil (under its guard)
    child.kill('SIGINT');
    expect(await new Promise((resolve) => child.once('exit', resolve))).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(before.filter(isAlive)).toEqual([]);
  }, 120_000);
});

