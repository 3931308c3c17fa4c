import type { RiskConfig } from '../config.ts';
import { SlidingCounter } from '../rolling.ts';
import { normalizePool, type BreakerStatus, type BundleProposal, type Emit, type Refusal } from '../types.ts';
import { refuse, type Breaker } from './breaker.ts';

const secondMs = 1_000;

/**
 * Order frequency: bundles sent in the last second, overall and per pool. A proposal beyond a limit is
 * dropped and counted; one 'drop' event marks the start of each saturated stretch, not every drop.
 */
export class FrequencyBreaker implements Breaker {
  readonly name = 'frequency';
  private readonly global = new SlidingCounter(secondMs);
  private readonly perPool = new Map<string, SlidingCounter>();
  /** Scopes ('' for the global limit) currently dropping, with when they started. */
  private readonly saturated = new Map<string, number>();
  /** Proposals dropped since start, in all. */
  drops = 0;

  constructor(
    private readonly config: RiskConfig['frequency'],
    private readonly emit: Emit,
  ) {}

  sent(proposal: BundleProposal, now: number): void {
    this.global.add(now);
    for (const pool of new Set(proposal.pools.map(normalizePool))) {
      let counter = this.perPool.get(pool);
      if (!counter) this.perPool.set(pool, (counter = new SlidingCounter(secondMs)));
      counter.add(now);
    }
  }

  check(proposal: BundleProposal, now: number): Refusal | undefined {
    const sent = this.global.count(now);
    if (sent >= this.config.maxPerSecond) return this.drop('', `${sent} bundles in the last second (limit ${this.config.maxPerSecond}/s)`, now);
    this.clear('', now);
    for (const pool of new Set(proposal.pools.map(normalizePool))) {
      const count = this.perPool.get(pool)?.count(now) ?? 0;
      if (count >= this.config.maxPerPoolPerSecond) return this.drop(pool, `${count} bundles on pool ${pool} in the last second (limit ${this.config.maxPerPoolPerSecond}/s)`, now);
      this.clear(pool, now);
    }
    return undefined;
  }

  private drop(scope: string, reason: string, now: number): Refusal {
    this.drops++;
    if (!this.saturated.has(scope)) {
      this.saturated.set(scope, now);
      this.emit({ breaker: 'frequency', kind: 'drop', reason, ...(scope ? { scope } : {}) }, now);
    }
    return refuse('frequency', reason, scope || undefined);
  }

  private clear(scope: string, now: number): void {
    if (!this.saturated.delete(scope)) return;
    this.emit({ breaker: 'frequency', kind: 'reset', reason: 'below the rate limit again', ...(scope ? { scope } : {}) }, now);
  }

  tick(now: number): void {
    this.global.prune(now);
    for (const [pool, counter] of this.perPool) {
      counter.prune(now);
      if (counter.empty) this.perPool.delete(pool);
    }
  }

  status(now: number): BreakerStatus[] {
    const rows: BreakerStatus[] = [
      {
        breaker: 'frequency',
        limit: 'perSecond',
        state: this.global.count(now) >= this.config.maxPerSecond ? 'tripped' : 'ok',
        threshold: String(this.config.maxPerSecond),
        current: String(this.global.count(now)),
      },
    ];
    for (const [pool, counter] of this.perPool) {
      const count = counter.count(now);
      if (count >= this.config.maxPerPoolPerSecond) {
        rows.push({ breaker: 'frequency', limit: 'perPoolPerSecond', scope: pool, state: 'tripped', threshold: String(this.config.maxPerPoolPerSecond), current: String(count) });
      }
    }
    return rows;
  }
}
