import { searchTick } from '../amm/v3/sortedTicks.ts';
import type { PoolEvent } from './events.ts';
import type { Pool, V3Pool, V4Pool } from './types.ts';

export class StateApplyError extends Error {}

/** Adds `grossDelta` / `netDelta` at one tick, initializing or clearing it as the pool's bitmap would. */
function updateTick<P extends V3Pool | V4Pool>(pool: P, tick: number, grossDelta: bigint, netDelta: bigint): P {
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
/** A position's liquidity change: its two ticks, and the active liquidity when the price is in its range. */
function modifyPosition<P extends V3Pool | V4Pool>(pool: P, tickLower: number, tickUpper: number, delta: bigint): P {
  let next = updateTick(pool, tickLower, delta, delta);
  next = updateTick(next, tickUpper, delta, -delta);
  if (pool.tick >= tickLower && pool.tick < tickUpper) {
    const liquidity = next.liquidity + delta;
    if (liquidity < 0n) throw new StateApplyError(`negative liquidity in ${pool.address}`);
    next = { ...next, liquidity };
  }
  return next;
}

/** A V4 pool after one PoolManager event (Swap carries the resulting state; ModifyLiquidity a position's change). */
function applyV4Event(pool: V4Pool, event: PoolEvent): V4Pool {
  switch (event.kind) {
    case 'v4swap':
      return { ...pool, sqrtPriceX96: event.sqrtPriceX96, liquidity: event.liquidity, tick: event.tick };
    case 'v4modify':
      // A delta of 0 only collects fees (the PoolManager allows it on an existing position).
      return event.liquidityDelta === 0n ? pool : modifyPosition(pool, event.tickLower, event.tickUpper, event.liquidityDelta);
    case 'v4fee':
      return { ...pool, lpFee: event.lpFee, fee: event.lpFee };
    case 'v4protocolFee':
      return { ...pool, protocolFee: event.protocolFee };
    default:
      throw new StateApplyError(`${event.kind} on V4 pool ${pool.address}`);
  }
}

export function applyPoolEvent(pool: Pool, event: PoolEvent): Pool {
  if (pool.kind === 'v4') return applyV4Event(pool, event);
  if (event.kind === 'sync') {
    if (pool.kind !== 'v2') throw new StateApplyError(`Sync on V3 pool ${pool.address}`);
    return { ...pool, reserve0: event.reserve0, reserve1: event.reserve1 };
  }
  if (pool.kind !== 'v3') throw new StateApplyError(`${event.kind} on V2 pair ${pool.address}`);
  if (event.kind === 'v3swap') {
    return { ...pool, sqrtPriceX96: event.sqrtPriceX96, liquidity: event.liquidity, tick: event.tick };
  }
  if (event.kind !== 'v3mint' && event.kind !== 'v3burn') throw new StateApplyError(`${event.kind} on V3 pool ${pool.address}`);
  if (event.amount === 0n) return pool; // a Burn of 0 only collects fees
  return modifyPosition(pool, event.tickLower, event.tickUpper, event.kind === 'v3mint' ? event.amount : -event.amount);
}
