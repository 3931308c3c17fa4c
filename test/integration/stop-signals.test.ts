import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toHex } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devAccount } from '../../src/devnet/accounts.ts';
import type { Devnet } from '../../src/devnet/devnet.ts';
import { writeManifest } from '../../src/devnet/manifest.ts';
import { Store } from '../../src/monitor/store.ts';
import { binPath, childPids, isAlive } from '../helpers/cli.ts';
import { startTestDevnet } from '../helpers/devnet.ts';
import { unusedPort } from '../helpers/ports.ts';

/**
 * How `searcher run` and `searcher demo` meet the ways a process is told to stop, or loses its terminal, as real
 * processes: a dead websocket (the blind-mempool gauge), SIGHUP (an ssh session dropped), a closed output pipe,
 * and the demo's Ctrl-C / SIGTERM (stop first, then no grading; a signal during the grading claims nothing).
 * Order of events and exit codes only, never durations.
 */

let devnet: Devnet;
const root = mkdtempSync(join(tmpdir(), 'stop-signals-'));

beforeAll(async () => {
  devnet = await startTestDevnet({ traffic: true });
}, 120_000);
afterAll(async () => {
  await devnet?.stop();
});

type Bot = { child: ChildProcessWithoutNullStreams; stderr: () => string; stdout: () => string; exited: Promise<number | null> };

function spawnCli(args: string[], env: NodeJS.ProcessEnv): Bot {
  const child = spawn(process.execPath, [binPath, ...args], { env: { PATH: process.env.PATH, ...env } });
  let stderr = '';
  let stdout = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  child.stdout.on('data', (chunk) => (stdout += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, stderr: () => stderr, stdout: () => stdout, exited };
}

async function until(what: string, done: () => boolean, bot: Bot, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (bot.child.exitCode !== null) throw new Error(`exited ${bot.child.exitCode} before ${what}:\n${bot.stderr()}`);
    if (Date.now() > deadline) throw new Error(`no ${what}:\n${bot.stderr()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** `searcher run` on the test devnet (its real local builder), the operator key in the environment only. */
function startRun(name: string, manifest = devnet.manifest, extra: string[] = []): { bot: Bot; db: string } {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  const config = join(dir, 'config.json');
  writeManifest(join(dir, 'manifest.json'), manifest);
  writeFileSync(config, JSON.stringify({ chain: { manifest: 'manifest.json' } }));
  const db = join(dir, 'searcher.db');
  // The devnet's operator is anvil's public test account 1: a devnet key, never a secret.
  const key = toHex(devAccount(devnet.manifest.accounts.searcher.index).getHdKey().privateKey!);
  const bot = spawnCli(['run', '--config', config, '--db', db, '--dashboard-port', '0', ...extra], { SEARCHER_PRIVATE_KEY: key, SEARCHER_LOG_LEVEL: 'info' });
  return { bot, db };
}

const running = /searcher: running against .*sending to/;

describe('searcher run: a websocket that never connects', () => {
  it('/metrics says the node socket is down (0) from the start, and the connectivity breaker is not tripped by the start', async () => {
    // Nothing listens there: the connection is refused on every attempt, so no connect or disconnect ever happens.
    const { bot } = startRun('dead-ws', { ...devnet.manifest, wsUrl: `ws://127.0.0.1:${await unusedPort()}` });
    try {
      await until('the dashboard', () => /"url":"http:\/\/127\.0\.0\.1:\d+"[^\n]*dashboard listening|dashboard listening[^\n]*"url":"http:\/\/127\.0\.0\.1:\d+"/.test(bot.stderr()), bot);
      await until('a failed websocket attempt', () => /cannot connect to the node's websocket/.test(bot.stderr()), bot);
      const url = /"url":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(bot.stderr().split('\n').find((line) => line.includes('dashboard listening'))!)![1]!;
      const text = await (await fetch(`${url}/metrics`)).text();
      expect(text).toMatch(/^searcher_socket_connected\{socket="node"\} 0$/m);
      expect(text).not.toMatch(/^searcher_risk_breaker_tripped\{breaker="connectivity",limit="blind"\} 1$/m);
      expect(bot.stderr()).not.toMatch(running);
    } finally {
      bot.child.kill('SIGKILL');
      await bot.exited;
    }
  }, 120_000);
});

describe('searcher run: the terminal goes away', () => {
  it('SIGHUP (an ssh session dropped) stops gracefully: exits 0, says so, the store records the stop', async () => {
    const { bot, db } = startRun('sighup');
    await until('the start', () => running.test(bot.stderr()), bot);
    bot.child.kill('SIGHUP');
    expect(await bot.exited, bot.stderr()).toBe(0);
    const stopping = bot.stderr().search(/searcher: SIGHUP: stopping/);
    expect(stopping, bot.stderr()).toBeGreaterThan(-1);
    expect(bot.stderr().search(/searcher: stopped\. /)).toBeGreaterThan(stopping);
    const store = Store.open(db, { mustExist: true });
    try {
      expect(store.heartbeats()).toHaveLength(1);
      expect(store.heartbeats()[0]!.stopped).not.toBeNull();
    } finally {
      store.close();
    }
  }, 120_000);

  it.each([
    ['json', 'JSON log lines (asynchronous writes)'],
    ['human', 'human log lines (synchronous writes)'],
  ])('a closed output pipe (EPIPE on stdout and stderr, %s logs) does not crash it: it keeps accounting blocks, then stops gracefully on SIGTERM with 0', async (format) => {
    const logFile = join(root, `epipe-${format}.log`);
    const { bot, db } = startRun(`epipe-${format}`, devnet.manifest, ['--log-file', logFile, '--verbose', '--log-format', format]);
    await until('the start', () => running.test(bot.stderr()), bot);
    const loggedBefore = readFileSync(logFile, 'utf8').split('\n').length;
    // The reader of both pipes goes away (`| (timeout 8 cat)`): every later write of the bot meets EPIPE.
    bot.child.stdout.destroy();
    bot.child.stderr.destroy();
    const reader = Store.open(db, { mustExist: true });
    const blocksBefore = reader.blockSummaries({ last: 1000 }).length;
    reader.close();
    for (let i = 0; i < 4; i++) {
      await devnet.builder.buildBlock();
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    // Block lines and log lines went to the closed pipes meanwhile; the bot is still there and still accounting.
    const deadline = Date.now() + 30_000;
    let blocksAfter = blocksBefore;
    while (bot.child.exitCode === null && blocksAfter < blocksBefore + 3 && Date.now() < deadline) {
      const store = Store.open(db, { mustExist: true });
      blocksAfter = store.blockSummaries({ last: 1000 }).length;
      store.close();
      if (blocksAfter < blocksBefore + 3) {
        await devnet.builder.buildBlock();
        await new Promise((resolve) => setTimeout(resolve, 300));
      }
    }
    expect(bot.child.exitCode, 'the bot died on the closed pipe').toBeNull();
    expect(blocksAfter).toBeGreaterThanOrEqual(blocksBefore + 3);
    bot.child.kill('SIGTERM');
    expect(await bot.exited).toBe(0);
    // The log file went on receiving what the terminal no longer could.
    expect(readFileSync(logFile, 'utf8').split('\n').length).toBeGreaterThan(loggedBefore);
    const store = Store.open(db, { mustExist: true });
    try {
      expect(store.heartbeats()[0]!.stopped).not.toBeNull();
      expect(store.recentBundles(100_000).filter((bundle) => bundle.status === 'pending')).toEqual([]);
    } finally {
      store.close();
    }
  }, 180_000);
});

describe('searcher demo: stopping', () => {
  it('SIGTERM: the bot stops first and says so, the cut-short run is not graded, exit 0', async () => {
    const db = join(root, 'demo-term.db');
    const bot = spawnCli(['demo', '--block-time', '1', '--dashboard-port', '0', '--db', db], {});
    await until('a block line', () => /^block \d+: seen/m.test(bot.stdout()), bot, 120_000);
    bot.child.kill('SIGTERM');
    expect(await bot.exited, bot.stderr()).toBe(0);
    const err = bot.stderr();
    expect(err).toMatch(/searcher: SIGTERM: stopping/);
    // The demo's word to its user is on stdout with its block lines (stderr carries the logs): after the last block line.
    const out = bot.stdout();
    const stopped = out.search(/searcher demo: stopped \(no bundle outstanding[^\n]*not graded/);
    expect(stopped, out).toBeGreaterThan(out.search(/^block \d+: seen/m));
    // No grading ran: no result line.
    expect(bot.stdout()).not.toMatch(/bundles included, net/);
  }, 180_000);

  it('--blocks N: a signal during the grading exits at once with 1 and claims nothing outstanding (the bot had stopped)', async () => {
    const db = join(root, 'demo-grade.db');
    const bot = spawnCli(['demo', '--blocks', '3', '--block-time', '1', '--dashboard-port', '0', '--db', db], {});
    await until('the grading', () => /searcher demo: 3 blocks done, the bot stopped \(no bundle outstanding\); grading/.test(bot.stdout()), bot, 150_000);
    // The devnet runs in a process of its own (a child of the demo): exiting at once must not leave it behind.
    const children = childPids(bot.child.pid!);
    expect(children.length).toBeGreaterThan(0);
    bot.child.kill('SIGINT');
    expect(await bot.exited, bot.stderr()).toBe(1);
    const deadline = Date.now() + 30_000;
    while (children.some(isAlive) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    const left = children.filter(isAlive);
    for (const pid of left) process.kill(pid, 'SIGTERM'); // not left running if the assertion fails
    expect(left, 'the devnet process outlived the demo').toEqual([]);
    expect(bot.stderr()).toMatch(/searcher: SIGINT: exiting now; the bot had already stopped \(no bundle outstanding/);
    expect(bot.stderr()).not.toMatch(/may still be outstanding/);
    const store = Store.open(db, { mustExist: true });
    try {
      expect(store.recentBundles(100_000).filter((bundle) => bundle.status === 'pending')).toEqual([]);
    } finally {
      store.close();
    }
  }, 180_000);
});
