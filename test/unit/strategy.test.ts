import { getAddress, type Address } from 'viem';
import { describe, expect, it } from 'vitest';
import { isqrt } from '../../src/amm/isqrt.ts';
import { getSqrtRatioAtTick } from '../../src/amm/v3/tickMath.ts';
import type { PendingSwaps } from '../../src/mempool/watcher.ts';
import { MarketState } from '../../src/state/market.ts';
import type { V2Pair, V3Pool } from '../../src/state/types.ts';
import { backrunCandidates, resolveConflicts, type Candidate, type EngineConfig } from '../../src/strategy/candidates.ts';
import { quoteCycle } from '../../src/strategy/cycle.ts';
import { PoolGraph } from '../../src/strategy/graph.ts';
import { sizeCycle } from '../../src/strategy/sizing.ts';
import { venueOfProtocol } from '../../src/state/venues.ts';

const WETH = getAddress('0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2');
const TKN = getAddress('0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48'); // sorts below WETH: token0
const E18 = 10n ** 18n;
const addr = (n: number) => getAddress(`0x${n.toString(16).padStart(40, '0')}`);

const pair = (n: number, venue: string, reserveTkn: bigint, reserveWeth: bigint): V2Pair => ({
  kind: 'v2', address: addr(n), token0: TKN, token1: WETH, reserve0: reserveTkn, reserve1: reserveWeth, feeBps: 30n, venue,
});
const config: EngineConfig = {
  startToken: WETH,
  venues: venueOfProtocol,
  policy: { priorityFeeWei: 10n ** 9n, builderShareBps: 5000n, minNetProfitWei: 0n },
};
const market = (...pools: Array<V2Pair | V3Pool>) => {
  const state = new MarketState(8);
  state.reset(pools, { number: 1n, hash: '0x01', parentHash: '0x00' });
  return state;
};
const victimBuying = (wethIn: bigint): PendingSwaps => ({
  tx: { hash: '0xv1', from: addr(99).toLowerCase(), to: '0x7a250d5630b4cf539739df2c5dacb4c659f2488d', value: wethIn, input: '0x', nonce: 0n, maxFeePerGas: 10n ** 10n },
  swaps: [{ protocol: 'uniswap-v2', router: '0x7a250d5630b4cf539739df2c5dacb4c659f2488d', kind: 'exactIn', tokenIn: WETH.toLowerCase(), tokenOut: TKN.toLowerCase(), path: [WETH.toLowerCase(), TKN.toLowerCase()], fees: [null], amountIn: wethIn, amountOut: 0n, recipient: addr(99).toLowerCase(), deadline: null }],
  firstSeenMs: 0,
  decodedMs: 0,
});

describe('backrun of a victim on two V2 pools', () => {
  it('sizes at the closed-form optimum, computed here from the reserves the victim leaves', () => {
    const uni = pair(1, 'uniswapV2', 3_000_000n * E18, 1000n * E18);
    const sushi = pair(2, 'sushiswap', 1_500_000n * E18, 500n * E18);
    const state = market(uni, sushi);
    const graph = new PoolGraph(state.all());
    const result = backrunCandidates(state, graph, victimBuying(50n * E18), 10n ** 9n, config);
    if (!Array.isArray(result)) throw new Error(result.reason);
    const best = result[0]!;

    // The victim's exact output on Uniswap (UniswapV2Library with 997/1000), then the cycle
    // WETH -> TKN on SushiSwap (still cheap) -> WETH on Uniswap (now dear), optimum of a·x/(b + c·x) - x.
    const victimOut = (50n * E18 * 997n * uni.reserve0) / (uni.reserve1 * 1000n + 50n * E18 * 997n);
    const [uniTkn, uniWeth] = [uni.reserve0 - victimOut, uni.reserve1 + 50n * E18];
    const a = 997n * 997n * sushi.reserve0 * uniWeth;
    const b = 1000n * 1000n * sushi.reserve1 * uniTkn;
    const c = 1000n * 997n * uniTkn + 997n * 997n * sushi.reserve0;
    const optimum = (isqrt(a * b) - b) / c;

    expect(best.cycle.hops.map((hop) => hop.pool.address)).toEqual([sushi.address, uni.address]);
    expect(best.amountIn - optimum <= 1n && optimum - best.amountIn <= 1n).toBe(true);
    const out1 = (best.amountIn * 997n * sushi.reserve0) / (sushi.reserve1 * 1000n + best.amountIn * 997n);
    const out2 = (out1 * 997n * uniWeth) / (uniTkn * 1000n + out1 * 997n);
    expect(best.grossProfitWei).toBe(out2 - best.amountIn);
    expect(best.netProfitWei).toBe(best.grossProfitWei - best.gasCostWei - best.bribeWei);
    expect(best.bribeWei).toBe(((best.grossProfitWei - best.gasCostWei) * 5000n) / 10_000n);
  });

  it('finds nothing when the victim would revert on its minimum output', () => {
    const state = market(pair(1, 'uniswapV2', 3_000_000n * E18, 1000n * E18), pair(2, 'sushiswap', 1_500_000n * E18, 500n * E18));
    const victim = victimBuying(50n * E18);
    victim.swaps[0]!.amountOut = 10n ** 30n;
    expect(backrunCandidates(state, new PoolGraph(state.all()), victim, 10n ** 9n, config)).toEqual({ victim: '0xv1', reason: 'the victim would revert (output below its minimum)' });
  });

  it('never trades through excluded (unsafe) tokens', () => {
    const state = market(pair(1, 'uniswapV2', 3_000_000n * E18, 1000n * E18), pair(2, 'sushiswap', 1_500_000n * E18, 500n * E18));
    const graph = new PoolGraph(state.all(), (pool) => pool.token0 === TKN || pool.token1 === TKN);
    const result = backrunCandidates(state, graph, victimBuying(50n * E18), 10n ** 9n, config);
    expect(result).toEqual({ victim: '0xv1', reason: expect.stringContaining('no tracked pool') });
  });
});

describe('sizing a cycle with a V3 hop', () => {
  it('lands within 0.01% of the brute-force optimum', () => {
    // A V3 pool (price 1 TKN = 1 WETH, full range) and a V2 pair where TKN is 2% dearer.
    const v3: V3Pool = {
      kind: 'v3', address: addr(3), token0: TKN, token1: WETH, fee: 3000, tickSpacing: 60,
      sqrtPriceX96: getSqrtRatioAtTick(0), tick: 0, liquidity: 10n ** 9n,
      ticks: [-887220, 887220], liquidityNet: [10n ** 9n, -(10n ** 9n)], liquidityGross: [10n ** 9n, 10n ** 9n], venue: 'uniswapV3',
    };
    // small pools, so the whole profitable range can be searched exhaustively
    const v2 = pair(4, 'uniswapV2', 10n ** 9n, 102n * 10n ** 7n);
    const state = market(v3, v2);
    const graph = new PoolGraph(state.all());
    // WETH -> TKN on V2 (TKN cheap there in WETH terms? no: dearer), so: WETH -> TKN on V3, TKN -> WETH on V2
    const cycle = graph.cyclesThrough(v3, WETH).find((c) => c.hops[0]!.pool.address === v3.address && c.hops.length === 2)!;
    const sized = sizeCycle(state, cycle, 1000n)!;
    // brute force: every 25 wei over the whole profitable range, then every wei around the best point
    let best = { x: 0n, profit: 0n };
    for (let x = 25n; x <= 10_000_000n; x += 25n) {
      const profit = quoteCycle(state, cycle, x).amountOut - x;
      if (profit > best.profit) best = { x, profit };
    }
    expect(best.x).toBeLessThan(9_000_000n); // the optimum is inside the scanned range
    for (let x = best.x - 25n; x <= best.x + 25n; x++) {
      const profit = quoteCycle(state, cycle, x).amountOut - x;
      if (profit > best.profit) best = { x, profit };
    }
    expect(best.profit).toBeGreaterThan(0n);
    expect(sized.profit * 10_000n >= best.profit * 9_999n).toBe(true);
    expect(sized.profit <= best.profit).toBe(true);
  });
});

describe('resolveConflicts', () => {
  it('keeps the best candidate per pool and per victim', () => {
    const p = (n: number) => pair(n, 'uniswapV2', E18, E18);
    const candidate = (victim: string | null, pools: number[], net: bigint): Candidate => ({
      victim, cycle: { startToken: WETH, hops: pools.map((n) => ({ pool: p(n), tokenIn: WETH, tokenOut: TKN, zeroForOne: false })) },
      amountIn: 1n, amountOut: 2n, grossProfitWei: net, gas: 1n, gasCostWei: 0n, bribeWei: 0n, netProfitWei: net, ticksCrossed: 0, view: market(),
    });
    const chosen = resolveConflicts(
      [candidate('0xa', [1, 2], 5n), candidate('0xb', [2, 3], 9n), candidate('0xb', [4, 5], 8n), candidate(null, [6, 7], 1n), candidate(null, [8, 9], -1n)],
      0n,
    );
    expect(chosen.map((c) => c.netProfitWei)).toEqual([9n, 1n]);
  });
});
