import { CurrencyAmount } from '@uniswap/sdk-core';
import { describe, expect, it } from 'vitest';
import { simulateV3Swap, V3RangeError, type V3PoolState } from '../../src/amm/v3/pool.ts';
import { V3QuotePaths } from '../../src/amm/v3/quotePath.ts';
import { getSqrtRatioAtTick } from '../../src/amm/v3/tickMath.ts';
import type { V3Pool } from '../../src/state/types.ts';
import { sdkV3Pool, tokenA, tokenB } from '../helpers/benchPools.ts';

// The sizing quotes one pool state at many inputs, replaying the whole-range steps it computed once. Every
// quote must equal the pool's own loop (simulateV3Swap, proven against the chain in the integration tests) and
// the Uniswap v3-sdk, whatever order the inputs come in and wherever they end: inside a range, exactly on a
// step's edge, past the last liquidity, or past the loaded ticks.

type Loop = { amountIn: bigint; amountOut: bigint; ticksCrossed: number } | 'range' | 'error';

function byLoop(pool: V3PoolState, zeroForOne: boolean, amountIn: bigint): Loop {
  try {
    const result = simulateV3Swap(pool, { zeroForOne, amountSpecified: amountIn });
    return { amountIn: zeroForOne ? result.amount0 : result.amount1, amountOut: -(zeroForOne ? result.amount1 : result.amount0), ticksCrossed: result.ticksCrossed };
  } catch (error) {
    return error instanceof V3RangeError ? 'range' : 'error';
  }
}

function byPath(paths: V3QuotePaths, pool: V3PoolState, zeroForOne: boolean, amountIn: bigint): Loop {
  try {
    return paths.quote(pool, zeroForOne, amountIn);
  } catch (error) {
    return error instanceof V3RangeError ? 'range' : 'error';
  }
}

/**
 * A pool with `positions` random positions (some far apart, so that whole bitmap words hold no liquidity), the
 * price somewhere among them, any fee tier; with `window`, only the words around the price are loaded.
 */
function randomPool(random: () => number, window: boolean): V3Pool {
  const [fee, spacing] = ([[100, 1], [500, 10], [3000, 60], [10_000, 200]] as const)[Math.floor(random() * 4)]!;
  const byTick = new Map<number, bigint>();
  const centre = Math.floor((random() - 0.5) * 200_000 / spacing) * spacing;
  const positions = 1 + Math.floor(random() * 6);
  for (let k = 0; k < positions; k++) {
    const width = spacing * (1 + Math.floor(random() ** 2 * (random() < 0.3 ? 2_000 : 60)));
    const edge = Math.floor(887_272 / spacing) * spacing;
    const lower = Math.max(-edge, centre + Math.floor((random() - 0.5) * 40) * spacing - Math.floor(random() * 3) * width);
    const upper = Math.min(edge, lower + width);
    const liquidity = BigInt(Math.floor(10 ** (15 + random() * 8)));
    byTick.set(lower, (byTick.get(lower) ?? 0n) + liquidity);
    byTick.set(upper, (byTick.get(upper) ?? 0n) - liquidity);
  }
  const ticks = [...byTick.keys()].filter((tick) => byTick.get(tick) !== 0n).sort((a, b) => a - b);
  const liquidityNet = ticks.map((tick) => byTick.get(tick)!);
  const tick = centre + Math.floor((random() - 0.5) * 30 * spacing);
  let liquidity = 0n;
  for (let i = 0; i < ticks.length && ticks[i]! <= tick; i++) liquidity += liquidityNet[i]!;
  const sqrtPriceX96 = getSqrtRatioAtTick(tick) + BigInt(Math.floor(random() * 1e9));
  const word = Math.floor(Math.floor(tick / spacing) / 256);
  const wordRange = window ? { from: word - 1, to: word + 1 } : undefined;
  const kept = wordRange ? ticks.map((t, i) => [t, i] as const).filter(([t]) => Math.floor(Math.floor(t / spacing) / 256) >= wordRange.from && Math.floor(Math.floor(t / spacing) / 256) <= wordRange.to) : ticks.map((t, i) => [t, i] as const);
  return {
    kind: 'v3', venue: 'uniswapV3', address: '0x0000000000000000000000000000000000000003', token0: tokenA.address as `0x${string}`, token1: tokenB.address as `0x${string}`,
    fee, tickSpacing: spacing, sqrtPriceX96, tick, liquidity,
    ticks: kept.map(([t]) => t), liquidityNet: kept.map(([, i]) => liquidityNet[i]!), liquidityGross: kept.map(([, i]) => (liquidityNet[i]! < 0n ? -liquidityNet[i]! : liquidityNet[i]!)),
    ...(wordRange ? { wordRange } : {}),
  };
}

describe('V3 exact-input quotes on a replayed path', () => {
  it('equal the pool loop to the wei on random pools, inputs in any order, edges of steps included', () => {
    let seed = 2024;
    const random = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    const outcomes = { inside: 0, crossed: 0, edges: 0, dry: 0, range: 0 };
    for (let trial = 0; trial < 120; trial++) {
      const pool = randomPool(random, trial % 3 === 0);
      // One set of paths for all the inputs on this pool: each quote replays what the earlier ones computed.
      const paths = new V3QuotePaths();
      for (const zeroForOne of [true, false]) {
        // Inputs from dust to far past the pool's depth, in random order (the path grows as they need it).
        const inputs = Array.from({ length: 30 }, () => BigInt(Math.floor(10 ** (random() * 30))) + 1n);
        // And inputs past uint256, where the pool's own arithmetic overflows.
        inputs.push(1n << 256n, (1n << 257n) + 12_345n);
        // The exact input that ends each of the first few steps on its edge, and one wei either side.
        for (let crossings = 0; crossings < 4; crossings++) {
          const edge = edgeInput(pool, zeroForOne, crossings);
          if (edge !== undefined) inputs.push(edge - 1n, edge, edge + 1n);
        }
        for (const amountIn of inputs) {
          if (amountIn <= 0n) continue;
          const loop = byLoop(pool, zeroForOne, amountIn);
          expect(byPath(paths, pool, zeroForOne, amountIn), `trial ${trial} ${zeroForOne} ${amountIn}`).toEqual(loop);
          if (loop === 'range') outcomes.range++;
          else if (loop === 'error') continue;
          else if (loop.amountIn < amountIn) outcomes.dry++;
          else if (loop.ticksCrossed > 0) outcomes.crossed++;
          else outcomes.inside++;
        }
        outcomes.edges += [0, 1, 2, 3].filter((crossings) => edgeInput(pool, zeroForOne, crossings) !== undefined).length;
      }
    }
    // Not vacuous: every kind of ending was met many times.
    expect(outcomes.inside).toBeGreaterThan(200);
    expect(outcomes.crossed).toBeGreaterThan(200);
    expect(outcomes.dry).toBeGreaterThan(50);
    expect(outcomes.range).toBeGreaterThan(20);
    expect(outcomes.edges).toBeGreaterThan(100);
  });

  it('equal the Uniswap v3-sdk on a pool of forty ranges', async () => {
    const pool = sdkShapedPool();
    const sdk = sdkV3Pool(pool);
    const paths = new V3QuotePaths();
    let checked = 0;
    for (const exponent of [15, 18, 20, 21, 22, 23]) {
      for (const zeroForOne of [true, false]) {
        const amountIn = 7n * 10n ** BigInt(exponent) + 12_345n;
        const quote = paths.quote(pool, zeroForOne, amountIn);
        const [out] = await sdk.getOutputAmount(CurrencyAmount.fromRawAmount(zeroForOne ? tokenA : tokenB, amountIn.toString()));
        expect(quote.amountOut).toBe(BigInt(out.quotient.toString()));
        if (quote.ticksCrossed > 0) checked++;
      }
    }
    expect(checked).toBeGreaterThan(4);
  });
});

/** The input at which an exact-input swap ends exactly on the edge of its `crossings`-th step, if found. */
function edgeInput(pool: V3PoolState, zeroForOne: boolean, crossings: number): bigint | undefined {
  // Bisect on the loop itself for the least input that crosses `crossings + 1` ticks; that input is the edge.
  let low = 1n;
  let high = 10n ** 40n;
  const crossed = (x: bigint) => {
    const result = byLoop(pool, zeroForOne, x);
    return typeof result === 'string' ? Infinity : result.ticksCrossed;
  };
  if (crossed(high) <= crossings) return undefined;
  while (high - low > 1n) {
    const mid = (low + high) / 2n;
    if (crossed(mid) > crossings) high = mid;
    else low = mid;
  }
  return high;
}

/** Forty ranges of 60 ticks around the price, every one initialized: the sdk walks the same steps. */
function sdkShapedPool(): V3Pool {
  const per = 10n ** 21n;
  const ticks: number[] = [];
  const liquidityNet: bigint[] = [];
  for (let k = 20; k >= 1; k--) ticks.push(-60 * k), liquidityNet.push(per);
  for (let k = 1; k <= 20; k++) ticks.push(60 * k), liquidityNet.push(-per);
  return {
    kind: 'v3', venue: 'uniswapV3', address: '0x0000000000000000000000000000000000000003', token0: tokenA.address as `0x${string}`, token1: tokenB.address as `0x${string}`,
    fee: 3000, tickSpacing: 60, sqrtPriceX96: getSqrtRatioAtTick(0) + 12_345n, tick: 0, liquidity: per * 20n,
    ticks, liquidityNet, liquidityGross: liquidityNet.map((net) => (net < 0n ? -net : net)),
  };
}
