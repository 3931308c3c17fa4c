/**
 * V4 pools in the token graph: ERC-20 pools walked as they are, native-ETH pools walked as WETH (the executor wraps
 * and unwraps) only when the graph is told which token stands for ETH, and never an ETH/WETH pool nor one whose hooks
 * act around swaps. Also the ranking and gas parts that must tell a V4 hop from a V3 one.
 */
import { zeroAddress, type Address } from 'viem';
import { describe, expect, it } from 'vitest';
import { getSqrtRatioAtTick } from '../../src/amm/v3/tickMath.ts';
import { hookFlags, v4PoolId, type V4PoolKey } from '../../src/amm/v4/poolKey.ts';
import { MarketState } from '../../src/state/market.ts';
import type { Pool, V2Pair, V3Pool, V4Pool } from '../../src/state/types.ts';
import { blindLegs } from '../../src/strategy/blindSizing.ts';
import type { EngineConfig } from '../../src/strategy/candidates.ts';
import { estimateGas } from '../../src/strategy/costs.ts';
import { marginalRate, quoteCycle, type Cycle } from '../../src/strategy/cycle.ts';
import { PoolGraph, walkedTokens } from '../../src/strategy/graph.ts';
import { rankCycles } from '../../src/strategy/rank.ts';
import { probeMarket } from '../../src/strategy/tokenVerdict.ts';
import { sizeCycle } from '../../src/strategy/sizing.ts';
import { venueOfProtocol } from '../../src/state/venues.ts';

const manager: Address = '0x000000000004444c5dc75cB358380D2e3dE08A90';
// Mainnet order: USDC < WETH, DAI < WETH.
const weth: Address = '0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2';
const usdc: Address = '0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48';
const dai: Address = '0x6B175474E89094C44Da98b954EedeAC495271d0F';
const swapHooks = ('0x' + (hookFlags.beforeSwap | hookFlags.beforeSwapReturnsDelta).toString(16).padStart(40, '0')) as Address;

/** A full-range V4 pool at `tick` (price of currency1 in currency0 = 1.0001^tick). */
function v4(currency0: Address, currency1: Address, tick: number, options: { fee?: number; hooks?: Address; protocolFee?: number; simulateOnly?: boolean } = {}): V4Pool {
  const fee = options.fee ?? 3000;
  const key: V4PoolKey = { currency0, currency1, fee, tickSpacing: 60, hooks: options.hooks ?? zeroAddress };
  const id = v4PoolId(key);
  const liquidity = 10n ** 22n;
  return {
    kind: 'v4', address: id, poolId: id, key, poolManager: manager, token0: currency0, token1: currency1, simulateOnly: options.simulateOnly ?? false,
    sqrtPriceX96: getSqrtRatioAtTick(tick), tick, liquidity, lpFee: fee, protocolFee: options.protocolFee ?? 0, fee, tickSpacing: 60,
    ticks: [-887_220, 887_220], liquidityNet: [liquidity, -liquidity], liquidityGross: [liquidity, liquidity],
  };
}

const pair = (n: number, token0: Address, token1: Address, reserve0: bigint, reserve1: bigint): V2Pair => ({
  kind: 'v2', address: `0x${String(n).repeat(40)}` as Address, token0, token1, reserve0, reserve1, feeBps: 30n,
});

// ~3000 USDC (6 decimals) per ETH: USDC per ETH in raw units (currency1 per currency0) = 3e-9.
const ethUsdcTick = -196_257;
const ethUsdc = v4(zeroAddress, usdc, ethUsdcTick);
// USDC/WETH V2 pair at ~3000 (USDC is token0).
const usdcWeth = pair(2, usdc, weth, 3_000_000n * 10n ** 6n, 1000n * 10n ** 18n);
const daiWeth = v4(dai, weth, -80_067); // ~3000 DAI per WETH: WETH per DAI (currency1 per currency0) = 1/3000

describe('V4 pools in the graph', () => {
  it('walks a native ETH pool as WETH only with nativeAs: its hops say WETH, zeroForOne stays the pool direction', () => {
    const closed = new PoolGraph([ethUsdc, usdcWeth]);
    expect(closed.entry(ethUsdc.address)).toBeUndefined();
    expect(closed.cyclesThrough(ethUsdc, weth)).toEqual([]);
    expect(closed.cyclesThrough(usdcWeth, weth)).toEqual([]);

    const graph = new PoolGraph([ethUsdc, usdcWeth], undefined, { nativeAs: weth });
    expect(graph.entry(ethUsdc.address)?.pool).toBe(ethUsdc);
    // The native pool and the WETH pair are one link: WETH/USDC.
    expect(graph.pools(weth, usdc)).toEqual([ethUsdc, usdcWeth]);
    expect(graph.pools(zeroAddress, usdc)).toEqual([]);
    const cycles = graph.cyclesThrough(ethUsdc, weth);
    expect(cycles).toEqual([
      {
        startToken: weth,
        hops: [
          { pool: ethUsdc, tokenIn: weth, tokenOut: usdc, zeroForOne: true },
          { pool: usdcWeth, tokenIn: usdc, tokenOut: weth, zeroForOne: true },
        ],
      },
      {
        startToken: weth,
        hops: [
          { pool: usdcWeth, tokenIn: weth, tokenOut: usdc, zeroForOne: false },
          { pool: ethUsdc, tokenIn: usdc, tokenOut: weth, zeroForOne: false },
        ],
      },
    ]);
    // The same cycles from the pair's side.
    expect(graph.cyclesThrough(usdcWeth, weth).length).toBe(2);
  });

  it('walks an ERC-20 V4 pool with its own tokens, and three-hop cycles mixing V2, V3 and V4', () => {
    const daiUsdc: V3Pool = {
      kind: 'v3', address: '0x3333333333333333333333333333333333333333', token0: dai, token1: usdc, fee: 100, tickSpacing: 1,
      sqrtPriceX96: getSqrtRatioAtTick(-276_324), tick: -276_324, liquidity: 10n ** 18n, ticks: [-887_272, 887_272], liquidityNet: [10n ** 18n, -(10n ** 18n)], liquidityGross: [10n ** 18n, 10n ** 18n],
    };
    const graph = new PoolGraph([daiWeth, daiUsdc, ethUsdc, usdcWeth], undefined, { nativeAs: weth });
    const shapes = graph.cyclesThrough(daiWeth, weth).map((cycle) => cycle.hops.map((hop) => `${hop.pool.kind}:${hop.tokenIn === weth ? 'W' : hop.tokenIn === dai ? 'D' : 'U'}`).join(' '));
    // WETH -> DAI (V4) -> USDC (V3) -> WETH (V4 native, V2), and the same backwards.
    expect(shapes).toEqual(['v4:W v3:D v4:U', 'v4:W v3:U v4:D', 'v4:W v3:D v2:U', 'v2:W v3:U v4:D']);
  });

  it('never walks an ETH/WETH pool nor a pool whose hooks act around swaps, native or not', () => {
    const ethWeth = v4(zeroAddress, weth, 0);
    const hooked = v4(zeroAddress, usdc, ethUsdcTick, { hooks: swapHooks, simulateOnly: true });
    const hookedErc20 = v4(dai, weth, -80_067, { hooks: swapHooks, simulateOnly: true });
    expect(walkedTokens(ethWeth, weth)).toBeUndefined();
    expect(walkedTokens(ethUsdc, undefined)).toBeUndefined();
    expect(walkedTokens(ethUsdc, weth)).toEqual([weth, usdc]);
    const graph = new PoolGraph([ethWeth, hooked, hookedErc20, usdcWeth], undefined, { nativeAs: weth });
    for (const pool of [ethWeth, hooked, hookedErc20]) {
      expect(graph.entry(pool.address)).toBeUndefined();
      expect(graph.cyclesThrough(pool, weth)).toEqual([]);
    }
    expect(graph.pools(weth, usdc)).toEqual([usdcWeth]);
    expect(graph.cyclesThrough(usdcWeth, weth)).toEqual([]);
  });

  it('asks token exclusion with WETH for native ETH (never address(0)), and drops the native pool when WETH is excluded', () => {
    const asked = new Set<string>();
    let wethUnsafe = false;
    const graph = new PoolGraph([ethUsdc, usdcWeth, daiWeth], undefined, { nativeAs: weth, excludedToken: (token) => (asked.add(token.toLowerCase()), wethUnsafe && token.toLowerCase() === weth.toLowerCase()) });
    expect(graph.cyclesThrough(ethUsdc, weth).length).toBe(2);
    expect(asked.has(zeroAddress)).toBe(false);
    expect(asked.has(weth.toLowerCase())).toBe(true);
    wethUnsafe = true;
    expect(graph.cyclesThrough(ethUsdc, weth)).toEqual([]);
  });
});

describe('V4 hops in quoting, ranking and gas', () => {
  it('quotes a simulate-only V4 hop as unfillable (0) and gives it no marginal rate, even handed a cycle through it', () => {
    const hooked = v4(zeroAddress, usdc, ethUsdcTick, { hooks: swapHooks, simulateOnly: true });
    const cycle: Cycle = { startToken: weth, hops: [{ pool: hooked, tokenIn: weth, tokenOut: usdc, zeroForOne: true }, { pool: usdcWeth, tokenIn: usdc, tokenOut: weth, zeroForOne: true }] };
    const market = new MarketState();
    market.reset([hooked, usdcWeth], { number: 1n, hash: `0x${'01'.repeat(32)}`, parentHash: `0x${'00'.repeat(32)}` });
    expect(quoteCycle(market, cycle, 10n ** 18n).amountOut).toBe(0n);
    expect(marginalRate(market, cycle)).toBe(0);
    expect(sizeCycle(market, cycle)).toBeUndefined();
  });

  it('charges the directional protocol fee: a V4 pool with a 0.1% protocol fee one way has a lower marginal rate that way', () => {
    const plain = v4(zeroAddress, usdc, ethUsdcTick);
    const taxed = { ...plain, protocolFee: 1000 }; // 0->1 only (low 12 bits)
    const market = (pool: Pool) => ({ get: (address: Address) => (address === pool.address ? pool : address === usdcWeth.address ? usdcWeth : undefined) });
    const forward = (pool: Pool): Cycle => ({ startToken: weth, hops: [{ pool, tokenIn: weth, tokenOut: usdc, zeroForOne: true }, { pool: usdcWeth, tokenIn: usdc, tokenOut: weth, zeroForOne: true }] });
    const backward = (pool: Pool): Cycle => ({ startToken: weth, hops: [{ pool: usdcWeth, tokenIn: weth, tokenOut: usdc, zeroForOne: false }, { pool, tokenIn: usdc, tokenOut: weth, zeroForOne: false }] });
    expect(marginalRate(market(taxed), forward(taxed))).toBeLessThan(marginalRate(market(plain), forward(plain)));
    expect(marginalRate(market(taxed), backward(taxed))).toBe(marginalRate(market(plain), backward(plain)));
    expect(quoteCycle(market(taxed), forward(taxed), 10n ** 18n).amountOut).toBeLessThan(quoteCycle(market(plain), forward(plain), 10n ** 18n).amountOut);
  });

  it('ranks a profitable cycle through a native V4 pool after its price moves, and prices its gas as a V4 shape', () => {
    // ETH cheap in the V4 pool (2,800 USDC) against the pair (3,000): WETH -> USDC on the pair, USDC -> ETH in V4.
    const cheap = v4(zeroAddress, usdc, ethUsdcTick - 690);
    const market = new MarketState();
    market.reset([cheap, usdcWeth], { number: 1n, hash: `0x${'01'.repeat(32)}`, parentHash: `0x${'00'.repeat(32)}` });
    const graph = new PoolGraph(market.all(), undefined, { nativeAs: weth });
    const ranked = rankCycles({ market }, graph, [cheap], weth, 4, 10n ** 9n);
    expect(ranked.length).toBe(1);
    expect(ranked[0]!.cycle.hops.map((hop) => [hop.pool.kind, hop.tokenIn, hop.zeroForOne])).toEqual([['v2', weth, false], ['v4', usdc, false]]);
    const sized = sizeCycle(market, ranked[0]!.cycle);
    expect(sized?.profit).toBeGreaterThan(0n);
    // v2v4 is measured apart from v2v3 (the calibration has both), and a longer V4 shape is extrapolated from V4 figures.
    const asShape = (kinds: Pool[]): Cycle => ({ startToken: weth, hops: kinds.map((pool) => ({ pool, tokenIn: weth, tokenOut: weth, zeroForOne: true })) });
    const v3 = { ...cheap, kind: 'v3' } as unknown as V3Pool;
    expect(estimateGas(asShape([usdcWeth, cheap]), 0)).not.toBe(estimateGas(asShape([usdcWeth, v3]), 0));
    expect(estimateGas(asShape([cheap, cheap, cheap, cheap]), 0)).toBeGreaterThan(estimateGas(asShape([cheap, cheap, cheap]), 0));
  });
});

describe('blind (hidden-size) legs and V4', () => {
  const config: EngineConfig = { startToken: weth, venues: venueOfProtocol, policy: { priorityFeeWei: 10n ** 9n, builderShareBps: 5000n, minNetProfitWei: 0n } };
  const blind = (market: MarketState, graph: PoolGraph, pool: Address) => blindLegs({ market, graph, pool, nextBaseFeeWei: 10n ** 9n, config, floorWei: () => 300_000n * 2n * 10n ** 9n, builderShareBps: 5000n });

  it('builds no blind leg for a V4 victim pool (the executor reads a victim pool by its address), nor a leg through a V4 pool', () => {
    // A V2 pair and a native V4 pool at the same price, and a second pair: a victim in either pool opens cycles.
    const v4Pool = v4(zeroAddress, usdc, ethUsdcTick);
    const other = pair(3, usdc, weth, 3_000_000n * 10n ** 6n, 1000n * 10n ** 18n);
    const market = new MarketState();
    market.reset([v4Pool, usdcWeth, other], { number: 1n, hash: `0x${'01'.repeat(32)}`, parentHash: `0x${'00'.repeat(32)}` });
    const graph = new PoolGraph(market.all(), undefined, { nativeAs: weth });
    expect(blind(market, graph, v4Pool.address)).toEqual([]);
    const legs = blind(market, graph, usdcWeth.address);
    // The V2 victim still gets its legs, through the other pair only.
    expect(legs.length).toBeGreaterThan(0);
    for (const leg of legs) expect(leg.cycle.hops.map((hop) => hop.pool.kind)).toEqual(['v2', 'v2']);
  });
});

describe('token probes and V4', () => {
  it("never probes a token through a V4 pool, however deep (the graph now names V4 pools among a token's WETH pools)", () => {
    const deepV4 = { ...daiWeth, liquidity: 10n ** 30n };
    const daiPair = pair(4, dai, weth, 3_000_000n * 10n ** 18n, 1000n * 10n ** 18n);
    const graph = new PoolGraph([deepV4, daiPair], undefined, { nativeAs: weth });
    expect(graph.pools(dai, weth)).toEqual([deepV4, daiPair]);
    expect(probeMarket(graph.pools(dai, weth), weth)).toBe(daiPair);
    expect(probeMarket([deepV4], weth)).toBeUndefined();
  });
});
