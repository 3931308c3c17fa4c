import { V3RangeError, type V3PoolState } from '../amm/v3/pool.ts';
import { getSqrtRatioAtTick, MAX_SQRT_RATIO, MIN_SQRT_RATIO } from '../amm/v3/tickMath.ts';
import type { Address } from 'viem';
import { PendingOverlay } from '../state/overlay.ts';
import type { MarketState } from '../state/market.ts';
import { quotableByMath, type Pool } from '../state/types.ts';
import { applyPriorTrades, candidatesOnOverlay, type EngineConfig, type PriorTrade } from './candidates.ts';
import { sizeWithinCaps } from './capSizing.ts';
import { cycleKey, type Cycle } from './cycle.ts';
import type { PoolGraph } from './graph.ts';
import { sizeCycle } from './sizing.ts';
import type { SizingEntry } from './sizingTable.ts';

/**
 * The state of a pool the executor reads at execution time to size a blind backrun: a V2 pair's reserve0, a V3
 * pool's sqrtPriceX96, a V4 pool's sqrtPriceX96 (its slot0 in the PoolManager). Each moves one way with each
 * direction of a swap, so along one direction the key names the state after the victim uniquely.
 */
export function sizingKey(pool: Pool): bigint {
  return pool.kind === 'v2' ? pool.reserve0 : pool.sqrtPriceX96;
}


/**
 * A backrun for a victim whose amounts are hidden: the cycle to trade if the victim swapped `pool` in the
 * direction `victimZeroForOne`, and the input as a function of the pool's state after it (keys strictly
 * increasing; the executor interpolates between neighbours and trades nothing outside them).
 */
export type BlindLeg = {
  pool: Pool;
  victimZeroForOne: boolean;
  cycle: Cycle;
  entries: SizingEntry[];
  /** The largest input in the table: what the risk layer approves. */
  maxAmountIn: bigint;
  /** The best gross over the grid and the victim input it assumes (what the report shows). */
  bestGrossWei: bigint;
  ticksCrossed: number;
};

export type BlindSizingOptions = {
  /** Victim inputs assumed, as parts per million of the pool's reserve of the input token (virtual reserve for V3). */
  gridPpm?: readonly number[];
};

/**
 * 0.5 bps to 6% of the reserve in 24 steps of ~36%: each entry costs ~650 gas of calldata on chain, and linear
 * interpolation between such neighbours still loses below 0.1% of a backrun (blind-sizing.test.ts).
 */
export const defaultGridPpm: readonly number[] = Array.from({ length: 24 }, (_, i) => Math.round(50 * Math.pow(60_000 / 50, i / 23)));

const Q96 = 1n << 96n;

/**
 * How much of `zeroForOne`'s input token the pool holds: a V2 reserve, a V3 pool's virtual reserve at its price, a
 * V4 pool's positions' holdings (heldIn: its pools are concentrated, and a virtual reserve hundreds of times the real
 * depth would put the whole grid past any victim).
 */
function reserveIn(pool: Pool, zeroForOne: boolean): bigint {
  if (pool.kind === 'v2') return zeroForOne ? pool.reserve0 : pool.reserve1;
  if (pool.sqrtPriceX96 === 0n) return 0n;
  if (pool.kind === 'v4') return heldIn(pool, zeroForOne);
  return zeroForOne ? (pool.liquidity * Q96) / pool.sqrtPriceX96 : (pool.liquidity * pool.sqrtPriceX96) / Q96;
}

/**
 * What the positions of a concentrated pool hold of token0 (`zero`) or token1 at its price, from its loaded ticks:
 * token0 sits in the ranges above the price, token1 below (Uniswap v3 whitepaper 6.29-6.30, summed per segment of
 * constant liquidity). Liquidity still active past the last loaded tick (a window of words was loaded, not every
 * one) is taken to run to the price bound, as a full-range position does: the traffic's own basis (what the
 * positions hold), which a window cut at its edge would understate hundreds of times for such a position. Only
 * where the grid of assumed victims lies depends on it, never an amount traded.
 */
export function heldIn(pool: V3PoolState, zero: boolean): bigint {
  let held = 0n;
  let liquidity = pool.liquidity;
  let price = pool.sqrtPriceX96;
  if (zero) {
    for (let i = 0; i < pool.ticks.length; i++) {
      if (pool.ticks[i]! <= pool.tick) continue;
      const next = getSqrtRatioAtTick(pool.ticks[i]!);
      if (liquidity > 0n && next > price) held += (((liquidity * Q96) / price) * (next - price)) / next;
      liquidity += pool.liquidityNet[i]!;
      price = next;
    }
    if (liquidity > 0n && MAX_SQRT_RATIO > price) held += (((liquidity * Q96) / price) * (MAX_SQRT_RATIO - price)) / MAX_SQRT_RATIO;
  } else {
    for (let i = pool.ticks.length - 1; i >= 0; i--) {
      if (pool.ticks[i]! > pool.tick) continue;
      const next = getSqrtRatioAtTick(pool.ticks[i]!);
      if (liquidity > 0n && price > next) held += (liquidity * (price - next)) / Q96;
      liquidity -= pool.liquidityNet[i]!;
      price = next;
    }
    if (liquidity > 0n && price > MIN_SQRT_RATIO) held += (liquidity * (price - MIN_SQRT_RATIO)) / Q96;
  }
  return held;
}

type GridState = { victimIn: bigint; key: bigint; overlay: PendingOverlay };

/** Halvings of the victim-size interval that brackets where a cycle starts to pay: 1/4096 of a grid step (each one is a search). */
const thresholdSteps = 12;

/**
 * Sizing tables for a victim known only by the pool it swapped in (MEV-Share's default hints): for each direction
 * the victim may have swapped, the victim's input is assumed on a grid; at each point the pool's state after it is
 * computed exactly and the best cycle through the pool searched (cycles through `excluded` pools are left out:
 * their state after the victim is unknown too). The cycle best over the grid is kept and sized exactly at every
 * point, within the exposure caps; a point where it does not pay after gas and the builder trades 0. Empty when
 * no direction pays anywhere.
 */
export function blindLegs(input: {
  market: MarketState;
  graph: PoolGraph;
  pool: Address;
  excluded?: ReadonlySet<string>;
  prior?: readonly PriorTrade[];
  nextBaseFeeWei: bigint;
  config: EngineConfig;
  /**
   * What the executor will require the leg's profit, less the builder's share, to reach (its floor: the gas limit at
   * the block's price plus the minimum net). A point where the cycle's best cannot reach it trades 0: the chain
   * would revert there anyway.
   */
  floorWei: (cycle: Cycle, ticksCrossed: number) => bigint;
  /** The builder's share of the realised profit the executor pays (bps). */
  builderShareBps: bigint;
  options?: BlindSizingOptions;
}): BlindLeg[] {
  const { market, graph, config, nextBaseFeeWei } = input;
  const grid = input.options?.gridPpm ?? defaultGridPpm;
  const excluded = input.excluded ?? new Set<string>();
  const base = new PendingOverlay(market);
  applyPriorTrades(base, graph, config, input.prior ?? []);
  const start = base.get(input.pool);
  // A V4 pool whose hook acts around swaps is not priced by our math: neither the state a victim leaves nor a
  // backrun's yield there can be known. Fail closed: no blind leg for it.
  if (!start || !quotableByMath(start)) return [];
  const legs: BlindLeg[] = [];
  for (const victimZeroForOne of [true, false]) {
    const depth = reserveIn(start, victimZeroForOne);
    if (depth <= 0n) continue;
    /** The state after a victim of this size, on top of our earlier trades of the block. */
    const stateAt = (victimIn: bigint): GridState | undefined => {
      if (victimIn <= 0n) return undefined;
      const overlay = new PendingOverlay(market);
      applyPriorTrades(overlay, graph, config, input.prior ?? []);
      try {
        if (overlay.applySwap({ pool: input.pool, zeroForOne: victimZeroForOne, amountIn: victimIn }) <= 0n) return undefined;
      } catch (error) {
        // A victim this large leaves the pool's loaded tick window: the state after it is unknown, so this grid point
        // is left out (the table then ends before it: the executor trades nothing past its last key).
        if (error instanceof V3RangeError) return undefined;
        throw error;
      }
      return { victimIn, key: sizingKey(overlay.get(input.pool)!), overlay };
    };
    const states = grid.map((ppm) => stateAt((depth * BigInt(ppm)) / 1_000_000n)).filter((state): state is GridState => state !== undefined);
    // The cycle that earns most over the grid: one plan per direction (the executor runs one cycle per leg). Every
    // other point is searched (a full search of the cycles through the pool each, the bulk of the time here); the
    // chosen cycle is then sized at every point.
    const earned = new Map<string, { cycle: Cycle; gross: bigint }>();
    for (const state of states.filter((_, i) => (states.length - 1 - i) % 2 === 0)) {
      const moved = state.overlay.get(input.pool)!;
      // Cycles through a simulate-only V4 pool are left out (our math does not price them; sizedPlanFor refuses them).
      const found = candidatesOnOverlay(market, state.overlay, graph, [moved], nextBaseFeeWei, config).filter((candidate) => candidate.cycle.hops.every((hop) => quotableByMath(hop.pool) && (hop.pool.address.toLowerCase() === input.pool.toLowerCase() || !excluded.has(hop.pool.address.toLowerCase()))));
      const best = found[0];
      if (!best || best.netProfitWei <= 0n) continue;
      const key = cycleKey(best.cycle);
      const entry = earned.get(key) ?? { cycle: best.cycle, gross: 0n };
      entry.gross += best.grossProfitWei;
      earned.set(key, entry);
    }
    const chosen = [...earned.values()].sort((a, b) => (b.gross > a.gross ? 1 : b.gross < a.gross ? -1 : 0))[0];
    if (!chosen) continue;
    const leg = legAlong(chosen.cycle, states, stateAt, start, victimZeroForOne, nextBaseFeeWei, config, (ticks) => input.floorWei(chosen.cycle, ticks), input.builderShareBps);
    if (leg) legs.push(leg);
  }
  return legs;
}

/**
 * The chosen cycle sized at every grid point, as a table in increasing key order, with the pre-victim state as its 0
 * end. Where the input turns from 0 to positive between two grid points (the victim size from which the backrun pays
 * its floor), the exact turning point is found by bisection and both sides of it are added: the optimum grows from
 * there about linearly with the key, so interpolating from the grid point below, where nothing pays, would put in
 * too much for a victim just past it (and revert, or capture a fraction).
 */
function legAlong(cycle: Cycle, grid: readonly GridState[], stateAt: (victimIn: bigint) => GridState | undefined, start: Pool, victimZeroForOne: boolean, nextBaseFeeWei: bigint, config: EngineConfig, floorWei: (ticksCrossed: number) => bigint, builderShareBps: bigint): BlindLeg | undefined {
  let bestGrossWei = 0n;
  let ticksCrossed = 0;
  /** The table's input at a state: the capped optimum when what the executor keeps of it reaches the floor, else 0. */
  const inputAt = (state: GridState): { amountIn: bigint; profit: bigint; ticksCrossed: number } => {
    const optimum = sizeCycle(state.overlay, cycle);
    if (!optimum) return { amountIn: 0n, profit: 0n, ticksCrossed: 0 };
    const sized = sizeWithinCaps(state.overlay, cycle, optimum, config.exposure, nextBaseFeeWei, config.policy);
    // The executor keeps profit less the builder's share of it, and reverts below the floor.
    if (sized.sizeRefusal || sized.flash || (sized.profit * (10_000n - builderShareBps)) / 10_000n < floorWei(sized.ticksCrossed)) return { amountIn: 0n, profit: 0n, ticksCrossed: 0 };
    return { amountIn: sized.amountIn, profit: sized.profit, ticksCrossed: sized.ticksCrossed };
  };
  const points: SizingEntry[] = [{ key: sizingKey(start), amountIn: 0n }];
  let below: GridState | undefined;
  for (const state of grid) {
    const sized = inputAt(state);
    if (sized.amountIn > 0n) {
      if (sized.profit > bestGrossWei) bestGrossWei = sized.profit;
      ticksCrossed = Math.max(ticksCrossed, sized.ticksCrossed);
      if (below) points.push(...turningPoint(below, state, stateAt, inputAt));
    }
    below = sized.amountIn === 0n ? state : undefined;
    points.push({ key: state.key, amountIn: sized.amountIn });
  }
  if (bestGrossWei === 0n) return undefined;
  // Keys run with the victim's size: up for a V2 zeroForOne (reserve0 grows), down otherwise; the table is ascending.
  const ascending = points.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)).filter((point, i, all) => i === 0 || point.key !== all[i - 1]!.key);
  return {
    pool: start,
    victimZeroForOne,
    cycle,
    entries: ascending,
    maxAmountIn: ascending.reduce((max, entry) => (entry.amountIn > max ? entry.amountIn : max), 0n),
    bestGrossWei,
    ticksCrossed,
  };
}

/** The last state where nothing pays and the first where it does, between two grid states on either side. */
function turningPoint(lo: GridState, hi: GridState, stateAt: (victimIn: bigint) => GridState | undefined, inputAt: (state: GridState) => { amountIn: bigint }): SizingEntry[] {
  let low = lo;
  let high = hi;
  let highInput = inputAt(hi).amountIn;
  for (let step = 0; step < thresholdSteps && high.victimIn - low.victimIn > 1n; step++) {
    const middle = stateAt((low.victimIn + high.victimIn) / 2n);
    if (!middle) break;
    const input = inputAt(middle).amountIn;
    if (input === 0n) low = middle;
    else [high, highInput] = [middle, input];
  }
  return [
    { key: low.key, amountIn: 0n },
    { key: high.key, amountIn: highInput },
  ];
}
