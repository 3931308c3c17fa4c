import { normalizePool, type BreakerName, type BreakerStatus, type Emit, type Refusal } from '../types.ts';
import { refuse } from './breaker.ts';

type Pause = { until: number; since: number; reason: string };

export type PausesJson = Array<{ pool: string } & Pause>;

/** Pools a breaker has paused until a time; expiry is the reset. */
export class PoolPauses {
  private readonly pauses = new Map<string, Pause>();

  constructor(
    private readonly breaker: BreakerName,
    private readonly emit: Emit,
  ) {}

  /** Pauses (or extends the pause of) a pool; only a newly paused pool emits a trip. */
  pause(pool: string, reason: string, until: number, now: number): void {
    const key = normalizePool(pool);
    const current = this.pauses.get(key);
    if (current) {
      if (until > current.until) this.pauses.set(key, { ...current, until, reason });
      return;
    }
    this.pauses.set(key, { until, since: now, reason });
    this.emit({ breaker: this.breaker, kind: 'trip', reason, scope: key }, now);
  }

  tick(now: number): void {
    for (const [pool, pause] of this.pauses) {
      if (now < pause.until) continue;
      this.pauses.delete(pool);
      this.emit({ breaker: this.breaker, kind: 'reset', reason: 'pause elapsed', scope: pool }, now);
    }
  }

  isPaused(pool: string): boolean {
    return this.pauses.has(normalizePool(pool));
  }

  check(pools: readonly string[]): Refusal | undefined {
    for (const pool of pools) {
      const key = normalizePool(pool);
      const pause = this.pauses.get(key);
      if (pause) return refuse(this.breaker, `pool ${key} is paused until ${new Date(pause.until).toISOString()}: ${pause.reason}`, key);
    }
    return undefined;
  }

  status(limit: string, threshold: string): BreakerStatus[] {
    return [...this.pauses].map(([pool, pause]) => ({ breaker: this.breaker, limit, scope: pool, state: 'tripped', threshold, current: `paused until ${pause.until}`, reason: pause.reason, since: pause.since }));
  }

  get size(): number {
    return this.pauses.size;
  }

  toJSON(): PausesJson {
    return [...this.pauses].map(([pool, pause]) => ({ pool, ...pause }));
  }

  restore(json: PausesJson): void {
    for (const { pool, ...pause } of json) this.pauses.set(normalizePool(pool), pause);
  }
}
