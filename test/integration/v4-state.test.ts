/**
 * Uniswap V4 pools in the market pipeline, on the devnet's real PoolManager: found from Initialize events, followed
 * block by block from Swap / ModifyLiquidity events (and the dynamic fee read per block), rolled back on a reorg,
 * checkpointed in the real SQLite store, and quoted by `searcher quote --pool <pool id>`. The reference is always
 * the chain: a fresh extsload read, StateView, or V4Quoter.
 */
import { join } from 'node:path';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { decodeFunctionResult, encodeDeployData, encodeFunctionData, maxUint256, parseAbi, zeroAddress, type Address, type Hex, type PublicClient } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_SQRT_RATIO, MIN_SQRT_RATIO } from '../../src/amm/v3/tickMath.ts';
import { isDynamicFee, v4PoolId, type V4PoolKey } from '../../src/amm/v4/poolKey.ts';
import { mainnet, mainnetV4 } from '../../src/chain/addresses.ts';
import type { Devnet } from '../../src/devnet/devnet.ts';
import { loadScenario } from '../../src/devnet/scenario/load.ts';
import { v4Artifact } from '../../src/devnet/v4/artifacts.ts';
import { v4PoolManagerAbi } from '../../src/devnet/v4/pools.ts';
import { createLogger } from '../../src/log.ts';
import { Store } from '../../src/monitor/store.ts';
import { projectRoot } from '../../src/paths.ts';
import { bootstrapPools, discoverPools, type Factories } from '../../src/state/bootstrap.ts';
import { samePoolState, StateFollower } from '../../src/state/follower.ts';
import { MarketState } from '../../src/state/market.ts';
import { loadMarket } from '../../src/state/marketLoader.ts';
import type { V4Pool } from '../../src/state/types.ts';
import { readV4Pool } from '../../src/state/v4Reader.ts';
import { readV4Pools } from '../../src/state/v4Pools.ts';
import { windowAround } from '../../src/state/reader.ts';
import { runCli } from '../helpers/cli.ts';
import { startTestDevnet } from '../helpers/devnet.ts';
import { seededRandom } from '../../src/devnet/traffic/random.ts';

const seed = Number(process.env.FC_SEED ?? Math.floor(Math.random() * 2 ** 31));
const factories: Factories = { v2: [], v3: [], v4: [{ poolManager: mainnetV4.poolManager, venue: 'uniswapV4' }] };
const logger = createLogger('test');

const poolKeyStruct = 'struct PoolKey { address currency0; address currency1; uint24 fee; int24 tickSpacing; address hooks; }';
const swapTestAbi = parseAbi([
  poolKeyStruct,
  'struct SwapParams { bool zeroForOne; int256 amountSpecified; uint160 sqrtPriceLimitX96; }',
  'struct TestSettings { bool takeClaims; bool settleUsingBurn; }',
  'function swap(PoolKey key, SwapParams params, TestSettings testSettings, bytes hookData) payable returns (int256)',
]);
const modifyLiquidityAbi = parseAbi([
  poolKeyStruct,
  'struct ModifyLiquidityParams { int24 tickLower; int24 tickUpper; int256 liquidityDelta; bytes32 salt; }',
  'function modifyLiquidity(PoolKey key, ModifyLiquidityParams params, bytes hookData) payable returns (int256 delta)',
]);
const tokenAbi = parseAbi(['function mint(address to, uint256 amount)', 'function approve(address, uint256) returns (bool)', 'function deposit() payable', 'function balanceOf(address) view returns (uint256)']);
const hookAbi = parseAbi(['function setFee(uint24 fee)']);
const stateViewAbi = parseAbi([
  'function getSlot0(bytes32 poolId) view returns (uint160 sqrtPriceX96, int24 tick, uint24 protocolFee, uint24 lpFee)',
  'function getLiquidity(bytes32 poolId) view returns (uint128)',
  'function getTickLiquidity(bytes32 poolId, int24 tick) view returns (uint128 liquidityGross, int128 liquidityNet)',
]);
const quoterAbi = parseAbi([
  poolKeyStruct,
  'struct QuoteExactSingleParams { PoolKey poolKey; bool zeroForOne; uint128 exactAmount; bytes hookData; }',
  'function quoteExactInputSingle(QuoteExactSingleParams params) returns (uint256 amountOut, uint256 gasEstimate)',
]);

let devnet: Devnet;
let client: PublicClient;
let deployer: Address;
let swapTest: Address;
let liquidityRouter: Address;


/** Sends a transaction from the deployer without mining (several land in the next block). */
async function submit(to: Address, data: Hex, value = 0n): Promise<Hex> {
  return devnet.client.sendTransaction({ account: deployer, to, data, value, gas: 3_000_000n });
}

async function mineAndCheck(hashes: readonly Hex[]): Promise<number> {
  await devnet.client.mine({ blocks: 1 });
  let ok = 0;
  for (const hash of hashes) if ((await devnet.client.waitForTransactionReceipt({ hash, pollingInterval: 10 })).status === 'success') ok++;
  return ok;
}

async function held(currency: Address): Promise<bigint> {
  if (currency === zeroAddress) return devnet.client.getBalance({ address: mainnetV4.poolManager });
  return devnet.client.readContract({ address: currency, abi: tokenAbi, functionName: 'balanceOf', args: [mainnetV4.poolManager] });
}

/** A random exact-input swap through PoolSwapTest: between 1/10^5 and 1/50 of what the PoolManager holds of the input. */
async function randomSwap(random: () => number, key: V4PoolKey): Promise<Hex> {
  const zeroForOne = random() < 0.5;
  const amount = (await held(zeroForOne ? key.currency0 : key.currency1)) / BigInt(Math.floor(50 + random() * 100_000));
  const data = encodeFunctionData({
    abi: swapTestAbi,
    functionName: 'swap',
    args: [key, { zeroForOne, amountSpecified: -(amount + 1n), sqrtPriceLimitX96: zeroForOne ? MIN_SQRT_RATIO + 1n : MAX_SQRT_RATIO - 1n }, { takeClaims: false, settleUsingBurn: false }, '0x'],
  });
  return submit(swapTest, data, key.currency0 === zeroAddress && zeroForOne ? amount + 1n : 0n);
}

type Position = { key: V4PoolKey; tickLower: number; tickUpper: number; liquidity: bigint; salt: Hex };
const positions: Position[] = [];

/** Adds a random position near the price (kept to be removed later), or removes one added before. */
async function randomLiquidity(random: () => number, key: V4PoolKey, tick: number): Promise<Hex> {
  const mine = positions.filter((p) => v4PoolId(p.key) === v4PoolId(key));
  let params: { tickLower: number; tickUpper: number; liquidityDelta: bigint; salt: Hex };
  if (mine.length > 0 && random() < 0.35) {
    const position = mine[Math.floor(random() * mine.length)]!;
    positions.splice(positions.indexOf(position), 1);
    params = { tickLower: position.tickLower, tickUpper: position.tickUpper, liquidityDelta: -position.liquidity, salt: position.salt };
  } else {
    const spacing = key.tickSpacing;
    const base = Math.floor(tick / spacing) * spacing;
    const tickLower = base - spacing * Math.floor(1 + random() * 40);
    const tickUpper = base + spacing * Math.floor(1 + random() * 40);
    const liquidity = 10n ** BigInt(12 + Math.floor(random() * 5));
    const salt = `0x${Math.floor(random() * 2 ** 48).toString(16).padStart(64, '0')}` as Hex;
    positions.push({ key, tickLower, tickUpper, liquidity, salt });
    params = { tickLower, tickUpper, liquidityDelta: liquidity, salt };
  }
  const data = encodeFunctionData({ abi: modifyLiquidityAbi, functionName: 'modifyLiquidity', args: [key, params, '0x'] });
  return submit(liquidityRouter, data, key.currency0 === zeroAddress ? 10n ** 21n : 0n);
}

/** Every V4 pool the market holds equals a fresh extsload read at its head (whole bitmap), and StateView agrees on slot0 and liquidity. */
async function expectChainState(market: MarketState): Promise<number> {
  const v4 = [...market.all()].filter((pool): pool is V4Pool => pool.kind === 'v4');
  expect(v4.length).toBeGreaterThan(0);
  const blockNumber = market.head!.number;
  for (const ours of v4) {
    const fresh = await readV4Pool(client, { poolManager: mainnetV4.poolManager, key: ours.key, blockNumber });
    expect({ id: ours.poolId, same: samePoolState(ours, fresh), tick: ours.tick, lpFee: ours.lpFee }).toEqual({ id: ours.poolId, same: true, tick: fresh.tick, lpFee: fresh.lpFee });
    const [sqrtPriceX96, tick, protocolFee, lpFee] = await client.readContract({ address: mainnetV4.stateView, abi: stateViewAbi, functionName: 'getSlot0', args: [ours.poolId], blockNumber });
    expect([ours.sqrtPriceX96, ours.tick, ours.protocolFee, ours.lpFee]).toEqual([sqrtPriceX96, tick, protocolFee, lpFee]);
    expect(ours.liquidity).toBe(await client.readContract({ address: mainnetV4.stateView, abi: stateViewAbi, functionName: 'getLiquidity', args: [ours.poolId], blockNumber }));
  }
  return v4.length;
}

beforeAll(async () => {
  const scenario = loadScenario(join(projectRoot(), 'scenarios', 'v4.json'));
  devnet = await startTestDevnet({ scenario: { ...scenario, privateFlow: null } });
  client = devnet.client as PublicClient;
  deployer = devnet.manifest.accounts.deployer.address;
  liquidityRouter = devnet.manifest.v4.liquidityRouter!;
  const artifact = v4Artifact('@uniswap/v4-core/out', 'PoolSwapTest');
  const deploy = await devnet.client.sendTransaction({ account: deployer, data: encodeDeployData({ abi: artifact.abi, bytecode: artifact.bytecode, args: [mainnetV4.poolManager] }), gas: 10_000_000n });
  await devnet.client.mine({ blocks: 1 });
  swapTest = (await devnet.client.waitForTransactionReceipt({ hash: deploy })).contractAddress!;
  await devnet.client.setBalance({ address: deployer, value: 10n ** 26n });
  const currencies = new Set(devnet.manifest.v4.pools.flatMap((pool) => [pool.key.currency0, pool.key.currency1]).filter((c) => c !== zeroAddress));
  const hashes: Hex[] = [];
  for (const currency of currencies) {
    hashes.push(
      currency === mainnet.weth
        ? await submit(currency, encodeFunctionData({ abi: tokenAbi, functionName: 'deposit' }), 10n ** 24n)
        : await submit(currency, encodeFunctionData({ abi: tokenAbi, functionName: 'mint', args: [deployer, 10n ** 40n] })),
    );
    for (const spender of [swapTest, liquidityRouter]) hashes.push(await submit(currency, encodeFunctionData({ abi: tokenAbi, functionName: 'approve', args: [spender, maxUint256] })));
  }
  expect(await mineAndCheck(hashes)).toBe(hashes.length);
}, 300_000);

afterAll(async () => {
  await devnet?.stop();
});

describe('V4 pools in the market state', () => {
  it('discovers every V4 pool from the PoolManager Initialize events and follows random swaps, liquidity changes and dynamic fees to the wei, block after block', async () => {
    const head = await client.getBlock({ blockTag: 'latest' });
    const found = await discoverPools(client, factories, head.number!);
    expect(found.v4!.map((entry) => v4PoolId(entry.key)).sort()).toEqual(devnet.manifest.v4.pools.map((pool) => pool.poolId).sort());
    const market = new MarketState(64);
    market.reset(await bootstrapPools(client, found, head.number!), { number: head.number!, hash: head.hash!, parentHash: head.parentHash });
    expect(market.size).toBe(devnet.manifest.v4.pools.length);
    const start = new Map([...market.all()].map((pool) => [pool.address, pool]));
    // Drift checks off: a repair from the chain would hide a wrong application of the events.
    const follower = new StateFollower({ client, market, logger, factories, driftSample: 0 });
    const random = seededRandom(seed);
    const keys = devnet.manifest.v4.pools.map((pool) => pool.key);
    const dynamic = devnet.manifest.v4.pools.find((pool) => isDynamicFee(pool.key))!;
    let landed = 0;
    let feeChanges = 0;
    let compared = 0;
    for (let block = 0; block < 14; block++) {
      const hashes: Hex[] = [];
      for (let i = 0; i < 4; i++) {
        const key = keys[Math.floor(random() * keys.length)]!;
        const tick = (market.get(v4PoolId(key)) as V4Pool).tick;
        hashes.push(random() < 0.6 ? await randomSwap(random, key) : await randomLiquidity(random, key, tick));
      }
      if (block % 4 === 1) {
        // The hook sets the fee it holds before each swap (updateDynamicLPFee: no event): a new fee and a swap.
        hashes.push(await submit(dynamic.key.hooks, encodeFunctionData({ abi: hookAbi, functionName: 'setFee', args: [1000 + Math.floor(random() * 20_000)] })));
        hashes.push(await randomSwap(random, dynamic.key));
        feeChanges++;
      }
      if (block === 7) {
        // A pool created while following: found from its Initialize event, then followed like the others.
        const key: V4PoolKey = { currency0: devnet.manifest.tokens.find((t) => t.symbol === 'DAI')!.address, currency1: devnet.manifest.tokens.find((t) => t.symbol === 'USDC')!.address, fee: 3000, tickSpacing: 60, hooks: zeroAddress };
        if (BigInt(key.currency0) > BigInt(key.currency1)) [key.currency0, key.currency1] = [key.currency1, key.currency0];
        hashes.push(await submit(mainnetV4.poolManager, encodeFunctionData({ abi: v4PoolManagerAbi, functionName: 'initialize', args: [key, 79228162514264337593543950336000000n] })));
        keys.push(key);
      }
      landed += await mineAndCheck(hashes);
      await follower.sync();
      compared += await expectChainState(market);
    }
    if (process.env.V4_VERBOSE) console.log({ seed, blocks: 14, landed, feeChanges, compared, logs: follower.stats.logs });
    expect(follower.stats.discovered).toBe(1);
    expect(market.size).toBe(devnet.manifest.v4.pools.length + 1);
    expect(landed).toBeGreaterThan(40);
    expect(feeChanges).toBeGreaterThan(2);
    expect(compared).toBeGreaterThan(100);
    // Something moved: prices, liquidity and ticks differ from the start (the comparisons were not of still pools).
    const moved = [...start].filter(([address, pool]) => !samePoolState(pool, market.get(address)!));
    expect(moved.length).toBeGreaterThanOrEqual(5);
    expect([...start].some(([address, pool]) => (market.get(address) as V4Pool).ticks.length !== (pool as V4Pool).ticks.length)).toBe(true);
    expect((market.get(dynamic.poolId) as V4Pool).lpFee).not.toBe((start.get(dynamic.poolId) as V4Pool).lpFee);
  }, 300_000);

  it('rolls V4 state back on a reorg: swaps, liquidity and a dynamic fee of the abandoned block are undone', async () => {
    const head = await client.getBlock({ blockTag: 'latest' });
    const market = new MarketState(64);
    market.reset(await bootstrapPools(client, await discoverPools(client, factories, head.number!), head.number!), { number: head.number!, hash: head.hash!, parentHash: head.parentHash });
    // Drift checks on: after every block a sample of V4 pools is read again and compared (none may differ).
    const follower = new StateFollower({ client, market, logger, factories, driftSample: 8 });
    const before = [...market.all()];
    const snapshot = (await devnet.client.request({ method: 'evm_snapshot' as never })) as Hex;
    const random = seededRandom(seed ^ 0x2545f491);
    const dynamic = devnet.manifest.v4.pools.find((pool) => isDynamicFee(pool.key))!;
    const hashes: Hex[] = [await submit(dynamic.key.hooks, encodeFunctionData({ abi: hookAbi, functionName: 'setFee', args: [31_337] })), await randomSwap(random, dynamic.key)];
    for (const listed of devnet.manifest.v4.pools.filter((pool) => pool.hook === 'none')) {
      hashes.push(await randomSwap(random, listed.key));
      hashes.push(await randomLiquidity(random, listed.key, (market.get(listed.poolId) as V4Pool).tick));
    }
    expect(await mineAndCheck(hashes)).toBeGreaterThan(8);
    await follower.sync();
    await expectChainState(market);
    const changed = before.filter((pool) => !samePoolState(pool, market.get(pool.address)!));
    expect(changed.length).toBeGreaterThanOrEqual(5);
    expect((market.get(dynamic.poolId) as V4Pool).lpFee).toBe(31_337);

    // The block is abandoned: the chain goes back and grows a different (empty) block at the same height.
    await devnet.client.request({ method: 'evm_revert' as never, params: [snapshot] as never });
    await devnet.client.mine({ blocks: 2 });
    await follower.sync();
    expect(follower.stats.reorgs).toBe(1);
    expect(follower.stats.rolledBack).toBeGreaterThanOrEqual(1);
    for (const pool of before) expect(samePoolState(market.get(pool.address)!, pool)).toBe(true);
    await expectChainState(market);
    expect(follower.stats.driftChecks).toBeGreaterThanOrEqual(2);
    expect(follower.stats.drift).toBe(0);
  }, 180_000);

  it('keeps tick windows on V4 pools: a price near the edge of its loaded words is read again around the new price', async () => {
    const head = await client.getBlock({ blockTag: 'latest' });
    const windows = (pool: { tick: number; tickSpacing: number }) => windowAround(pool.tick, pool.tickSpacing, 1.01);
    const hookless = devnet.manifest.v4.pools.filter((pool) => pool.hook === 'none');
    const read = await readV4Pools(client, hookless.map((pool) => ({ key: pool.key, poolManager: mainnetV4.poolManager })), head.number!, { windows });
    expect(read.pools.every((pool) => pool.wordRange !== undefined)).toBe(true);
    const market = new MarketState(64);
    market.reset(read.pools, { number: head.number!, hash: head.hash!, parentHash: head.parentHash });
    const follower = new StateFollower({ client, market, logger, factories, driftSample: 4, v3Window: windows });
    const random = seededRandom(seed ^ 0x7f4a7c15);
    // The tick-spacing-1 pool: a 1% window is one word each side, so a few large swaps take the price to its edge.
    const narrow = hookless.find((pool) => pool.key.tickSpacing === 1)!;
    for (let block = 0; block < 6; block++) {
      const zeroForOne = block % 2 === 0;
      // 2% of the in-range virtual reserve of the input: at least a 4% price move (~400 ticks, more than a word
      // of 256) while the liquidity lasts, back and forth. Sized off the pool itself, not what the PoolManager holds.
      const pool = market.get(narrow.poolId) as V4Pool;
      const q96 = 1n << 96n;
      const amount = (zeroForOne ? (pool.liquidity * q96) / pool.sqrtPriceX96 : (pool.liquidity * pool.sqrtPriceX96) / q96) / 50n;
      const data = encodeFunctionData({
        abi: swapTestAbi,
        functionName: 'swap',
        args: [narrow.key, { zeroForOne, amountSpecified: -amount, sqrtPriceLimitX96: zeroForOne ? MIN_SQRT_RATIO + 1n : MAX_SQRT_RATIO - 1n }, { takeClaims: false, settleUsingBurn: false }, '0x'],
      });
      expect(await mineAndCheck([await submit(swapTest, data), await randomSwap(random, hookless[block % hookless.length]!.key)])).toBeGreaterThanOrEqual(1);
      await follower.sync();
      await follower.settled();
      // Each pool equals the chain over the words it holds (a read of the same window at the same block).
      for (const ours of [...market.all()] as V4Pool[]) {
        const fresh = await readV4Pool(client, { poolManager: mainnetV4.poolManager, key: ours.key, blockNumber: market.head!.number, wordRange: ours.wordRange! });
        expect(samePoolState(ours, fresh)).toBe(true);
      }
    }
    expect(follower.stats.rewindowed).toBeGreaterThan(0);
    expect(follower.stats.drift).toBe(0);
  }, 180_000);

  it('checkpoints V4 pools in the SQLite store: a warm start reads back registry and states as the chain holds them', async () => {
    const store = Store.open(join(mkdtempSync(join(tmpdir(), 'v4-state-')), 'store.db'));
    try {
      const head = await client.getBlock({ blockTag: 'latest' });
      const ref = { number: head.number!, hash: head.hash!, parentHash: head.parentHash };
      const cold = await loadMarket({ client, factories, head: ref, logger, checkpoints: { store, scope: 'test' } });
      expect(cold.stats.warm).toBe(false);
      const checkpoint = store.loadPoolCheckpoint('test')!;
      expect(checkpoint.registry.filter((entry) => entry.kind === 'v4').length).toBe(cold.pools.length);
      expect(checkpoint.registry.every((entry) => entry.v4Key !== undefined && entry.factory === mainnetV4.poolManager)).toBe(true);
      // One swap after the checkpoint: a warm start reads that pool (and the dynamic-fee one) again, keeps the others.
      const listed = devnet.manifest.v4.pools.find((pool) => pool.hook === 'none')!;
      expect(await mineAndCheck([await randomSwap(seededRandom(seed + 1), listed.key)])).toBe(1);
      const next = await client.getBlock({ blockTag: 'latest' });
      const warm = await loadMarket({ client, factories, head: { number: next.number!, hash: next.hash!, parentHash: next.parentHash }, logger, checkpoints: { store, scope: 'test' } });
      expect(warm.stats.warm).toBe(true);
      expect(warm.stats.read).toBe(2);
      const market = new MarketState();
      market.reset(warm.pools, { number: next.number!, hash: next.hash!, parentHash: next.parentHash });
      expect(await expectChainState(market)).toBe(cold.pools.length);
    } finally {
      store.close();
    }
  }, 120_000);
});

describe('searcher quote with a V4 pool id', () => {
  const quoter = async (key: V4PoolKey, zeroForOne: boolean, amount: bigint): Promise<bigint> => {
    const data = encodeFunctionData({ abi: quoterAbi, functionName: 'quoteExactInputSingle', args: [{ poolKey: key, zeroForOne, exactAmount: amount, hookData: '0x' }] });
    const result = await client.call({ to: mainnetV4.quoter, data });
    return decodeFunctionResult({ abi: quoterAbi, functionName: 'quoteExactInputSingle', data: result.data! })[0];
  };

  it('--pool <pool id> answers what V4Quoter answers by eth_call, native ETH included, single and --batch', async () => {
    const hookless = devnet.manifest.v4.pools.filter((pool) => pool.hook === 'none');
    expect(hookless.some((pool) => pool.key.currency0 === zeroAddress)).toBe(true);
    const lines: string[] = [];
    const expected: Array<{ pool: string; amountOut: string }> = [];
    for (const [i, listed] of hookless.entries()) {
      const zeroForOne = i % 2 === 0;
      const tokenIn = zeroForOne ? listed.key.currency0 : listed.key.currency1;
      const amountIn = (await held(tokenIn)) / 1000n + 7n;
      expected.push({ pool: listed.poolId, amountOut: String(await quoter(listed.key, zeroForOne, amountIn)) });
      lines.push(JSON.stringify({ pool: listed.poolId, tokenIn, amountIn: String(amountIn) }));
    }
    const first = JSON.parse(lines[0]!) as { pool: string; tokenIn: string; amountIn: string };
    const single = await runCli(['quote', '--rpc', devnet.manifest.rpcUrl, '--pool', first.pool, '--token-in', first.tokenIn, '--amount-in', first.amountIn, '--json']);
    expect(single.code, single.stderr).toBe(0);
    expect(JSON.parse(single.stdout)).toMatchObject({ pool: first.pool, tokenIn: first.tokenIn, amountIn: first.amountIn, amountOut: expected[0]!.amountOut, kind: 'v4' });
    const file = join(mkdtempSync(join(tmpdir(), 'v4-quote-')), 'batch.jsonl');
    writeFileSync(file, `${lines.join('\n')}\n`);
    const batch = await runCli(['quote', '--rpc', devnet.manifest.rpcUrl, '--batch', file]);
    expect(batch.code, batch.stderr).toBe(0);
    const answers = batch.stdout.trim().split('\n').map((line) => JSON.parse(line) as { pool: string; amountOut?: string; error?: string });
    expect(answers.map((answer) => ({ pool: answer.pool, amountOut: answer.amountOut }))).toEqual(expected);
  }, 120_000);

  it('refuses a simulate-only V4 pool (swap hooks) with an error instead of a number', async () => {
    const hooked = devnet.manifest.v4.pools.find((pool) => pool.hook === 'deltaReturning')!;
    const result = await runCli(['quote', '--rpc', devnet.manifest.rpcUrl, '--pool', hooked.poolId, '--token-in', hooked.key.currency1, '--amount-in', '1000000', '--json']);
    expect(result.code).toBe(1);
    const answer = JSON.parse(result.stdout) as { error?: string; amountOut?: string };
    expect(answer.amountOut).toBeUndefined();
    expect(answer.error).toMatch(/simulate only/);
  }, 60_000);
});
