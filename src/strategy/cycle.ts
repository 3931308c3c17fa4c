import type { Address } from 'viem';
import { getAmountOut, MAX_UINT112 } from '../amm/v2.ts';
import { V3RangeError } from '../amm/v3/pool.ts';
import { V3QuotePaths, type V3ExactInputQuote } from '../amm/v3/quotePath.ts';
import { simulateV4Swap, V4SwapError, type V4PoolState } from '../amm/v4/pool.ts';
import { calculateSwapFee, directionalProtocolFee } from '../amm/v4/swapMath.ts';
import { quotableByMath, type Pool } from '../state/types.ts';

/** One hop of a cycle: a pool and the direction of travel through it. */
export type CycleHop = { pool: Pool; tokenIn: Address; tokenOut: Address; zeroForOne: boolean };

/** A closed path of hops from a start token back to it. */
export type Cycle = { startToken: Address; hops: CycleHop[] };

/** Reads pool state: the canonical market or a pending overlay over it. */
export type PoolView = { get(address: Address): Pool | undefined };

export type CycleQuote = { amountOut: bigint; ticksCrossed: number };

/**
 * What quoting one cycle many times on one view can keep (a sizing quotes it twenty-odd times): each hop's pool
 * state on the view, in hop order, and the V3 pools' whole-range steps, computed once and replayed (V3 only: a V4
 * hop is simulated in full each time, V4's step rounds differently from the paths').
 */
export type PreparedCycle = { pools: readonly Pool[]; paths: V3QuotePaths };

/** The view's state of the cycle's pools, and room for their V3 paths (share `paths` across a search's cycles). */
export function prepareCycle(view: PoolView, cycle: Cycle, paths = new V3QuotePaths()): PreparedCycle {
  return { pools: cycle.hops.map((hop) => view.get(hop.pool.address) ?? hop.pool), paths };
}

/**
 * Exact output of a cycle for `amountIn`, hop by hop on the view's current state (each hop's own rounding).
 * 0 when a hop cannot fill (no liquidity, a V3/V4 pool runs out of range, or past the ticks loaded for it) or
 * cannot be quoted by our math (a simulate-only V4 pool). `prepared`: prepareCycle's on the same view, when the
 * caller quotes the cycle more than once.
 */
export function quoteCycle(view: PoolView, cycle: Cycle, amountIn: bigint, prepared?: PreparedCycle): CycleQuote {
  let amount = amountIn;
  let ticksCrossed = 0;
  const { hops } = cycle;
  const pools = prepared?.pools;
  const paths = prepared?.paths ?? new V3QuotePaths();
  for (let i = 0; i < hops.length; i++) {
    const hop = hops[i]!;
    if (amount <= 0n) return { amountOut: 0n, ticksCrossed };
    const pool = pools?.[i] ?? view.get(hop.pool.address) ?? hop.pool;
    if (pool.kind === 'v2') {
      const [reserveIn, reserveOut] = hop.zeroForOne ? [pool.reserve0, pool.reserve1] : [pool.reserve1, pool.reserve0];
      // An empty pair, or an input the pair could not hold (uint112 reserves): the swap would revert.
      if (reserveIn === 0n || reserveOut === 0n || reserveIn + amount > MAX_UINT112) return { amountOut: 0n, ticksCrossed };
      amount = getAmountOut(amount, reserveIn, reserveOut, pool.feeBps);
    } else if (pool.kind === 'v4') {
      const result = quoteV4Hop(pool, hop.zeroForOne, amount);
      if (!result) return { amountOut: 0n, ticksCrossed };
      amount = result.amountOut;
      ticksCrossed += result.ticksCrossed;
    } else {
      if (pool.liquidity === 0n && pool.ticks.length === 0) return { amountOut: 0n, ticksCrossed };
      let result: V3ExactInputQuote;
      try {
        // The pool's whole-range steps are computed once per state and replayed (sizing quotes it many times).
        result = paths.quote(pool, hop.zeroForOne, amount);
      } catch (error) {
        // Past the loaded tick window the output is unknown: refused like an unfillable size, never guessed.
        if (error instanceof V3RangeError) return { amountOut: 0n, ticksCrossed };
        throw error;
      }
      // A swap that could not use all its input ran out of liquidity: the real executor would leave the rest
      // unspent; treat it as unfillable rather than pretend.
      if (result.amountIn !== amount) return { amountOut: 0n, ticksCrossed };
      amount = result.amountOut;
      ticksCrossed += result.ticksCrossed;
    }
  }
  return { amountOut: amount, ticksCrossed };
}

/**
 * One V4 hop, exact input, as the PoolManager swaps it (PoolManager.swap with no price limit, what the executor's
 * V4 leg calls): undefined when it cannot be known or would not fill. A hook may change a simulate-only pool's
 * amounts (never quoted here); a swap past the loaded tick words is unknown; one that cannot take all its input
 * (the pool ran out of liquidity) would leave part unspent, which the executor does not plan for.
 */
function quoteV4Hop(pool: Pool & { kind: 'v4' }, zeroForOne: boolean, amountIn: bigint): CycleQuote | undefined {
  if (!quotableByMath(pool)) return undefined;
  let result: ReturnType<typeof simulateV4Swap>;
  try {
    result = simulateV4Swap(pool, { zeroForOne, amountSpecified: -amountIn });
  } catch (error) {
    // V3RangeError: past the loaded window. V4SwapError: the PoolManager would revert (a price at its bound).
    if (error instanceof V3RangeError || error instanceof V4SwapError) return undefined;
    throw error;
  }
  const [taken, paid] = zeroForOne ? [result.amount0, result.amount1] : [result.amount1, result.amount0];
  if (taken !== -amountIn) return undefined;
  return { amountOut: paid, ticksCrossed: result.ticksCrossed };
}

/** A V4 pool's fee in one direction, in pips: its LP fee composed with that direction's protocol fee, as Pool.swap charges. */
export function v4SwapFee(pool: V4PoolState, zeroForOne: boolean): number {
  return calculateSwapFee(directionalProtocolFee(pool.protocolFee, zeroForOne), pool.lpFee);
}

export const isV2Only = (cycle: Cycle): boolean => cycle.hops.every((hop) => hop.pool.kind === 'v2');

export function cycleKey(cycle: Cycle): string {
  return cycle.hops.map((hop) => `${hop.pool.address}:${hop.zeroForOne ? 1 : 0}`).join('>');
}

const Q192 = 2 ** 192;

/**
 * The cycle's marginal rate at zero input: start token out per start token in, for an infinitesimal trade
 * (spot prices times fee factors). Below 1 no input can profit, so the cycle is not worth sizing. A float is
 * enough for this filter: the sizing that follows is exact, and a cycle this close to 1 pays nothing.
 */
export function marginalRate(view: PoolView, cycle: Cycle): number {
  let rate = 1;
  for (const hop of cycle.hops) {
    const pool = view.get(hop.pool.address) ?? hop.pool;
    if (pool.kind === 'v2') {
      const [reserveIn, reserveOut] = hop.zeroForOne ? [pool.reserve0, pool.reserve1] : [pool.reserve1, pool.reserve0];
      if (reserveIn === 0n) return 0;
      rate *= (Number(reserveOut) / Number(reserveIn)) * (1 - Number(pool.feeBps) / 10_000);
    } else if (pool.kind === 'v4') {
      if (pool.liquidity === 0n || !quotableByMath(pool)) return 0;
      const price = Number(pool.sqrtPriceX96) ** 2 / Q192;
      rate *= (hop.zeroForOne ? price : 1 / price) * (1 - v4SwapFee(pool, hop.zeroForOne) / 1_000_000);
    } else {
      if (pool.liquidity === 0n) return 0;
      const price = Number(pool.sqrtPriceX96) ** 2 / Q192; // token1 per token0
      rate *= (hop.zeroForOne ? price : 1 / price) * (1 - pool.fee / 1_000_000);
    }
  }
  return rate;
}
