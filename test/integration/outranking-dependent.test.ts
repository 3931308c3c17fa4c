import { decodeFunctionData, type Hex } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executorAbi } from '../../src/abi/executor.generated.ts';
import { decodeSizing } from '../../src/bundle/sizing.ts';
import { devAccount } from '../../src/devnet/accounts.ts';
import type { Devnet } from '../../src/devnet/devnet.ts';
import type { SearcherApp } from '../../src/searcher.ts';
import { startTestBot, stepBlock } from '../helpers/bot.ts';
import { startTestDevnet } from '../helpers/devnet.ts';
import { missRecorded, rivalOutbidsFirstOfTwo, rivalOutbidsOne } from '../helpers/rivalOutbidsFirst.ts';

/**
 * capped-dependents.test.ts with the default lanes (lanes.capDependentShare off): the bot's backrun of the second,
 * larger victim pays the builder more per gas than its backrun of the first. It rode after the first's nonce
 * (chainedUnranked) and died with it when a rival outbid the first: the one nonce miss left in every rival demo. Once a
 * rival has outbid a public backrun of ours, it goes out from its own operator at its own share, and lands.
 */
let devnet: Devnet;
let app: SearcherApp;

beforeAll(async () => {
  devnet = await startTestDevnet();
  // operators[0] is the rival's; the bot gets the others as its pool.
  const pool = devnet.manifest.accounts.operators.slice(1).map((operator) => devAccount(operator.index));
  ({ app } = await startTestBot(devnet, { lanes: { detachDependents: true, capDependentShare: false } }, { laneSigners: pool }));
  await stepBlock(devnet, app);
}, 120_000);

afterAll(async () => {
  await app?.stop();
  await devnet?.stop();
});

describe('a dependent bundle that outranks the earlier one (capping off)', () => {
  it('a larger backrun on the pools of an earlier one a rival outbid lands from its own operator at its own share: no nonce miss', async () => {
    // A rival has shown up on the public route: it outbid our backrun of a lone victim (on other pools) a block before.
    const lone = await rivalOutbidsOne(devnet, app, 20n * 10n ** 18n);

    // Paying more per gas than the rival's bundle of the first victim, ours of the second may run first: the rival's
    // place in the block is not checked, only that it backran the first victim.
    const { oursFirst, oursSecond, block, hashes } = await rivalOutbidsFirstOfTwo(devnet, app, { first: 30n * 10n ** 18n, second: 60n * 10n ** 18n }, { rivalFirst: false });

    // The rival won the first victim; our backrun of the second landed, from an operator of its own.
    expect(hashes).not.toContain(oursFirst.ourTxHash.toLowerCase());
    expect(hashes, 'our backrun of the second victim did not land').toContain(oursSecond.ourTxHash.toLowerCase());
    const ours = block.transactions.find((tx) => tx.hash.toLowerCase() === oursSecond.ourTxHash.toLowerCase())!;
    expect((await devnet.client.getTransactionReceipt({ hash: ours.hash })).status).toBe('success');
    expect(app.operatorLanes.map((lane) => lane.account.address.toLowerCase())).toContain(ours.from.toLowerCase());

    // Held to the floor at its own share, read from the calldata that landed: not capped below the first's bid.
    const call = decodeFunctionData({ abi: executorAbi, data: ours.input });
    expect(call.functionName).toBe('executeSized');
    const sentShare = decodeSizing((call.args as readonly [Hex, Hex])[1]).builderShareBps;
    const bids = app.store.recentBids(10);
    const firstBid = bids.find((bid) => bid.bundleId === oursFirst.id)!;
    expect(sentShare).toBeGreaterThanOrEqual(firstBid.shareBps);
    expect(bids.find((bid) => bid.bundleId === oursSecond.id)?.shareBps).toBe(sentShare);

    // As the builder reported it: the first outbid, nothing lost to a nonce of ours; the second landed at a profit.
    await missRecorded(app, oursFirst.id);
    expect(app.store.recentMisses(10).find((miss) => miss.bundleId === oursFirst.id)?.verdict).toMatchObject({ kind: 'outbid', builder: 'local' });
    expect(app.store.missKinds()).toMatchObject({ outbid: 2, nonce: 0 });
    expect(app.store.recentMisses(10).map((miss) => miss.bundleId).sort()).toEqual([lone.id, oursFirst.id].sort());
    const landed = app.store.recentBundles(10).find((bundle) => bundle.id === oursSecond.id);
    expect(landed?.status).toBe('included');
    expect(BigInt(landed!.netWei!)).toBeGreaterThan(0n);
    expect(app.engine.detaching).toMatchObject({ detached: 1, detachedOutranking: 1, capped: 0, chainedUnranked: 0 });
  }, 120_000);
});
