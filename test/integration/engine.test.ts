import { encodeFunctionData, parseAbi, type Hex } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executorAbi } from '../../src/abi/executor.generated.ts';
import { encodePlan } from '../../src/bundle/plan.ts';
import { devAccount } from '../../src/devnet/accounts.ts';
import { mainnet } from '../../src/devnet/addresses.ts';
import type { Devnet } from '../../src/devnet/devnet.ts';
import { buildSwapCall } from '../../src/devnet/traffic/calldata.ts';
import { resolveRoute } from '../../src/devnet/traffic/route.ts';
import { decodeTransaction, mainnetRouters } from '../../src/mempool/decode.ts';
import type { PendingSwaps } from '../../src/mempool/watcher.ts';
import { nextBaseFee } from '../../src/chain/baseFee.ts';
import { ForkSimulator } from '../../src/sim/fork.ts';
import { SimulateV1Simulator } from '../../src/sim/simulateV1.ts';
import { bootstrapPools, discoverPools } from '../../src/state/bootstrap.ts';
import { MarketState } from '../../src/state/market.ts';
import { backrunCandidates, type EngineConfig } from '../../src/strategy/candidates.ts';
import { PoolGraph } from '../../src/strategy/graph.ts';
import { planFor } from '../../src/strategy/toPlan.ts';
import { startTestDevnet } from '../helpers/devnet.ts';

const wethAbi = parseAbi(['function balanceOf(address) view returns (uint256)']);
const factories = {
  v2: [
    { address: mainnet.uniswapV2Factory, feeBps: 30n, venue: 'uniswapV2' },
    { address: mainnet.sushiswapFactory, feeBps: 30n, venue: 'sushiswap' },
  ],
  v3: [{ address: mainnet.uniswapV3Factory, venue: 'uniswapV3' }],
};
const poisoned = new Set<string>();
const config: EngineConfig = {
  startToken: mainnet.weth,
  venues: { 'uniswap-v2': 'uniswapV2', sushiswap: 'sushiswap', 'uniswap-v3': 'uniswapV3' },
  policy: { priorityFeeWei: 10n ** 9n, builderShareBps: 5000n, minNetProfitWei: 0n },
};

let devnet: Devnet;
beforeAll(async () => {
  devnet = await startTestDevnet();
  for (const token of devnet.manifest.tokens) if (['feeOnTransfer', 'honeypot', 'salmonella'].includes(token.kind)) poisoned.add(token.address.toLowerCase());
});
afterAll(async () => {
  await devnet?.stop();
});

/** The market as the bot sees it now, and a graph without the scenario's poisoned tokens. */
async function loadMarket() {
  const head = await devnet.client.getBlock();
  const discovered = await discoverPools(devnet.client as never, factories, head.number!);
  const market = new MarketState();
  market.reset(await bootstrapPools(devnet.client as never, discovered, head.number!), { number: head.number!, hash: head.hash!, parentHash: head.parentHash });
  const graph = new PoolGraph(market.all(), (pool) => poisoned.has(pool.token0.toLowerCase()) || poisoned.has(pool.token1.toLowerCase()));
  return { market, graph, head };
}

/** A trader's signed swap, sent to the mempool (not mined), decoded as the watcher would. */
async function pendingVictim(router: Parameters<typeof resolveRoute>[0], path: string[], fees: number[] | undefined, amount: bigint) {
  const trader = devAccount(devnet.manifest.accounts.traders[3]!.index);
  const hops = resolveRoute(router, path, fees, devnet.manifest.pools as never, devnet.manifest.tokens);
  const call = buildSwapCall({ router, hops, amountIn: amount, minAmountOut: 0n, recipient: trader.address, deadline: 2n ** 40n, ethIn: true, ethOut: false });
  const block = await devnet.client.getBlock();
  const tx = {
    chainId: devnet.manifest.chainId, type: 'eip1559' as const, nonce: await devnet.client.getTransactionCount({ address: trader.address, blockTag: 'pending' }),
    to: call.to, data: call.data, value: call.value, gas: 600_000n, maxPriorityFeePerGas: 2n * 10n ** 9n, maxFeePerGas: block.baseFeePerGas! * 2n + 2n * 10n ** 9n,
  };
  const raw = await trader.signTransaction(tx);
  const hash = await devnet.client.sendRawTransaction({ serializedTransaction: raw });
  const decoded = decodeTransaction({ hash, from: trader.address.toLowerCase(), to: call.to.toLowerCase(), value: call.value, input: call.data }, { routers: mainnetRouters });
  if ('error' in decoded) throw new Error(decoded.error);
  const victim: PendingSwaps = { tx: { hash, from: trader.address.toLowerCase(), to: call.to.toLowerCase(), value: call.value, input: call.data, nonce: BigInt(tx.nonce), maxFeePerGas: tx.maxFeePerGas }, swaps: decoded.swaps, firstSeenMs: 0, decodedMs: 0 };
  return { victim, bundleTx: { from: trader.address, to: call.to, data: call.data, value: call.value, gas: 600_000n, nonce: tx.nonce, maxFeePerGas: tx.maxFeePerGas, maxPriorityFeePerGas: tx.maxPriorityFeePerGas, raw } };
}

async function runCase(router: Parameters<typeof resolveRoute>[0], path: string[], fees: number[] | undefined, amount: bigint) {
  const { market, graph, head } = await loadMarket();
  const { victim, bundleTx } = await pendingVictim(router, path, fees, amount);
  const baseFee = nextBaseFee(head.baseFeePerGas!, head.gasUsed, head.gasLimit);
  const result = backrunCandidates(market, graph, victim, baseFee, config);
  if (!Array.isArray(result)) throw new Error(result.reason);
  const best = result[0]!;
  const target = head.number! + 1n;
  const plan = encodePlan(planFor(best, target, config.policy));
  const operator = devnet.manifest.accounts.searcher.address;
  const data = encodeFunctionData({ abi: executorAbi, functionName: 'execute', args: [plan] });
  const searcher = devAccount(devnet.manifest.accounts.searcher.index);
  const ourTx = { nonce: await devnet.client.getTransactionCount({ address: operator, blockTag: 'pending' }), maxPriorityFeePerGas: 10n ** 9n, maxFeePerGas: baseFee * 2n + 10n ** 9n };
  const ourRaw = await searcher.signTransaction({ chainId: devnet.manifest.chainId, type: 'eip1559', to: devnet.manifest.executor.address, data, gas: 1_000_000n, ...ourTx });
  const ours = { from: operator, to: devnet.manifest.executor.address, data, value: 0n, gas: 1_000_000n, ...ourTx, raw: ourRaw };
  // One timestamp for every simulation and for the real block: oracle updates (V2 accumulators, V3
  // observations) then cost the same gas everywhere, however long the test takes between them.
  const timestamp = head.timestamp + 1n;
  const bundle = { txs: [bundleTx, ours], executor: devnet.manifest.executor.address, startToken: mainnet.weth, targetBlock: target, timestamp };
  const simulated = await new SimulateV1Simulator(devnet.client as never).simulate(bundle);
  const fork = await ForkSimulator.start({ upstreamRpcUrl: devnet.manifest.rpcUrl, blockNumber: head.number!, chainId: devnet.manifest.chainId, mode: 'mine' });
  const forked = await fork.simulate(bundle).finally(() => fork.stop());
  const quickFork = await ForkSimulator.start({ upstreamRpcUrl: devnet.manifest.rpcUrl, blockNumber: head.number!, chainId: devnet.manifest.chainId });
  const forkSimulated = await quickFork.simulate(bundle).finally(() => quickFork.stop());
  expect(forkSimulated).toMatchObject({ ok: forked.ok, victimsOk: forked.victimsOk, gain: forked.gain });

  // Then the bundle for real: victim first, ours right after, in the target block.
  const before = await devnet.client.readContract({ address: mainnet.weth, abi: wethAbi, functionName: 'balanceOf', args: [devnet.manifest.executor.address] });
  const ourHash = await devnet.client.sendRawTransaction({ serializedTransaction: ourRaw });
  await devnet.client.setNextBlockTimestamp({ timestamp });
  await devnet.client.mine({ blocks: 1 });
  const receipt = await devnet.client.waitForTransactionReceipt({ hash: ourHash });
  const after = await devnet.client.readContract({ address: mainnet.weth, abi: wethAbi, functionName: 'balanceOf', args: [devnet.manifest.executor.address] });
  const victimReceipt = await devnet.client.getTransactionReceipt({ hash: victim.tx.hash as Hex });
  return { best, simulated, forked, receipt, realGain: after - before, victimReceipt };
}


describe('engine + simulation on the devnet', () => {
  it('backruns a V2 victim: prediction, both simulators (eth_simulateV1, anvil fork) and the chain agree to the wei', async () => {
    const { best, simulated, forked, receipt, realGain, victimReceipt } = await runCase('sushiswapRouter', ['WETH', 'USDC'], undefined, 40n * 10n ** 18n);
    const predicted = best.grossProfitWei - best.bribeWei;
    expect(best.netProfitWei).toBeGreaterThan(0n);
    expect(simulated).toMatchObject({ ok: true, victimsOk: true, gain: predicted });
    expect(forked).toMatchObject({ ok: true, victimsOk: true, gain: predicted, gasUsed: receipt.gasUsed });
    expect(victimReceipt.status).toBe('success');
    expect(receipt.status).toBe('success');
    expect(victimReceipt.transactionIndex).toBeLessThan(receipt.transactionIndex); // ordered by fee: victim tipped more
    expect(realGain).toBe(predicted);
  });

  it('backruns a V3 victim through a mixed V2/V3 cycle, to the wei', async () => {
    const { best, simulated, forked, receipt, realGain } = await runCase('swapRouter', ['WETH', 'USDC'], [500], 60n * 10n ** 18n);
    expect(best.cycle.hops.some((hop) => hop.pool.kind === 'v3')).toBe(true);
    const predicted = best.grossProfitWei - best.bribeWei;
    expect(simulated).toMatchObject({ ok: true, gain: predicted });
    expect(forked).toMatchObject({ ok: true, gain: predicted });
    expect(receipt.status).toBe('success');
    expect(realGain).toBe(predicted);
  });

  it('never offers a cycle through a poisoned token', async () => {
    const { market, graph, head } = await loadMarket();
    const { victim } = await pendingVictim('uniswapV2Router02', ['WETH', 'HONEY'], undefined, 5n * 10n ** 18n);
    const result = backrunCandidates(market, graph, victim, head.baseFeePerGas!, config);
    expect(result).toEqual({ victim: victim.tx.hash, reason: expect.stringContaining('no tracked pool') });
    await devnet.client.mine({ blocks: 1 });
  });
});
