/**
 * Blind (MEV-Share, amounts hidden) backruns of Uniswap V4 pools, the pure side: the hint parser reads a PoolManager
 * Swap log (encoded here with v4-core's own event ABI from its npm artifact) as a swap in the pool its id names, the
 * victim's direction from the price it logs, the refusals that stay (hook pools, another PoolManager, a pool id logged
 * by another contract), a V4 pool's depth as its positions hold it (checked against the whitepaper's closed forms in
 * floating point), and blind tables keyed by a V4 pool's price. What the chain does with them is
 * test/integration/blind-v4.test.ts and contracts/test/executor/ExecutorSizedV4.t.sol.
 */
import { readFileSync } from 'node:fs';
import { encodeAbiParameters, encodeEventTopics, getAddress, zeroAddress, type Abi, type Address, type Hex } from 'viem';
import { describe, expect, it } from 'vitest';
import { getSqrtRatioAtTick } from '../../src/amm/v3/tickMath.ts';
import { hookFlags, v4PoolId, type V4PoolKey } from '../../src/amm/v4/poolKey.ts';
import { blindRefusal, victimDirection } from '../../src/blindBackrun.ts';
import { parseHint, type PrivateHint } from '../../src/mempool/mevShareHint.ts';
import { MarketState } from '../../src/state/market.ts';
import { PendingOverlay } from '../../src/state/overlay.ts';
import type { Pool, V2Pair, V4Pool } from '../../src/state/types.ts';
import { venueOfProtocol } from '../../src/state/venues.ts';
import { blindLegs, heldIn } from '../../src/strategy/blindSizing.ts';
import type { EngineConfig } from '../../src/strategy/candidates.ts';
import { PoolGraph } from '../../src/strategy/graph.ts';

const poolManagerAbi = JSON.parse(readFileSync('node_modules/@uniswap/v4-core/out/PoolManager.sol/PoolManager.json', 'utf8')).abi as Abi;
const MANAGER = getAddress('0x000000000004444c5dc75cB358380D2e3dE08A90');
const WETH = getAddress('0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2');
const USDC = getAddress('0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48');
const E18 = 10n ** 18n;
const lower = (value: string) => value.toLowerCase();

/** A USDC/WETH V4 pool (USDC is currency0) at ~3,000 USDC per WETH, with one full-range and one narrow position. */
function v4Pool(hooks: Address = zeroAddress, poolManager: Address = MANAGER): V4Pool {
  const key: V4PoolKey = { currency0: USDC, currency1: WETH, fee: 500, tickSpacing: 10, hooks };
  const id = v4PoolId(key);
  // 1 USDC (1e6 units) = 1/3000 WETH (1e18 units): price1/0 = 1e18 / 3000 / 1e6 -> tick ~ 196,256.
  const tick = 196_250;
  const wide = 2n * 10n ** 17n;
  const narrow = 10n ** 18n;
  return {
    kind: 'v4', address: id, poolId: id, key, poolManager, token0: USDC, token1: WETH,
    simulateOnly: (BigInt(hooks) & BigInt(hookFlags.beforeSwap)) !== 0n,
    sqrtPriceX96: getSqrtRatioAtTick(tick), tick, liquidity: wide + narrow, lpFee: 500, protocolFee: 0, fee: 500, tickSpacing: 10,
    ticks: [-887_270, 194_250, 198_250, 887_270], liquidityNet: [wide, narrow, -narrow, -wide], liquidityGross: [wide, narrow, narrow, wide],
  };
}

function swapLog(pool: V4Pool, emitter: Address, amount0: bigint, amount1: bigint, sqrtPriceX96: bigint): { address: Address; topics: Hex[]; data: Hex } {
  const topics = encodeEventTopics({ abi: poolManagerAbi, eventName: 'Swap', args: { id: pool.poolId, sender: getAddress('0x66a9893cc07d91d95644aedd05d03f95e1dba8af') } }) as Hex[];
  const data = encodeAbiParameters(
    [{ type: 'int128' }, { type: 'int128' }, { type: 'uint160' }, { type: 'uint128' }, { type: 'int24' }, { type: 'uint24' }],
    [amount0, amount1, sqrtPriceX96, pool.liquidity, pool.tick - 7, 500],
  );
  return { address: emitter, topics, data };
}

const parsed = (logs: unknown[]): PrivateHint => {
  const result = parseHint({ hash: `0x${'ab'.repeat(32)}`, logs, txs: null });
  if (!result.ok) throw new Error(result.reason);
  return result.hint;
};

describe('MEV-Share hints naming a V4 pool', () => {
  const pool = v4Pool();

  it('a full PoolManager Swap log: the pool id, its PoolManager, the amounts and the price after it', () => {
    const after = pool.sqrtPriceX96 - 10n ** 20n;
    const hint = parsed([swapLog(pool, MANAGER, -5_000n * 10n ** 6n, 16n * 10n ** 17n, after)]);
    expect(hint.swaps).toEqual([{ pool: lower(pool.poolId), protocol: 'v4', manager: lower(MANAGER), amounts: { amount0: -5_000n * 10n ** 6n, amount1: 16n * 10n ** 17n, sqrtPriceX96: after, liquidity: pool.liquidity, tick: pool.tick - 7, fee: 500 } }]);
    expect(hint.after).toEqual([{ pool: lower(pool.poolId), protocol: 'v4', manager: lower(MANAGER), sqrtPriceX96: after, liquidity: pool.liquidity, tick: pool.tick - 7 }]);
    // Token0 (USDC) went in: the price fell.
    expect(victimDirection(hint, lower(pool.poolId), pool)).toBe(true);
    expect(victimDirection(parsed([swapLog(pool, MANAGER, 1n, -1n, pool.sqrtPriceX96 + 1n)]), lower(pool.poolId), pool)).toBe(false);
  });

  it('scrubbed with its id kept: a hidden swap in that pool; with the id zeroed: no pool, said so', () => {
    const full = swapLog(pool, MANAGER, 1n, -1n, pool.sqrtPriceX96);
    const kept = parsed([{ ...full, topics: [full.topics[0]!, full.topics[1]!, `0x${'0'.repeat(64)}`], data: '0x' }]);
    expect(kept.swaps).toEqual([{ pool: lower(pool.poolId), protocol: 'v4', manager: lower(MANAGER), amounts: 'hidden' }]);
    expect(kept.after).toEqual([]);
    const result = parseHint({ hash: `0x${'ab'.repeat(32)}`, logs: [{ ...full, topics: [full.topics[0]!, `0x${'0'.repeat(64)}`, `0x${'0'.repeat(64)}`], data: '0x' }], txs: null });
    expect(result.ok && result.hint.swaps).toEqual([]);
    expect(result.ok && result.ignored.map((item) => item.reason)).toEqual([`${lower(MANAGER)}: a V4 Swap log without its pool id names no pool`]);
  });

  it('data that does not fit the event is skipped as odd', () => {
    const full = swapLog(pool, MANAGER, 1n, -1n, pool.sqrtPriceX96);
    const result = parseHint({ hash: `0x${'ab'.repeat(32)}`, logs: [{ ...full, data: full.data.slice(0, -64) }], txs: null });
    expect(result.ok && result.hint.swaps).toEqual([]);
    expect(result.ok && result.ignored.length).toBe(1);
  });

  it('refuses blind a hook pool, a pool of another PoolManager, and a pool id another contract logged', () => {
    const hint = parsed([swapLog(pool, MANAGER, 1n, -1n, pool.sqrtPriceX96)]);
    expect(blindRefusal(hint, pool, MANAGER)).toBeUndefined();
    expect(blindRefusal(hint, pool, undefined)).toMatch(/another PoolManager/);
    const hooked = v4Pool(getAddress(`0x${'00'.repeat(18)}${(hookFlags.beforeSwap | hookFlags.afterInitialize).toString(16).padStart(4, '0')}`));
    expect(blindRefusal(hint, hooked, MANAGER)).toMatch(/simulate-only/);
    const elsewhere = v4Pool(zeroAddress, getAddress('0x00000000000000000000000000000000000000b2'));
    expect(blindRefusal(hint, elsewhere, MANAGER)).toMatch(/another PoolManager/);
    const forged = parsed([swapLog(pool, getAddress('0x00000000000000000000000000000000000000c3'), 1n, -1n, pool.sqrtPriceX96)]);
    expect(blindRefusal(forged, pool, MANAGER)).toMatch(/logged by another contract/);
  });
});

describe('heldIn: a concentrated pool depth as its positions hold it', () => {
  const sqrt = (tick: number) => Math.sqrt(1.0001 ** tick);
  const near = (actual: bigint, expected: number) => expect(Math.abs(Number(actual) - expected) / expected).toBeLessThan(1e-9);

  it('token0 above the price, token1 below, per position (whitepaper 6.29-6.30)', () => {
    const pool = v4Pool();
    const price = Number(pool.sqrtPriceX96) / 2 ** 96;
    const [wide, narrow] = [2e17, 1e18];
    near(heldIn(pool, true), wide * (1 / price - 1 / sqrt(887_270)) + narrow * (1 / price - 1 / sqrt(198_250)));
    near(heldIn(pool, false), wide * (price - sqrt(-887_270)) + narrow * (price - sqrt(194_250)));
  });

  it('a window of loaded ticks that cuts a wide position: its liquidity counted to the price bound', () => {
    const full = v4Pool();
    // Only the narrow position's ticks loaded: the wide one's liquidity is active past both ends of the window.
    const windowed = { ...full, ticks: [194_250, 198_250], liquidityNet: [10n ** 18n, -(10n ** 18n)], liquidityGross: [10n ** 18n, 10n ** 18n], wordRange: { from: 75, to: 78 } };
    const price = Number(full.sqrtPriceX96) / 2 ** 96;
    const [wide, narrow] = [2e17, 1e18];
    near(heldIn(windowed, true), wide * (1 / price - 1 / sqrt(887_272)) + narrow * (1 / price - 1 / sqrt(198_250)));
    near(heldIn(windowed, false), wide * (price - sqrt(-887_272)) + narrow * (price - sqrt(194_250)));
  });
});

describe('blind tables keyed by a V4 pool price', () => {
  it('a V4 pool beside a V2 pair: tables ascending in sqrtPriceX96, one per direction, each trading somewhere', () => {
    const pool = v4Pool();
    // The pair at the pool's price: a victim either way opens a cycle.
    const price = Number(pool.sqrtPriceX96) / 2 ** 96;
    const wethReserve = 2_000n * E18;
    const pair: V2Pair = { kind: 'v2', venue: 'uniswapV2', address: getAddress('0x00000000000000000000000000000000000000a1'), token0: USDC, token1: WETH, reserve0: BigInt(Math.round(Number(wethReserve) / price ** 2)), reserve1: wethReserve, feeBps: 30n };
    const state = new MarketState(8);
    state.reset([pair, pool] as Pool[], { number: 1n, hash: '0x01', parentHash: '0x00' });
    const config: EngineConfig = { startToken: WETH, venues: venueOfProtocol, policy: { priorityFeeWei: 10n ** 9n, builderShareBps: 5000n, minNetProfitWei: 0n }, v4PoolManager: MANAGER };
    const legs = blindLegs({ market: state, graph: new PoolGraph(state.all()), pool: pool.address, nextBaseFeeWei: 10n ** 9n, config, floorWei: () => 10n ** 14n, builderShareBps: 5000n });
    expect(legs.map((leg) => leg.victimZeroForOne).sort()).toEqual([false, true]);
    for (const leg of legs) {
      expect(leg.pool.address).toBe(pool.address);
      for (let i = 1; i < leg.entries.length; i++) expect(leg.entries[i]!.key > leg.entries[i - 1]!.key).toBe(true);
      // The victim moves the price away from the start: up when token1 goes in, down when token0 does.
      const start = leg.entries.findIndex((entry) => entry.key === pool.sqrtPriceX96);
      expect(start).toBe(leg.victimZeroForOne ? leg.entries.length - 1 : 0);
      expect(leg.entries.some((entry) => entry.amountIn > 0n)).toBe(true);
      expect(leg.cycle.hops.some((hop) => hop.pool.address === pool.address)).toBe(true);
      // Every key is a state the exact V4 math reaches for some victim (its overlay), strictly monotone in its size.
      const overlay = new PendingOverlay(state);
      overlay.applySwap({ pool: pool.address, zeroForOne: leg.victimZeroForOne, amountIn: leg.victimZeroForOne ? 10_000n * 10n ** 6n : 3n * E18 });
      const moved = (overlay.get(pool.address) as V4Pool).sqrtPriceX96;
      expect(leg.victimZeroForOne ? moved < pool.sqrtPriceX96 : moved > pool.sqrtPriceX96).toBe(true);
    }
  });

  it('no table for a simulate-only V4 pool', () => {
    const hooked = v4Pool(getAddress(`0x${'00'.repeat(18)}${(hookFlags.beforeSwap | hookFlags.afterInitialize).toString(16).padStart(4, '0')}`));
    const state = new MarketState(8);
    state.reset([hooked], { number: 1n, hash: '0x01', parentHash: '0x00' });
    const config: EngineConfig = { startToken: WETH, venues: venueOfProtocol, policy: { priorityFeeWei: 10n ** 9n, builderShareBps: 5000n, minNetProfitWei: 0n }, v4PoolManager: MANAGER };
    expect(blindLegs({ market: state, graph: new PoolGraph(state.all()), pool: hooked.address, nextBaseFeeWei: 10n ** 9n, config, floorWei: () => 0n, builderShareBps: 5000n })).toEqual([]);
  });
});
