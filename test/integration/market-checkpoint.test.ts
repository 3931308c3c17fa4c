import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPublicClient, encodeFunctionData, http, parseAbi, type Address, type PublicClient } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devAccount } from '../../src/devnet/accounts.ts';
import type { Devnet } from '../../src/devnet/devnet.ts';
import { mainnet } from '../../src/chain/addresses.ts';
import { createLogger } from '../../src/log.ts';
import { Store } from '../../src/monitor/store.ts';
import { samePoolState } from '../../src/state/follower.ts';
import { loadMarket, toDiscovered, type LoadMarketParameters } from '../../src/state/marketLoader.ts';
import { readMarket } from '../../src/state/bootstrap.ts';
import type { PoolCheckpointStore } from '../../src/state/poolCheckpoint.ts';
import type { Pool } from '../../src/state/types.ts';
import { mainnetFactories } from '../../src/state/venues.ts';
import { PoolRegistry } from '../../src/state/registry.ts';
import { signVictim } from '../helpers/backrun.ts';
import { startTestBot } from '../helpers/bot.ts';
import { sendSignedAndMine, startTestDevnet } from '../helpers/devnet.ts';
import { RpcProxy } from '../helpers/rpcProxy.ts';

/**
 * The market loaded from a checkpoint in the store: a warm restart reads again only the pools with an event since
 * the checkpoint (and those created since), and ends with exactly the state a cold read of every pool gives.
 */

let devnet: Devnet;
let proxy: RpcProxy;
let client: PublicClient;
let store: Store;
const logger = createLogger('test');
const scope = 'test-chain';

const head = async () => {
  const block = await devnet.client.getBlock({ blockTag: 'latest' });
  return { number: block.number!, hash: block.hash!, parentHash: block.parentHash };
};

const load = async (overrides: Partial<LoadMarketParameters> = {}) =>
  loadMarket({ client, factories: mainnetFactories, head: await head(), logger, checkpoints: { store, scope }, floor: { weth: mainnet.weth, minLiquidityWei: 10n ** 18n }, ...overrides });

const byAddress = (pools: readonly Pool[]) => new Map(pools.map((pool) => [pool.address.toLowerCase(), pool]));

beforeAll(async () => {
  devnet = await startTestDevnet();
  proxy = await RpcProxy.for(devnet.manifest.rpcUrl).start();
  client = createPublicClient({ transport: http(proxy.url, { retryCount: 0 }) }) as PublicClient;
  store = Store.open(join(mkdtempSync(join(tmpdir(), 'searcher-checkpoint-')), 'searcher.db'));
}, 120_000);

afterAll(async () => {
  store?.close();
  await proxy?.stop();
  await devnet?.stop();
});

describe('market checkpoint and warm restart', () => {
  it('cold: discovers every pool from block 0, keeps those above the floor, with lens calls bounded in flight', async () => {
    proxy.peakInFlight = 0;
    const cold = await load({ poolsPerCall: 2, maxInFlight: 3, checkpoints: undefined });
    expect(cold.stats.warm).toBe(false);
    expect(cold.stats.discovered).toBe(devnet.manifest.pools.length);
    expect(cold.stats.tracked).toBe(cold.pools.length);
    expect(cold.pools.length).toBeGreaterThan(0);
    // 16 pools at 2 per call is 8 header calls, plus tick calls: more than 3 could have run together.
    expect(proxy.peakInFlight).toBeLessThanOrEqual(3);
    expect(proxy.peakInFlight).toBeGreaterThan(1);
  });

  it('warm: after swaps in two pools and a new pool, only those are read again, and the state equals a cold read', async () => {
    const first = await load();
    expect(first.stats.warm).toBe(false);
    const checkpointBlock = store.loadPoolCheckpoint(scope)!.block.number;
    expect(checkpointBlock).toBe((await head()).number);

    // Two swaps in the next block move some pools; a new (empty) V3 pool is created in another.
    await signVictim(devnet, { router: 'sushiswapRouter', path: ['WETH', 'USDC'], amount: 10n ** 18n, trader: 3 });
    await signVictim(devnet, { router: 'swapRouter', path: ['WETH', 'USDC'], fees: [3000], amount: 10n ** 18n, trader: 4 });
    await devnet.builder.buildBlock();
    const moved = new Set((await devnet.client.getLogs({ fromBlock: (await head()).number, toBlock: (await head()).number })).map((log) => log.address.toLowerCase()));
    const tracked = new Set(devnet.manifest.pools.map((pool) => pool.address.toLowerCase()));
    const movedPools = [...moved].filter((address) => tracked.has(address));
    expect(movedPools.length).toBeGreaterThanOrEqual(2);
    const newPool = await createEmptyV3Pool();

    const calls = proxy.count('eth_call');
    const warm = await load();
    expect(warm.stats.warm).toBe(true);
    expect(warm.stats.fromCheckpoint).toBe(checkpointBlock);
    expect(warm.stats.read).toBe(movedPools.length + 1);
    expect(warm.stats.discovered).toBe(devnet.manifest.pools.length + 1);
    // The new pool has no liquidity: below the floor, registered but not tracked.
    expect(warm.pools.some((pool) => pool.address.toLowerCase() === newPool.toLowerCase())).toBe(false);
    const warmCalls = proxy.count('eth_call') - calls;

    // The reference: every pool read from the chain again, no checkpoint.
    const before = proxy.count('eth_call');
    const cold = await load({ checkpoints: undefined });
    const coldCalls = proxy.count('eth_call') - before;
    expect(warmCalls).toBeLessThan(coldCalls);
    const coldPools = byAddress(cold.pools);
    expect(warm.pools.length).toBe(cold.pools.length);
    for (const pool of warm.pools) expect(samePoolState(pool, coldPools.get(pool.address.toLowerCase())!), pool.address).toBe(true);
  });

  it('a checkpoint whose block is no longer canonical is not used (cold, with the same result)', async () => {
    const checkpoint = store.loadPoolCheckpoint(scope)!;
    store.savePoolCheckpoint(scope, { block: { ...checkpoint.block, hash: `0x${'ab'.repeat(32)}` }, registry: [], states: [], untracked: [] });
    const reloaded = await load();
    expect(reloaded.stats.warm).toBe(false);
    expect(reloaded.stats.read).toBe(reloaded.stats.discovered);
  });

  it('a store that cannot save costs the next start its warmth, not this one its market', async () => {
    const failing: PoolCheckpointStore = {
      loadPoolCheckpoint: () => undefined,
      savePoolCheckpoint: () => {
        throw new Error('database is locked');
      },
    };
    const loaded = await load({ checkpoints: { store: failing, scope } });
    expect(loaded.pools.length).toBe(loaded.stats.tracked);
    expect(loaded.pools.length).toBeGreaterThan(0);
  });
});

describe('a registry entry that is not a pool', () => {
  it('is isolated and left out (named as gone), the rest of its batch is read', async () => {
    const loaded = await load({ checkpoints: undefined });
    const bogus = '0x00000000000000000000000000000000000b0905' as Address;
    const withBogus = toDiscovered([...loaded.registry.slice(0, 5), { address: bogus, kind: 'v3' }, ...loaded.registry.slice(5)]);
    const result = await readMarket(client, withBogus, (await head()).number, { poolsPerCall: 200, floor: { weth: mainnet.weth, minLiquidityWei: 10n ** 18n } });
    expect(result.gone).toEqual([bogus]);
    expect(result.tracked.length).toBe(loaded.pools.length);
  });
});

describe('the registry after a reorg deeper than the journal', () => {
  it('forgets a pool created on the abandoned branch, keeps the older ones, scans only the last blocks, and reads the chain', async () => {
    const loaded = await load({ checkpoints: undefined });
    const registry = new PoolRegistry(loaded.registry, 8n);
    const snapshot = await devnet.client.snapshot();
    const abandoned = await createEmptyV3Pool();
    // As the engine registers a pool its follower found created in the block just applied.
    const [token0, token1] = devnet.manifest.tokens.slice(0, 2).map((token) => token.address as Address) as [Address, Address];
    registry.add([{ kind: 'v3', address: abandoned, token0, token1, fee: 100, tickSpacing: 1, sqrtPriceX96: 0n, tick: 0, liquidity: 0n, ticks: [], liquidityNet: [], liquidityGross: [] }], (await head()).number);
    expect(registry.size).toBe(loaded.registry.length + 1);
    await devnet.client.revert({ id: snapshot });
    // The new branch is longer than the abandoned one (1 block) and shorter than the depth looked at again (8).
    await devnet.client.mine({ blocks: 4 });
    const tip = await head();
    const scans: Array<{ fromBlock: string }> = [];
    const originalGetLogs = client.getLogs.bind(client);
    const watched = { ...client, getLogs: (args: { fromBlock: bigint }) => (scans.push({ fromBlock: String(args.fromBlock) }), originalGetLogs(args as never)) } as unknown as PublicClient;
    const pools = await registry.reload(watched, mainnetFactories, tip, { floor: { weth: mainnet.weth, minLiquidityWei: 10n ** 18n } });
    expect(registry.size).toBe(loaded.registry.length);
    expect(registry.all().some((entry) => entry.address.toLowerCase() === abandoned.toLowerCase())).toBe(false);
    expect(scans).toEqual([{ fromBlock: String(tip.number - 8n) }]);
    const cold = byAddress((await load({ checkpoints: undefined })).pools);
    expect(pools.length).toBe(cold.size);
    for (const pool of pools) expect(samePoolState(pool, cold.get(pool.address.toLowerCase())!), pool.address).toBe(true);
  });
});

describe('the bot restarts warm', () => {
  it('a bot stopped and started again on the same store loads from its checkpoint, and still trades', async () => {
    const dbFile = join(mkdtempSync(join(tmpdir(), 'searcher-restart-')), 'searcher.db');
    const first = await startTestBot(devnet, {}, { dbFile });
    expect(first.app.engine.bootstrap?.warm).toBe(false);
    await first.app.stop();
    // A block with a swap while the bot is down.
    await signVictim(devnet, { router: 'uniswapV2Router02', path: ['WETH', 'USDC'], amount: 10n ** 18n, trader: 5 });
    await devnet.builder.buildBlock();

    const second = await startTestBot(devnet, {}, { dbFile });
    try {
      const loaded = second.app.engine.bootstrap!;
      expect(loaded.warm).toBe(true);
      expect(loaded.read).toBeGreaterThan(0);
      expect(loaded.read).toBeLessThan(loaded.discovered);
      // It trades on the warm market: a profitable victim reaches the builder as a bundle.
      const bundles = devnet.builder.counts.bundles;
      await signVictim(devnet, { router: 'sushiswapRouter', path: ['WETH', 'USDC'], amount: 8n * 10n ** 18n, trader: 6 });
      const deadline = Date.now() + 15_000;
      while (devnet.builder.counts.bundles === bundles && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(devnet.builder.counts.bundles).toBeGreaterThan(bundles);
      await devnet.builder.buildBlock();
    } finally {
      await second.app.stop();
    }
  }, 90_000);
});

/** A V3 pool for a token pair and fee the scenario does not have, created through the real factory, never initialized. */
async function createEmptyV3Pool(): Promise<Address> {
  const factoryAbi = parseAbi(['function createPool(address, address, uint24) returns (address)', 'function getPool(address, address, uint24) view returns (address)']);
  const [a, b] = devnet.manifest.tokens.slice(0, 2).map((token) => token.address as Address) as [Address, Address];
  for (const fee of [100, 500, 3000, 10000]) {
    const existing = await devnet.client.readContract({ address: mainnet.uniswapV3Factory, abi: factoryAbi, functionName: 'getPool', args: [a, b, fee] });
    if (existing !== '0x0000000000000000000000000000000000000000') continue;
    await sendSignedAndMine(devnet, devAccount(devnet.manifest.accounts.deployer.index), { to: mainnet.uniswapV3Factory, data: encodeFunctionData({ abi: factoryAbi, functionName: 'createPool', args: [a, b, fee] }), gas: 6_000_000n });
    return devnet.client.readContract({ address: mainnet.uniswapV3Factory, abi: factoryAbi, functionName: 'getPool', args: [a, b, fee] });
  }
  throw new Error('every fee tier of the first two tokens already has a pool');
}
