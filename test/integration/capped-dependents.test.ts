import { decodeFunctionData, type Hex } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executorAbi } from '../../src/abi/executor.generated.ts';
import { decodeSizing } from '../../src/bundle/sizing.ts';
import { devAccount } from '../../src/devnet/accounts.ts';
import type { Devnet } from '../../src/devnet/devnet.ts';
import type { SearcherApp } from '../../src/searcher.ts';
import { startTestBot, stepBlock } from '../helpers/bot.ts';
import { startTestDevnet } from '../helpers/devnet.ts';
import { missRecorded, rivalOutbidsFirstOfTwo } from '../helpers/rivalOutbidsFirst.ts';

/**
 * independent-bundles.test.ts with a second victim twice the first's size: the bot's backrun of it pays the builder
 * more per gas than its backrun of the first, so detached at its own share it would run first (on a state it was not
 * sized for); without lanes.capDependentShare it rides after the first's nonce and dies with it when a rival outbids
 * the first. With it, it goes out from its own operator with its share capped so it ranks below the first, and lands.
 */
let devnet: Devnet;
let app: SearcherApp;

beforeAll(async () => {
  devnet = await startTestDevnet();
  // operators[0] is the rival's; the bot gets the others as its pool.
  const pool = devnet.manifest.accounts.operators.slice(1).map((operator) => devAccount(operator.index));
  ({ app } = await startTestBot(devnet, { lanes: { detachDependents: true, capDependentShare: true } }, { laneSigners: pool }));
  await stepBlock(devnet, app);
}, 120_000);

afterAll(async () => {
  await app?.stop();
  await devnet?.stop();
});

describe('dependent bundles capped to rank below the earlier one (lanes.capDependentShare)', () => {
  it('a larger backrun on the pools of an earlier one a rival outbid lands from its own operator, bidding a capped share', async () => {
    const { oursFirst, oursSecond, block, hashes } = await rivalOutbidsFirstOfTwo(devnet, app, { first: 30n * 10n ** 18n, second: 60n * 10n ** 18n });

    // The chain: the rival won the first victim; our backrun of the second landed, from an operator of its own.
    expect(hashes).not.toContain(oursFirst.ourTxHash.toLowerCase());
    expect(hashes, 'our backrun of the second victim did not land').toContain(oursSecond.ourTxHash.toLowerCase());
    const ours = block.transactions.find((tx) => tx.hash.toLowerCase() === oursSecond.ourTxHash.toLowerCase())!;
    expect((await devnet.client.getTransactionReceipt({ hash: ours.hash })).status).toBe('success');
    expect(app.operatorLanes.map((lane) => lane.account.address.toLowerCase())).toContain(ours.from.toLowerCase());

    // Its share, read from the calldata that landed: below the one the first bid, and the one recorded as its bid.
    const call = decodeFunctionData({ abi: executorAbi, data: ours.input });
    expect(call.functionName).toBe('executeSized');
    const sentShare = decodeSizing((call.args as readonly [Hex, Hex])[1]).builderShareBps;
    const bids = app.store.recentBids(10);
    const firstBid = bids.find((bid) => bid.bundleId === oursFirst.id)!;
    expect(sentShare).toBeLessThan(firstBid.shareBps);
    expect(bids.find((bid) => bid.bundleId === oursSecond.id)?.shareBps).toBe(sentShare);

    // As the builder reported it: the first outbid, nothing lost to a nonce of ours; the second landed at a profit.
    await missRecorded(app, oursFirst.id);
    expect(app.store.recentMisses(10).find((miss) => miss.bundleId === oursFirst.id)?.verdict).toMatchObject({ kind: 'outbid', builder: 'local' });
    expect(app.store.missKinds()).toMatchObject({ outbid: 1, nonce: 0 });
    const landed = app.store.recentBundles(10).find((bundle) => bundle.id === oursSecond.id);
    expect(landed?.status).toBe('included');
    expect(BigInt(landed!.netWei!)).toBeGreaterThan(0n);
  }, 120_000);
});
