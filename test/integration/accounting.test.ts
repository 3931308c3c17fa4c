import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeFunctionData, getAddress, isAddressEqual, parseAbi, type Address, type Hash, type Hex } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executorAbi } from '../../src/abi/executor.generated.ts';
import { quoterV2Abi, v2RouterAbi } from '../../src/abi/routers.ts';
import { encodePlan, type ExecutorPlan, type PlanHop } from '../../src/bundle/plan.ts';
import { devAccount } from '../../src/devnet/accounts.ts';
import { mainnet } from '../../src/chain/addresses.ts';
import type { Devnet } from '../../src/devnet/devnet.ts';
import { buildSwapCall } from '../../src/devnet/traffic/calldata.ts';
import { resolveRoute } from '../../src/devnet/traffic/route.ts';
import { AccountingError } from '../../src/chain/executionAccount.ts';
import { accountInclusion, type RealisedExecution } from '../../src/monitor/accounting.ts';
import { Store } from '../../src/monitor/store.ts';
import { sendSignedAndMine, startTestDevnet } from '../helpers/devnet.ts';

const poolAbi = parseAbi(['function token0() view returns (address)', 'function factory() view returns (address)', 'function fee() view returns (uint24)']);
const erc20 = parseAbi(['function balanceOf(address) view returns (uint256)', 'function token0() view returns (address)']);

let devnet: Devnet;
let store: Store;
beforeAll(async () => {
  devnet = await startTestDevnet();
  store = Store.open(join(mkdtempSync(join(tmpdir(), 'searcher-accounting-')), 'searcher.db'));
});
afterAll(async () => {
  store?.close();
  await devnet?.stop();
});

const executor = () => devnet.manifest.executor.address;
const operator = () => devAccount(devnet.manifest.accounts.searcher.index);
const usdc = () => devnet.manifest.tokens.find((t) => t.symbol === 'USDC')!.address;
const pool = (dex: string, fee?: number) =>
  devnet.manifest.pools.find((p) => p.dex === dex && p.pair.includes('WETH') && p.pair.includes('USDC') && (fee === undefined || p.fee === fee))!.address;

/** A plan hop as the bot builds it: the pool's factory and fee as the chain reports them. */
async function hop(poolAddress: Address, tokenIn: Address, tokenOut: Address, protocol: 'v2' | 'v3'): Promise<PlanHop> {
  const read = (functionName: 'token0' | 'factory') => devnet.client.readContract({ address: poolAddress, abi: poolAbi, functionName });
  const [token0, factory] = await Promise.all([read('token0'), read('factory')]);
  const fee = protocol === 'v3' ? { v3Fee: await devnet.client.readContract({ address: poolAddress, abi: poolAbi, functionName: 'fee' }) } : {};
  return { pool: poolAddress, factory, tokenOut, protocol, zeroForOne: isAddressEqual(token0, tokenIn), ...fee };
}

async function sushiQuote(usdcIn: bigint): Promise<bigint> {
  const amounts = await devnet.client.readContract({ address: mainnet.sushiswapRouter, abi: v2RouterAbi, functionName: 'getAmountsOut', args: [usdcIn, [usdc(), mainnet.weth]] });
  return amounts[1]!;
}

/** A user dumps WETH for USDC on SushiSwap (mined): WETH is now cheap there, and a cycle back pays. */
async function victimDump(amount: bigint): Promise<void> {
  const trader = devAccount(devnet.manifest.accounts.traders[0]!.index);
  const hops = resolveRoute('sushiswapRouter', ['WETH', 'USDC'], undefined, devnet.manifest.pools as never, devnet.manifest.tokens);
  const call = buildSwapCall({ router: 'sushiswapRouter', hops, amountIn: amount, minAmountOut: 0n, recipient: trader.address, deadline: 2n ** 40n, ethIn: true, ethOut: false });
  expect((await sendSignedAndMine(devnet, trader, call)).status).toBe('success');
}

type ChainView = { executorWeth: bigint; coinbaseEth: bigint; operatorEth: bigint };

async function chainView(coinbase: Address, blockNumber: bigint): Promise<ChainView> {
  const [executorWeth, coinbaseEth, operatorEth] = await Promise.all([
    devnet.client.readContract({ address: mainnet.weth, abi: erc20, functionName: 'balanceOf', args: [executor()], blockNumber }),
    devnet.client.getBalance({ address: coinbase, blockNumber }),
    devnet.client.getBalance({ address: operator().address, blockNumber }),
  ]);
  return { executorWeth, coinbaseEth, operatorEth };
}

/** Priority fees of every transaction in the block: what the coinbase earns besides our payment. */
async function blockTips(blockNumber: bigint): Promise<bigint> {
  const block = await devnet.client.getBlock({ blockNumber });
  const receipts = await Promise.all(block.transactions.map((hash) => devnet.client.getTransactionReceipt({ hash })));
  return receipts.reduce((sum, r) => sum + r.gasUsed * (r.effectiveGasPrice - block.baseFeePerGas!), 0n);
}

/** ETH value of every call to `to` in a callTracer trace (the debug trace's view of the builder payment). */
function valueSentTo(frame: { to?: string; value?: Hex; calls?: unknown[] }, to: Address): bigint {
  const own = frame.to && isAddressEqual(getAddress(frame.to), to) && frame.value ? BigInt(frame.value) : 0n;
  return (frame.calls ?? []).reduce<bigint>((sum, child) => sum + valueSentTo(child as typeof frame, to), own);
}

/** Sends our execute(plan) in the next block, accounts it from its receipt, and reads the chain around it. */
async function execute(plan: Omit<ExecutorPlan, 'targetBlock'>) {
  const head = await devnet.client.getBlock();
  const data = encodeFunctionData({ abi: executorAbi, functionName: 'execute', args: [encodePlan({ ...plan, targetBlock: head.number! + 1n })] });
  const receipt = await sendSignedAndMine(devnet, operator(), { to: executor(), data });
  const realised = await accountInclusion(devnet.client, { txHash: receipt.transactionHash, executor: executor(), startToken: mainnet.weth });
  const mined = await devnet.client.getBlock({ blockNumber: receipt.blockNumber });
  const before = await chainView(mined.miner, receipt.blockNumber - 1n);
  const after = await chainView(mined.miner, receipt.blockNumber);
  const trace = (await devnet.client.request({ method: 'debug_traceTransaction' as never, params: [receipt.transactionHash, { tracer: 'callTracer' }] as never })) as Parameters<typeof valueSentTo>[0];
  return { receipt, realised, before, after, tips: await blockTips(receipt.blockNumber), tracedPayment: valueSentTo(trace, mined.miner) };
}

/** The checks every landed execution must pass: the receipt's account equals what the chain's balances say. */
function expectAccountMatchesChain(run: Awaited<ReturnType<typeof execute>>) {
  const { realised, before, after, tips, tracedPayment, receipt } = run;
  expect(realised.gasPaid).toBe(receipt.gasUsed * receipt.effectiveGasPrice);
  // The executor keeps gross - payment in WETH (the payment was unwrapped and sent on).
  expect(after.executorWeth - before.executorWeth).toBe(realised.gross - realised.builderPayment);
  // The coinbase got our payment plus every transaction's priority fee.
  expect(after.coinbaseEth - before.coinbaseEth - tips).toBe(realised.builderPayment);
  expect(tracedPayment).toBe(realised.builderPayment);
  // The operator sent only this transaction in the block: it paid exactly the gas.
  expect(before.operatorEth - after.operatorEth).toBe(realised.gasPaid);
  expect(realised.net).toBe(realised.gross - realised.builderPayment - realised.gasPaid);
}

const landed: Array<{ bundleId: string; realised: RealisedExecution }> = [];

function recordLanded(bundleId: string, realised: RealisedExecution, simulatedNetWei: bigint | null): void {
  store.recordBundle({ id: bundleId, targetBlock: realised.blockNumber, ourTxHash: realised.txHash, txHashes: [realised.txHash], predictedNetWei: simulatedNetWei ?? 0n, simulatedNetWei });
  store.recordInclusion({ bundleId, execution: realised, simulatedNetWei });
  landed.push({ bundleId, realised });
}

describe('realised accounting on the devnet', () => {
  it('accounts an inventory V2 -> V2 backrun that pays the builder, as the balances and the trace say', async () => {
    await victimDump(40n * 10n ** 18n);
    const amountIn = 5n * 10n ** 18n;
    const uni = pool('uniswapV2');
    const sushi = pool('sushiswap');
    const [, usdcOut] = await devnet.client.readContract({ address: mainnet.uniswapV2Router02, abi: v2RouterAbi, functionName: 'getAmountsOut', args: [amountIn, [mainnet.weth, usdc()]] });
    const profit = (await sushiQuote(usdcOut!)) - amountIn;
    expect(profit).toBeGreaterThan(0n);
    const payment = profit / 3n;
    const run = await execute({
      flash: false,
      amountIn,
      minProfit: 0n,
      builderPayment: payment,
      maxBuilderShareBps: 5000,
      startToken: mainnet.weth,
      hops: [await hop(uni, mainnet.weth, usdc(), 'v2'), await hop(sushi, usdc(), mainnet.weth, 'v2')],
    });
    expect(run.receipt.status).toBe('success');
    expectAccountMatchesChain(run);
    expect(run.realised.gross).toBe(profit);
    expect(run.realised.builderPayment).toBe(payment);
    recordLanded('inventory-v2v2', run.realised, run.realised.net);
  });

  it('accounts a flash V3 -> V2 backrun that pays the builder', async () => {
    await victimDump(30n * 10n ** 18n);
    const amountIn = 3n * 10n ** 18n;
    const { result } = await devnet.client.simulateContract({
      address: mainnet.quoterV2,
      abi: quoterV2Abi,
      functionName: 'quoteExactInput',
      args: [`${mainnet.weth}0001f4${usdc().slice(2)}` as Hex, amountIn],
    });
    const profit = (await sushiQuote(result[0])) - amountIn;
    expect(profit).toBeGreaterThan(0n);
    const payment = profit / 2n;
    const run = await execute({
      flash: true,
      amountIn,
      minProfit: profit - payment,
      builderPayment: payment,
      maxBuilderShareBps: 5000,
      startToken: mainnet.weth,
      hops: [await hop(pool('uniswapV3', 500), mainnet.weth, usdc(), 'v3'), await hop(pool('sushiswap'), usdc(), mainnet.weth, 'v2')],
    });
    expect(run.receipt.status).toBe('success');
    expectAccountMatchesChain(run);
    expect(run.realised.gross).toBe(profit);
    // A prediction off by one wei is flagged as a mismatch when stored.
    recordLanded('flash-v3v2', run.realised, run.realised.net + 1n);
  });

  it('accounts a reverted execution as the gas it burnt', async () => {
    const run = await execute({
      flash: false,
      amountIn: 10n ** 18n,
      minProfit: 10n ** 24n, // unreachable: InsufficientProfit
      builderPayment: 0n,
      maxBuilderShareBps: 0,
      startToken: mainnet.weth,
      hops: [await hop(pool('uniswapV2'), mainnet.weth, usdc(), 'v2'), await hop(pool('sushiswap'), usdc(), mainnet.weth, 'v2')],
    });
    expect(run.receipt.status).toBe('reverted');
    expectAccountMatchesChain(run);
    expect(run.realised).toMatchObject({ status: 'reverted', gross: 0n, builderPayment: 0n });
    expect(run.realised.net).toBe(-run.realised.gasPaid);
    recordLanded('reverted', run.realised, null); // never simulated: no mismatch to flag
  });

  it('refuses to account a transaction that is not ours', async () => {
    const trader = devAccount(devnet.manifest.accounts.traders[1]!.index);
    const receipt = await sendSignedAndMine(devnet, trader, { to: trader.address, data: '0x', value: 1n });
    await expect(accountInclusion(devnet.client, { txHash: receipt.transactionHash as Hash, executor: executor(), startToken: mainnet.weth })).rejects.toThrow(AccountingError);
  });

  it('stores the realised accounts and reads them back equal', () => {
    expect(landed).toHaveLength(3);
    const blocks = new Map(store.blockSummaries().map((b) => [b.number, b]));
    for (const { bundleId, realised } of landed) {
      const block = blocks.get(Number(realised.blockNumber))!;
      expect(block).toMatchObject({ grossWei: realised.gross, gasWei: realised.gasPaid, bribeWei: realised.builderPayment, netWei: realised.net });
      const row = store.db.prepare('SELECT tx_hash, status, gas_used, effective_gas_price_wei, net_wei FROM inclusions WHERE bundle_id = ?').get(bundleId);
      expect(row).toEqual({ tx_hash: realised.txHash, status: realised.status, gas_used: Number(realised.gasUsed), effective_gas_price_wei: realised.effectiveGasPrice.toString(), net_wei: realised.net.toString() });
    }
    const net = landed.reduce((sum, { realised }) => sum + realised.net, 0n);
    expect(store.totals()).toMatchObject({ sent: 3, included: 2, reverted: 1, netWei: net, mismatches: 1 });
    expect(store.blockSummaries().at(-1)!.cumulativeNetWei).toBe(net);
    expect(store.mismatches()).toEqual([expect.objectContaining({ bundleId: 'flash-v3v2', differenceWei: -1n })]);
  });
});
