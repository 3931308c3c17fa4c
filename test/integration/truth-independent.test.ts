import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nextBaseFee } from '../../src/chain/baseFee.ts';
import type { Devnet } from '../../src/devnet/devnet.ts';
import { measureCapture } from '../../src/devnet/truth.ts';
import { backrunCandidates, type Candidate } from '../../src/strategy/candidates.ts';
import { engineConfig, loadMarket, signVictim, type VictimOrder } from '../helpers/backrun.ts';
import { startTestDevnet } from '../helpers/devnet.ts';
import { devAccount } from '../../src/devnet/accounts.ts';
import { TruthFork } from '../../src/devnet/truth/fork.ts';
import { buildSwapCall } from '../../src/devnet/traffic/calldata.ts';
import { resolveRoute } from '../../src/devnet/traffic/route.ts';

const ether = 10n ** 18n;

/**
 * The bot's own exact optimum for a victim, searched exhaustively (every cycle sized, no caps unless given): the
 * figure an independent truth must reach by its own means.
 */
async function botOptimum(devnet: Devnet, order: VictimOrder, exposure?: { maxInventoryAmountIn: bigint }) {
  const { market, graph, head } = await loadMarket(devnet);
  const victim = await signVictim(devnet, order);
  const config = {
    ...engineConfig(0n),
    maxCyclesPerPool: 100_000,
    maxSizedPerSearch: 1_000,
    ...(exposure ? { exposure: { maxInventoryAmountIn: exposure.maxInventoryAmountIn, maxFlashAmount: 0n, unit: { symbol: 'WETH', decimals: 18 } } } : {}),
  };
  const result = backrunCandidates(market, graph, victim.pending, nextBaseFee(head.baseFeePerGas!, head.gasUsed, head.gasLimit), config);
  if (!Array.isArray(result)) throw new Error(`no backrun: ${result.reason}`);
  expect(result.length).toBeGreaterThan(0);
  const best = result.reduce<Candidate>((max, candidate) => (candidate.grossProfitWei > max.grossProfitWei ? candidate : max), result[0]!);
  const report = await devnet.builder.buildBlock();
  const receipt = await devnet.client.getTransactionReceipt({ hash: victim.hash });
  expect(receipt.status).toBe('success');
  return { best, hash: victim.hash, block: BigInt(report.blockNumber) };
}

describe('the capture truth: an independent search on the chain\'s own quotes', () => {
  let devnet: Devnet;
  beforeAll(async () => {
    devnet = await startTestDevnet();
  }, 120_000);
  afterAll(async () => {
    await devnet?.stop();
  });

  it('finds at least the bot\'s exact optimum for a victim, and within a millionth of it (V3 dump, V2/V3 backrun)', async () => {
    const order: VictimOrder = { router: 'swapRouter', path: ['WETH', 'USDC'], fees: [500], amount: 30n * ether };
    const { best, hash, block } = await botOptimum(devnet, order);
    expect(best.grossProfitWei).toBeGreaterThan(0n);
    const capture = await measureCapture({ devnet, landed: [{ victim: hash, execution: { gross: best.grossProfitWei } }], fromBlock: block, toBlock: block });
    expect(capture.truth).toBe('independent');
    expect(capture.victims).toBe(1);
    expect(capture.captured).toBe(1);
    // The search's reach: its best on the state after the swap (the headline takes out what stood before it).
    const truth = BigInt(capture.afterOnlyBestGrossWei);
    expect(BigInt(capture.bestGrossWei)).toBeLessThanOrEqual(truth);
    expect(truth).toBeGreaterThanOrEqual(best.grossProfitWei);
    expect((truth - best.grossProfitWei) * 1_000_000n).toBeLessThanOrEqual(best.grossProfitWei);
    expect(capture.capWei).toBeNull();
    expect(capture.uncappedBestGrossWei).toBe(capture.bestGrossWei);
    expect(capture.afterOnlyUncappedBestGrossWei).toBe(capture.afterOnlyBestGrossWei);
    expect(capture.quotes).toBeGreaterThan(0);
    expect(capture.aboveBest).toBe(0);
    expect(capture.verified, JSON.stringify(capture.unverified)).toBe(1);
    expect(capture.ratio).toBeGreaterThan(0.999);
  }, 120_000);

  it('finds at least the bot\'s exact optimum for a V2 dump (closed-form sizing on the bot\'s side)', async () => {
    await expectAtLeastTheBotsOptimum(devnet, { router: 'uniswapV2Router02', path: ['WETH', 'DAI'], amount: 40n * ether });
  }, 120_000);

  it('finds at least the bot\'s exact optimum for a two-pool victim through a non-WETH pool (three-hop cycles)', async () => {
    await expectAtLeastTheBotsOptimum(devnet, { router: 'swapRouter', path: ['WETH', 'USDC', 'USDT'], fees: [500, 100], amount: 30n * ether });
  }, 120_000);

  it('held to an input cap below the optimum, the best is the bot\'s capped trade; the uncapped best is reported beside it', async () => {
    const order: VictimOrder = { router: 'swapRouter', path: ['WETH', 'USDC'], fees: [500], amount: 60n * ether };
    const cap = 2n * ether;
    const { best, hash, block } = await botOptimum(devnet, order, { maxInventoryAmountIn: cap });
    expect(best.amountIn).toBe(cap); // the bot's optimum is above the cap, so it trades the cap
    const capture = await measureCapture({ devnet, landed: [{ victim: hash, execution: { gross: best.grossProfitWei } }], fromBlock: block, toBlock: block, maxAmountInWei: cap });
    expect(capture.capWei).toBe(String(cap));
    expect(capture.victims).toBe(1);
    expect(capture.verified, JSON.stringify(capture.unverified)).toBe(1);
    // The search's reach: its best on the state after the swap (the headline takes out what stood before it).
    const truth = BigInt(capture.afterOnlyBestGrossWei);
    expect(BigInt(capture.bestGrossWei)).toBeLessThanOrEqual(truth);
    expect(truth).toBeGreaterThanOrEqual(best.grossProfitWei);
    expect((truth - best.grossProfitWei) * 1_000_000n).toBeLessThanOrEqual(best.grossProfitWei);
    expect(BigInt(capture.afterOnlyUncappedBestGrossWei)).toBeGreaterThan(truth);
  }, 120_000);

  it('grades only a state it rebuilt exactly: a replay that does not do what the block did (here, run past the swap\'s deadline) throws', async () => {
    const trader = devAccount(devnet.manifest.accounts.traders[2]!.index);
    const head = await devnet.client.getBlock();
    const deadline = head.timestamp + 600n;
    const hops = resolveRoute('uniswapV2Router02', ['WETH', 'USDC'], undefined, devnet.manifest.pools as never, devnet.manifest.tokens as never);
    const call = buildSwapCall({ router: 'uniswapV2Router02', hops, amountIn: 5n * ether, minAmountOut: 0n, recipient: trader.address, deadline, ethIn: true, ethOut: false });
    const nonce = await devnet.client.getTransactionCount({ address: trader.address, blockTag: 'pending' });
    const raw = await trader.signTransaction({ chainId: devnet.manifest.chainId, type: 'eip1559', nonce, to: call.to, data: call.data, value: call.value, gas: 600_000n, maxPriorityFeePerGas: 2n * 10n ** 9n, maxFeePerGas: head.baseFeePerGas! * 2n + 2n * 10n ** 9n });
    const hash = await devnet.client.sendRawTransaction({ serializedTransaction: raw });
    const report = await devnet.builder.buildBlock();
    const block = await devnet.client.getBlock({ blockNumber: BigInt(report.blockNumber) });
    const index = block.transactions.findIndex((tx) => tx.toLowerCase() === hash.toLowerCase());
    expect(index).toBeGreaterThanOrEqual(0);
    const replayBlock = { number: block.number!, timestamp: block.timestamp, baseFeePerGas: block.baseFeePerGas!, gasLimit: block.gasLimit, miner: block.miner, transactions: block.transactions.map((tx) => ({ hash: tx })) };
    const fork = await TruthFork.start({ devnetUrl: devnet.manifest.rpcUrl, chainId: devnet.manifest.chainId, atBlock: block.number! - 1n });
    try {
      await fork.replay(replayBlock, index + 1); // the block as it was: the same effects, log for log
      await expect(fork.replay({ ...replayBlock, timestamp: deadline + 1n }, index + 1)).rejects.toThrow(/did not do what it did on the devnet/);
    } finally {
      await fork.stop();
    }
  }, 120_000);
});

/** The truth finds one victim, verifies its best trade on the executor, and it is at least the bot's optimum, within 1 ppm. */
async function expectAtLeastTheBotsOptimum(devnet: Devnet, order: VictimOrder): Promise<void> {
  const { best, hash, block } = await botOptimum(devnet, order);
  const capture = await measureCapture({ devnet, landed: [{ victim: hash, execution: { gross: best.grossProfitWei } }], fromBlock: block, toBlock: block });
  expect(capture.victims).toBe(1);
  expect(capture.verified, JSON.stringify(capture.unverified)).toBe(1);
  // The search's reach: its best on the state after the swap (the headline takes out what stood before it).
    const truth = BigInt(capture.afterOnlyBestGrossWei);
    expect(BigInt(capture.bestGrossWei)).toBeLessThanOrEqual(truth);
  expect(truth).toBeGreaterThanOrEqual(best.grossProfitWei);
  expect((truth - best.grossProfitWei) * 1_000_000n).toBeLessThanOrEqual(best.grossProfitWei);
}
