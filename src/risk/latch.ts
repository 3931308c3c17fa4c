import type { RiskStore } from './riskStore.ts';
import { haltLatchSchema } from './snapshot.ts';
import type { HaltLatch } from './types.ts';

/** Store risk-value keys: the latched halt (shared with `searcher halt` / `resume`) and the gate's snapshot. */
export const haltKey = 'halt';
export const stateKey = 'state';

export type LatchStore = Pick<RiskStore, 'riskValue' | 'setRiskValue' | 'deleteRiskValue'>;

/**
 * The latched halt in the store, if any. A value that cannot be read is a halt too: when in doubt about
 * whether someone pulled the kill switch, the answer is yes.
 */
export function readHaltLatch(store: LatchStore): HaltLatch | undefined {
  const text = store.riskValue(haltKey);
  if (text === undefined) return undefined;
  try {
    return haltLatchSchema.parse(JSON.parse(text));
  } catch {
    return { reason: 'the halt latch in the store is unreadable: run `searcher resume` once the cause is understood', by: 'store', at: 0, breaker: 'killSwitch' };
  }
}

export function writeHaltLatch(store: LatchStore, latch: HaltLatch): void {
  store.setRiskValue(haltKey, JSON.stringify(latch));
}

export function clearHaltLatch(store: LatchStore): void {
  store.deleteRiskValue(haltKey);
}
