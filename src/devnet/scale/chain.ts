import { rmSync } from 'node:fs';
import { encodeFunctionData, maxUint256, type Address } from 'viem';
import { mainnet } from '../../chain/addresses.ts';
import { startAnvil, type Anvil } from '../../chain/anvil.ts';
import type { Logger } from '../../log.ts';
import { parseUnitsExact } from '../../units/decimal.ts';
import { accountIndex, devAccount } from '../accounts.ts';
import { createDevnetClient, type DevnetClient } from '../client.ts';
import { deployDevnetExecutor } from '../executor.ts';
import type { Scenario } from '../scenario/schema.ts';
import type { DevnetPool } from '../seed/pools.ts';
import { approvedRouters } from '../seed/traders.ts';
import { erc20Abi, type DevnetToken } from '../tokens.ts';
import { placeUniswapContracts, verifyUniswapContracts } from '../uniswap.ts';
import { buildBlockGasLimit, buildScaleMarket, ScaleBuildError } from './build.ts';
import { readScaleCache, scaleBuildVersion, scaleCacheKey, scaleDumpPath, writeScaleCache, type ScaleCacheEntry } from './cache.ts';
import { generateScaleMarket } from './generate.ts';
import { sendPipelined, type PipelinedTx } from './pipeline.ts';
import { stripTraces } from './stripTraces.ts';

/** Mainnet's block gas limit: the traffic's blocks are mainnet-sized once the build is done. */
export const scaleBlockGasLimit = 30_000_000n;

export type OpenScaleChainParameters = {
  pools: number;
  seed: number;
  scenario: Scenario;
  port: number;
  chainId: number;
  cacheDir: string;
  anvilArgs: readonly string[];
  logger: Logger;
};

/** What the manifest says about a scale market: which one, whether it came from the cache, how long building took. */
export type ScaleManifestInfo = { pools: number; seed: number; cacheKey: string; cached: boolean; buildMs: number; loadMs: number; statePath: string };

export type ScaleChain = {
  anvil: Anvil;
  client: DevnetClient;
  tokens: DevnetToken[];
  pools: DevnetPool[];
  executor: ScaleCacheEntry['executor'];
  info: ScaleManifestInfo;
};

/**
 * A running anvil holding the scale market: loaded from the cache when an entry for these inputs exists, else
 * built (real factories, the seeder), dumped into the cache, and then loaded like a cached one, so the first
 * start and every later one run on the same chain.
 */
export async function openScaleChain(parameters: OpenScaleChainParameters): Promise<ScaleChain> {
  const { pools, seed, scenario, chainId, cacheDir, logger } = parameters;
  const traders = scenario.traders.count;
  const accounts = accountIndex.firstTrader + traders;
  const key = scaleCacheKey({ seed, pools, chainId, traders });
  let cached = readScaleCache(cacheDir, key);
  const wasCached = cached !== undefined;
  if (!cached) {
    logger.info({ pools, seed, key }, 'scale devnet: building the market (first start for these inputs)');
    await buildIntoCache(parameters, key, accounts);
    cached = readScaleCache(cacheDir, key);
    if (!cached) throw new ScaleBuildError('SCALE_BUILD', `the scale cache entry ${key} was not written to ${cacheDir}`);
  }
  const { entry, statePath } = cached;
  const loadStarted = performance.now();
  const anvil = await startAnvil({
    port: parameters.port,
    chainId,
    accounts,
    extraArgs: ['--order', 'fifo', '--load-state', statePath, ...parameters.anvilArgs],
  });
  try {
    const client = createDevnetClient(anvil.rpcUrl, chainId);
    const head = Number(await client.getBlockNumber({ cacheTime: 0 }));
    // A loaded chain must be the one described: same head, and the factories know every pool.
    if (head !== entry.head) throw new ScaleBuildError('SCALE_CACHE', `the cached chain ${statePath} loaded at block ${head}, expected ${entry.head}: delete it to rebuild`);
    const loadMs = Math.round(performance.now() - loadStarted);
    logger.info({ key, cached: wasCached, loadMs, buildMs: entry.buildMs }, 'scale devnet: chain loaded');
    return {
      anvil,
      client,
      tokens: entry.tokens,
      pools: entry.pools,
      executor: entry.executor,
      info: { pools, seed, cacheKey: key, cached: wasCached, buildMs: entry.buildMs, loadMs, statePath },
    };
  } catch (error) {
    await anvil.stop();
    throw error;
  }
}

/** Builds the market on a fresh anvil, funds the traders and the executor, and stores the chain under `key`. */
async function buildIntoCache(parameters: OpenScaleChainParameters, key: string, accounts: number): Promise<void> {
  const { pools, seed, scenario, chainId, cacheDir, logger } = parameters;
  const started = performance.now();
  const market = generateScaleMarket({ seed, pools });
  // The build runs on its own anvil (on a free port) with a block gas limit that fits ~100 pools per transaction.
  const dumpPath = scaleDumpPath(cacheDir, key);
  const anvil = await startAnvil({
    port: 0,
    chainId,
    accounts,
    // (A long state interval: anvil would otherwise also dump the growing state periodically during the build.)
    extraArgs: ['--gas-limit', String(buildBlockGasLimit), '--dump-state', dumpPath, '--state-interval', '86400'],
    // Dumping a full-size market takes a while: give anvil time to finish writing before it is killed.
    stopGraceMs: 600_000,
  });
  let entry: ScaleCacheEntry;
  try {
    // A long timeout: a block of ~100 pool creations takes seconds on a busy machine.
    const client = createDevnetClient(anvil.rpcUrl, chainId, { timeoutMs: 300_000 });
    const deployer = devAccount(accountIndex.deployer).address;
    const searcher = devAccount(accountIndex.searcher).address;
    await placeUniswapContracts(client, deployer);
    await verifyUniswapContracts(client, deployer);
    const built = await buildScaleMarket(client, deployer, market, (progress) =>
      logger.info(progress, 'scale devnet: seeder transactions mined'),
    );
    logger.info({ pools: built.pools.length, ms: Math.round(performance.now() - started) }, 'scale devnet: pools built');
    const traders = Array.from({ length: scenario.traders.count }, (_, i) => devAccount(accountIndex.firstTrader + i).address);
    await fundScaleTraders(client, deployer, traders, scenario, built.tokens);
    const executor = await deployDevnetExecutor(client, deployer, searcher, parseUnitsExact(scenario.executor.inventoryWeth, 18));
    await client.setBlockGasLimit({ gasLimit: scaleBlockGasLimit });
    await client.mine({ blocks: 1 });
    entry = {
      key,
      inputs: { seed, pools, chainId, traders: scenario.traders.count },
      generatorVersion: market.version,
      buildVersion: scaleBuildVersion,
      buildMs: 0,
      head: Number(await client.getBlockNumber({ cacheTime: 0 })),
      tokens: built.tokens.map(({ symbol, name, address, decimals, kind }) => ({ symbol, name, address, decimals, kind })),
      pools: built.pools,
      seeder: built.seeder,
      executor,
    };
  } catch (error) {
    await anvil.stop();
    rmSync(dumpPath, { force: true });
    throw error;
  }
  // anvil writes the dump as it exits; the cache keeps it without the call traces (see stripTraces).
  await anvil.stop();
  const strippedPath = `${dumpPath}.stripped`;
  try {
    const stripped = stripTraces(dumpPath, strippedPath);
    logger.info(stripped, 'scale devnet: call traces dropped from the dump');
  } finally {
    rmSync(dumpPath, { force: true });
  }
  entry.buildMs = Math.round(performance.now() - started);
  writeScaleCache(cacheDir, strippedPath, entry);
  logger.info({ key, buildMs: entry.buildMs, head: entry.head }, 'scale devnet: built and cached');
}

/** Gives each trader ETH, the hub tokens of the scenario and router approvals for them, all pipelined. */
async function fundScaleTraders(client: DevnetClient, deployer: Address, traders: readonly Address[], scenario: Scenario, tokens: readonly DevnetToken[]): Promise<void> {
  const holdings = Object.entries(scenario.traders.tokens).map(([symbol, amount]) => {
    const token = tokens.find((candidate) => candidate.symbol === symbol);
    if (!token) throw new ScaleBuildError('SCALE_BUILD', `traders hold ${symbol}, which the scale market lacks`);
    return { token, amount: parseUnitsExact(amount, token.decimals) };
  });
  const eth = parseUnitsExact(scenario.traders.eth, 18);
  const weth = holdings.find(({ token }) => token.kind === 'weth')?.amount ?? 0n;
  await Promise.all(traders.map((trader) => client.setBalance({ address: trader, value: eth + weth })));
  const txs: PipelinedTx[] = [];
  for (const trader of traders) {
    if (weth > 0n) txs.push({ from: trader, to: mainnet.weth, data: encodeFunctionData({ abi: erc20Abi, functionName: 'deposit' }), value: weth, gas: 100_000n, label: `wrap WETH for ${trader}` });
    for (const { token, amount } of holdings) {
      if (token.kind !== 'weth') txs.push({ from: deployer, to: token.address, data: encodeFunctionData({ abi: erc20Abi, functionName: 'mint', args: [trader, amount] }), gas: 150_000n, label: `mint ${token.symbol} to ${trader}` });
      for (const router of approvedRouters) {
        txs.push({ from: trader, to: token.address, data: encodeFunctionData({ abi: erc20Abi, functionName: 'approve', args: [router, maxUint256] }), gas: 100_000n, label: `approve ${token.symbol} for ${trader}` });
      }
    }
  }
  await sendPipelined(client, txs);
}
