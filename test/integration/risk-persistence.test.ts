import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Address } from 'viem';
import { describe, expect, it } from 'vitest';
import { mainnet } from '../../src/chain/addresses.ts';
import { Store } from '../../src/monitor/store.ts';
import { parseRiskConfig } from '../../src/risk/config.ts';
import type { HaltNotice } from '../../src/risk/gate.ts';
import { haltKey, stateKey, writeHaltLatch } from '../../src/risk/latch.ts';
import { openRiskGate } from '../../src/risk/persistence.ts';
import type { BundleProposal } from '../../src/risk/types.ts';

const ether = 10n ** 18n;
const dir = mkdtempSync(join(tmpdir(), 'risk-persistence-'));
const config = parseRiskConfig({ bucketMs: 1_000, gas: { maxSpendPerWindowWei: 1_000n, windowMs: 60_000 } });
const pool = '0x00000000000000000000000000000000000000aa' as Address;
const proposal = (maxGasCostWei: bigint): BundleProposal => ({ targetBlock: 10n, gasLimit: 200_000n, maxGasCostWei, pools: [pool], startToken: mainnet.weth, amountIn: ether, flash: false });

/** `searcher resume` as main.ts will dispatch it: the command module's run(), in its own process. */
function resumeCli(db: string): Promise<{ code: number | null; stdout: string }> {
  const module = fileURLToPath(new URL('../../src/cli/resume.ts', import.meta.url));
  const script = `const { run } = await import(${JSON.stringify(module)}); process.exitCode = await run(process.argv.slice(1));`;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, '--', '--db', db], { env: process.env });
    let stdout = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.on('exit', (code) => resolve({ code, stdout }));
  });
}

function start(file: string, clock: { t: number }) {
  const store = Store.open(file);
  const shell = openRiskGate({ store, config, now: () => clock.t, timer: false });
  shell.gate.setEquity(100n * ether);
  shell.gate.onHead({ number: 9n });
  return {
    store,
    ...shell,
    stop() {
      shell.close();
      store.close();
    },
  };
}

describe('risk state across restarts (real SQLite store)', () => {
  it('keeps a latched halt and the rolling spend; `searcher resume` clears the halt', async () => {
    const file = join(dir, 'restart.db');
    const clock = { t: 1_700_000_000_000 };
    const first = start(file, clock);
    first.gate.onBundleSent('paid', proposal(400n));
    first.gate.onBundleResolved({ id: 'paid', included: true, netWei: 50n, gasPaidWei: 400n, failed: false });
    first.gate.onBundleSent('in-flight', proposal(300n));
    expect(first.gate.halt('maintenance window', 'test')).toBe(true);
    first.stop();

    clock.t += 5_000;
    const second = start(file, clock);
    expect(second.gate.halted).toMatchObject({ reason: 'maintenance window', by: 'test', breaker: 'killSwitch' });
    expect(second.gate.check(proposal(1n))).toMatchObject({ ok: false, breaker: 'killSwitch' });
    expect(second.gate.status().breakers.find((row) => row.limit === 'perWindow')).toMatchObject({ current: '700' });
    expect(second.store.breakerEvents().map((event) => `${event.breaker} ${event.kind}`)).toContain('killSwitch halt');

    const resumed = await resumeCli(file);
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toMatch(/resumed \(was halted since .* by test: maintenance window\)/);
    const resumes: string[] = [];
    second.gate.onResume(({ by }) => resumes.push(by));
    second.poll();
    expect(second.gate.halted).toBeUndefined();
    expect(resumes).toHaveLength(1);
    // 400 paid + 300 outstanding: 300 more fits, 301 does not
    expect(second.gate.check(proposal(300n))).toEqual({ ok: true });
    expect(second.gate.check(proposal(301n))).toMatchObject({ ok: false, breaker: 'gas' });
    // the window slides for spend made before the restart too
    clock.t += 60_000;
    second.gate.onHead({ number: 10n });
    second.gate.onBundleResolved({ id: 'in-flight', included: false, netWei: 0n, gasPaidWei: 0n, failed: false });
    expect(second.gate.check(proposal(1_000n))).toEqual({ ok: true });
    second.stop();
  });

  it('a loss halt survives a restart; a resume while the bot is down forgives those losses', async () => {
    const file = join(dir, 'loss.db');
    const clock = { t: 1_700_000_000_000 };
    const first = start(file, clock);
    first.gate.onBundleResolved({ id: 'x', included: true, netWei: -ether, gasPaidWei: 0n, failed: false });
    expect(first.gate.halted?.breaker).toBe('loss');
    first.stop();

    const second = start(file, clock);
    expect(second.gate.halted?.breaker).toBe('loss');
    expect(second.gate.check(proposal(1n))).toMatchObject({ ok: false, breaker: 'loss' });
    second.stop();

    expect((await resumeCli(file)).code).toBe(0);
    const third = start(file, clock);
    expect(third.gate.halted).toBeUndefined();
    third.gate.onBundleResolved({ id: 'y', included: true, netWei: -1_000n, gasPaidWei: 0n, failed: false });
    expect(third.gate.halted).toBeUndefined(); // the hour's 1 ETH loss no longer counts
    expect(third.gate.check(proposal(1n))).toEqual({ ok: true });
    third.stop();
  });

  it('keeps a failure cooldown and pool pauses across a restart', () => {
    const file = join(dir, 'pauses.db');
    const clock = { t: 1_700_000_000_000 };
    const first = start(file, clock);
    for (const id of ['a', 'b', 'c']) first.gate.onBundleResolved({ id, included: false, netWei: 0n, gasPaidWei: 0n, failed: true });
    first.gate.onPoolObservation({ pool, liquidity: 1_000n, explainedByLog: true });
    first.gate.onPoolObservation({ pool, liquidity: 10n, explainedByLog: true });
    first.stop();
    const second = start(file, clock);
    expect(second.gate.check(proposal(1n))).toMatchObject({ ok: false, breaker: 'failures' });
    clock.t += config.failures.cooldownMs;
    second.gate.onHead({ number: 11n });
    expect(second.gate.check(proposal(1n))).toMatchObject({ ok: false, breaker: 'liquidity' });
    second.stop();
  });

  it('a running gate sees a halt written by another connection within its poll interval', async () => {
    const file = join(dir, 'poll.db');
    const store = Store.open(file);
    const shell = openRiskGate({ store, config: parseRiskConfig({ killSwitch: { pollMs: 50 } }) });
    const halts: HaltNotice[] = [];
    shell.gate.onHalt((notice) => halts.push(notice));
    const other = Store.open(file);
    writeHaltLatch(other, { reason: 'from elsewhere', by: 'cli:ops', at: Date.now(), breaker: 'killSwitch' });
    other.close();
    for (let waited = 0; waited < 5_000 && !shell.gate.halted; waited += 10) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(shell.gate.halted).toMatchObject({ reason: 'from elsewhere', by: 'cli:ops' });
    expect(halts).toEqual([expect.objectContaining({ reason: 'from elsewhere', latched: true })]);
    shell.close();
    store.close();
  });

  it('starts halted when the saved state is unreadable (fail closed)', () => {
    const file = join(dir, 'corrupt.db');
    const store = Store.open(file);
    store.setRiskValue(stateKey, '{"version": 1, "gas": "garbage"}');
    store.close();
    const clock = { t: 1_700_000_000_000 };
    const bot = start(file, clock);
    expect(bot.gate.halted?.reason).toMatch(/saved risk state is unreadable/);
    expect(bot.store.riskValue(haltKey)).toBeDefined();
    bot.stop();
    // and the next save replaces the bad state
    const again = Store.open(file);
    expect(() => JSON.parse(again.riskValue(stateKey)!)).not.toThrow();
    expect(JSON.parse(again.riskValue(stateKey)!).version).toBe(1);
    again.close();
  });
});
