import type { Hex } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Devnet } from '../../src/devnet/devnet.ts';
import type { SearcherApp } from '../../src/searcher.ts';
import { prepareBackrun, signBackrun } from '../helpers/backrun.ts';
import { bundlesSent, startTestBot, stepBlock, victimsHandled } from '../helpers/bot.ts';
import { sendRivalBundle } from '../helpers/builderRpc.ts';
import { startTestDevnet } from '../helpers/devnet.ts';

/**
 * The real bot against the real local builder, on one operator's nonce chain (no lanes). Two public victims on
 * pools that share nothing, seen one after the other: the bot backruns the first with nonce N and the second with
 * N+1. A rival backruns the first victim too, paying the builder more. The builder seals the rival's bundle: ours of
 * the first victim is outbid (it shares the victim), and ours of the second cannot run (its nonce is ahead of the
 * sender's). Both victims land without us, which the bot alone would take for "outbid" twice; each miss must be
 * recorded as the builder reported it.
 */

let devnet: Devnet;
let app: SearcherApp;

beforeAll(async () => {
  devnet = await startTestDevnet();
  ({ app } = await startTestBot(devnet, {}, { laneSigners: [] }));
  await stepBlock(devnet, app);
}, 120_000);

afterAll(async () => {
  await app?.stop();
  await devnet?.stop();
});

describe('misses recorded as the local builder reported them', () => {
  it('an outbid (with the winner and its bid) and a nonce failure, not the bot\'s "outbid" guess', async () => {
    const before = app.engine.stats.victims;
    const first = await prepareBackrun(devnet, { router: 'uniswapV2Router02', path: ['WETH', 'WBTC'], amount: 30n * 10n ** 18n, trader: 1 });
    await victimsHandled(app, before + 1);
    await bundlesSent(app, 1);
    const second = await prepareBackrun(devnet, { router: 'uniswapV2Router02', path: ['WETH', 'DAI'], amount: 30n * 10n ** 18n, trader: 2 });
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
    const rivalHash = await sendRivalBundle(devnet, [first.victim.raw, rivalTx.raw], first.target);

    await stepBlock(devnet, app);
    await app.submitter!.settled();
    await app.ledger.settled();

    // The chain: both victims and the rival landed; neither of ours did.
    const block = await devnet.client.getBlock({ blockNumber: first.target, includeTransactions: true });
    const hashes = block.transactions.map((tx) => tx.hash.toLowerCase());
    expect(hashes.slice(0, 2)).toEqual([first.victim.hash.toLowerCase(), rivalTx.hash.toLowerCase()]);
    expect(hashes).toContain(second.victim.hash.toLowerCase());
    expect(hashes).not.toContain(oursFirst!.ourTxHash.toLowerCase());
    expect(hashes).not.toContain(oursSecond!.ourTxHash.toLowerCase());

    // The bundle views' reason (the store's older column): a nonce failure is not "outbid"; the outbid stays outbid.
    const views = app.store.recentBundles(10);
    expect(views.find((view) => view.id === oursSecond!.id)?.reason).toBe('not_included');
    expect(views.find((view) => view.id === oursFirst!.id)?.reason).toBe('outbid');

    const misses = app.store.recentMisses(10);
    const missOf = (id: string) => misses.find((miss) => miss.bundleId === id);
    const outbid = missOf(oursFirst!.id);
    const nonce = missOf(oursSecond!.id);
    expect(outbid?.verdict).toMatchObject({ kind: 'outbid', builder: 'local', winner: { bundleHash: rivalHash } });
    expect(outbid?.verdict?.guessed).toBeUndefined();
    expect(outbid?.reason).toBe('outbid');
    expect(nonce?.verdict).toMatchObject({ kind: 'nonce', builder: 'local' });
    expect(nonce?.verdict?.detail).toMatch(/nonce is ahead of its sender's/);
    expect(nonce?.verdict?.guessed).toBeUndefined();
    // The store's older reason column no longer calls a nonce failure "outbid".
    expect(nonce?.reason).toBe('not_included');

    // Who won and what it paid the builder, from the chain: the coinbase's gain in the block less the tips of the
    // transactions outside the rival's bundle (plain swaps: no coinbase transfers, no refunds in this block).
    const coinbase = block.miner;
    const gain = (await devnet.client.getBalance({ address: coinbase, blockNumber: block.number })) - (await devnet.client.getBalance({ address: coinbase, blockNumber: block.number - 1n }));
    let othersTips = 0n;
    for (const tx of block.transactions.slice(2)) {
      const receipt = await devnet.client.getTransactionReceipt({ hash: tx.hash });
      othersTips += (receipt.effectiveGasPrice - block.baseFeePerGas!) * receipt.gasUsed;
    }
    expect(outbid?.verdict?.winner?.bidWei).toBe(gain - othersTips);
    expect(outbid?.verdict?.winner?.signer?.toLowerCase()).toMatch(/^0x[0-9a-f]{40}$/);

    // Counted per builder and in the demo's kinds.
    const local = app.store.missesByBuilder().find((row) => row.builder === 'local');
    expect(local).toMatchObject({ outbid: 1, nonce: 1 });
    expect(app.store.missKinds()).toMatchObject({ outbid: 1, nonce: 1 });
  }, 120_000);
});
