import type { RiskConfig } from '../config.ts';
import type { BreakerStatus, BundleOutcome, Emit, Refusal } from '../types.ts';
import { refuse, type Breaker } from './breaker.ts';

export type FailuresJson = { streak: number; cooldown?: { until: number; since: number; reason: string } };

/**
 * Consecutive failures: N losing (included, net below zero) or failed (reverted, rejected) bundles in a row
 * stop sending for a cooldown. A profitable inclusion ends the streak; a bundle that simply did not land
 * costs nothing and leaves the streak as it is.
 */
export class FailuresBreaker implements Breaker {
  readonly name = 'failures';
  private streak = 0;
  private cooldown: FailuresJson['cooldown'];

  constructor(
    private readonly config: RiskConfig['failures'],
    private readonly emit: Emit,
  ) {}

  resolved(outcome: BundleOutcome, now: number): void {
    const bad = outcome.failed || (outcome.included && outcome.netWei < 0n);
    if (!bad) {
      if (outcome.included) this.streak = 0;
      return;
    }
    this.streak++;
    if (this.streak < this.config.maxConsecutive) return;
    const reason = `${this.streak} losing or failed bundles in a row (limit ${this.config.maxConsecutive}): paused for ${this.config.cooldownMs} ms`;
    this.streak = 0;
    this.cooldown = { until: now + this.config.cooldownMs, since: now, reason };
    this.emit({ breaker: 'failures', kind: 'trip', reason }, now);
  }

  /** A resume by the operator also ends the cooldown. */
  clear(now: number): void {
    this.streak = 0;
    if (this.cooldown) {
      this.cooldown = undefined;
      this.emit({ breaker: 'failures', kind: 'reset', reason: 'cooldown ended by a resume' }, now);
    }
  }

  tick(now: number): void {
    if (this.cooldown && now >= this.cooldown.until) {
      this.cooldown = undefined;
      this.emit({ breaker: 'failures', kind: 'reset', reason: 'cooldown elapsed' }, now);
    }
  }

  check(): Refusal | undefined {
    return this.cooldown ? refuse('failures', `${this.cooldown.reason} (until ${new Date(this.cooldown.until).toISOString()})`) : undefined;
  }

  get coolingDown(): boolean {
    return this.cooldown !== undefined;
  }

  status(): BreakerStatus[] {
    return [
      {
        breaker: 'failures',
        limit: 'consecutive',
        state: this.cooldown ? 'tripped' : 'ok',
        threshold: String(this.config.maxConsecutive),
        current: String(this.streak),
        ...(this.cooldown ? { reason: this.cooldown.reason, since: this.cooldown.since } : {}),
      },
    ];
  }

  toJSON(): FailuresJson {
    return { streak: this.streak, ...(this.cooldown ? { cooldown: this.cooldown } : {}) };
  }

  restore(json: FailuresJson): void {
    this.streak = json.streak;
    this.cooldown = json.cooldown;
  }
}
