import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { toHex } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devAccount } from '../../src/devnet/accounts.ts';
import { startFaultyBuilder, type FaultyBuilder } from '../../src/devnet/builder/faulty.ts';
import type { Devnet } from '../../src/devnet/devnet.ts';
import { writeManifest } from '../../src/devnet/manifest.ts';
import { Store } from '../../src/monitor/store.ts';
import { startCli } from '../helpers/cli.ts';
import { startTestDevnet } from '../helpers/devnet.ts';
import { localUnit, readEnvironmentFile, type LocalUnit } from '../helpers/serviceUnit.ts';

/**
 * `systemctl stop` as the example unit does it: SIGTERM to the bot's own process (node running bin/searcher.js
 * with the unit's flags and the keys from its EnvironmentFile), while bundles sit at the builder for the coming
 * block. The builder is the devnet's real local builder; the store is the real SQLite file the unit names.
 */

let devnet: Devnet;
let hang: FaultyBuilder;
const root = mkdtempSync(join(tmpdir(), 'graceful-stop-'));

beforeAll(async () => {
  devnet = await startTestDevnet({ traffic: true });
  hang = await startFaultyBuilder('hang');
}, 120_000);
afterAll(async () => {
  await hang?.stop();
  await devnet?.stop();
});

type Bot = { child: ChildProcessWithoutNullStreams; stderr: () => string; exited: Promise<number | null> };

/** The unit's ExecStart, in its WorkingDirectory, with only the unit's Environment= and EnvironmentFile (as systemd runs it). */
function startUnit(unit: LocalUnit, config: Record<string, unknown>): Promise<Bot> {
  writeManifest(join(dirname(unit.configFile), 'manifest.json'), devnet.manifest);
  writeFileSync(unit.configFile, JSON.stringify({ chain: { manifest: 'manifest.json' }, ...config }));
  // The devnet's operator is anvil's public test account 1: a devnet key, never a secret.
  writeFileSync(unit.environmentFile, `SEARCHER_PRIVATE_KEY=${toHex(devAccount(devnet.manifest.accounts.searcher.index).getHdKey().privateKey!)}\n`, { mode: 0o600 });
  const [command, ...args] = unit.execStart;
  const child = spawn(command!, args, {
    cwd: unit.text.match(/^WorkingDirectory=(.*)$/m)![1],
    env: { PATH: process.env.PATH, ...unit.environment, ...readEnvironmentFile(unit.environmentFile) },
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  child.stdout.resume();
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + 90_000;
    const poll = () => {
      if (/searcher: running against .*sending to/.test(stderr)) return resolve({ child, stderr: () => stderr, exited });
      if (child.exitCode !== null || Date.now() > deadline) return reject(new Error(`the bot did not start (exit ${child.exitCode}):\n${stderr}`));
      setTimeout(poll, 50);
    };
    poll();
  });
}

/** Lets blocks of traffic go by until the bot has handed bundles for the coming block to the local builder (not sealed yet). */
async function untilOutstanding(): Promise<void> {
  for (let block = 0; block < 15; block++) {
    const before = devnet.builder.counts.bundles;
    const head = await devnet.client.getBlockNumber({ cacheTime: 0 });
    while (devnet.traffic!.handledHead < head) await new Promise((resolve) => setTimeout(resolve, 10));
    const deadline = Date.now() + 3_000;
    while (devnet.builder.counts.bundles === before && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    if (devnet.builder.counts.bundles > before) return;
    await devnet.builder.buildBlock();
  }
  throw new Error('the bot sent nothing in 15 blocks');
}

describe('searcher run as the systemd unit runs it: SIGTERM', () => {
  it('with bundles outstanding: exits 0, every outstanding bundle is cancelled at the builder, the store is complete', async () => {
    const unit = localUnit(join(root, 'clean'));
    const bot = await startUnit(unit, {});
    await untilOutstanding();
    const cancelledBefore = devnet.builder.counts.cancelled;
    bot.child.kill('SIGTERM');
    expect(await bot.exited, bot.stderr()).toBe(0);
    expect(bot.stderr()).toMatch(/searcher: SIGTERM: stopping/);
    expect(bot.stderr()).toMatch(/searcher: stopped\. /);

    // The builder was told: the block it seals now holds none of the bot's bundles, each one withdrawn.
    expect(devnet.builder.counts.cancelled).toBeGreaterThan(cancelledBefore);
    const report = await devnet.builder.buildBlock();
    expect(report.included).toEqual([]);
    expect(report.excluded.length).toBeGreaterThan(0);
    for (const entry of report.excluded) expect(entry.reason, entry.detail).toBe('cancelled');

    // The store says the same, row by row: nothing left pending, each bundle the builder withdrew is the store's
    // bundle marked cancelled by the stop, and the bot's heartbeat row says it stopped.
    const store = Store.open(unit.dbFile, { mustExist: true });
    try {
      const bundles = store.recentBundles(100_000);
      expect(bundles.length).toBeGreaterThan(0);
      expect(bundles.filter((bundle) => bundle.status === 'pending')).toEqual([]);
      const stoppedByHash = new Map(bundles.filter((bundle) => bundle.reason === 'cancelled' && bundle.detail === 'searcher stopped').flatMap((bundle) => bundle.submissions.flatMap((submission) => (submission.bundleHash ? [[submission.bundleHash, bundle.id] as const] : []))));
      for (const entry of report.excluded) expect(stoppedByHash.has(entry.bundleHash), `${entry.bundleHash} withdrawn at the builder, not marked in the store`).toBe(true);
      const beats = store.heartbeats();
      expect(beats).toHaveLength(1);
      expect(beats[0]!.pid).toBe(bot.child.pid);
      expect(beats[0]!.stopped).not.toBeNull();
      expect(store.inconsistencies()).toEqual([]);
    } finally {
      store.close();
    }
  }, 180_000);

  it('a second SIGTERM while the stop waits on a builder that never answers: exits at once with 1 and says so', async () => {
    const unit = localUnit(join(root, 'forced'));
    const bot = await startUnit(unit, {
      builders: [
        { name: 'local', url: devnet.manifest.builderUrl, kind: 'json-rpc', timeoutMs: 1_000 },
        // Holds every request open for its whole timeout: the stop waits for it before it can cancel there.
        { name: 'hang', url: hang.url, kind: 'json-rpc', timeoutMs: 60_000 },
      ],
    });
    await untilOutstanding();
    bot.child.kill('SIGTERM');
    const deadline = Date.now() + 10_000;
    while (!/searcher: SIGTERM: stopping/.test(bot.stderr()) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(bot.stderr()).toMatch(/searcher: SIGTERM: stopping/);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(bot.child.exitCode, 'the stop is still waiting on the silent builder').toBeNull();
    bot.child.kill('SIGTERM');
    expect(await bot.exited, bot.stderr()).toBe(1);
    expect(bot.stderr()).toMatch(/searcher: second SIGTERM: exiting now, without finishing the stop/);
    expect(bot.stderr()).not.toMatch(/searcher: stopped\. /);
    await devnet.builder.buildBlock(); // the next test's block starts empty
  }, 180_000);
});

describe('searcher demo: SIGTERM', () => {
  // Which bundles are still outstanding when the signal lands depends on the demo's own 1 s blocks: the claim is
  // that none is left without an outcome (included, or missed with its reason), whichever they are.
  it('with bundles outstanding: exits 0 and leaves no bundle pending in its store', async () => {
    const db = join(root, 'demo.db');
    const { child } = await startCli(['demo', '--block-time', '1', '--dashboard-port', '0', '--db', db], /^block \d+: seen/m);
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    // A bundle of the demo's bot with no outcome yet, read from its store as it runs (SQLite WAL: readers do not block it).
    const reader = new Database(db, { readonly: true, fileMustExist: true });
    const pending = reader.prepare('SELECT count(*) AS n FROM bundles b WHERE NOT EXISTS (SELECT 1 FROM inclusions i WHERE i.bundle_id = b.id) AND NOT EXISTS (SELECT 1 FROM misses m WHERE m.bundle_id = b.id)');
    const deadline = Date.now() + 60_000;
    while ((pending.get() as { n: number }).n === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    reader.close();
    child.kill('SIGTERM');
    expect(await exited, stderr).toBe(0);
    const store = Store.open(db, { mustExist: true });
    try {
      const bundles = store.recentBundles(100_000);
      expect(bundles.length).toBeGreaterThan(0);
      expect(bundles.filter((bundle) => bundle.status === 'pending')).toEqual([]);
      expect(store.heartbeats().every((beat) => beat.stopped !== null)).toBe(true);
    } finally {
      store.close();
    }
  }, 180_000);
});
