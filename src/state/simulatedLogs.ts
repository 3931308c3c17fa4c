import type { Log } from 'viem';
import { applyPoolEvent, StateApplyError } from './apply.ts';
import { decodePoolLog } from './events.ts';
import type { PendingOverlay } from './overlay.ts';
import { quotableByMath, type Pool } from './types.ts';

/**
 * Applies the pool events a simulated transaction emitted to an overlay, in log order, as the block sync applies
 * mined ones (V2 Sync, V3 Swap/Mint/Burn and V4 PoolManager events carry or imply the pool's state after them).
 * Events of pools the market does not hold are skipped: nothing is quoted through them. Returns the pools moved
 * that our math may quote (the simulate-only ones are left out: they are never walked) and every state the logs set
(by market key, hook pools included), or why not: an event the
 * pool's state cannot take (the event's kind is not the pool's, a burn the state does not know) is never guessed.
 * `v4Managers`: the PoolManagers whose events count (lowercase; anyone can emit a log shaped like theirs).
 */
export function applySimulatedLogs(overlay: PendingOverlay, logs: readonly Log[], v4Managers: ReadonlySet<string>): { moved: Pool[]; states: Map<string, Pool> } | { reason: string } {
  const moved = new Map<string, Pool>();
  for (const log of logs) {
    const decoded = decodePoolLog(log, v4Managers);
    if (!decoded) continue;
    const key = decoded.address.toLowerCase();
    const pool = overlay.get(decoded.address);
    if (!pool) continue;
    let next: Pool;
    try {
      next = applyPoolEvent(pool, decoded.event);
    } catch (error) {
      if (!(error instanceof StateApplyError)) throw error;
      return { reason: `a simulated ${decoded.event.kind} log of ${key} does not map onto its state: ${error.message}` };
    }
    overlay.setPool(key, next);
    moved.set(key, next);
  }
  return { moved: [...moved.values()].filter(quotableByMath), states: moved };
}
