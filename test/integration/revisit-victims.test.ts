import type { Hex } from 'viem';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Devnet } from '../../src/devnet/devnet.ts';
import type { SearcherApp } from '../../src/searcher.ts';
import { signVictim, type VictimOrder } from '../helpers/backrun.ts';
import { startTestBot, stepBlock, victimsHandled } from '../helpers/bot.ts';
import { startTestDevnet } from '../helpers/devnet.ts';

/**
 * Two victims through the same pool, for the same block, seen small one first. Alone, the small one leaves the
 * pool inside the no-arbitrage band (its backrun cannot pay its gas: no candidate). The large one, seen next, is
 * backrun at once; its bundle lands ahead of the small victim (a bundle comes before the public transactions), and
 * our backrun leaves the pool at the edge of the band, where the small victim then pushes it past: a backrun of it
 * pays after all, on the state our own bundle leaves. The bot must search the small one again once its earlier
 * answer was overtaken by a bundle of its own, and send it after the large one's (next nonce).
 */

let devnet: Devnet;
let app: SearcherApp;

// Each case on a market of its own, at rest: the sizes below are chosen for it.
beforeEach(async () => {
  devnet = await startTestDevnet();
  ({ app } = await startTestBot(devnet));
  await stepBlock(devnet, app);
}, 120_000);

afterEach(async () => {
  await app?.stop();
  await devnet?.stop();
});

const reportOf = (hash: Hex) => app.store.recentOpportunities(100).filter((row) => row.victim?.toLowerCase() === hash.toLowerCase());

/** The small victim first, then the large one, each from its own trader; the block sealed once the bot decided on both. */
async function smallThenLarge(small: VictimOrder, large: VictimOrder) {
  const before = app.engine.stats.victims;
  const first = await signVictim(devnet, small);
  await victimsHandled(app, before + 1);
  expect(reportOf(first.hash), 'the small victim alone already had a candidate: the test would prove nothing').toEqual([]);
  const second = await signVictim(devnet, large);
  await victimsHandled(app, before + 2);
  await stepBlock(devnet, app);
  return { small: first, large: second };
}

/** The small victim landed after our backrun of the large one, and a backrun of ours right after it. */
async function expectBothBackrun(small: Hex, large: Hex) {
  const largeReceipt = await devnet.client.getTransactionReceipt({ hash: large });
  const smallReceipt = await devnet.client.getTransactionReceipt({ hash: small });
  expect(largeReceipt.blockNumber).toBe(smallReceipt.blockNumber);
  const block = await devnet.client.getBlock({ blockNumber: smallReceipt.blockNumber, includeTransactions: true });
  const executor = devnet.manifest.executor.address.toLowerCase();
  const ours = block.transactions.filter((tx) => tx.to?.toLowerCase() === executor);
  // Our backrun of the large victim lands right after it, and the small victim comes after that.
  expect(block.transactions[largeReceipt.transactionIndex + 1]?.to?.toLowerCase()).toBe(executor);
  expect(smallReceipt.transactionIndex).toBeGreaterThan(largeReceipt.transactionIndex + 1);
  const afterSmall = block.transactions[smallReceipt.transactionIndex + 1];
  expect(afterSmall?.to?.toLowerCase(), 'no backrun of ours right after the small victim').toBe(executor);
  expect(ours).toHaveLength(2);
  for (const tx of ours) expect((await devnet.client.getTransactionReceipt({ hash: tx.hash })).status).toBe('success');
  expect(reportOf(small).map((row) => row.decision)).toEqual(['send']);
  // Realised equals simulated for both (the ledger records a mismatch otherwise).
  await app.ledger.settled();
  expect(app.store.mismatches()).toEqual([]);
}

describe('a victim whose backrun only pays after a later bundle of ours', () => {
  it('is searched again once that bundle is sent, and backrun in the same block after it', async () => {
    // 1 WETH into the sushiswap WETH/USDC pair (alone, no cycle back pays the gas), then 8 WETH the same way.
    const { small, large } = await smallThenLarge(
      { router: 'sushiswapRouter', path: ['WETH', 'USDC'], amount: 10n ** 18n, trader: 3 },
      { router: 'sushiswapRouter', path: ['WETH', 'USDC'], amount: 8n * 10n ** 18n, trader: 4 },
    );
    await expectBothBackrun(small.hash, large.hash);
  }, 120_000);

  it('also when that bundle trades none of its pools, only a pool of its cycle back', async () => {
    // 0.3 WETH into the sushiswap pair, then 40 WETH into the Uniswap V2 pair: our backrun of the large one runs
    // through the Uniswap pair and another pool, and the small one's cycle back (sushiswap -> Uniswap V2) then pays.
    const { small, large } = await smallThenLarge(
      { router: 'sushiswapRouter', path: ['WETH', 'USDC'], amount: 3n * 10n ** 17n, trader: 3 },
      { router: 'uniswapV2Router02', path: ['WETH', 'USDC'], amount: 40n * 10n ** 18n, trader: 4 },
    );
    const landed = app.store.recentOpportunities(100).find((row) => row.victim?.toLowerCase() === large.hash.toLowerCase() && row.decision === 'send');
    const sushi = devnet.manifest.pools.find((pool) => pool.dex === 'sushiswap' && [...pool.pair].sort().join() === 'USDC,WETH');
    expect(landed, 'the large victim was not backrun').toBeDefined();
    expect(sushi).toBeDefined();
    expect(landed!.path.map((pool) => pool.toLowerCase())).not.toContain(sushi!.address.toLowerCase());
    await expectBothBackrun(small.hash, large.hash);
  }, 120_000);
});
