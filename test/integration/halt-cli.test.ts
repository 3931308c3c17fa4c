import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { mainnet } from '../../src/chain/addresses.ts';
import { Store } from '../../src/monitor/store.ts';
import { parseRiskConfig } from '../../src/risk/config.ts';
import type { HaltNotice } from '../../src/risk/gate.ts';
import { haltKey } from '../../src/risk/latch.ts';
import { openRiskGate } from '../../src/risk/persistence.ts';
import type { CliResult } from '../helpers/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'halt-cli-'));
const tsxLoader = pathToFileURL(fileURLToPath(new URL('../../node_modules/tsx/dist/loader.mjs', import.meta.url))).href;

/**
 * `searcher halt|resume <args>` in a child process: the command module's run(), exactly what main.ts
 * dispatches to once the commands are registered there (then `runCli(['halt', ...])` is the same thing).
 */
function searcher(command: 'halt' | 'resume' | 'report', args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  const module = fileURLToPath(new URL(`../../src/cli/${command === 'report' ? 'profitReport' : command}.ts`, import.meta.url));
  const script = `const { run } = await import(${JSON.stringify(module)}); process.exitCode = await run(process.argv.slice(1));`;
  return new Promise((resolve) => {
    // From a directory of its own: a relative default store must not land in the repository.
    const child = spawn(process.execPath, ['--import', tsxLoader, '--input-type=module', '-e', script, '--', ...args], { env: { ...process.env, ...env }, cwd: dir });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

const proposal = { targetBlock: 2n, gasLimit: 200_000n, maxGasCostWei: 1_000n, pools: [], startToken: mainnet.weth, amountIn: 1n, flash: false };

describe('searcher halt / resume', () => {
  it('halt writes the latch a gate on the same store obeys; resume clears it', async () => {
    const db = join(dir, 'latch.db');
    Store.open(db).close(); // the store a bot would have created
    const halted = await searcher('halt', ['--db', db, '--reason', 'builder API is returning garbage']);
    expect(halted.code).toBe(0);
    expect(halted.stdout).toMatch(/^halted: builder API is returning garbage/);

    const store = Store.open(db);
    const bot = openRiskGate({ store, config: parseRiskConfig(), timer: false });
    bot.gate.setEquity(10n ** 18n);
    bot.gate.onHead({ number: 1n });
    expect(bot.gate.halted).toMatchObject({ reason: 'builder API is returning garbage', breaker: 'killSwitch', by: expect.stringMatching(/^cli:/) });
    expect(bot.gate.check(proposal)).toMatchObject({ ok: false, breaker: 'killSwitch' });
    expect(store.breakerEvents()[0]).toMatchObject({ breaker: 'killSwitch', kind: 'halt', reason: expect.stringContaining('builder API is returning garbage') });
    bot.close();
    store.close();

    const again = await searcher('halt', ['--db', db, '--reason', 'second']);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/already halted since .*: builder API is returning garbage/);

    const resumed = await searcher('resume', ['--db', db]);
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toMatch(/^resumed \(was halted since/);
    expect(again.stderr).toMatch(/no bot has used this store/);
    const reopened = Store.open(db);
    const fresh = openRiskGate({ store: reopened, config: parseRiskConfig(), timer: false });
    fresh.gate.setEquity(10n ** 18n);
    fresh.gate.onHead({ number: 1n });
    expect(fresh.gate.halted).toBeUndefined();
    expect(fresh.gate.check(proposal)).toEqual({ ok: true });
    expect(reopened.breakerEvents().map((event) => event.kind).slice(0, 2)).toEqual(['resume', 'halt']);
    fresh.close();
    reopened.close();

    const notHalted = await searcher('resume', ['--db', db]);
    expect(notHalted.code).toBe(0);
    expect(notHalted.stdout).toMatch(/^not halted/);
  });

  it('a running bot stops within its poll interval and resumes the same way', async () => {
    const db = join(dir, 'live.db');
    const store = Store.open(db);
    const bot = openRiskGate({ store, config: parseRiskConfig() }); // the default 250 ms poll
    const halts: HaltNotice[] = [];
    const resumes: string[] = [];
    bot.gate.onHalt((notice) => halts.push(notice));
    bot.gate.onResume(({ by }) => resumes.push(by));
    const waitFor = async (condition: () => boolean) => {
      for (let waited = 0; waited < 10_000 && !condition(); waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
    };

    const halted = await searcher('halt', ['--db', db, '--reason', 'incident 42']);
    expect(halted.code, halted.stderr).toBe(0);
    expect(halted.stdout).toMatch(new RegExp(`acknowledged by the bot \\(pid ${process.pid} on [^)]+\\) \\d+ ms after the halt was written`));
    await waitFor(() => bot.gate.halted !== undefined);
    expect(bot.gate.halted?.reason).toBe('incident 42');
    expect(halts).toEqual([expect.objectContaining({ reason: 'incident 42', latched: true })]);

    expect((await searcher('resume', ['--db', db])).code).toBe(0);
    await waitFor(() => bot.gate.halted === undefined);
    expect(bot.gate.halted).toBeUndefined();
    expect(resumes).toHaveLength(1);
    // the CLI recorded its halt and resume; the bot did not record them a second time
    expect(store.breakerEvents().map((event) => event.kind)).toEqual(['resume', 'halt']);
    bot.close();
    store.close();
  });

  it('refuses bad usage with exit code 2 and writes nothing', async () => {
    const db = join(dir, 'usage.db');
    const missing = await searcher('halt', ['--db', db]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--reason TEXT is required/);
    const blank = await searcher('halt', ['--db', db, '--reason', '   ']);
    expect(blank.code).toBe(2);
    const unknown = await searcher('halt', ['--db', db, '--reason', 'x', '--force']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/--force/);
    expect((await searcher('resume', ['--db', db, 'extra'])).code).toBe(2);
    expect(existsSync(db)).toBe(false);
    const help = await searcher('halt', ['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Usage: searcher halt --reason TEXT \[--db FILE\]/);
  });

  it('exits 1 with a one-line message when the store cannot be opened', async () => {
    const db = join(dir, 'plain.db');
    Store.open(db).close();
    expect((await searcher('halt', ['--db', db, '--reason', 'keep me'])).code).toBe(0);
    const store = Store.open(db);
    expect(JSON.parse(store.riskValue(haltKey)!)).toMatchObject({ reason: 'keep me', breaker: 'killSwitch' });
    store.close();
    // a directory where the store's file should be: it exists, but is no database
    const unopenable = await searcher('halt', ['--db', dir, '--reason', 'x']);
    expect(unopenable.code).toBe(1);
    expect(unopenable.stderr).toMatch(/^searcher: cannot open the store .*halt-cli-[^/]*: /);
    expect(unopenable.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('searcher halt / resume / report: the store must exist', () => {
  it('refuse a --db that does not exist: exit 2, one line naming the path, nothing created', async () => {
    const parent = join(dir, 'no-such-dir');
    const db = join(parent, 'searcher.db');
    const runs = {
      halt: await searcher('halt', ['--db', db, '--reason', 'stop']),
      resume: await searcher('resume', ['--db', db]),
      report: await searcher('report', ['--db', db]),
    };
    for (const [command, result] of Object.entries(runs)) {
      expect(result.code, `${command}: ${result.stderr}`).toBe(2);
      expect(result.stdout, command).toBe('');
      const lines = result.stderr.trim().split('\n');
      expect(lines, command).toHaveLength(1);
      expect(lines[0], command).toContain(db);
    }
    expect(existsSync(db)).toBe(false);
    expect(existsSync(parent)).toBe(false);
    // a missing file in a directory that exists: not created either
    const beside = join(dir, 'missing.db');
    expect((await searcher('halt', ['--db', beside, '--reason', 'stop'])).code).toBe(2);
    expect(existsSync(beside)).toBe(false);
  });

  it('the default store is an absolute path that does not depend on the working directory', async () => {
    const home = mkdtempSync(join(tmpdir(), 'halt-home-'));
    const expected = join(home, '.searcher', 'searcher.db');
    const halted = await searcher('halt', ['--reason', 'stop'], { HOME: home });
    expect(halted.code).toBe(2);
    expect(halted.stderr.trim()).toContain(expected);
    expect(existsSync(join(home, '.searcher'))).toBe(false);
    const store = Store.open(expected);
    store.close();
    const again = await searcher('halt', ['--reason', 'stop'], { HOME: home });
    expect(again.code, again.stderr).toBe(0);
    const reopened = Store.open(expected);
    expect(JSON.parse(reopened.riskValue(haltKey)!)).toMatchObject({ reason: 'stop' });
    reopened.close();
  });
});
