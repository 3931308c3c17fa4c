import { decodeFunctionData, type Hex } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executorAbi } from '../../src/abi/executor.generated.ts';
import type { Devnet } from '../../src/devnet/devnet.ts';
import type { SearcherApp } from '../../src/searcher.ts';
import { signVictim } from '../helpers/backrun.ts';
import { bundlesSent, startTestBot, stepBlock, stepBlockSettled, victimsHandled } from '../helpers/bot.ts';
import { startTestDevnet } from '../helpers/devnet.ts';
import { devAccount } from '../../src/devnet/accounts.ts';

/**
 * The real bot, with its pool of operators, against the real local builder and MEV Blocker relay. A MEV Blocker user
 * sends a swap whose nonce is one past its account's count: the transaction before it was sent somewhere we do not
 * see, so the swap cannot run in the coming block. Another user's swap on the same pair follows. The bot's backrun of
 * the second trades the pools of its backrun of the first; on the first one's nonce chain it could not run when the
 * first did not ("nonce is ahead of its sender's"). Now the first goes out from an operator of its own, nothing of
 * ours waits behind it, and the second lands.
 */

let devnet: Devnet;
let app: SearcherApp;

beforeAll(async () => {
  devnet = await startTestDevnet();
  ({ app } = await startTestBot(devnet));
  await stepBlock(devnet, app);
}, 120_000);

afterAll(async () => {
  await app?.stop();
  await devnet?.stop();
});

describe('a victim whose sender has not reached its nonce', () => {
  it('heads no nonce chain of ours: the next backrun on its pools lands from another operator', async () => {
    const before = app.engine.stats.victims;
    const order = { router: 'uniswapV2Router02' as const, path: ['WETH', 'WBTC'], amount: 30n * 10n ** 18n };
    const gapped = await signVictim(devnet, { ...order, trader: 1 }, false, 1);
    await devnet.mevBlocker.submit(gapped.raw);
    await victimsHandled(app, before + 1);
    await bundlesSent(app, 1);
    const second = await signVictim(devnet, { ...order, trader: 2 }, false);
    await devnet.mevBlocker.submit(second.raw);
    await victimsHandled(app, before + 2);
    await bundlesSent(app, 2);

    const bundles = app.store.recentBundles(10);
    const bundleOf = (victim: Hex) => bundles.find((bundle) => bundle.txHashes[0]?.toLowerCase() === victim.toLowerCase());
    const oursGapped = bundleOf(gapped.hash);
    const oursSecond = bundleOf(second.hash);
    expect(oursGapped, 'the bot did not backrun the victim with the nonce gap').toBeDefined();
    expect(oursSecond, 'the bot did not backrun the second victim').toBeDefined();
    const target = (await devnet.client.getBlockNumber({ cacheTime: 0 })) + 1n;

    await stepBlockSettled(devnet, app);

    // The gapped swap could not run; the second and our backrun of it did.
    const block = await devnet.client.getBlock({ blockNumber: target, includeTransactions: true });
    const hashes = block.transactions.map((tx) => tx.hash.toLowerCase());
    expect(hashes).not.toContain(gapped.hash.toLowerCase());
    expect(hashes).toContain(second.hash.toLowerCase());
    const oursTx = oursSecond!.txHashes.at(-1)!.toLowerCase();
    expect(hashes).toContain(oursTx);
    const receipt = await devnet.client.getTransactionReceipt({ hash: oursTx as Hex });
    expect(receipt.status).toBe('success');
    // Ours for the gapped victim could not run either; it was not counted as one of our nonce misses.
    expect(hashes).not.toContain(oursGapped!.txHashes.at(-1)!.toLowerCase());
    const landed = app.store.recentBundles(10).find((bundle) => bundle.id === oursSecond!.id);
    expect(landed?.status).toBe('included');
    expect(BigInt(landed!.netWei!)).toBeGreaterThan(0n);
    expect(app.store.missKinds().nonce).toBe(0);
  }, 120_000);
});

/**
 * With our dependent bundles chained on their predecessors' nonces (`lanes.detachDependents` off), a gapped victim's
 * backrun rides the nonce chain of our earlier bundle on its pools. It is still sent: its sender's earlier transaction
 * often runs in the same block. (Before, it was refused.) Nothing of ours rides behind it.
 */
describe('a victim whose sender has not reached its nonce, behind an earlier bundle of ours', () => {
  let chained: SearcherApp;
  beforeAll(async () => {
    await app.stop();
    ({ app: chained } = await startTestBot(devnet, { lanes: { detachDependents: false } }));
    await stepBlock(devnet, chained);
  }, 120_000);
  afterAll(async () => {
    await chained?.stop();
  });

  it("is still backrun, and lands when its sender's earlier transaction fills the gap in the block", async () => {
    const before = chained.engine.stats.victims;
    const sentBefore = chained.store.recentBundles(100).length;
    const order = { router: 'uniswapV2Router02' as const, path: ['WETH', 'WBTC'] };
    // An earlier backrun of ours on the pair (a public victim), then the gapped private one on the same pair, smaller:
    // the builder runs the first (the better payer), then this one after its nonce.
    const first = await signVictim(devnet, { ...order, amount: 40n * 10n ** 18n, trader: 3 });
    await victimsHandled(chained, before + 1);
    await bundlesSent(chained, sentBefore + 1);
    const trader = devAccount(devnet.manifest.accounts.traders[4]!.index);
    const gapped = await signVictim(devnet, { ...order, amount: 10n * 10n ** 18n, trader: 4 }, false, 1);
    await devnet.mevBlocker.submit(gapped.raw);
    await victimsHandled(chained, before + 2);
    await bundlesSent(chained, sentBefore + 2);
    const oursGapped = chained.store.recentBundles(100).find((bundle) => bundle.txHashes[0]?.toLowerCase() === gapped.hash.toLowerCase());
    expect(oursGapped, 'the bot did not backrun the gapped victim behind its earlier bundle').toBeDefined();
    // A third victim on the pair: its backrun would ride the same nonce chain, behind the gapped one. Not sent.
    const third = await signVictim(devnet, { ...order, amount: 20n * 10n ** 18n, trader: 5 });
    await victimsHandled(chained, before + 3);
    const waitUntil = Date.now() + 20_000;
    const decided = () => chained.store.recentOpportunities(50).find((opportunity) => opportunity.victim?.toLowerCase() === third.hash.toLowerCase());
    while (!decided() && Date.now() < waitUntil) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(decided()).toMatchObject({ decision: 'reject', reason: expect.stringMatching(/nonce chain of a bundle of ours whose victim may not run/) });

    // The sender's missing transaction turns up in the public pool: the builder places it ahead of the bundle.
    const nonce = await devnet.client.getTransactionCount({ address: trader.address, blockTag: 'latest' });
    const head = await devnet.client.getBlock({ blockTag: 'latest' });
    const filler = await trader.signTransaction({ chainId: devnet.manifest.chainId, type: 'eip1559', nonce, to: trader.address, value: 1n, gas: 21_000n, maxPriorityFeePerGas: 2n * 10n ** 9n, maxFeePerGas: head.baseFeePerGas! * 2n + 2n * 10n ** 9n });
    await devnet.client.sendRawTransaction({ serializedTransaction: filler });
    const target = (await devnet.client.getBlockNumber({ cacheTime: 0 })) + 1n;
    await stepBlockSettled(devnet, chained);

    const block = await devnet.client.getBlock({ blockNumber: target, includeTransactions: true });
    const hashes = block.transactions.map((tx) => tx.hash.toLowerCase());
    expect(hashes).toContain(first.hash.toLowerCase());
    expect(hashes).toContain(third.hash.toLowerCase());
    const ours = oursGapped!.txHashes.at(-1)!.toLowerCase();
    expect(hashes.indexOf(ours), 'our backrun of the gapped victim did not land right after it').toBe(hashes.indexOf(gapped.hash.toLowerCase()) + 1);
    expect((await devnet.client.getTransactionReceipt({ hash: ours as Hex })).status).toBe('success');
    // Held to the floor: that transaction of the sender's may have moved its pools.
    const sent = await devnet.client.getTransaction({ hash: ours as Hex });
    expect(decodeFunctionData({ abi: executorAbi, data: sent.input }).functionName).toBe('executeSized');
    expect(chained.store.missKinds().nonce).toBe(0);
  }, 120_000);
});
