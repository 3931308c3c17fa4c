import { createPublicClient, http, keccak256, parseAbi, toHex, type Address, type PublicClient } from 'viem';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { mainnet } from '../../src/chain/addresses.ts';
import { callAndConfirm } from '../../src/devnet/client.ts';
import type { Devnet } from '../../src/devnet/devnet.ts';
import { createLogger } from '../../src/log.ts';
import { bootstrapPools, discoverPools, type DiscoveredPools } from '../../src/state/bootstrap.ts';
import { samePoolState, StateFollower } from '../../src/state/follower.ts';
import { MarketState } from '../../src/state/market.ts';
import { PendingOverlay } from '../../src/state/overlay.ts';
import { readPools } from '../../src/state/reader.ts';
import { parseRiskConfig } from '../../src/risk/config.ts';
import { RiskGate } from '../../src/risk/gate.ts';
import type { RiskEvent } from '../../src/risk/types.ts';
import { RpcProxy } from '../helpers/rpcProxy.ts';
import { deployForge } from '../helpers/contracts.ts';
import { startTestDevnet } from '../helpers/devnet.ts';

const erc20 = parseAbi(['function mint(address, uint256)', 'function deposit() payable', 'function transfer(address, uint256) returns (bool)']);
const providerAbi = parseAbi(['function mint(address pool, int24 tickLower, int24 tickUpper, uint128 liquidity)', 'function burn(address pool, int24 tickLower, int24 tickUpper, uint128 liquidity)']);

let devnet: Devnet;
let market: MarketState;
let follower: StateFollower;
let discovered: DiscoveredPools;
let provider: Address;
const staleSignals: boolean[] = [];

const factories = {
  v2: [
    { address: mainnet.uniswapV2Factory, feeBps: 30n, venue: 'uniswapV2' },
    { address: mainnet.sushiswapFactory, feeBps: 30n, venue: 'sushiswap' },
  ],
  v3: [{ address: mainnet.uniswapV3Factory, venue: 'uniswapV3' }],
};

/** Every tracked pool equals a fresh read of the chain at our head. */
async function expectMarketEqualsChain() {
  const head = market.head!;
  expect(head.hash).toBe((await devnet.client.getBlock({ blockNumber: head.number })).hash);
  const fresh = await readPools(devnet.client as never, { v2: discovered.v2.map((p) => p.pair), v3: discovered.v3, blockNumber: head.number });
  const mismatched = [...fresh.v2, ...fresh.v3].filter((pool) => !samePoolState(market.get(pool.address)!, pool));
  expect(mismatched.map((pool) => pool.address)).toEqual([]);
}

/** A block of user traffic plus, on some blocks, a liquidity change in a V3 pool. */
async function mineBlock(step: number) {
  const deployer = devnet.manifest.accounts.deployer.address;
  const v3 = devnet.manifest.pools.filter((pool) => pool.dex === 'uniswapV3' && !pool.pair.some((s) => ['FOT', 'HONEY', 'SALMON'].includes(s)));
  const pool = v3[step % v3.length]!;
  const spacing = pool.tickSpacing!;
  const [lower, upper] = [-spacing * (10 + step), spacing * (5 + step)];
  const slot0 = await devnet.client.readContract({ address: pool.address, abi: parseAbi(['function slot0() view returns (uint160, int24, uint16, uint16, uint16, uint8, bool)']), functionName: 'slot0' });
  const around = Math.floor(slot0[1] / spacing) * spacing;
  if (step % 3 === 0) {
    await devnet.client.setAutomine(true);
    await callAndConfirm(devnet.client, { from: deployer, to: provider, abi: providerAbi, functionName: 'mint', args: [pool.address, around + lower, around + upper, 10n ** 15n], label: 'mint' });
    if (step % 2 === 0) {
      await callAndConfirm(devnet.client, { from: deployer, to: provider, abi: providerAbi, functionName: 'burn', args: [pool.address, around + lower, around + upper, 10n ** 15n / 2n], label: 'burn' });
    }
    await devnet.client.setAutomine(false);
  }
  while (devnet.traffic!.handledHead < (await devnet.client.getBlockNumber({ cacheTime: 0 }))) await new Promise((r) => setTimeout(r, 10));
  await devnet.client.mine({ blocks: 1 });
}

beforeAll(async () => {
  devnet = await startTestDevnet({ traffic: true });
  const deployer = devnet.manifest.accounts.deployer.address;
  await devnet.client.setAutomine(true);
  await devnet.client.setBalance({ address: deployer, value: 10n ** 22n });
  provider = (await deployForge(devnet.client, deployer, 'UniswapFixture.sol', 'LiquidityProvider')).address;
  for (const token of devnet.manifest.tokens) {
    if (token.kind === 'weth') {
      await callAndConfirm(devnet.client, { from: deployer, to: token.address, abi: erc20, functionName: 'deposit', value: 1000n * 10n ** 18n, label: 'wrap' });
      await callAndConfirm(devnet.client, { from: deployer, to: token.address, abi: erc20, functionName: 'transfer', args: [provider, 1000n * 10n ** 18n], label: 'fund' });
    } else if (token.kind === 'standard' || token.kind === 'noReturn') {
      await callAndConfirm(devnet.client, { from: deployer, to: token.address, abi: erc20, functionName: 'mint', args: [provider, 10n ** 30n], label: 'fund' });
    }
  }
  await devnet.client.setAutomine(false);
  const head = await devnet.client.getBlock();
  discovered = await discoverPools(devnet.client as never, factories, head.number!);
  market = new MarketState(64);
  market.reset(await bootstrapPools(devnet.client as never, discovered, head.number!), { number: head.number!, hash: head.hash!, parentHash: head.parentHash });
  follower = new StateFollower({ client: devnet.client as never, market, logger: createLogger('test'), factories, onStale: (stale) => staleSignals.push(stale) });
}, 120_000);

afterAll(async () => {
  await devnet?.stop();
});

describe('market state', () => {
  it('discovers every pool the scenario created, from factory events', () => {
    expect(discovered.v2.length + discovered.v3.length).toBe(devnet.manifest.pools.length);
    expect(market.size).toBe(devnet.manifest.pools.length);
    const factoryOf = { uniswapV2: mainnet.uniswapV2Factory, sushiswap: mainnet.sushiswapFactory, uniswapV3: mainnet.uniswapV3Factory };
    for (const pool of devnet.manifest.pools) {
      expect(market.get(pool.address)!.venue).toBe(pool.dex);
      // the factory that made it: what the executor recomputes the pool's address from
      expect(market.get(pool.address)!.factory).toBe(factoryOf[pool.dex]);
    }
  });

  it('follows swaps, mints and burns block by block and equals a fresh read of every pool', async () => {
    for (let step = 0; step < 10; step++) {
      await mineBlock(step);
      await follower.sync();
    }
    expect(follower.stats.logs).toBeGreaterThan(20);
    expect(follower.stats.drift).toBe(0);
    expect(staleSignals).toEqual([]);
    await expectMarketEqualsChain();
  }, 120_000);

  it('rolls back a reorg and follows the new branch', async () => {
    const snapshot = await devnet.client.snapshot();
    for (let step = 10; step < 13; step++) {
      await mineBlock(step);
      await follower.sync();
    }
    const abandoned = market.head!;
    await devnet.client.revert({ id: snapshot });
    const forkPoint = await devnet.client.getBlockNumber({ cacheTime: 0 });
    // A different branch from its first block on: a liquidity change the abandoned branch never had.
    await mineBlock(21);
    for (let step = 22; step < 26; step++) await mineBlock(step);
    await follower.sync();
    expect(follower.stats.reorgs).toBe(1);
    expect(BigInt(follower.stats.rolledBack)).toBe(abandoned.number - forkPoint);
    expect(market.head!.number).toBe(await devnet.client.getBlockNumber({ cacheTime: 0 }));
    await expectMarketEqualsChain();
  }, 120_000);

  it('flags drift, repairs the pool and clears the signal', async () => {
    // Corrupt one pool in our copy, as a missed log would.
    const victim = market.get(discovered.v2[0]!.pair)!;
    if (victim.kind !== 'v2') throw new Error('expected a pair');
    market.replace([{ ...victim, reserve0: victim.reserve0 + 1n }]);
    const drifting = new StateFollower({ client: devnet.client as never, market, logger: createLogger('test'), driftSample: market.size, onStale: (stale) => staleSignals.push(stale) });
    await mineBlock(31); // one block: no liquidity change on this step
    await drifting.sync();
    expect(drifting.stats.drift).toBe(1);
    expect(staleSignals).toEqual([true]);
    await mineBlock(32);
    await drifting.sync();
    expect(staleSignals).toEqual([true, false]);
    await expectMarketEqualsChain();
  }, 60_000);

  it('per block, the follower never walks every pool: its drift sample is drawn by index', async () => {
    const all = vi.spyOn(market, 'all');
    const addresses = vi.spyOn(market, 'addresses');
    try {
      // A sample larger than what a block changes, so random pools are drawn on every block.
      const sampling = new StateFollower({ client: devnet.client as never, market, logger: createLogger('test'), driftSample: 6 });
      for (let step = 40; step < 43; step++) {
        await mineBlock(step);
        await sampling.sync();
      }
      // Three steps, and the blocks their liquidity changes mined.
      expect(sampling.stats.blocks).toBeGreaterThanOrEqual(3);
      expect(sampling.stats.driftChecks).toBe(sampling.stats.blocks);
      expect(sampling.stats.drift).toBe(0);
      expect(all).not.toHaveBeenCalled();
      expect(addresses).not.toHaveBeenCalled();
    } finally {
      all.mockRestore();
      addresses.mockRestore();
    }
    await expectMarketEqualsChain();
  }, 60_000);

  it('adds a pool created while following, with its state after the creating block', async () => {
    const deployer = devnet.manifest.accounts.deployer.address;
    const usdt = devnet.manifest.tokens.find((t) => t.symbol === 'USDT')!.address;
    const dai = devnet.manifest.tokens.find((t) => t.symbol === 'DAI')!.address;
    const router = parseAbi(['function addLiquidity(address,address,uint256,uint256,uint256,uint256,address,uint256) returns (uint256,uint256,uint256)']);
    await devnet.client.setAutomine(true);
    await callAndConfirm(devnet.client, { from: deployer, to: dai, abi: erc20, functionName: 'mint', args: [deployer, 10n ** 24n], label: 'mint' });
    await callAndConfirm(devnet.client, { from: deployer, to: usdt, abi: erc20, functionName: 'mint', args: [deployer, 10n ** 12n], label: 'mint' });
    // the deployer approved the routers for these tokens when it built the scenario's pools
    await callAndConfirm(devnet.client, { from: deployer, to: mainnet.uniswapV2Router02, abi: router, functionName: 'addLiquidity', args: [dai, usdt, 10n ** 23n, 10n ** 11n, 0n, 0n, deployer, 2n ** 40n], label: 'new pair' });
    await devnet.client.setAutomine(false);
    await follower.sync();
    expect(follower.stats.discovered).toBe(1);
    const pair = await devnet.client.readContract({ address: mainnet.uniswapV2Factory, abi: parseAbi(['function getPair(address,address) view returns (address)']), functionName: 'getPair', args: [dai, usdt] });
    const ours = market.get(pair)!;
    expect(ours).toMatchObject({ kind: 'v2', venue: 'uniswapV2', factory: mainnet.uniswapV2Factory });
    const fresh = await readPools(devnet.client as never, { v2: [pair] });
    expect(samePoolState(ours, fresh.v2[0]!)).toBe(true);
  });

  it('applies a pending swap to an overlay without touching canonical state', () => {
    const pair = market.get(discovered.v2[0]!.pair)!;
    const v3 = market.get(discovered.v3[0]!)!;
    const overlay = new PendingOverlay(market);
    const out = overlay.applySwap({ pool: pair.address, zeroForOne: true, amountIn: 10n ** 18n });
    const v3Out = overlay.applySwap({ pool: v3.address, zeroForOne: false, amountIn: 10n ** 15n });
    expect(out).toBeGreaterThan(0n);
    expect(v3Out).toBeGreaterThan(0n);
    expect(market.get(pair.address)).toBe(pair);
    expect(market.get(v3.address)).toBe(v3);
    const moved = overlay.get(pair.address)!;
    if (moved.kind !== 'v2' || pair.kind !== 'v2') throw new Error('expected a pair');
    expect([moved.reserve0, moved.reserve1]).toEqual([pair.reserve0 + 10n ** 18n, pair.reserve1 - out]);
    expect(overlay.touched().sort()).toEqual([pair.address, v3.address].sort());
  });
});

const pairAbi = parseAbi(['function getReserves() view returns (uint112, uint112, uint32)']);
const poolAbi = parseAbi(['function slot0() view returns (uint160, int24, uint16, uint16, uint16, uint8, bool)', 'function liquidity() view returns (uint128)']);
const stateTopics = ['Sync(uint112,uint112)', 'Swap(address,address,int256,int256,uint160,uint128,int24)', 'Mint(address,address,int24,int24,uint128,uint256,uint256)', 'Burn(address,int24,int24,uint128,uint256,uint256)'].map((signature) => keccak256(toHex(signature)));

/** The market equals the chain at its head: every pool's getReserves, or slot0 and liquidity, read directly; and the full state (ticks too) by the reader. */
async function expectPoolsEqualChain(state: MarketState) {
  const head = state.head!;
  expect(head.hash).toBe((await devnet.client.getBlock({ blockNumber: head.number })).hash);
  const pools = [...state.all()];
  const onChain = await discoverPools(devnet.client as never, factories, head.number);
  expect(pools.length).toBe(onChain.v2.length + onChain.v3.length);
  const differing: string[] = [];
  for (const pool of pools) {
    if (pool.kind === 'v2') {
      const [reserve0, reserve1] = await devnet.client.readContract({ address: pool.address, abi: pairAbi, functionName: 'getReserves', blockNumber: head.number });
      if (reserve0 !== pool.reserve0 || reserve1 !== pool.reserve1) differing.push(pool.address);
    } else {
      const [sqrtPriceX96, tick] = await devnet.client.readContract({ address: pool.address, abi: poolAbi, functionName: 'slot0', blockNumber: head.number });
      const liquidity = await devnet.client.readContract({ address: pool.address, abi: poolAbi, functionName: 'liquidity', blockNumber: head.number });
      if (sqrtPriceX96 !== pool.sqrtPriceX96 || tick !== pool.tick || liquidity !== pool.liquidity) differing.push(pool.address);
    }
  }
  expect(differing).toEqual([]);
  const fresh = await readPools(devnet.client as never, { v2: pools.filter((p) => p.kind === 'v2').map((p) => p.address), v3: pools.filter((p) => p.kind === 'v3').map((p) => p.address), blockNumber: head.number });
  expect([...fresh.v2, ...fresh.v3].filter((pool) => !samePoolState(state.get(pool.address)!, pool)).map((pool) => pool.address)).toEqual([]);
}

describe('a follower behind a node that fails or reorgs deeply', () => {
  let proxy: RpcProxy;
  let client: PublicClient;
  beforeAll(async () => {
    proxy = await RpcProxy.for(devnet.manifest.rpcUrl).start();
    client = createPublicClient({ transport: http(proxy.url, { batch: true }) }) as PublicClient;
  });
  afterAll(async () => {
    await proxy?.stop();
  });

  /** A market of its own (journal of `depth` blocks) at the current head, followed through the proxy; no drift checks, so no repair can hide a skipped log. */
  async function follow(depth: number, onPause: (reason: string | undefined) => void) {
    const head = await devnet.client.getBlock();
    const own = new MarketState(depth);
    const found = await discoverPools(client, factories, head.number!);
    own.reset(await bootstrapPools(client, found, head.number!), { number: head.number!, hash: head.hash!, parentHash: head.parentHash });
    return { start: head.number!, market: own, follower: new StateFollower({ client, market: own, logger: createLogger('test'), factories, driftSample: 0, onPause }) };
  }

  const header = async () => {
    const block = await devnet.client.getBlock();
    return { number: block.number!, hash: block.hash!, parentHash: block.parentHash };
  };

  it('one failed getLogs does not poison it: the next head retries the missed block, and the state equals the chain', async () => {
    const pauses: Array<string | undefined> = [];
    const { start, market: own, follower: flaky } = await follow(64, (reason) => pauses.push(reason));
    await mineBlock(40);
    const synced = await header();
    await flaky.sync(synced);
    // Blocks until one the lost logs would matter for: it moved pools, so skipping it would leave them wrong
    // (the random traffic may leave a block without swaps).
    let missed = synced;
    for (let tries = 0; ; tries++) {
      if (tries === 10) throw new Error('ten blocks without a state log: the traffic is not running');
      await mineBlock(41);
      missed = await header();
      if ((await devnet.client.getLogs({ blockHash: missed.hash, topics: [stateTopics] } as never)).length > 0) break;
    }
    proxy.failNext('eth_getLogs');
    await expect(flaky.sync(missed)).rejects.toThrow(/injected failure of eth_getLogs/);
    expect(proxy.failed).toEqual(['eth_getLogs']);
    expect(own.head).toEqual(synced);
    await mineBlock(43);
    const next = await header();
    await flaky.sync(next);
    expect(own.head).toEqual(next);
    // Every block applied once: none skipped, none twice.
    expect(flaky.stats.blocks).toBe(Number(next.number - start));
    await expectPoolsEqualChain(own);
    // Sending paused while the state was behind, and resumed once it caught up.
    expect(pauses).toEqual([expect.stringMatching(/state sync failed.*injected failure of eth_getLogs/), undefined]);
  }, 120_000);

  it('a reorg deeper than the journal re-bootstraps the pools while sending pauses, then resumes', async () => {
    const clock = { t: 1_700_000_000_000 };
    const gate = new RiskGate({ config: parseRiskConfig({}), now: () => clock.t, logger: createLogger('test') });
    gate.setEquity(100n * 10n ** 18n);
    const events: RiskEvent[] = [];
    gate.onEvent((event) => events.push(event));
    const { market: own, follower: deep } = await follow(4, (reason) => (reason === undefined ? gate.resumeSending('state') : gate.pauseSending('state', reason)));
    const proposal = { targetBlock: 0n, gasLimit: 300_000n, maxGasCostWei: 1_000n, pools: [discovered.v2[0]!.pair], startToken: mainnet.weth, amountIn: 10n ** 17n, flash: false };
    const snapshot = await devnet.client.snapshot();
    const branch: Array<{ number: bigint; hash: string }> = [];
    for (let step = 50; step < 56; step++) {
      await mineBlock(step);
      await deep.sync(await header());
      branch.push(own.head!);
    }
    const abandoned = own.head!;
    gate.onHead({ number: abandoned.number });
    expect(gate.check({ ...proposal, targetBlock: abandoned.number + 1n })).toEqual({ ok: true });
    await devnet.client.revert({ id: snapshot });
    // A different, longer branch from its first block on (a liquidity change the abandoned one never had): at least
    // 8 steps, and more until it is longer (once, on a loaded machine, 8 steps left it only as long).
    for (let step = 60; step < 68 || ((await header()).number <= abandoned.number && step < 80); step++) await mineBlock(step);
    const tip = await header();
    expect(tip.number).toBeGreaterThan(abandoned.number);
    // Every block of the branch we followed is gone: a reorg of 6 blocks or more, deeper than the 4 journaled.
    expect(branch).toHaveLength(6);
    for (const block of branch) expect((await devnet.client.getBlock({ blockNumber: block.number })).hash, String(block.number)).not.toBe(block.hash);
    expect(own.journalDepth).toBe(4);

    proxy.hold('eth_call'); // the pool reads of the re-bootstrap wait here, so the test can look at the gate meanwhile
    const syncing = deep.sync(tip);
    const first = await Promise.race([proxy.waitHeld().then(() => 'held' as const), syncing.then(() => 'synced' as const, (error: Error) => error)]);
    expect(first).toBe('held');
    const during = gate.check({ ...proposal, targetBlock: tip.number + 1n });
    expect(during).toMatchObject({ ok: false, breaker: 'integrity', reason: expect.stringMatching(/reorg deeper than the journal/) });
    proxy.release();
    await syncing;

    expect(gate.check({ ...proposal, targetBlock: tip.number + 1n })).toEqual({ ok: true });
    expect(events.filter((event) => event.breaker === 'integrity').map((event) => event.kind)).toEqual(['trip', 'reset']);
    expect(deep.stats).toMatchObject({ reorgs: 1, rebootstraps: 1 });
    expect(own.head).toEqual(tip);
    await expectPoolsEqualChain(own);
    // And it follows on from there, block by block.
    await mineBlock(68);
    await deep.sync(await header());
    expect(own.head!.number).toBe(tip.number + 1n);
    await expectPoolsEqualChain(own);
  }, 180_000);
});
