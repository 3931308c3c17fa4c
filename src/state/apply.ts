import { searchTick } from '../amm/v3/sortedTicks.ts';
import type { PoolEvent } from './events.ts';
import type { Pool, V3Pool } from './types.ts';

export class StateApplyError extends Error {}

/** Adds `grossDelta` / `netDelta` at one tick, initializing or clearing it as the pool's bitmap would. */
function updateTick(pool: V3Pool, tick: number, grossDelta: bigint, netDelta: bigint): V3Pool {
  // A tick outside the loaded window is not tracked (its state before is unknown); swaps never read it.
  if (pool.wordRange) {
    const word = Math.floor(Math.floor(tick / pool.tickSpacing) / 256);
    if (word < pool.wordRange.from || word > pool.wordRange.to) return pool;
  }
  const ticks = [...pool.ticks];
  const net = [...pool.liquidityNet];
  const gross = [...pool.liquidityGross];
  let index = searchTick(ticks, tick);
  if (index < 0) {
    if (grossDelta <= 0n) throw new StateApplyError(`burn at uninitialized tick ${tick} of ${pool.address}`);
    index = ~index;
    ticks.splice(index, 0, tick);
    net.splice(index, 0, 0n);
    gross.splice(index, 0, 0n);
  }
  gross[index] = gross[index]! + grossDelta;
  net[index] = net[index]! + netDelta;
  if (gross[index]! < 0n) throw new StateApplyError(`negative liquidityGross at tick ${tick} of ${pool.address}`);
  if (gross[index] === 0n) {
    ticks.splice(index, 1);
    net.splice(index, 1);
    gross.splice(index, 1);
  }
  return { ...pool, ticks, liquidityNet: net, liquidityGross: gross };
}

/**
 * The pool after one event, as the contract computes it. Never mutates: returns a new pool object (journals
 * and overlays keep references to old ones). Sync and Swap carry the resulting state; Mint and Burn carry the
 * liquidity change of a position, applied to its two ticks and to the active liquidity when in range.
 */
export function applyPoolEvent(pool: Pool, event: PoolEvent): Pool {
  if (event.kind === 'sync') {
    if (pool.kind !== 'v2') throw new StateApplyError(`Sync on V3 pool ${pool.address}`);
    return { ...pool, reserve0: event.reserve0, reserve1: event.reserve1 };
  }
  if (pool.kind !== 'v3') throw new StateApplyError(`${event.kind} on V2 pair ${pool.address}`);
  if (event.kind === 'v3swap') {
    return { ...pool, sqrtPriceX96: event.sqrtPriceX96, liquidity: event.liquidity, tick: event.tick };
  }
  if (event.amount === 0n) return pool; // a Burn of 0 only collects fees
  const delta = event.kind === 'v3mint' ? event.amount : -event.amount;
  let next = updateTick(pool, event.tickLower, delta, delta);
  next = updateTick(next, event.tickUpper, delta, -delta);
  if (pool.tick >= event.tickLower && pool.tick < event.tickUpper) {
    const liquidity = next.liquidity + delta;
    if (liquidity < 0n) throw new StateApplyError(`negative liquidity in ${pool.address}`);
    next = { ...next, liquidity };
  }
  return next;
}
