import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devAccount } from '../../src/devnet/accounts.ts';
import type { Devnet } from '../../src/devnet/devnet.ts';
import type { SearcherApp } from '../../src/searcher.ts';
import { startTestBot, stepBlock } from '../helpers/bot.ts';
import { startTestDevnet } from '../helpers/devnet.ts';
import { missRecorded, rivalOutbidsFirstOfTwo } from '../helpers/rivalOutbidsFirst.ts';

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
    const { oursFirst, oursSecond, block, hashes } = await rivalOutbidsFirstOfTwo(devnet, app, { first: 30n * 10n ** 18n, second: 30n * 10n ** 18n });

    // The chain: the rival won the first victim; our backrun of the second landed, from an operator of its own.
    expect(hashes).not.toContain(oursFirst.ourTxHash.toLowerCase());
    expect(hashes).toContain(oursSecond.ourTxHash.toLowerCase());
    const ours = block.transactions.find((tx) => tx.hash.toLowerCase() === oursSecond.ourTxHash.toLowerCase())!;
    const receipt = await devnet.client.getTransactionReceipt({ hash: ours.hash });
    expect(receipt.status).toBe('success');
    expect(app.operatorLanes.map((lane) => lane.account.address.toLowerCase())).toContain(ours.from.toLowerCase());

    // As the builder reported it: the first outbid, nothing lost to a nonce of ours.
    await missRecorded(app, oursFirst.id);
    const misses = app.store.recentMisses(10);
    expect(misses.find((miss) => miss.bundleId === oursFirst.id)?.verdict).toMatchObject({ kind: 'outbid', builder: 'local' });
    expect(misses.find((miss) => miss.bundleId === oursSecond.id)).toBeUndefined();
    expect(app.store.missKinds()).toMatchObject({ outbid: 1, nonce: 0 });
    // Landed at no loss (the realised account from the receipt).
    const landed = app.store.recentBundles(10).find((bundle) => bundle.id === oursSecond.id);
    expect(landed?.status).toBe('included');
    expect(BigInt(landed!.netWei!)).toBeGreaterThan(0n);
  }, 120_000);
});
