import type { Hex } from 'viem';
import { expect } from 'vitest';
import type { Devnet } from '../../src/devnet/devnet.ts';
import type { SearcherApp } from '../../src/searcher.ts';
import { prepareBackrun, signBackrun } from './backrun.ts';
import { bundlesSent, stepBlockSettled, victimsHandled } from './bot.ts';
import { sendRivalBundle } from './builderRpc.ts';

/**
 * Two public victims on the same WETH/WBTC pair, seen one after the other (so the bot's backrun of the second trades
 * the pools of its backrun of the first), then a rival (operators[0], 90% to the builder) backruns the first and
 * outbids us, and the block is built. Returns our two bundles as stored, the rival's transaction and the block's
 * transaction hashes, once every lane and the ledger settled. The rival's bundle is checked to have won the first.
 */
export async function rivalOutbidsFirstOfTwo(devnet: Devnet, app: SearcherApp, amounts: { first: bigint; second: bigint }, options: { rivalFirst?: boolean } = {}) {
  const before = app.engine.stats.victims;
  const sentBefore = app.store.recentBundles(10).length;
  const first = await prepareBackrun(devnet, { router: 'uniswapV2Router02', path: ['WETH', 'WBTC'], amount: amounts.first, trader: 1 });
  await victimsHandled(app, before + 1);
  await bundlesSent(app, sentBefore + 1);
  const second = await prepareBackrun(devnet, { router: 'uniswapV2Router02', path: ['WETH', 'WBTC'], amount: amounts.second, trader: 2 });
  await victimsHandled(app, before + 2);
  await bundlesSent(app, sentBefore + 2);
  const ourBundles = app.store.recentBundles(10);
  const bundleOf = (victim: Hex) => ourBundles.find((bundle) => bundle.txHashes[0]?.toLowerCase() === victim.toLowerCase());
  const oursFirst = bundleOf(first.victim.hash);
  const oursSecond = bundleOf(second.victim.hash);
  expect(oursFirst, 'the bot did not backrun the first victim').toBeDefined();
  expect(oursSecond, 'the bot did not backrun the second victim').toBeDefined();

  const rivalTx = await signBackrun(devnet, first.candidateWith(9000n), first.target, { builderShareBps: 9000n, operatorIndex: devnet.manifest.accounts.operators[0]!.index });
  await sendRivalBundle(devnet, [first.victim.raw, rivalTx.raw], first.target);

  await stepBlockSettled(devnet, app);

  const block = await devnet.client.getBlock({ blockNumber: first.target, includeTransactions: true });
  const hashes = block.transactions.map((tx) => tx.hash.toLowerCase());
  // The rival's bundle follows the first victim (at the top of the block unless asked not to check its place).
  const victimAt = hashes.indexOf(first.victim.hash.toLowerCase());
  expect(victimAt, 'the first victim did not land').toBeGreaterThanOrEqual(0);
  expect(hashes[victimAt + 1], 'the rival did not backrun the first victim').toBe(rivalTx.hash.toLowerCase());
  if (options.rivalFirst ?? true) expect(victimAt).toBe(0);
  return { oursFirst: oursFirst!, oursSecond: oursSecond!, block, hashes, first, second, rivalTx };
}

/** Waits (at most 30 s) for the builder's verdict on a missed bundle: it is asked in the background, after the head. */
export async function missRecorded(app: SearcherApp, bundleId: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!app.store.recentMisses(10).some((miss) => miss.bundleId === bundleId) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
}

/**
 * A rival (operators[0], 90% to the builder) outbids our backrun of one public victim (on WETH/USDC, off the pair the
 * two-victim set-up trades) and the block is built: the builder's "outbid" verdict, learnt once the ledger settled.
 */
export async function rivalOutbidsOne(devnet: Devnet, app: SearcherApp, amount: bigint) {
  const before = app.engine.stats.victims;
  const sentBefore = app.store.recentBundles(10).length;
  const lone = await prepareBackrun(devnet, { router: 'uniswapV2Router02', path: ['WETH', 'USDC'], amount, trader: 3 });
  await victimsHandled(app, before + 1);
  await bundlesSent(app, sentBefore + 1);
  const ours = app.store.recentBundles(10).find((bundle) => bundle.txHashes[0]?.toLowerCase() === lone.victim.hash.toLowerCase());
  expect(ours, 'the bot did not backrun the lone victim').toBeDefined();
  const rivalTx = await signBackrun(devnet, lone.candidateWith(9000n), lone.target, { builderShareBps: 9000n, operatorIndex: devnet.manifest.accounts.operators[0]!.index });
  await sendRivalBundle(devnet, [lone.victim.raw, rivalTx.raw], lone.target);
  await stepBlockSettled(devnet, app);
  await missRecorded(app, ours!.id);
  expect(app.store.recentMisses(10).find((miss) => miss.bundleId === ours!.id)?.verdict).toMatchObject({ kind: 'outbid', builder: 'local' });
  return ours!;
}
