import { getAddress, type Address } from 'viem';
import { describe, expect, it } from 'vitest';
import { getAmountOut } from '../../src/amm/v2.ts';
import { getSqrtRatioAtTick } from '../../src/amm/v3/tickMath.ts';
import type { PendingSwaps } from '../../src/mempool/watcher.ts';
import { MarketState } from '../../src/state/market.ts';
import { PendingOverlay } from '../../src/state/overlay.ts';
import type { Pool, V2Pair, V3Pool } from '../../src/state/types.ts';
import { venueOfProtocol } from '../../src/state/venues.ts';
import { sizeWithinCaps } from '../../src/strategy/capSizing.ts';
import { applyVictim, backrunCandidates, type Candidate, type EngineConfig } from '../../src/strategy/candidates.ts';
import { cycleKey, type Cycle, type CycleHop } from '../../src/strategy/cycle.ts';
import { PoolGraph } from '../../src/strategy/graph.ts';
import { sizeCycle } from '../../src/strategy/sizing.ts';

// Search at hub scale: which cycles get the exact sizing is decided by an estimate of each cycle after the
// victim, never by the order the pools were added to the graph.

const WETH = getAddress('0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2');
const E18 = 10n ** 18n;
const addr = (n: number) => getAddress(`0x${n.toString(16).padStart(40, '0')}`);
const ROUTER = '0x7a250d5630b4cf539739df2c5dacb4c659f2488d';
const BASE_FEE = 10n ** 9n;
const config: EngineConfig = {
  startToken: WETH,
  venues: venueOfProtocol,
  policy: { priorityFeeWei: 10n ** 9n, builderShareBps: 5000n, minNetProfitWei: 0n },
};

function v2(n: number, venue: string, a: Address, reserveA: bigint, b: Address, reserveB: bigint): V2Pair {
  const [token0, token1, reserve0, reserve1] = BigInt(a) < BigInt(b) ? [a, b, reserveA, reserveB] : [b, a, reserveB, reserveA];
  return { kind: 'v2', venue, address: addr(n), token0, token1, reserve0, reserve1, feeBps: 30n };
}

function marketOf(pools: readonly Pool[]): MarketState {
  const state = new MarketState(8);
  state.reset(pools, { number: 1n, hash: '0x01', parentHash: '0x00' });
  return state;
}

/** A Uniswap V2 exact-input swap along the pair `pool`, from `tokenIn`. */
function victim(pool: V2Pair, tokenIn: Address, amountIn: bigint, hash = '0xv1'): PendingSwaps {
  const tokenOut = pool.token0 === tokenIn ? pool.token1 : pool.token0;
  return {
    tx: { hash, from: addr(99).toLowerCase(), to: ROUTER, value: 0n, input: '0x', nonce: 0n, maxFeePerGas: 10n ** 11n },
    swaps: [{ protocol: 'uniswap-v2', router: ROUTER, kind: 'exactIn', tokenIn: tokenIn.toLowerCase(), tokenOut: tokenOut.toLowerCase(), path: [tokenIn.toLowerCase(), tokenOut.toLowerCase()], fees: [null], amountIn, amountOut: 0n, recipient: addr(99).toLowerCase(), deadline: null }],
    firstSeenMs: 0,
    decodedMs: 0,
  };
}

describe('search at hub scale', () => {
  it('finds the one profitable cycle through a hub with thousands of neighbours, added after all the others', () => {
    // HUB trades at 2,000 per WETH; each neighbour Y at 1 per HUB, on a HUB/Y pair and a Y/WETH pair, all
    // consistent (every cycle loses its fees). The last neighbour added is the exception: its WETH pair sells Y
    // 10% cheap. 300 dust neighbours before it are mispriced wildly but hold too little to pay any gas.
    const HUB = addr(0xabc0001);
    const hubPair = v2(1, 'uniswapV2', WETH, 10_000n * E18, HUB, 20_000_000n * E18);
    const pools: Pool[] = [hubPair];
    const NEIGHBOURS = 3_000;
    let n = 10;
    let target: { hubY: V2Pair; yWeth: V2Pair } | undefined;
    for (let i = 0; i < NEIGHBOURS; i++) {
      const y = addr(0x100000 + i);
      const dust = i >= NEIGHBOURS - 301 && i < NEIGHBOURS - 1;
      const last = i === NEIGHBOURS - 1;
      const hubY = v2(n++, 'uniswapV2', HUB, 1_000_000n * E18, y, 1_000_000n * E18);
      const yWeth = dust
        ? v2(n++, 'sushiswap', y, 3_000_000n, WETH, 1_000n) // 3,000 Y per WETH (1,500 is fair), a few wei deep
        : v2(n++, 'sushiswap', y, (last ? 2_200_000n : 2_000_000n) * E18, WETH, 1_000n * E18);
      pools.push(hubY, yWeth);
      if (last) target = { hubY, yWeth };
    }
    const state = marketOf(pools);
    const graph = new PoolGraph(state.all());
    // The victim sells HUB into the hub pair: no cycle gains from that alone more than the noise it leaves.
    const result = backrunCandidates(state, graph, victim(hubPair, HUB, 20_000n * E18), BASE_FEE, config);
    if (!Array.isArray(result)) throw new Error(result.reason);
    expect(result.length).toBeGreaterThan(0);
    const best = result[0]!;
    // WETH -> Y (cheap) -> HUB -> WETH, through the hub pair the victim moved.
    expect(best.cycle.hops.map((hop) => hop.pool.address)).toEqual([target!.yWeth.address, target!.hubY.address, hubPair.address]);
    expect(best.netProfitWei).toBeGreaterThan(0n);

    // The exact output, hop by hop with the pairs' own integer formula, on the reserves the victim leaves.
    const victimOut = getAmountOut(20_000n * E18, hubPair.token0 === HUB ? hubPair.reserve0 : hubPair.reserve1, hubPair.token0 === HUB ? hubPair.reserve1 : hubPair.reserve0);
    const hubAfter = { hub: (hubPair.token0 === HUB ? hubPair.reserve0 : hubPair.reserve1) + 20_000n * E18, weth: (hubPair.token0 === WETH ? hubPair.reserve0 : hubPair.reserve1) - victimOut };
    const reserve = (pool: V2Pair, token: Address) => (pool.token0 === token ? pool.reserve0 : pool.reserve1);
    const Y = target!.yWeth.token0 === WETH ? target!.yWeth.token1 : target!.yWeth.token0;
    const yOut = getAmountOut(best.amountIn, reserve(target!.yWeth, WETH), reserve(target!.yWeth, Y));
    const hubOut = getAmountOut(yOut, reserve(target!.hubY, Y), reserve(target!.hubY, HUB));
    const wethOut = getAmountOut(hubOut, hubAfter.hub, hubAfter.weth);
    expect(best.amountOut).toBe(wethOut);
    expect(best.grossProfitWei).toBe(wethOut - best.amountIn);
  });

  it('a token found unsafe after the graph was built drops out, and a walk asks only about the tokens of cycles that could profit', () => {
    const HUB = addr(0xabc0001);
    const hubPair = v2(1, 'uniswapV2', WETH, 10_000n * E18, HUB, 20_000_000n * E18);
    const pools: Pool[] = [hubPair];
    const NEIGHBOURS = 500;
    let n = 10;
    let Y: Address | undefined;
    for (let i = 0; i < NEIGHBOURS; i++) {
      const y = addr(0x100000 + i);
      const last = i === NEIGHBOURS - 1;
      // Each neighbour on three pools: one with the hub, two with WETH (both venues).
      pools.push(v2(n++, 'uniswapV2', HUB, 1_000_000n * E18, y, 1_000_000n * E18));
      pools.push(v2(n++, 'sushiswap', y, (last ? 2_200_000n : 2_000_000n) * E18, WETH, 1_000n * E18));
      pools.push(v2(n++, 'uniswapV2', y, 2_000_000n * E18, WETH, 1_000n * E18));
      if (last) Y = y;
    }
    const state = marketOf(pools);
    const unsafe = new Set<string>();
    let asked = 0;
    const graph = new PoolGraph(state.all(), undefined, {
      excludedToken: (token) => {
        asked++;
        return unsafe.has(token.toLowerCase());
      },
    });
    asked = 0;
    const first = backrunCandidates(state, graph, victim(hubPair, HUB, 20_000n * E18), BASE_FEE, config);
    if (!Array.isArray(first)) throw new Error(first.reason);
    expect(first[0]!.cycle.hops.some((hop) => hop.tokenOut === Y)).toBe(true);
    // 1,500 pools through the hub's neighbours, 502 tokens, and one neighbour whose cycles can profit: the walk
    // asks about the moved pool's two tokens, then only about the tokens of cycles whose rate after the victim is
    // above 1 (an exclusion filters the kept cycles the same whenever it is asked), never once per neighbour.
    expect(asked).toBeGreaterThanOrEqual(3);
    expect(asked).toBeLessThanOrEqual(8);
    unsafe.add(Y!.toLowerCase());
    const second = backrunCandidates(state, graph, victim(hubPair, HUB, 20_000n * E18, '0xv2'), BASE_FEE, config);
    if (!Array.isArray(second)) throw new Error(second.reason);
    expect(second.every((candidate) => candidate.cycle.hops.every((hop) => hop.tokenIn !== Y && hop.tokenOut !== Y))).toBe(true);
  });

  it('a pool added to the graph after a search is in the next search, on a known pair or a new neighbour', () => {
    // Consistent neighbours (every cycle loses its fees); the mispriced pools come later, after a search has
    // walked the hub once (and built what it keeps of the hub's routes).
    const HUB = addr(0xabc0001);
    const hubPair = v2(1, 'uniswapV2', WETH, 10_000n * E18, HUB, 20_000_000n * E18);
    const pools: Pool[] = [hubPair];
    let n = 10;
    let last: Address | undefined;
    for (let i = 0; i < 300; i++) {
      const y = addr(0x100000 + i);
      pools.push(v2(n++, 'uniswapV2', HUB, 1_000_000n * E18, y, 1_000_000n * E18), v2(n++, 'sushiswap', y, 2_000_000n * E18, WETH, 1_000n * E18));
      last = y;
    }
    // Later: a second pool on a pair the graph knows (last/WETH, selling the token 10% cheap), then a new
    // neighbour Z whose WETH pair sells it 20% cheap.
    const known = v2(n++, 'uniswapV2', last!, 2_200_000n * E18, WETH, 1_000n * E18);
    const Z = addr(0x200000);
    const hubZ = v2(n++, 'uniswapV2', HUB, 1_000_000n * E18, Z, 1_000_000n * E18);
    const zWeth = v2(n++, 'sushiswap', Z, 2_400_000n * E18, WETH, 1_000n * E18);
    const state = marketOf([...pools, known, hubZ, zWeth]);
    const graph = new PoolGraph(pools);
    const search = (hash: string) => {
      const result = backrunCandidates(state, graph, victim(hubPair, HUB, 20_000n * E18, hash), BASE_FEE, config);
      if (!Array.isArray(result)) throw new Error(result.reason);
      return result.filter((candidate) => candidate.netProfitWei > 0n);
    };
    expect(search('0xa1')).toEqual([]);
    graph.add(known);
    const second = search('0xa2');
    expect(second.length).toBeGreaterThan(0);
    expect(second[0]!.cycle.hops.map((hop) => hop.pool.address)).toEqual([known.address, pools[pools.length - 2]!.address, hubPair.address]);
    graph.add(hubZ);
    graph.add(zWeth);
    const third = search('0xa3');
    expect(third[0]!.cycle.hops.map((hop) => hop.pool.address)).toEqual([zWeth.address, hubZ.address, hubPair.address]);
  });

  it('ranks on the state our bundles already at the builders leave: a pool a prior trade moved', () => {
    const HUB = addr(0xabc0001);
    const hubPair = v2(1, 'uniswapV2', WETH, 10_000n * E18, HUB, 20_000_000n * E18);
    const pools: Pool[] = [hubPair];
    let n = 10;
    let target: { hubY: V2Pair; yWeth: V2Pair; y: Address } | undefined;
    for (let i = 0; i < 300; i++) {
      const y = addr(0x100000 + i);
      const hubY = v2(n++, 'uniswapV2', HUB, 1_000_000n * E18, y, 1_000_000n * E18);
      const yWeth = v2(n++, 'sushiswap', y, 2_000_000n * E18, WETH, 1_000n * E18);
      pools.push(hubY, yWeth);
      if (i === 150) target = { hubY, yWeth, y };
    }
    const state = marketOf(pools);
    const graph = new PoolGraph(state.all());
    const { hubY, yWeth, y } = target!;
    // Our earlier bundle's victim sold 100,000 Y into the HUB/Y pair: Y is cheap there until that lands.
    const prior = [{ swaps: victim(hubY, y, 100_000n * E18, '0xp1').swaps }];
    const pending = (hash: string) => victim(hubPair, HUB, 20_000n * E18, hash);
    const alone = backrunCandidates(state, graph, pending('0xb1'), BASE_FEE, config);
    if (!Array.isArray(alone)) throw new Error(alone.reason);
    expect(alone.filter((candidate) => candidate.netProfitWei > 0n)).toEqual([]);
    const after = backrunCandidates(state, graph, pending('0xb2'), BASE_FEE, config, prior);
    if (!Array.isArray(after)) throw new Error(after.reason);
    const best = after[0]!;
    expect(best.netProfitWei).toBeGreaterThan(0n);
    // WETH -> HUB on the hub pair (after the victim), HUB -> Y on the moved pair (after the prior victim), Y -> WETH.
    expect(best.cycle.hops.map((hop) => hop.pool.address)).toEqual([hubPair.address, hubY.address, yWeth.address]);
    const reserve = (pool: V2Pair, token: Address) => (pool.token0 === token ? pool.reserve0 : pool.reserve1);
    const priorOut = getAmountOut(100_000n * E18, reserve(hubY, y), reserve(hubY, HUB));
    const victimOut = getAmountOut(20_000n * E18, reserve(hubPair, HUB), reserve(hubPair, WETH));
    const hubOut = getAmountOut(best.amountIn, reserve(hubPair, WETH) - victimOut, reserve(hubPair, HUB) + 20_000n * E18);
    const yOut = getAmountOut(hubOut, reserve(hubY, HUB) - priorOut, reserve(hubY, y) + 100_000n * E18);
    expect(best.amountOut).toBe(getAmountOut(yOut, reserve(yWeth, y), reserve(yWeth, WETH)));
  });

  it('the ranked, bounded search returns the best candidate of an exhaustive search, on random markets', () => {
    let seed = 7;
    const random = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    const BOUND = 2;
    let positive = 0;
    let moreThanBound = 0;
    const TRIALS = 150;
    for (let trial = 0; trial < TRIALS; trial++) {
      const { pools, victims } = randomMarket(random, trial);
      const state = marketOf(pools);
      const graph = new PoolGraph(state.all());
      const swap = victims[Math.floor(random() * victims.length)]!;
      const pending = victim(swap.pool, swap.tokenIn, swap.amountIn, `0x${trial.toString(16)}`);

      const ranked = backrunCandidates(state, graph, pending, BASE_FEE, { ...config, maxSizedPerSearch: BOUND });
      if (!Array.isArray(ranked)) throw new Error(ranked.reason);
      const rankedBest: Candidate | undefined = ranked.find((candidate) => candidate.netProfitWei > 0n);

      const reference = exhaustiveBest(state, graph, pools, pending);
      if (reference.profitable > BOUND) moreThanBound++;
      if (!reference.best) {
        expect(rankedBest, `trial ${trial}`).toBeUndefined();
        continue;
      }
      positive++;
      expect(rankedBest, `trial ${trial}`).toBeDefined();
      expect(rankedBest!.netProfitWei, `trial ${trial}`).toBe(reference.best.net);
      expect(rankedBest!.amountIn, `trial ${trial}`).toBe(reference.best.amountIn);
    }
    // Not vacuous: most markets have a profitable backrun, and many have more of them than the bound sizes.
    expect(positive).toBeGreaterThan(TRIALS / 2);
    expect(moreThanBound).toBeGreaterThan(TRIALS / 5);
  });
});

type VictimSwap = { pool: V2Pair; tokenIn: Address; amountIn: bigint };

/**
 * WETH and five tokens at random prices; about 14 pools between random pairs of them (Uniswap V2, SushiSwap,
 * and V3 pools with a wide and a narrow position), each priced within 4% of the tokens' prices, depths from
 * 1 to 10,000 WETH. Victims: sizeable swaps on the Uniswap V2 pairs.
 */
function randomMarket(random: () => number, trial: number): { pools: Pool[]; victims: VictimSwap[] } {
  const tokens = [WETH, ...Array.from({ length: 5 }, (_, i) => addr(0x5000 + trial * 16 + i))];
  const prices = tokens.map((token) => (token === WETH ? 1 : 0.01 + random() * 3)); // WETH per token
  const pools: Pool[] = [];
  const victims: VictimSwap[] = [];
  let n = 0x100 + trial * 64;
  const count = 10 + Math.floor(random() * 8);
  const big = (x: number) => BigInt(Math.floor(x));
  for (let k = 0; k < count; k++) {
    // Half of the pools touch WETH, so that cycles from WETH exist.
    const i = random() < 0.5 ? 0 : 1 + Math.floor(random() * 5);
    let j = 1 + Math.floor(random() * 5);
    if (j === i) j = 1 + (j % 5);
    const depthWeth = 10 ** (random() * 4); // 1 .. 10,000 WETH a side
    const noise = 1 + (random() - 0.5) * 0.08;
    const reserveI = big((depthWeth / prices[i]!) * 1e18);
    const reserveJ = big(((depthWeth / prices[j]!) * 1e18) * noise);
    const kind = random();
    if (kind < 0.7) {
      const pool = v2(n++, kind < 0.45 ? 'uniswapV2' : 'sushiswap', tokens[i]!, reserveI, tokens[j]!, reserveJ);
      pools.push(pool);
      if (pool.venue === 'uniswapV2') {
        const from = random() < 0.5 ? tokens[i]! : tokens[j]!;
        const reserveIn = pool.token0 === from ? pool.reserve0 : pool.reserve1;
        victims.push({ pool, tokenIn: from, amountIn: (reserveIn * BigInt(1 + Math.floor(random() * 150))) / 1000n });
      }
    } else {
      pools.push(v3Pool(n++, tokens[i]!, reserveI, tokens[j]!, reserveJ, random));
    }
  }
  if (victims.length === 0) {
    const pool = v2(n++, 'uniswapV2', WETH, 100n * E18, tokens[1]!, big((100 / prices[1]!) * 1e18));
    pools.push(pool);
    victims.push({ pool, tokenIn: WETH, amountIn: 5n * E18 });
  }
  return { pools, victims };
}

/** A 0.3% V3 pool at the price reserveB/reserveA with a wide position and, around the price, a narrow one. */
function v3Pool(n: number, a: Address, reserveA: bigint, b: Address, reserveB: bigint, random: () => number): V3Pool {
  const [token0, token1, reserve0, reserve1] = BigInt(a) < BigInt(b) ? [a, b, reserveA, reserveB] : [b, a, reserveB, reserveA];
  const price = Number(reserve1) / Number(reserve0);
  const tick = Math.floor(Math.log(price) / Math.log(1.0001));
  const spacing = 60;
  const base = Math.floor(tick / spacing) * spacing;
  const liquidity = BigInt(Math.floor(Math.sqrt(Number(reserve0) * Number(reserve1))));
  const narrow = liquidity * BigInt(1 + Math.floor(random() * 4));
  const wide = [base - 60 * 200, base + 60 * 200];
  const near = [base - 60 * (1 + Math.floor(random() * 5)), base + 60 * (1 + Math.floor(random() * 5))];
  const ticks = [wide[0]!, near[0]!, near[1]!, wide[1]!];
  return {
    kind: 'v3', venue: 'uniswapV3', address: addr(n), token0, token1, fee: 3000, tickSpacing: spacing,
    sqrtPriceX96: getSqrtRatioAtTick(tick), tick, liquidity: liquidity + narrow,
    ticks, liquidityNet: [liquidity, narrow, -narrow, -liquidity], liquidityGross: [liquidity, narrow, narrow, liquidity],
  };
}

/**
 * The reference: every 2- and 3-hop cycle from WETH through a pool the victim moved (enumerated here by brute
 * force over all pools, not by the graph or the ranking), each sized exactly; the best net after gas and the
 * builder.
 */
function exhaustiveBest(state: MarketState, graph: PoolGraph, pools: readonly Pool[], pending: PendingSwaps) {
  const overlay = new PendingOverlay(state);
  const applied = applyVictim(overlay, graph, config, pending.swaps);
  if ('reason' in applied) throw new Error(applied.reason);
  const moved = new Set(applied.moved.map((pool) => pool.address));
  const hop = (pool: Pool, tokenIn: Address): CycleHop | undefined => {
    if (pool.token0 !== tokenIn && pool.token1 !== tokenIn) return undefined;
    return { pool, tokenIn, tokenOut: pool.token0 === tokenIn ? pool.token1 : pool.token0, zeroForOne: pool.token0 === tokenIn };
  };
  const cycles: Cycle[] = [];
  const extend = (hops: CycleHop[]) => {
    const at = hops.length === 0 ? WETH : hops[hops.length - 1]!.tokenOut;
    if (hops.length >= 2 && at === WETH) {
      if (hops.some((h) => moved.has(h.pool.address))) cycles.push({ startToken: WETH, hops });
      return;
    }
    if (hops.length === 3 || (hops.length > 0 && at === WETH)) return;
    for (const pool of pools) {
      if (hops.some((h) => h.pool.address === pool.address)) continue;
      const next = hop(pool, at);
      if (next) extend([...hops, next]);
    }
  };
  extend([]);
  expect(new Set(cycles.map(cycleKey)).size).toBe(cycles.length);
  let best: { net: bigint; amountIn: bigint } | undefined;
  let profitable = 0;
  for (const cycle of cycles) {
    const optimum = sizeCycle(overlay, cycle);
    if (!optimum) continue;
    const sized = sizeWithinCaps(overlay, cycle, optimum, undefined, BASE_FEE, config.policy);
    if (sized.netProfitWei <= 0n) continue;
    profitable++;
    if (!best || sized.netProfitWei > best.net) best = { net: sized.netProfitWei, amountIn: sized.amountIn };
  }
  return { best, profitable };
}
