import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devAccount } from '../../src/devnet/accounts.ts';
import type { Devnet } from '../../src/devnet/devnet.ts';
import type { SearcherApp } from '../../src/searcher.ts';
import { prepareBackrun } from '../helpers/backrun.ts';
import { bundlesSent, startTestBot, stepBlock, stepBlockSettled, victimsHandled } from '../helpers/bot.ts';
import { startTestDevnet } from '../helpers/devnet.ts';

/**
 * outranking-dependent.test.ts before any rival is seen: the bot's backrun of the second, larger victim would pay the
 * builder more per gas than its backrun of the first, so detached it would run ahead of it and leave it nothing. With
 * no rival's outbid on the route it rides the first's nonce instead, and both land in the block, in nonce order.
 */
let devnet: Devnet;
let app: SearcherApp;

beforeAll(async () => {
  devnet = await startTestDevnet();
  const pool = devnet.manifest.accounts.operators.slice(1).map((operator) => devAccount(operator.index));
  ({ app } = await startTestBot(devnet, { lanes: { detachDependents: true, capDependentShare: false } }, { laneSigners: pool }));
  await stepBlock(devnet, app);
}, 120_000);

afterAll(async () => {
  await app?.stop();
  await devnet?.stop();
});

describe('a dependent bundle that outranks the earlier one, no rival seen', () => {
  it('rides the earlier one\'s nonce, and both land', async () => {
    const before = app.engine.stats.victims;
    const first = await prepareBackrun(devnet, { router: 'uniswapV2Router02', path: ['WETH', 'WBTC'], amount: 30n * 10n ** 18n, trader: 1 });
    await victimsHandled(app, before + 1);
    await bundlesSent(app, 1);
    const second = await prepareBackrun(devnet, { router: 'uniswapV2Router02', path: ['WETH', 'WBTC'], amount: 60n * 10n ** 18n, trader: 2 });
    await victimsHandled(app, before + 2);
    await bundlesSent(app, 2);
    const bundleOf = (victim: string) => app.store.recentBundles(10).find((bundle) => bundle.txHashes[0]?.toLowerCase() === victim.toLowerCase())!;
    const oursFirst = bundleOf(first.victim.hash);
    const oursSecond = bundleOf(second.victim.hash);
    expect(oursFirst, 'the bot did not backrun the first victim').toBeDefined();
    expect(oursSecond, 'the bot did not backrun the second victim').toBeDefined();

    await stepBlockSettled(devnet, app);

    // Both landed, from one operator, the second right after the first's nonce (as the chain reads them).
    const a = await devnet.client.getTransactionReceipt({ hash: oursFirst.ourTxHash });
    const b = await devnet.client.getTransactionReceipt({ hash: oursSecond.ourTxHash });
    expect([a.status, b.status]).toEqual(['success', 'success']);
    const [txA, txB] = await Promise.all([devnet.client.getTransaction({ hash: a.transactionHash }), devnet.client.getTransaction({ hash: b.transactionHash })]);
    expect(txB.from.toLowerCase()).toBe(txA.from.toLowerCase());
    expect(txB.nonce).toBe(txA.nonce + 1);
    expect(app.engine.detaching).toMatchObject({ detachedOutranking: 0, chainedUnranked: 1 });
    expect(app.store.missKinds().nonce).toBe(0);
  }, 120_000);
});
