import type { Hex } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devAccount } from '../../src/devnet/accounts.ts';
import type { Devnet } from '../../src/devnet/devnet.ts';
import type { SearcherApp } from '../../src/searcher.ts';
import { prepareBackrun, signBackrun } from '../helpers/backrun.ts';
import { bundlesSent, startTestBot, stepBlock, victimsHandled } from '../helpers/bot.ts';
import { sendRivalBundle } from '../helpers/builderRpc.ts';
import { startTestDevnet } from '../helpers/devnet.ts';

/**
 * The real bot with a pool of operators against the real local builder. Two public victims on the SAME pool, seen
 * one after the other: the bot's backrun of the second trades the pools of its backrun of the first. A rival
 * backruns the first victim too, paying the builder more, and wins it. On one nonce chain the second backrun could
 * then not run ("nonce is ahead of its sender's"); from its own operator it stands alone and lands.
 */

let devnet: Devnet;
let app: SearcherApp;

beforeAll(async () => {
  devnet = await startTestDevnet();
  // operators[0] is the rival's; the bot gets the others as its pool.
  const pool = devnet.manifest.accounts.operators.slice(1).map((operator) => devAccount(operator.index));
  ({ app } = await startTestBot(devnet, { lanes: { detachDependents: true } }, { laneSigners: pool }));
  await stepBlock(devnet, app);
}, 120_000);

afterAll(async () => {
  await app?.stop();
  await devnet?.stop();
});

describe('independent bundles (one operator per bundle)', () => {
  it('a backrun on the pools of an earlier one that a rival outbid still lands, from its own operator: no nonce miss', async () => {
    const before = app.engine.stats.victims;
    const first = await prepareBackrun(devnet, { router: 'uniswapV2Router02', path: ['WETH', 'WBTC'], amount: 30n * 10n ** 18n, trader: 1 });
    await victimsHandled(app, before + 1);
    await bundlesSent(app, 1);
    const second = await prepareBackrun(devnet, { router: 'uniswapV2Router02', path: ['WETH', 'WBTC'], amount: 30n * 10n ** 18n, trader: 2 });
    await victimsHandled(app, before + 2);
    await bundlesSent(app, 2);
    const ourBundles = app.store.recentBundles(10);
    const bundleOf = (victim: Hex) => ourBundles.find((bundle) => bundle.txHashes[0]?.toLowerCase() === victim.toLowerCase());
    const oursFirst = bundleOf(first.victim.hash);
    const oursSecond = bundleOf(second.victim.hash);
    expect(oursFirst, 'the bot did not backrun the first victim').toBeDefined();
    expect(oursSecond, 'the bot did not backrun the second victim').toBeDefined();

    // The rival: another executor operator, another reputation key, 90% to the builder.
    const rivalTx = await signBackrun(devnet, first.candidateWith(9000n), first.target, { builderShareBps: 9000n, operatorIndex: devnet.manifest.accounts.operators[0]!.index });
    await sendRivalBundle(devnet, [first.victim.raw, rivalTx.raw], first.target);

    await stepBlock(devnet, app);
    await app.submitter!.settled();
    for (const lane of app.operatorLanes) await lane.submitter.settled();
    await app.ledger.settled();

    // The chain: the rival won the first victim; our backrun of the second landed, from an operator of its own.
    const block = await devnet.client.getBlock({ blockNumber: first.target, includeTransactions: true });
    const hashes = block.transactions.map((tx) => tx.hash.toLowerCase());
    expect(hashes.slice(0, 2)).toEqual([first.victim.hash.toLowerCase(), rivalTx.hash.toLowerCase()]);
    expect(hashes).not.toContain(oursFirst!.ourTxHash.toLowerCase());
    expect(hashes).toContain(oursSecond!.ourTxHash.toLowerCase());
    const ours = block.transactions.find((tx) => tx.hash.toLowerCase() === oursSecond!.ourTxHash.toLowerCase())!;
    const receipt = await devnet.client.getTransactionReceipt({ hash: ours.hash });
    expect(receipt.status).toBe('success');
    expect(app.operatorLanes.map((lane) => lane.account.address.toLowerCase())).toContain(ours.from.toLowerCase());

    // As the builder reported it: the first outbid, nothing lost to a nonce of ours.
    // The builder is asked why in the background, after the head: its answer may land after the ledger settled.
    const deadline = Date.now() + 30_000;
    while (!app.store.recentMisses(10).some((miss) => miss.bundleId === oursFirst!.id) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    const misses = app.store.recentMisses(10);
    expect(misses.find((miss) => miss.bundleId === oursFirst!.id)?.verdict).toMatchObject({ kind: 'outbid', builder: 'local' });
    expect(misses.find((miss) => miss.bundleId === oursSecond!.id)).toBeUndefined();
    expect(app.store.missKinds()).toMatchObject({ outbid: 1, nonce: 0 });
    // Landed at no loss (the realised account from the receipt).
    const landed = app.store.recentBundles(10).find((bundle) => bundle.id === oursSecond!.id);
    expect(landed?.status).toBe('included');
    expect(BigInt(landed!.netWei!)).toBeGreaterThan(0n);
  }, 120_000);
});
