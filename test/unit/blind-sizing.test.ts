import { getAddress } from 'viem';
import { describe, expect, it } from 'vitest';
import { isqrt } from '../../src/amm/isqrt.ts';
import { getAmountOut } from '../../src/amm/v2.ts';
import { MarketState } from '../../src/state/market.ts';
import type { V2Pair } from '../../src/state/types.ts';
import { blindLegs } from '../../src/strategy/blindSizing.ts';
import { sizedAmountIn } from '../../src/bundle/sizing.ts';
import type { SizingEntry } from '../../src/strategy/sizingTable.ts';

/** The executor's input at `key` (its rule, checked against the chain in executor-sized.test.ts): 0 outside the table. */
const interpolateAmount = (entries: readonly SizingEntry[], key: bigint) => sizedAmountIn(entries, key, 1n << 128n) ?? 0n;
import type { EngineConfig } from '../../src/strategy/candidates.ts';
import { PoolGraph } from '../../src/strategy/graph.ts';
import { venueOfProtocol } from '../../src/state/venues.ts';
import { syntheticMarket, WETH as SYNTHETIC_WETH } from '../helpers/syntheticMarket.ts';
import { PendingOverlay } from '../../src/state/overlay.ts';

const WETH = getAddress('0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2');
const TKN = getAddress('0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48'); // token0
const E18 = 10n ** 18n;
const addr = (n: number) => getAddress(`0x${n.toString(16).padStart(40, '0')}`);
const pair = (n: number, venue: string, reserveTkn: bigint, reserveWeth: bigint): V2Pair => ({ kind: 'v2', address: addr(n), token0: TKN, token1: WETH, reserve0: reserveTkn, reserve1: reserveWeth, feeBps: 30n, venue });
const config: EngineConfig = { startToken: WETH, venues: venueOfProtocol, policy: { priorityFeeWei: 10n ** 9n, builderShareBps: 5000n, minNetProfitWei: 0n } };

/** The closed-form optimum of WETH -> TKN on `cheap` -> WETH on `dear` (a·x/(b + c·x) - x), independent of the search. */
function closedFormOptimum(cheap: V2Pair, dear: V2Pair): bigint {
  const a = 997n * 997n * cheap.reserve0 * dear.reserve1;
  const b = 1000n * 1000n * cheap.reserve1 * dear.reserve0;
  const c = 1000n * 997n * dear.reserve0 + 997n * 997n * cheap.reserve0;
  const root = isqrt(a * b);
  return root > b ? (root - b) / c : 0n;
}

const profitOf = (cheap: V2Pair, dear: V2Pair, x: bigint) => getAmountOut(getAmountOut(x, cheap.reserve1, cheap.reserve0, 30n), dear.reserve0, dear.reserve1, 30n) - x;

describe('blind sizing tables (victim amounts hidden)', () => {
  it('a V2 victim of any size, either way: the interpolated input earns within 0.1% of the closed-form optimum', () => {
    const uni = pair(1, 'uniswapV2', 3_000_000n * E18, 1000n * E18);
    const sushi = pair(2, 'sushiswap', 1_500_000n * E18, 500n * E18);
    const state = new MarketState(8);
    state.reset([uni, sushi], { number: 1n, hash: '0x01', parentHash: '0x00' });
    const graph = new PoolGraph(state.all());
    const legs = blindLegs({ market: state, graph, pool: uni.address, nextBaseFeeWei: 10n ** 9n, config, floorWei: () => 300_000n * 2n * 10n ** 9n, builderShareBps: 5000n });
    expect(legs.map((leg) => leg.victimZeroForOne).sort()).toEqual([false, true]);
    for (const leg of legs) {
      for (let i = 1; i < leg.entries.length; i++) expect(leg.entries[i]!.key > leg.entries[i - 1]!.key).toBe(true);
      expect(leg.entries.some((point) => point.amountIn > 0n)).toBe(true);
    }
    let seed = 99;
    const random = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    let checked = 0;
    for (let trial = 0; trial < 200; trial++) {
      // A victim input between 5 bps and 5% of the reserve, buying TKN (WETH in: oneForZero) or selling it.
      const victimZeroForOne = random() < 0.5;
      const reserve = victimZeroForOne ? uni.reserve0 : uni.reserve1;
      const victimIn = (reserve * BigInt(Math.floor(50 + random() * 49_950))) / 1_000_000n;
      const overlay = new PendingOverlay(state);
      overlay.applySwap({ pool: uni.address, zeroForOne: victimZeroForOne, amountIn: victimIn });
      const after = overlay.get(uni.address) as V2Pair;
      // Independent: after the victim, the dear pool is uni when it bought TKN (WETH in), sushi otherwise.
      const [cheap, dear] = victimZeroForOne ? [after, sushi] : [sushi, after];
      const optimum = closedFormOptimum(cheap, dear);
      const best = optimum > 0n ? profitOf(cheap, dear, optimum) : 0n;
      const leg = legs.find((candidate) => candidate.victimZeroForOne === victimZeroForOne)!;
      const amount = interpolateAmount(leg.entries, after.reserve0);
      // The other direction's table never trades on this state.
      const other = legs.find((candidate) => candidate.victimZeroForOne !== victimZeroForOne)!;
      expect(interpolateAmount(other.entries, after.reserve0)).toBe(0n);
      if (best < 2n * 10n ** 15n) continue; // half of it below the floor (0.0006 ETH): the table may rightly say 0
      checked++;
      expect(amount > 0n).toBe(true);
      const got = profitOf(cheap, dear, amount);
      expect(got * 1000n >= best * 999n).toBe(true);
    }
    expect(checked).toBeGreaterThan(100);
  });

  it.each([
    { name: 'a floor of 0.0006 ETH', floor: 300_000n * 2n * 10n ** 9n },
    { name: 'a floor of 1 wei: it pays from where the price gap opens', floor: 1n },
  ])('a V2 victim just past the size from which a backrun pays its floor ($name): the table still takes 99 in 100 and never falls below the floor', ({ floor }) => {
    const uni = pair(1, 'uniswapV2', 3_000_000n * E18, 1000n * E18);
    const sushi = pair(2, 'sushiswap', 1_500_000n * E18, 500n * E18);
    const state = new MarketState(8);
    state.reset([uni, sushi], { number: 1n, hash: '0x01', parentHash: '0x00' });
    const graph = new PoolGraph(state.all());
    const legs = blindLegs({ market: state, graph, pool: uni.address, nextBaseFeeWei: 10n ** 9n, config, floorWei: () => floor, builderShareBps: 5000n });
    /** The pair after the victim, and the best profit there by the closed form (independent of the table). */
    const after = (victimZeroForOne: boolean, victimIn: bigint) => {
      const overlay = new PendingOverlay(state);
      overlay.applySwap({ pool: uni.address, zeroForOne: victimZeroForOne, amountIn: victimIn });
      const moved = overlay.get(uni.address) as V2Pair;
      const [cheap, dear] = victimZeroForOne ? [moved, sushi] : [sushi, moved];
      const optimum = closedFormOptimum(cheap, dear);
      return { moved, cheap, dear, best: optimum > 0n ? profitOf(cheap, dear, optimum) : 0n };
    };
    let checked = 0;
    let worst = 1;
    for (const victimZeroForOne of [true, false]) {
      // The smallest victim whose best backrun leaves the executor its floor after a 50% share (bisection, closed form).
      let [low, high] = [1n, (victimZeroForOne ? uni.reserve0 : uni.reserve1) / 10n];
      while (high - low > 1n) {
        const middle = (low + high) / 2n;
        if (after(victimZeroForOne, middle).best / 2n >= floor) high = middle;
        else low = middle;
      }
      const leg = legs.find((candidate) => candidate.victimZeroForOne === victimZeroForOne)!;
      // From just past it to 30% past it: where a table interpolating from the last grid point that pays nothing
      // would put in too much.
      for (let i = 1; i <= 60; i++) {
        const victimIn = high + (high * BigInt(i)) / 200n;
        const { moved, cheap, dear, best } = after(victimZeroForOne, victimIn);
        const amount = interpolateAmount(leg.entries, moved.reserve0);
        expect(amount > 0n, `victim ${victimIn}`).toBe(true);
        const got = profitOf(cheap, dear, amount);
        expect(got / 2n >= floor, `victim ${victimIn}: keeps ${got / 2n} < floor ${floor}`).toBe(true);
        expect(got * 100n >= best * 99n, `victim ${victimIn}: ${got} of ${best}`).toBe(true);
        worst = Math.min(worst, Number((got * 10_000n) / best) / 10_000);
        checked++;
      }
    }
    expect(checked).toBe(120);
    console.info(`[blind-sizing] worst capture just past a floor of ${floor} wei: ${worst}`);
  });

  it('a V3 pool keyed by its price: the table is ascending and trades only on the side the victim moved it', () => {
    const { market } = syntheticMarket(12);
    const graph = new PoolGraph(market.all());
    const v3 = [...market.all()].find((pool) => pool.kind === 'v3')!;
    const legs = blindLegs({ market, graph, pool: v3.address, nextBaseFeeWei: 10n ** 9n, config: { ...config, startToken: SYNTHETIC_WETH }, floorWei: () => 300_000n * 2n * 10n ** 9n, builderShareBps: 5000n });
    expect(legs.length).toBeGreaterThan(0);
    const start = v3.kind === 'v3' ? v3.sqrtPriceX96 : 0n;
    for (const leg of legs) {
      for (let i = 1; i < leg.entries.length; i++) expect(leg.entries[i]!.key > leg.entries[i - 1]!.key).toBe(true);
      // A zeroForOne victim lowers the price: its table lies at and below the start, the other at and above.
      const keys = leg.entries.map((point) => point.key);
      if (leg.victimZeroForOne) expect(keys.every((key) => key <= start)).toBe(true);
      else expect(keys.every((key) => key >= start)).toBe(true);
      expect(interpolateAmount(leg.entries, start)).toBe(0n);
    }
  });

  it('a V3 pool whose loaded tick window a large assumed victim leaves: those grid points are left out, the rest still sized', () => {
    const { market } = syntheticMarket(12);
    const v3 = [...market.all()].find((pool) => pool.kind === 'v3')!;
    if (v3.kind !== 'v3') throw new Error('the synthetic market has a V3 pool');
    // Only the word of the current tick is loaded: a victim that crosses out of it has no known state after it.
    const word = Math.floor(Math.floor(v3.tick / v3.tickSpacing) / 256);
    const narrowed = { ...v3, wordRange: { from: word, to: word } };
    const state = new MarketState(8);
    state.reset([...market.all()].map((pool) => (pool === v3 ? narrowed : pool)), { number: 1n, hash: '0x01', parentHash: '0x00' });
    const graph = new PoolGraph(state.all());
    const run = () => blindLegs({ market: state, graph, pool: v3.address, nextBaseFeeWei: 10n ** 9n, config: { ...config, startToken: SYNTHETIC_WETH }, floorWei: () => 300_000n * 2n * 10n ** 9n, builderShareBps: 5000n });
    const legs = run();
    const whole = blindLegs({ market, graph: new PoolGraph(market.all()), pool: v3.address, nextBaseFeeWei: 10n ** 9n, config: { ...config, startToken: SYNTHETIC_WETH }, floorWei: () => 300_000n * 2n * 10n ** 9n, builderShareBps: 5000n });
    // Fewer points than with every tick loaded (the ones past the window are gone), none of them guessed.
    const points = (of: typeof legs) => of.reduce((sum, leg) => sum + leg.entries.length, 0);
    expect(points(legs)).toBeGreaterThan(0);
    expect(points(legs)).toBeLessThan(points(whole));
    for (const leg of legs) for (let i = 1; i < leg.entries.length; i++) expect(leg.entries[i]!.key > leg.entries[i - 1]!.key).toBe(true);
  });
});
