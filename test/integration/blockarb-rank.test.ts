import { toHex, type Address, type Hex } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nextBaseFee } from '../../src/chain/baseFee.ts';
import { devAccount } from '../../src/devnet/accounts.ts';
import type { Devnet } from '../../src/devnet/devnet.ts';
import type { SearcherApp } from '../../src/searcher.ts';
import { blockCandidates, resolveConflicts } from '../../src/strategy/candidates.ts';
import { engineConfig, loadMarket, signBackrun, signVictim } from '../helpers/backrun.ts';
import { startTestBot, stepBlock, stepBlockSettled } from '../helpers/bot.ts';
import { builderRpc, sendRivalBundle } from '../helpers/builderRpc.ts';
import { startTestDevnet } from '../helpers/devnet.ts';
import { missRecorded } from '../helpers/rivalOutbidsFirst.ts';
import { until } from '../helpers/until.ts';

/**
 * The real bot with a pool of operators against the real local builder. A large swap sent privately to the builder
 * (the bot does not see it pending in time to backrun it) lands and leaves a gap on the WETH/WBTC pools: on the new head the bot sends a
 * block arbitrage of it. A public victim on the same pools follows; the bot's backrun of it trades the pools of its
 * block arbitrage and, standing alone, pays the builder more per gas than the block arbitrage does. A rival
 * (operators[0]) arbitrages the same gap paying the builder 90% and outbids our block arbitrage. The victim backrun
 * is not ranked against our block arbitrage: it goes out detached, from an operator of its own, and lands. Ranked
 * against it (the parent of 834604a), it would ride after the block arbitrage's nonce and die with it.
 */
let devnet: Devnet;
let app: SearcherApp;

const ether = 10n ** 18n;
/**
 * The private swap that leaves the standing gap, and the public victim after it. The victim is small enough that the
 * rival's 90% of the gap outranks our bundle of it at the builder (so the rival takes the gap first), and its backrun,
 * alone on the top of the block (where it meets both swaps' gaps), still outranks our block arbitrage per gas.
 */
const gapSwap = 40n * ether;
const victimSwap = 15n * ether;

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

describe('a victim backrun is not ranked against our own block arbitrage', () => {
  it('a rival outbids our block arbitrage; our backrun of a victim on its pools still lands, from its own operator: no nonce miss', async () => {
    // 1. A standing gap the bot did not see pending in time: a large swap sent privately to the builder, then the
    // block. (The devnet's builder seals a block through the node's pool, so the bot may glimpse the swap while the
    // block is mined: a backrun of it is then for that block, already built, and lands nothing.)
    const gap = await signVictim(devnet, { router: 'uniswapV2Router02', path: ['WETH', 'WBTC'], amount: gapSwap, trader: 1 }, false);
    const held = await builderRpc(devnet, 'eth_sendPrivateTransaction', [{ tx: gap.raw }]);
    expect(held.error, held.error?.message).toBeUndefined();
    await stepBlock(devnet, app);
    const gapReceipt = await devnet.client.getTransactionReceipt({ hash: gap.hash });
    expect(gapReceipt.status).toBe('success');
    const target = gapReceipt.blockNumber + 1n;
    const gapBlock = await devnet.client.getBlock({ blockNumber: gapReceipt.blockNumber });
    expect(gapBlock.transactions.map((hash) => hash.toLowerCase())).toEqual([gap.hash.toLowerCase()]);

    // The bot arbitrages the new state for the next block: a bundle of our transaction alone (no victim).
    await until('the bot to send a block arbitrage', () => app.store.recentBundles(10).some((bundle) => BigInt(bundle.targetBlock) === target && bundle.txHashes.length === 1));
    const blockArb = app.store.recentBundles(10).find((bundle) => BigInt(bundle.targetBlock) === target)!;
    expect(blockArb.txHashes.map((hash) => hash.toLowerCase())).toEqual([blockArb.ourTxHash.toLowerCase()]);

    // The rival's block arbitrage of the same gap, at 90% to the builder, computed on the same head's state.
    const { market, graph, head } = await loadMarket(devnet);
    expect(head.number! + 1n).toBe(target);
    const baseFee = nextBaseFee(head.baseFeePerGas!, head.gasUsed, head.gasLimit);
    const rivalCandidates = blockCandidates(market, graph, [...market.all()].map((pool) => pool.address), baseFee, engineConfig(9000n));
    const rivalCandidate = resolveConflicts(rivalCandidates, 0n)[0];
    expect(rivalCandidate, 'the private swap left no gap to arbitrage').toBeDefined();

    // 2. A public victim on the same pools; the bot backruns it after its block arbitrage.
    const victim = await signVictim(devnet, { router: 'uniswapV2Router02', path: ['WETH', 'WBTC'], amount: victimSwap, trader: 2 });
    const backrunOfVictim = () => app.store.recentBundles(10).find((bundle) => bundle.txHashes[0]?.toLowerCase() === victim.hash.toLowerCase());
    await until('the bot to backrun the victim', () => backrunOfVictim() !== undefined);
    const backrun = backrunOfVictim()!;
    expect(BigInt(backrun.targetBlock)).toBe(target);

    // 3. The rival outbids our block arbitrage; the block is built.
    const rivalTx = await signBackrun(devnet, rivalCandidate!, target, { builderShareBps: 9000n, operatorIndex: devnet.manifest.accounts.operators[0]!.index });
    await sendRivalBundle(devnet, [rivalTx.raw], target);
    await stepBlockSettled(devnet, app);

    // 4. The rival's arbitrage landed, ours did not; our victim backrun landed, from an operator of its own.
    const block = await devnet.client.getBlock({ blockNumber: target, includeTransactions: true });
    const hashes = block.transactions.map((tx) => tx.hash.toLowerCase());
    expect(hashes[0], 'the rival did not win the gap').toBe(rivalTx.hash.toLowerCase());
    expect(hashes).not.toContain(blockArb.ourTxHash.toLowerCase());
    expect(hashes, 'our backrun of the victim did not land').toContain(backrun.ourTxHash.toLowerCase());
    expect((await devnet.client.getTransactionReceipt({ hash: rivalTx.hash })).status).toBe('success');
    const ours = block.transactions.find((tx) => tx.hash.toLowerCase() === backrun.ourTxHash.toLowerCase())!;
    expect((await devnet.client.getTransactionReceipt({ hash: ours.hash })).status).toBe('success');
    expect(app.operatorLanes.map((lane) => lane.account.address.toLowerCase())).toContain(ours.from.toLowerCase());
    // Not the block arbitrage's operator (as the builder's block report names the sender of the bundle it left out).
    const report = await builderRpc<{ excluded: Array<{ txHashes: Hex[]; senders: Address[] }> }>(devnet, 'builder_blockReport', [toHex(target)]);
    const blockArbSender = report.result?.excluded.find((entry) => entry.txHashes.some((hash) => hash.toLowerCase() === blockArb.ourTxHash.toLowerCase()))?.senders[0];
    expect(blockArbSender, 'the builder reported no sender for our block arbitrage').toBeDefined();
    expect(ours.from.toLowerCase()).not.toBe(blockArbSender!.toLowerCase());

    // As the builder reported it: nothing lost to a nonce of ours; the backrun landed at a profit (from the receipt).
    await missRecorded(app, blockArb.id);
    expect(app.store.recentMisses(10).find((miss) => miss.bundleId === blockArb.id)?.verdict).toMatchObject({ kind: 'outbid', builder: 'local' });
    expect(app.store.recentMisses(10).find((miss) => miss.bundleId === backrun.id)).toBeUndefined();
    expect(app.store.missKinds().nonce).toBe(0);
    const landed = app.store.recentBundles(10).find((bundle) => bundle.id === backrun.id);
    expect(landed?.status).toBe('included');
    expect(BigInt(landed!.netWei!)).toBeGreaterThan(0n);
    // It went out detached (not chained behind the block arbitrage as an unranked dependent).
    expect(app.engine.detaching).toMatchObject({ detached: 1, chainedUnranked: 0 });
  }, 180_000);
});
