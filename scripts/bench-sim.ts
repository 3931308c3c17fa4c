// Simulation latency per candidate on the devnet: eth_simulateV1 and the anvil fork, each side by side with
// a plain HTTP eth_call of the same executor call. Prints p50/p99 in microseconds.
//   npx tsx scripts/bench-sim.ts      (npm run bench:sim)
import { encodeFunctionData, type Hex } from 'viem';
import { executorAbi } from '../src/abi/executor.generated.ts';
import { encodePlan } from '../src/bundle/plan.ts';
import { devAccount } from '../src/devnet/accounts.ts';
import { mainnet } from '../src/chain/addresses.ts';
import { startDevnet } from '../src/devnet/devnet.ts';
import { defaultScenarioPath, loadScenario } from '../src/devnet/scenario/load.ts';
import { buildSwapCall } from '../src/devnet/traffic/calldata.ts';
import { resolveRoute } from '../src/devnet/traffic/route.ts';
import { createLogger } from '../src/log.ts';
import { decodeTransaction, mainnetRouters } from '../src/mempool/decode.ts';
import { LatencyHistogram } from '../src/histogram.ts';
import { ForkSimulator } from '../src/sim/fork.ts';
import { SimulateV1Simulator } from '../src/sim/simulateV1.ts';
import { bootstrapPools, discoverPools } from '../src/state/bootstrap.ts';
import { MarketState } from '../src/state/market.ts';
import { backrunCandidates } from '../src/strategy/candidates.ts';
import { PoolGraph } from '../src/strategy/graph.ts';
import { planFor } from '../src/bundle/toPlan.ts';

process.env.SEARCHER_LOG_LEVEL ??= 'silent';
const RUNS = 200;
const devnet = await startDevnet({ scenario: loadScenario(defaultScenarioPath()), port: 0, blockTime: 0, traffic: false, logger: createLogger('bench') });
try {
  const { client, manifest } = devnet;
  const head = await client.getBlock();
  const factories = {
    v2: [
      { address: mainnet.uniswapV2Factory, feeBps: 30n, venue: 'uniswapV2' },
      { address: mainnet.sushiswapFactory, feeBps: 30n, venue: 'sushiswap' },
    ],
    v3: [{ address: mainnet.uniswapV3Factory, venue: 'uniswapV3' }],
  };
  const market = new MarketState();
  market.reset(await bootstrapPools(client as never, await discoverPools(client as never, factories, head.number!), head.number!), { number: head.number!, hash: head.hash!, parentHash: head.parentHash });
  const graph = new PoolGraph(market.all(), (pool) => manifest.tokens.some((t) => t.kind !== 'standard' && t.kind !== 'weth' && t.kind !== 'noReturn' && [pool.token0, pool.token1].includes(t.address)));

  // A pending victim: 30 WETH into SushiSwap's WETH/USDC.
  const trader = devAccount(manifest.accounts.traders[0]!.index);
  const hops = resolveRoute('sushiswapRouter', ['WETH', 'USDC'], undefined, manifest.pools as never, manifest.tokens);
  const call = buildSwapCall({ router: 'sushiswapRouter', hops, amountIn: 30n * 10n ** 18n, minAmountOut: 0n, recipient: trader.address, deadline: 2n ** 40n, ethIn: true, ethOut: false });
  const fees = { maxPriorityFeePerGas: 2n * 10n ** 9n, maxFeePerGas: head.baseFeePerGas! * 2n + 2n * 10n ** 9n };
  const nonce = await client.getTransactionCount({ address: trader.address });
  const victimRaw = await trader.signTransaction({ chainId: manifest.chainId, type: 'eip1559', nonce, to: call.to, data: call.data, value: call.value, gas: 600_000n, ...fees });
  const hash = await client.sendRawTransaction({ serializedTransaction: victimRaw });
  const decoded = decodeTransaction({ hash, from: trader.address.toLowerCase(), to: call.to.toLowerCase(), value: call.value, input: call.data }, { routers: mainnetRouters });
  if ('error' in decoded) throw new Error(decoded.error);
  const policy = { priorityFeeWei: 10n ** 9n, builderShareBps: 5000n, minNetProfitWei: 0n };
  const result = backrunCandidates(market, graph, { tx: { hash, from: trader.address.toLowerCase(), to: call.to.toLowerCase(), value: call.value, input: call.data, nonce: BigInt(nonce), maxFeePerGas: fees.maxFeePerGas }, swaps: decoded.swaps, firstSeenMs: 0, decodedMs: 0 }, head.baseFeePerGas!, {
    startToken: mainnet.weth, venues: { 'uniswap-v2': 'uniswapV2', sushiswap: 'sushiswap', 'uniswap-v3': 'uniswapV3' }, policy,
  });
  if (!Array.isArray(result) || !result[0]) throw new Error('no candidate');
  const target = head.number! + 1n;
  const data = encodeFunctionData({ abi: executorAbi, functionName: 'execute', args: [encodePlan(planFor(result[0], target, policy))] });
  const searcher = devAccount(manifest.accounts.searcher.index);
  const ourFields = { nonce: await client.getTransactionCount({ address: searcher.address }), maxPriorityFeePerGas: 10n ** 9n, maxFeePerGas: head.baseFeePerGas! * 2n + 10n ** 9n };
  const ourRaw = await searcher.signTransaction({ chainId: manifest.chainId, type: 'eip1559', to: manifest.executor.address, data, gas: 1_000_000n, ...ourFields });
  const bundle = {
    txs: [
      { from: trader.address, to: call.to, data: call.data, value: call.value, gas: 600_000n, nonce, ...fees, raw: victimRaw as Hex },
      { from: searcher.address, to: manifest.executor.address, data, value: 0n, gas: 1_000_000n, ...ourFields, raw: ourRaw as Hex },
    ],
    executor: manifest.executor.address,
    startToken: mainnet.weth,
    targetBlock: target,
  };

  async function measure(label: string, run: () => Promise<unknown>) {
    const histogram = new LatencyHistogram();
    for (let i = 0; i < 10; i++) await run(); // warm up
    for (let i = 0; i < RUNS; i++) {
      const started = performance.now();
      await run();
      histogram.record(Math.round((performance.now() - started) * 1000));
    }
    return { label, p50: histogram.quantile(0.5), p99: histogram.quantile(0.99) };
  }
  const v1 = new SimulateV1Simulator(client as never);
  const fork = await ForkSimulator.start({ upstreamRpcUrl: manifest.rpcUrl, blockNumber: head.number!, chainId: manifest.chainId, mode: 'mine' });
  const quickFork = await ForkSimulator.start({ upstreamRpcUrl: manifest.rpcUrl, blockNumber: head.number!, chainId: manifest.chainId });
  const rows = [
    await measure('eth_call of the executor call (HTTP, node)', () => client.call({ account: searcher.address, to: manifest.executor.address, data, blockNumber: head.number! }).catch(() => undefined)),
    await measure('bundle via eth_simulateV1 (node)', () => v1.simulate(bundle)),
    await measure('eth_call of the executor call (HTTP, fork)', () => fork.call(searcher.address, manifest.executor.address, data).catch(() => undefined)),
    await measure('bundle on the anvil fork, simulate mode (eth_simulateV1, validation on)', () => quickFork.simulate(bundle)),
    await measure('bundle on the anvil fork, mine mode (send, mine, read, revert)', () => fork.simulate(bundle)),
  ];
  await fork.stop();
  await quickFork.stop();
  console.table(rows.map((row) => ({ measure: row.label, 'p50 (us)': row.p50, 'p99 (us)': row.p99 })));
  console.log(
    `p50 against a plain eth_call: node eth_simulateV1 ${(rows[1]!.p50 / rows[0]!.p50).toFixed(2)}x; fork simulate ${(rows[3]!.p50 / rows[2]!.p50).toFixed(2)}x; fork mine ${(rows[4]!.p50 / rows[2]!.p50).toFixed(2)}x`,
  );
} finally {
  await devnet.stop();
}
