import type { RiskConfig } from '../config.ts';
import { SlidingCounter } from '../rolling.ts';
import { normalizePool, type BreakerStatus, type BundleProposal, type Emit, type PoolObservation, type Refusal } from '../types.ts';
import { refuse, type Breaker } from './breaker.ts';
import { PoolPauses, type PausesJson } from './pauses.ts';

export type IntegrityJson = { pauses: PausesJson };

/**
 * Data integrity: a pool whose price jumps more than the bound with no log to explain it, or whose
 * predictions keep disagreeing with the simulation, is paused for a while; a state drift (our state differs
 * from the chain's) pauses everything until the follower finds them equal again.
 */
export class IntegrityBreaker implements Breaker {
  readonly name = 'integrity';
  private readonly pauses: PoolPauses;
  private readonly prices = new Map<string, bigint>();
  private readonly mismatches = new Map<string, SlidingCounter>();
  private drift: { since: number; reason: string } | undefined;
  private lastJumpBps = 0n;

  constructor(
    private readonly config: RiskConfig['integrity'],
    private readonly emit: Emit,
  ) {
    this.pauses = new PoolPauses('integrity', emit);
  }

  observe(observation: PoolObservation, now: number): void {
    if (observation.price === undefined || observation.price <= 0n) return;
    const pool = normalizePool(observation.pool);
    const previous = this.prices.get(pool);
    this.prices.set(pool, observation.price);
    if (previous === undefined || observation.explainedByLog) return;
    const moved = observation.price > previous ? observation.price - previous : previous - observation.price;
    const jumpBps = (moved * 10_000n) / previous;
    this.lastJumpBps = jumpBps;
    // Exact: moved / previous > bound / 10000, without rounding.
    if (moved * 10_000n > BigInt(this.config.maxUnexplainedPriceJumpBps) * previous) {
      const reason = `price moved ${jumpBps} bps (${previous} -> ${observation.price}) with no log to explain it (limit ${this.config.maxUnexplainedPriceJumpBps} bps)`;
      this.pauses.pause(pool, reason, now + this.config.poolPauseMs, now);
    }
  }

  /**
   * Pools the market no longer holds: their last prices go (the map holds the tracked pools' only, not every pool
   * ever seen). A pool that comes back starts without a baseline, as a new one does. Pauses stay until they elapse.
   */
  forget(pools: Iterable<string>): void {
    for (const pool of pools) {
      const key = normalizePool(pool);
      this.prices.delete(key);
      this.mismatches.delete(key);
    }
  }

  mismatch(pool: string, now: number): void {
    const key = normalizePool(pool);
    let counter = this.mismatches.get(key);
    if (!counter) this.mismatches.set(key, (counter = new SlidingCounter(this.config.mismatchWindowMs)));
    counter.add(now);
    const count = counter.count(now);
    if (count < this.config.maxMismatches) return;
    counter.clear();
    this.pauses.pause(key, `${count} prediction/simulation mismatches within ${this.config.mismatchWindowMs} ms (limit ${this.config.maxMismatches})`, now + this.config.poolPauseMs, now);
  }

  setDrift(stale: boolean, now: number): void {
    if (stale && !this.drift) {
      this.drift = { since: now, reason: 'our pool state drifted from the chain: everything paused until it agrees again' };
      this.emit({ breaker: 'integrity', kind: 'trip', reason: this.drift.reason }, now);
    } else if (!stale && this.drift) {
      this.drift = undefined;
      this.emit({ breaker: 'integrity', kind: 'reset', reason: 'pool state agrees with the chain again' }, now);
    }
  }

  tick(now: number): void {
    this.pauses.tick(now);
    for (const [pool, counter] of this.mismatches) {
      counter.prune(now);
      if (counter.empty) this.mismatches.delete(pool);
    }
  }

  /** The part that stops everything. */
  checkDrift(): Refusal | undefined {
    return this.drift ? refuse('integrity', this.drift.reason) : undefined;
  }

  check(proposal: BundleProposal): Refusal | undefined {
    return this.checkDrift() ?? this.pauses.check(proposal.pools);
  }

  status(): BreakerStatus[] {
    return [
      { breaker: 'integrity', limit: 'drift', state: this.drift ? 'tripped' : 'ok', threshold: 'none', current: this.drift ? 'drifted' : 'in sync', ...(this.drift ? { reason: this.drift.reason, since: this.drift.since } : {}) },
      { breaker: 'integrity', limit: 'priceJump', state: 'ok', threshold: `${this.config.maxUnexplainedPriceJumpBps} bps`, current: `${this.lastJumpBps} bps` },
      ...this.pauses.status('pool', `${this.config.maxUnexplainedPriceJumpBps} bps unexplained or ${this.config.maxMismatches} mismatches`),
    ];
  }

  toJSON(): IntegrityJson {
    return { pauses: this.pauses.toJSON() };
  }

  restore(json: IntegrityJson): void {
    this.pauses.restore(json.pauses);
  }
}
