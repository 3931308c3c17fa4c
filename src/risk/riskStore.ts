/**
 * What the risk layer keeps across runs, as the risk layer needs it: the port its persistence writes through.
 * The SQLite store (monitor/store.ts) implements it; risk/ does not import monitor/ (monitor sits above risk,
 * and the types the two share live here, in the lower layer).
 */

export type BreakerEvent = {
  /** Unix ms. */
  at: number;
  breaker: string;
  kind: 'trip' | 'reset' | 'halt' | 'resume' | 'drop';
  reason: string;
  /** Pool or builder the event is about, when it is about one. */
  scope?: string;
};

/** One bot run's heartbeat row (unix ms throughout). */
export type Heartbeat = {
  /** host:pid:started, unique per run. */
  id: string;
  pid: number;
  host: string;
  started: number;
  /** The last beat. */
  beat: number;
  /** How often the bot reads the halt latch: how long `searcher halt` should wait for it. */
  pollMs: number;
  /** The `at` of the halt the bot holds in memory; null while it may send. */
  haltedSince: number | null;
  /** When the bot took that halt (adopted the store's latch, or halted itself). */
  ackedAt: number | null;
  /** Set when the bot stopped cleanly: it no longer reads the store. */
  stopped: number | null;
};

export interface RiskStore {
  /** The JSON stored under a risk key (the halt latch, the gate's snapshot), if any. */
  riskValue(key: string): string | undefined;
  setRiskValue(key: string, json: string): void;
  deleteRiskValue(key: string): void;
  recordBreakerEvent(event: BreakerEvent): void;
  recordHeartbeat(beat: Heartbeat): void;
}
