import { hostname } from 'node:os';
import type { Heartbeat, RiskStore } from './riskStore.ts';
import type { HaltLatch } from './types.ts';

export type HeartbeatStore = Pick<RiskStore, 'recordHeartbeat'>;

/** How often a running bot beats; `searcher halt` calls a store without a beat in the last `staleAfterMs` unused. */
export const heartbeatIntervalMs = 1_000;
export const heartbeatStaleAfterMs = 10_000;

/**
 * The bot's heartbeat row: who it is, when it last beat, and the halt it holds (and since when it knows),
 * so `searcher halt` in another process can tell whether a bot heard it and how fast. Beats once per
 * interval, and at once whenever the halt it holds changes.
 */
export class BotHeartbeat {
  private row: Heartbeat;
  private lastWrite = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly store: HeartbeatStore,
    parameters: { now: number; pollMs: number; pid?: number; host?: string },
  ) {
    const pid = parameters.pid ?? process.pid;
    const host = parameters.host ?? hostname();
    this.row = { id: `${host}:${pid}:${parameters.now}`, pid, host, started: parameters.now, beat: parameters.now, pollMs: parameters.pollMs, haltedSince: null, ackedAt: null, stopped: null };
  }

  /** Writes when the interval has passed or the halt changed (throws what the store throws). */
  beat(now: number, halted: HaltLatch | undefined): void {
    const since = halted?.at ?? null;
    const changed = since !== this.row.haltedSince;
    if (!changed && now - this.lastWrite < heartbeatIntervalMs) return;
    this.row = { ...this.row, beat: now, haltedSince: since, ackedAt: changed ? (since === null ? null : now) : this.row.ackedAt };
    this.lastWrite = now;
    this.store.recordHeartbeat(this.row);
  }

  /** The bot stops reading the store: say so, so `searcher halt` does not count on it. */
  stop(now: number): void {
    this.row = { ...this.row, beat: now, stopped: now };
    this.store.recordHeartbeat(this.row);
  }
}
