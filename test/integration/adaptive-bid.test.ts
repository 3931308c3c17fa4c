import { parseAbi, parseEventLogs, type Address, type Hex, type TransactionReceipt } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executorAbi } from '../../src/abi/executor.generated.ts';
import type { Devnet } from '../../src/devnet/devnet.ts';
import type { SearcherApp } from '../../src/searcher.ts';
import { prepareBackrun, signBackrun } from '../helpers/backrun.ts';
import { startTestBot, stepBlock, victimsHandled } from '../helpers/bot.ts';
import { sendRivalBundle } from '../helpers/builderRpc.ts';
import { startTestDevnet } from '../helpers/devnet.ts';

/**
 * The real bot with the adaptive bidding policy against the real local builder. A rival backruns the first victim
 * on a WETH/WBTC pool paying the builder 90% of its profit; the builder seals the rival's bundle and reports ours
 * outbid, with the winning bid. The bot's next backrun on that pool bids above the rival's share (its coinbase
 * payment read from the chain) and lands, without a loss.
 */

let devnet: Devnet;
let app: SearcherApp;
let dbFile: string;
const config = { strategy: { bidding: { policy: 'adaptive', startShareBps: 5000, maxBidShareBps: 9900 } } };

beforeAll(async () => {
  devnet = await startTestDevnet();
  // The devnet's owner lets the executor pay up to 99% (a user's deploy defaults to 90%, where a 90% rival cannot be beaten).
  expect(await devnet.client.readContract({ address: devnet.manifest.executor.address, abi: executorAbi, functionName: 'maxBuilderShareBps' })).toBe(9900);
  ({ app, dbFile } = await startTestBot(devnet, config, { laneSigners: [] }));
  await stepBlock(devnet, app);
}, 120_000);

afterAll(async () => {
  await app?.stop();
  await devnet?.stop();
});

/** The bid of the bot's backrun of `victim`, once recorded (a block arbitrage may go out beside it: not that one). */
async function bidOf(victim: Hex) {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const bundle = app.store.recentBundles(20).find((each) => each.txHashes[0]?.toLowerCase() === victim.toLowerCase());
    const bid = bundle && app.store.recentBids(20).find((each) => each.bundleId === bundle.id);
    if (bundle && bid) return { bundle, bid };
    if (Date.now() > deadline) throw new Error(`no bid recorded for the backrun of ${victim}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** What the block paid the coinbase beyond every transaction's tip: the coinbase transfers in it. */
async function coinbaseTransfers(block: bigint): Promise<bigint> {
  const sealed = await devnet.client.getBlock({ blockNumber: block, includeTransactions: true });
  const gain = (await devnet.client.getBalance({ address: sealed.miner, blockNumber: block })) - (await devnet.client.getBalance({ address: sealed.miner, blockNumber: block - 1n }));
  let tips = 0n;
  for (const tx of sealed.transactions) {
    const receipt = await devnet.client.getTransactionReceipt({ hash: tx.hash });
    tips += (receipt.effectiveGasPrice - sealed.baseFeePerGas!) * receipt.gasUsed;
  }
  return gain - tips;
}

type Call = { from?: string; to?: string; value?: Hex; calls?: Call[] };

/** The ETH one transaction moved from `from` to `to` (either may be '*'), from the node's own call trace (not our records). */
async function ethMoved(hash: Hex, from: string, to: string): Promise<bigint> {
  const trace = (await devnet.client.request({ method: 'debug_traceTransaction' as never, params: [hash, { tracer: 'callTracer' }] as never })) as Call;
  const matches = (value: string | undefined, wanted: string) => wanted === '*' || value?.toLowerCase() === wanted.toLowerCase();
  const sum = (call: Call): bigint => (matches(call.from, from) && matches(call.to, to) && call.value ? BigInt(call.value) : 0n) + (call.calls ?? []).reduce((total, inner) => total + sum(inner), 0n);
  return (trace.calls ?? []).reduce((total, call) => total + sum(call), 0n);
}

const wethEvents = parseAbi(['event Transfer(address indexed src, address indexed dst, uint256 wad)', 'event Deposit(address indexed dst, uint256 wad)', 'event Withdrawal(address indexed src, uint256 wad)']);

/** What one transaction changed the executor's WETH by, from its receipt's WETH events. */
function wethDelta(receipt: TransactionReceipt, weth: Address, executor: Address): bigint {
  const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
  let delta = 0n;
  for (const event of parseEventLogs({ abi: wethEvents, logs: receipt.logs.filter((log) => same(log.address, weth)) })) {
    if (event.eventName === 'Transfer') delta += (same(event.args.dst, executor) ? event.args.wad : 0n) - (same(event.args.src, executor) ? event.args.wad : 0n);
    if (event.eventName === 'Deposit' && same(event.args.dst, executor)) delta += event.args.wad;
    if (event.eventName === 'Withdrawal' && same(event.args.src, executor)) delta -= event.args.wad;
  }
  return delta;
}

describe('the adaptive bid against a 90% rival', () => {
  it('after an outbid on a pool, the next backrun there pays more than the rival did and lands', async () => {
    const weth = devnet.manifest.contracts.weth;
    const executor = devnet.manifest.executor.address;
    // Round 1: the bot bids its starting share, the rival 90%.
    let before = app.engine.stats.victims;
    const first = await prepareBackrun(devnet, { router: 'uniswapV2Router02', path: ['WETH', 'WBTC'], amount: 30n * 10n ** 18n, trader: 1 });
    await victimsHandled(app, before + 1);
    const { bid: firstBid } = await bidOf(first.victim.hash);
    expect(firstBid.shareBps).toBe(5000);
    const rivalTx = await signBackrun(devnet, first.candidateWith(9000n), first.target, { builderShareBps: 9000n, operatorIndex: devnet.manifest.accounts.operators[0]!.index });
    await sendRivalBundle(devnet, [first.victim.raw, rivalTx.raw], first.target);
    await stepBlock(devnet, app);
    await app.submitter!.settled();
    await app.ledger.settled();

    const block1 = await devnet.client.getBlock({ blockNumber: first.target });
    expect(block1.transactions.map((hash: Hex) => hash.toLowerCase())).toContain(rivalTx.hash.toLowerCase());
    const rivalPaid = await coinbaseTransfers(first.target);
    expect(rivalPaid).toBeGreaterThan(0n);
    const lost = app.store.recentBids(10).find((bid) => bid.bundleId === firstBid.bundleId)!;
    expect(lost.outcome).toBe('outbid');
    expect(lost.winningBidWei).not.toBeNull();
    expect(lost.builders).toEqual(['local']);

    // Round 2: another victim on the same pool, no rival.
    before = app.engine.stats.victims;
    const second = await prepareBackrun(devnet, { router: 'uniswapV2Router02', path: ['WETH', 'WBTC'], amount: 30n * 10n ** 18n, trader: 2 });
    await victimsHandled(app, before + 1);
    const { bid: secondBid, bundle: ours } = await bidOf(second.victim.hash);
    expect(secondBid.pools.some((pool) => firstBid.pools.includes(pool))).toBe(true);
    expect(secondBid.shareBps).toBeGreaterThan(9000);
    expect(secondBid.shareBps).toBeLessThanOrEqual(9900);
    await stepBlock(devnet, app);
    await app.submitter!.settled();
    await app.ledger.settled();

    const block2 = await devnet.client.getBlock({ blockNumber: second.target });
    expect(block2.transactions.map((hash: Hex) => hash.toLowerCase())).toContain(ours.ourTxHash.toLowerCase());
    const receipt = await devnet.client.getTransactionReceipt({ hash: ours.ourTxHash });
    expect(receipt.status).toBe('success');
    // From the chain: what we paid the builder, what the trade made before it, and the gas.
    const paid = await ethMoved(ours.ourTxHash, '*', block2.miner);
    // What the executor kept: its WETH and ETH changes in this transaction (another bundle of ours may share the block).
    const kept = wethDelta(receipt, weth, executor) + (await ethMoved(ours.ourTxHash, '*', executor)) - (await ethMoved(ours.ourTxHash, executor, '*'));
    const gasPaid = receipt.gasUsed * receipt.effectiveGasPrice;
    expect(paid).toBe(secondBid.bidWei);
    // Above 90% of what the backrun left after gas (the rival's share), and no loss.
    const afterGas = kept + paid - gasPaid;
    expect(paid * 10_000n).toBeGreaterThan(9000n * afterGas);
    expect(kept - gasPaid).toBeGreaterThanOrEqual(0n);
    expect(app.store.recentBids(10).find((bid) => bid.bundleId === secondBid.bundleId)?.outcome).toBe('won');
    expect(app.store.bidBuckets().find((bucket) => bucket.fromBps === 9000)).toMatchObject({ won: 1 });
  }, 120_000);

  it('a restarted bot learns again from the stored bids: the outbid pool starts above the rival', async () => {
    const outbid = app.store.recentBids(20).find((bid) => bid.outcome === 'outbid');
    expect(outbid).toBeDefined();
    await app.stop();
    ({ app } = await startTestBot(devnet, config, { laneSigners: [], dbFile }));
    const learned = outbid!.pools.map((pool) => app.engine.bidding?.poolShareBps(pool) ?? 0);
    expect(learned.length).toBeGreaterThan(0);
    for (const share of learned) expect(share).toBeGreaterThan(9000);
  }, 120_000);
});
