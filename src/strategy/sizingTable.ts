import { getAddress, type Address } from 'viem';
import { V3SwapError } from '../amm/v3/pool.ts';
import { PendingOverlay } from '../state/overlay.ts';
import type { MarketState } from '../state/market.ts';
import type { Cycle } from './cycle.ts';
import { sizeCycle } from './sizing.ts';

/**
 * One row of an on-chain sizing table (`Executor.executeSized`): the touched pool's state after a victim of some
 * size, and the cycle's best input in that state.
 */
export type SizingEntry = {
  /** V2: the pair's reserve0 after the victim; V3: the pool's sqrtPriceX96 after it (what the executor reads). */
  key: bigint;
  /** The cycle's best input there, in its start token; 0 where no input profits. */
  amountIn: bigint;
};

export type SizingEntriesParameters = {
  /** The state before the victim (the canonical market; the pending victims of the block are not in it). */
  market: MarketState;
  /** The pool the hint says the victim touched. */
  pool: Address;
  /** The direction the victim is assumed to trade in (one table per direction). */
  victimZeroForOne: boolean;
  /** The victim sizes to tabulate, in the victim's input token (e.g. victimGrid). */
  victimAmounts: readonly bigint[];
  /** The backrun for that direction: a cycle through `pool`. */
  cycle: Cycle;
};

/**
 * The sizing table for a victim of unknown size: for each assumed size, the pool's key after the victim (exact
 * V2/V3 swap math on a pending overlay, as for a decoded victim) and the optimum of `cycle` there (sizeCycle).
 * Sizes that leave the key where a smaller one left it are skipped (keys must strictly increase once sorted); a
 * size the tracked ticks cannot simulate ends the table, so the executor finds no entry there and reverts
 * NoOpportunity rather than run a guess. Pure: no I/O.
 */
export function sizingEntries(parameters: SizingEntriesParameters): SizingEntry[] {
  const { market, pool, victimZeroForOne, victimAmounts, cycle } = parameters;
  if (!cycle.hops.some((hop) => getAddress(hop.pool.address) === getAddress(pool))) {
    throw new RangeError(`the cycle does not swap in the touched pool ${pool}`);
  }
  const entries: SizingEntry[] = [];
  const keys = new Set<bigint>();
  for (const amount of victimAmounts) {
    const overlay = new PendingOverlay(market);
    let sizedAt: bigint | undefined;
    let key: bigint;
    try {
      if (amount > 0n) overlay.applySwap({ pool, zeroForOne: victimZeroForOne, amountIn: amount });
      const state = overlay.get(pool);
      if (!state) throw new RangeError(`the touched pool ${pool} is not in the market`);
      key = state.kind === 'v2' ? state.reserve0 : state.sqrtPriceX96;
      if (keys.has(key)) continue;
      sizedAt = sizeCycle(overlay, cycle)?.amountIn;
    } catch (error) {
      if (error instanceof V3SwapError) break;
      throw error;
    }
    keys.add(key);
    entries.push({ key, amountIn: sizedAt ?? 0n });
  }
  return entries;
}

/** `points` victim sizes evenly spaced from 0 to `max` (0 included: no victim is a state the table should know). */
export function victimGrid(max: bigint, points: number): bigint[] {
  if (!Number.isInteger(points) || points < 2) throw new RangeError(`a grid needs at least 2 points (got ${points})`);
  return Array.from({ length: points }, (_, index) => (max * BigInt(index)) / BigInt(points - 1));
}
