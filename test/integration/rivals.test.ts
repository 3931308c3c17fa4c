import type { Address, Hex } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountExecution } from '../../src/chain/executionAccount.ts';
import { mainnet } from '../../src/chain/addresses.ts';
import type { Devnet } from '../../src/devnet/devnet.ts';
import type { BlockReport } from '../../src/devnet/builder/builder.ts';
import { measureContests } from '../../src/devnet/rivals/contest.ts';
import type { Rival } from '../../src/devnet/rivals/schema.ts';
import type { SearcherApp } from '../../src/searcher.ts';
import { signVictim } from '../helpers/backrun.ts';
import { startTestBot, stepBlock, victimsHandled } from '../helpers/bot.ts';
import { publicOnlyDefaultScenario, startTestDevnet } from '../helpers/devnet.ts';
import { until } from '../helpers/until.ts';

/**
 * A rival searcher inside the devnet (its own keys, its own executor, the same mempool, the same builder) against the
 * real bot at its fixed 50%. One public victim both backrun: the builder's auction decides by payment, and the
 * demo's contested / rivals figures count what happened, from the block report and the chain.
 */

/** Both searchers see one victim and each sends a bundle for it; then the block is built. */
async function contestOneVictim(devnet: Devnet, app: SearcherApp, trader: number) {
  const rival = devnet.rivals[0]!;
  const before = app.engine.stats.victims;
  const victim = await signVictim(devnet, { router: 'uniswapV2Router02', path: ['WETH', 'WBTC'], amount: 30n * 10n ** 18n, trader });
  await victimsHandled(app, before + 1);
  const bundleFor = <T extends { txHashes: readonly string[]; submissions: ReadonlyArray<{ outcome: string }> }>(bundles: readonly T[]) =>
    bundles.find((bundle) => bundle.txHashes[0]?.toLowerCase() === victim.hash.toLowerCase() && bundle.submissions.some((submission) => submission.outcome === 'accepted'));
  await until('the builder to take the bot\'s bundle', () => bundleFor(app.store.recentBundles(10)) !== undefined);
  await until(`the builder to take ${rival.name}'s bundle`, () => bundleFor(rival.app.store.recentBundles(10)) !== undefined);
  const target = (await devnet.client.getBlockNumber({ cacheTime: 0 })) + 1n;
  await stepBlock(devnet, app);
  await app.submitter!.settled();
  await app.ledger.settled();
  const report = devnet.builder.report(target)!;
  return { victim, target, report, ours: bundleFor(app.store.recentBundles(10))!, theirs: bundleFor(rival.app.store.recentBundles(10))! };
}

const ourOperators = (devnet: Devnet): Address[] => [devnet.manifest.accounts.searcher.address, ...devnet.manifest.accounts.operators.map((operator) => operator.address)];

/** The rival's realised net in a block, from its transaction's receipt logs (a method independent of balance deltas). */
async function realisedNet(devnet: Devnet, hash: Hex, executor: Address): Promise<bigint> {
  const receipt = await devnet.client.getTransactionReceipt({ hash });
  return accountExecution({ status: receipt.status, gasUsed: receipt.gasUsed, effectiveGasPrice: receipt.effectiveGasPrice, logs: receipt.logs, executor, startToken: mainnet.weth }).net;
}


/** For the enclosing describe: a public-only devnet with this one rival, and the bot (no extra operators) beside it. */
function withRival(rival: Rival, started: (world: { devnet: Devnet; app: SearcherApp }) => void): void {
  let devnet: Devnet | undefined;
  let app: SearcherApp | undefined;
  beforeAll(async () => {
    devnet = await startTestDevnet({ scenario: { ...publicOnlyDefaultScenario(), rivals: [rival] } });
    ({ app } = await startTestBot(devnet, {}, { laneSigners: [] }));
    started({ devnet, app });
    await stepBlock(devnet, app);
  }, 180_000);
  afterAll(async () => {
    await app?.stop();
    await devnet?.stop();
  });
}

describe.sequential('rivals in the devnet', () => {
  describe('a fast rival bidding 90% against the bot at 50%', () => {
    const fast: Rival = { name: 'fast90', latencyMs: 0, bidShareBps: 9000, strategy: 'backrun' };
    let devnet: Devnet;
    let app: SearcherApp;
    withRival(fast, (world) => ({ devnet, app } = world));

    it('is a separate searcher: its own operator, auth key and executor, in the manifest', () => {
      const [rival] = devnet.manifest.rivals ?? [];
      expect(rival?.name).toBe('fast90');
      expect(ourOperators(devnet).map((address) => address.toLowerCase())).not.toContain(rival!.operator.toLowerCase());
      expect(rival!.executor.toLowerCase()).not.toBe(devnet.manifest.executor.address.toLowerCase());
      expect(rival!.authSigner.toLowerCase()).not.toBe(rival!.operator.toLowerCase());
    });

    it('the builder seals the rival\'s bundle and excludes ours as outbid; the contest is counted lost, the rival\'s win and net from the chain', async () => {
      const fromBlock = (await devnet.client.getBlockNumber({ cacheTime: 0 })) + 1n;
      const { target, report, ours, theirs } = await contestOneVictim(devnet, app, 1);
      const rival = devnet.manifest.rivals![0]!;
      const rivalIncluded = report.included.find((entry) => entry.txHashes.some((hash) => hash.toLowerCase() === theirs.ourTxHash.toLowerCase()));
      expect(rivalIncluded?.signer.toLowerCase()).toBe(rival.authSigner.toLowerCase());
      const oursExcluded = report.excluded.find((entry) => entry.txHashes?.some((hash) => hash.toLowerCase() === ours.ourTxHash.toLowerCase()));
      expect(oursExcluded?.reason).toBe('outbid');
      expect(oursExcluded?.outbidBy?.signer.toLowerCase()).toBe(rival.authSigner.toLowerCase());

      const measured = await measureContests({ client: devnet.client, builderUrl: devnet.manifest.builderUrl, ourOperators: ourOperators(devnet), ourExecutor: devnet.manifest.executor.address, rivals: devnet.manifest.rivals!, fromBlock, toBlock: target });
      expect(measured.contested).toEqual({ won: 0, lost: 1, landedBehind: 0, avgBidShareBps: null, rivalsWhenWon: {}, oursWhenLost: { outbid: 1 }, lostTo: { fast90: 1 } });
      expect(measured.rivals).toHaveLength(1);
      expect(measured.rivals[0]).toMatchObject({ name: 'fast90', won: 1 });
      const net = BigInt(measured.rivals[0]!.netWei);
      expect(net).toBeGreaterThan(0n);
      expect(net).toBe(await realisedNet(devnet, theirs.ourTxHash as Hex, rival.executor));
    }, 120_000);
  });

  describe('a slow rival bidding 30% against the bot at 50%', () => {
    const slow: Rival = { name: 'slow30', latencyMs: 300, bidShareBps: 3000, strategy: 'backrun' };
    let devnet: Devnet;
    let app: SearcherApp;
    withRival(slow, (world) => ({ devnet, app } = world));

    it('ours lands, theirs is outbid; the contest is won, at our bid share as the chain shows it', async () => {
      const fromBlock = (await devnet.client.getBlockNumber({ cacheTime: 0 })) + 1n;
      const { target, report, ours } = await contestOneVictim(devnet, app, 2);
      const rival = devnet.manifest.rivals![0]!;
      expect(report.included.some((entry) => entry.txHashes.some((hash) => hash.toLowerCase() === ours.ourTxHash.toLowerCase()))).toBe(true);
      const theirsExcluded: BlockReport['excluded'][number] | undefined = report.excluded.find((entry) => entry.signer.toLowerCase() === rival.authSigner.toLowerCase());
      expect(theirsExcluded?.reason).toBe('outbid');

      const measured = await measureContests({ client: devnet.client, builderUrl: devnet.manifest.builderUrl, ourOperators: ourOperators(devnet), ourExecutor: devnet.manifest.executor.address, rivals: devnet.manifest.rivals!, fromBlock, toBlock: target });
      expect(measured.contested.won).toBe(1);
      expect(measured.contested.lost).toBe(0);
      // What our transaction paid the coinbase over its gross less gas, from its receipt: the executor pays 50% of
      // the profit its plan expected after gas, so the realised share is near 5000 bps, not exactly.
      const receipt = await devnet.client.getTransactionReceipt({ hash: ours.ourTxHash as Hex });
      const account = accountExecution({ status: receipt.status, gasUsed: receipt.gasUsed, effectiveGasPrice: receipt.effectiveGasPrice, logs: receipt.logs, executor: devnet.manifest.executor.address, startToken: mainnet.weth });
      expect(account.builderPayment).toBeGreaterThan(0n);
      expect(measured.contested.avgBidShareBps).toBe(Number((account.builderPayment * 10_000n) / (account.gross - account.gasPaid)));
      expect(measured.contested.avgBidShareBps).toBeGreaterThan(4500);
      expect(measured.contested.avgBidShareBps).toBeLessThan(5500);
      expect(measured.rivals[0]).toMatchObject({ name: 'slow30', won: 0, netWei: '0' });
    }, 120_000);
  });

  describe('an adaptive rival starting at 30% against the bot at 50%', () => {
    const adaptive: Rival = { name: 'adaptive', latencyMs: 0, policy: { kind: 'adaptive', startBps: 3000, minBps: 1000, maxBps: 9000, stepUpBps: 1000, stepDownBps: 100 }, strategy: 'backrun' };
    let devnet: Devnet;
    let app: SearcherApp;
    withRival(adaptive, (world) => ({ devnet, app } = world));

    it('outbid by the bot, it raises its share by its own step after the block', async () => {
      const rival = devnet.rivals[0]!;
      expect(rival.shareBps()).toBe(3000);
      const { report } = await contestOneVictim(devnet, app, 3);
      const info = devnet.manifest.rivals![0]!;
      expect(report.excluded.find((entry) => entry.senders.some((sender) => sender.toLowerCase() === info.operator.toLowerCase()))?.reason).toBe('outbid');
      await until('the adaptive rival to read the block report', () => rival.shareBps() !== 3000);
      expect(rival.shareBps()).toBe(4000);
      // What its next bid actually is: its bidding policy prices every opportunity, so the move must reach it.
      expect(rival.app.engine.bidding!.bid({ pools: [], minNetProfitWei: 0n, nowMs: 0 }).shareBps).toBe(4000);
    }, 120_000);
  });
});
