import { parseAbi, type Address, type PublicClient } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mainnet } from '../../src/chain/addresses.ts';
import { callAndConfirm } from '../../src/devnet/client.ts';
import type { Devnet } from '../../src/devnet/devnet.ts';
import { createLogger } from '../../src/log.ts';
import { samePoolState } from '../../src/state/follower.ts';
import { MarketState } from '../../src/state/market.ts';
import { MarketKeeper } from '../../src/state/marketKeeper.ts';
import { readPools } from '../../src/state/reader.ts';
import type { Pool } from '../../src/state/types.ts';
import { mainnetFactories } from '../../src/state/venues.ts';
import { deployForge } from '../helpers/contracts.ts';
import { startTestDevnet } from '../helpers/devnet.ts';

/**
 * The liquidity floor at work while following: a pair created with dust is registered but not tracked; when a
 * deposit lifts it above the floor, its Sync promotes it and it joins the market with the chain's state.
 */

const tokenAbi = parseAbi(['function mint(address, uint256)', 'function transfer(address, uint256) returns (bool)', 'function deposit() payable']);
const factoryAbi = parseAbi(['function createPair(address, address) returns (address)', 'function getPair(address, address) view returns (address)']);
const pairAbi = parseAbi(['function mint(address) returns (uint256)']);

let devnet: Devnet;
let client: PublicClient;
let market: MarketState;
let keeper: MarketKeeper;
const joined: Pool[] = [];
let deployer: Address;
let token: Address;

beforeAll(async () => {
  devnet = await startTestDevnet();
  client = devnet.client as unknown as PublicClient;
  deployer = devnet.manifest.accounts.deployer.address;
  await devnet.client.setAutomine(true);
  await devnet.client.setBalance({ address: deployer, value: 10n ** 22n });
  token = (await deployForge(devnet.client, deployer, 'StandardToken.sol', 'StandardToken', ['Fresh', 'FRESH', 18, deployer])).address;
  await callAndConfirm(devnet.client, { from: deployer, to: token, abi: tokenAbi, functionName: 'mint', args: [deployer, 10n ** 27n], label: 'mint' });
  await callAndConfirm(devnet.client, { from: deployer, to: mainnet.weth, abi: tokenAbi, functionName: 'deposit', value: 100n * 10n ** 18n, label: 'wrap' });
  const block = await client.getBlock({ blockTag: 'latest' });
  market = new MarketState(16);
  keeper = new MarketKeeper({
    client,
    market,
    logger: createLogger('test'),
    factories: mainnetFactories,
    weth: mainnet.weth,
    settings: { minLiquidityWei: 10n ** 18n, maxRequestsInFlight: 4, poolsPerCall: 50, v3TickWindowPriceFactor: 4, checkpointEveryBlocks: 50, maxWarmGapBlocks: 5_000 },
    onNewPools: (pools) => joined.push(...pools),
    onStale: () => {},
    onPause: () => {},
    onBlock: () => {},
  });
  await keeper.start({ number: block.number!, hash: block.hash!, parentHash: block.parentHash });
}, 120_000);

afterAll(async () => {
  await devnet?.stop();
});

async function deposit(pair: Address, weth: bigint, fresh: bigint) {
  await callAndConfirm(devnet.client, { from: deployer, to: mainnet.weth, abi: tokenAbi, functionName: 'transfer', args: [pair, weth], label: 'weth in' });
  await callAndConfirm(devnet.client, { from: deployer, to: token, abi: tokenAbi, functionName: 'transfer', args: [pair, fresh], label: 'token in' });
  await callAndConfirm(devnet.client, { from: deployer, to: pair, abi: pairAbi, functionName: 'mint', args: [deployer], label: 'mint liquidity' });
}

describe('pools crossing the liquidity floor', () => {
  it('a new pair with dust is registered and watched, not tracked', async () => {
    const tracked = market.size;
    const watching = keeper.watching;
    await callAndConfirm(devnet.client, { from: deployer, to: mainnet.sushiswapFactory, abi: factoryAbi, functionName: 'createPair', args: [token, mainnet.weth], label: 'create pair' });
    const pair = await devnet.client.readContract({ address: mainnet.sushiswapFactory, abi: factoryAbi, functionName: 'getPair', args: [token, mainnet.weth] });
    await deposit(pair, 10n ** 16n, 10n ** 19n); // 0.01 WETH a side
    await keeper.sync();
    await keeper.settled();
    expect(market.get(pair)).toBeUndefined();
    expect(market.size).toBe(tracked);
    expect(keeper.watching).toBe(watching + 1);
    expect(joined.some((pool) => pool.address === pair)).toBe(false);
  });

  it('a deposit that lifts it above the floor promotes it, with the state the chain holds', async () => {
    const pair = await devnet.client.readContract({ address: mainnet.sushiswapFactory, abi: factoryAbi, functionName: 'getPair', args: [token, mainnet.weth] });
    await deposit(pair, 5n * 10n ** 18n, 5n * 10n ** 21n);
    await keeper.sync();
    await keeper.settled();
    const ours = market.get(pair);
    expect(ours).toBeDefined();
    expect(keeper.promoted).toBe(1);
    expect(joined.map((pool) => pool.address)).toContain(pair);
    const [chain] = (await readPools(client, { v2: [pair], blockNumber: market.head!.number })).v2;
    expect(samePoolState(ours!, chain!)).toBe(true);
    expect(ours).toMatchObject({ venue: 'sushiswap', factory: mainnet.sushiswapFactory });
  });
});
