import type { LocalAccount } from 'viem/accounts';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadRunConfig } from '../../src/config/runConfig.ts';
import { devAccount } from '../../src/devnet/accounts.ts';
import type { Devnet } from '../../src/devnet/devnet.ts';
import { writeManifest } from '../../src/devnet/manifest.ts';
import { rootLogger } from '../../src/log.ts';
import { SearcherApp } from '../../src/searcher.ts';
import type { LandedBundle } from '../../src/monitor/ledger.ts';

/** The whole bot in this process against a test devnet, with a config of the test's own (merged over the defaults). */
export async function startTestBot(devnet: Devnet, config: Record<string, unknown> = {}, options: { dashboard?: boolean; dbFile?: string; onLanded?: (bundle: LandedBundle) => void; laneSigners?: LocalAccount[] } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'bot-'));
  writeManifest(join(dir, 'manifest.json'), devnet.manifest);
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ chain: { manifest: 'manifest.json' }, ...config }));
  const loaded = loadRunConfig(join(dir, 'config.json'));
  const dbFile = options.dbFile ?? join(dir, 'searcher.db');
  const app = await SearcherApp.start({
    ...loaded,
    dbFile,
    dryRun: false,
    signer: devAccount(devnet.manifest.accounts.searcher.index),
    laneSigners: options.laneSigners ?? devnet.manifest.accounts.operators.map((operator) => devAccount(operator.index)),
    authAccount: devAccount(devnet.manifest.accounts.searcher.index + 100),
    dashboard: options.dashboard ? { host: '127.0.0.1', port: 0 } : false,
    logger: rootLogger(),
    ...(options.onLanded ? { onLanded: options.onLanded } : {}),
  });
  return { app, dbFile, dir };
}

/**
 * One devnet block with the bot at work: the traffic for it is in the pool, the bot has had time to decide on
 * every pending swap (its candidate count stops moving), then the builder seals the block.
 */
export async function stepBlock(devnet: Devnet, app: SearcherApp): Promise<void> {
  const head = await devnet.client.getBlockNumber({ cacheTime: 0 });
  await waitFor(() => !devnet.traffic || devnet.traffic.handledHead >= head, () => `the traffic did not handle head ${head} (it is at ${devnet.traffic?.handledHead})`);
  let last = -1;
  for (let quiet = 0; quiet < 3; ) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    const now = app.engine.stats.victims + app.engine.stats.candidates;
    quiet = now === last ? quiet + 1 : 0;
    last = now;
  }
  await devnet.builder.buildBlock();
  // The bot has seen the head and accounted it before the next step.
  const sealed = await devnet.client.getBlockNumber({ cacheTime: 0 });
  await waitFor(() => app.engine.headNumber >= sealed, () => `the bot did not see head ${sealed} (it is at ${app.engine.headNumber})`);
  await app.ledger.settled();
}

/** A block built, then every lane's sends and the ledger settled: what the block did to each bundle of ours is known. */
export async function stepBlockSettled(devnet: Devnet, app: SearcherApp): Promise<void> {
  await stepBlock(devnet, app);
  await app.submitter!.settled();
  for (const lane of app.operatorLanes) await lane.submitter.settled();
  await app.ledger.settled();
}

/** Polls until `done`; a wait that never ends fails with what it waited for, not as a silent hook timeout. */
async function waitFor(done: () => boolean, what: () => string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`stepBlock: ${what()} after ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Waits until the bot has taken in this many pending swaps (searched them, whatever it found). */
export async function victimsHandled(app: SearcherApp, count: number): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (app.engine.stats.victims < count) {
    if (Date.now() > deadline) throw new Error(`the bot took in ${app.engine.stats.victims} victims, not ${count}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Waits until the bot has recorded this many bundles sent. */
export async function bundlesSent(app: SearcherApp, count: number): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (app.store.recentBundles(10).length < count) {
    if (Date.now() > deadline) throw new Error(`the bot sent ${app.store.recentBundles(10).length} bundles, not ${count}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
