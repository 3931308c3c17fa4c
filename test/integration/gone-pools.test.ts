import { encodeFunctionData, parseAbi, type Address, type PublicClient } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mainnet } from '../../src/chain/addresses.ts';
import { devAccount } from '../../src/devnet/accounts.ts';
import type { Devnet } from '../../src/devnet/devnet.ts';
import { createLogger } from '../../src/log.ts';
import { RiskGate } from '../../src/risk/gate.ts';
import { parseRiskConfig } from '../../src/risk/config.ts';
import { MarketState } from '../../src/state/market.ts';
import { MarketKeeper } from '../../src/state/marketKeeper.ts';
import { mainnetFactories } from '../../src/state/venues.ts';
import { PoolGraph } from '../../src/strategy/graph.ts';
import { startTestBot } from '../helpers/bot.ts';
import { sendSignedAndMine, startTestDevnet } from '../helpers/devnet.ts';

/**
 * A pool the market drops (a reorg deeper than the journal took away the block that created it) leaves every
 * per-pool structure the bot keeps beside the market: the keeper names it, the search graph and the risk layer
 * forget it, so no search quotes a pool that no longer exists.
 */

let devnet: Devnet;
const logger = createLogger('test');

beforeAll(async () => {
  devnet = await startTestDevnet();
}, 120_000);

afterAll(async () => {
  await devnet?.stop();
});

const head = async () => {
  const block = await devnet.client.getBlock({ blockTag: 'latest' });
  return { number: block.number!, hash: block.hash!, parentHash: block.parentHash };
};

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

describe('a pool gone from the market after a reorg deeper than the journal', () => {
  it('leaves the search graph and the risk layer, the pools still there stay', async () => {
    const client = devnet.client as unknown as PublicClient;
    // A journal of one block: a reorg of three is deeper than it (a re-read of the market, as on mainnet past 64).
    const market = new MarketState(1);
    let graph: PoolGraph | undefined;
    const gate = new RiskGate({ config: parseRiskConfig(), logger });
    const gone: string[] = [];
    // Wired as the engine wires them: new pools join the graph, gone pools leave it and the risk layer.
    const keeper = new MarketKeeper({
      client,
      market,
      logger,
      factories: mainnetFactories,
      weth: mainnet.weth,
      settings: { minLiquidityWei: 0n, maxRequestsInFlight: 4, poolsPerCall: 100, v3TickWindowPriceFactor: 0, checkpointEveryBlocks: 1_000, maxWarmGapBlocks: 1_000 },
      onNewPools: (pools) => {
        for (const pool of pools) graph!.add(pool);
      },
      onGonePools: (addresses: readonly string[]) => {
        gone.push(...addresses.map((address) => address.toLowerCase()));
        for (const address of addresses) graph!.remove(address);
        gate.onPoolsGone(addresses);
      },
      onStale: () => {},
      onPause: () => {},
      onBlock: (_, changed) => {
        for (const address of changed) gate.onPoolObservation({ pool: address, price: 1n, explainedByLog: true });
      },
    } as ConstructorParameters<typeof MarketKeeper>[0]);
    await keeper.start(await head());
    graph = new PoolGraph(market.all());
    const before = market.size;
    expect(before).toBeGreaterThan(0);

    const snapshot = await devnet.client.snapshot();
    const abandoned = (await createEmptyV3Pool()).toLowerCase();
    await devnet.client.mine({ blocks: 2 });
    await keeper.sync();
    await keeper.settled();
    expect(market.get(abandoned as Address)).toBeDefined();
    expect(graph.entry(abandoned)).toBeDefined();
    gate.onPoolObservation({ pool: abandoned as Address, price: 1_000n, liquidity: 5n, explainedByLog: true });
    const inner = gate as unknown as { integrity: { prices: Map<string, bigint> }; liquidity: { peaks: Map<string, unknown> } };
    expect(inner.integrity.prices.has(abandoned)).toBe(true);

    // The branch that created it is abandoned for a longer one.
    await devnet.client.revert({ id: snapshot });
    await devnet.client.mine({ blocks: 5 });
    await keeper.sync();
    await keeper.settled();
    expect(market.get(abandoned as Address)).toBeUndefined();
    expect(market.size).toBe(before);
    expect(gone).toEqual([abandoned]);
    expect(graph.entry(abandoned)).toBeUndefined();
    expect(inner.integrity.prices.has(abandoned)).toBe(false);
    expect(inner.liquidity.peaks.has(abandoned)).toBe(false);
    // Every pool still in the market is still in the graph.
    for (const pool of market.all()) expect(graph.entry(pool.address), pool.address).toBeDefined();
    await keeper.stop();
  }, 120_000);
});

describe('the bot, after a reorg deeper than its journal of 64 blocks', () => {
  it('searches no pool the market dropped, and its risk layer holds nothing of it', async () => {
    const { app } = await startTestBot(devnet, { market: { minLiquidityWei: '0' } });
    try {
      const engine = app.engine as unknown as { graph: PoolGraph; market: MarketState };
      const gate = app.risk.gate;
      const integrity = (gate as unknown as { integrity: { prices: Map<string, bigint> } }).integrity;
      const waitForHead = async (number: bigint) => {
        const deadline = Date.now() + 60_000;
        while (app.engine.headNumber < number && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
        expect(app.engine.headNumber).toBe(number);
        await (app.engine as unknown as { keeper: MarketKeeper }).keeper.settled();
      };
      const snapshot = await devnet.client.snapshot();
      const abandoned = (await createEmptyV3Pool()).toLowerCase() as Address;
      await devnet.client.mine({ blocks: 66 });
      await waitForHead((await head()).number);
      expect(engine.market.get(abandoned)).toBeDefined();
      expect(engine.graph.entry(abandoned)).toBeDefined();
      gate.onPoolObservation({ pool: abandoned, price: 1_000n, explainedByLog: true });
      expect(integrity.prices.has(abandoned)).toBe(true);
      // As if a simulation had agreed with a trade through it (optimistic mode would then send first).
      const verified = (app.engine as unknown as { decider: { verifiedPools: Set<string> } }).decider.verifiedPools;
      verified.add(abandoned);

      await devnet.client.revert({ id: snapshot });
      await devnet.client.mine({ blocks: 70 });
      await waitForHead((await head()).number);
      expect(engine.market.get(abandoned)).toBeUndefined();
      expect(engine.graph.entry(abandoned)).toBeUndefined();
      expect(integrity.prices.has(abandoned)).toBe(false);
      expect(verified.has(abandoned)).toBe(false);
      for (const pool of engine.market.all()) expect(engine.graph.entry(pool.address), pool.address).toBeDefined();
    } finally {
      await app.stop();
    }
  }, 180_000);
});
