import type { Hex } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Devnet } from '../../src/devnet/devnet.ts';
import type { SearcherApp } from '../../src/searcher.ts';
import { signVictim } from '../helpers/backrun.ts';
import { bundlesSent, startTestBot, stepBlock, stepBlockSettled, victimsHandled } from '../helpers/bot.ts';
import { startTestDevnet } from '../helpers/devnet.ts';

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
