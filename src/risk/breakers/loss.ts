import type { RiskConfig } from '../config.ts';
import { RollingLedger, type LedgerJson } from '../rolling.ts';
import type { BreakerStatus, BundleOutcome, BundleProposal, Refusal } from '../types.ts';
import { refuse, type Breaker } from './breaker.ts';

const hourMs = 3_600_000;
const dayMs = 86_400_000;

export type LossJson = { ledger: LedgerJson; equityWei?: string };

/**
 * Loss caps: the realised equity drawdown (net of gas and builder payments, as the submitter reports each
 * outcome) over a rolling hour and day, as a share of the equity the engine reports. Reaching a cap latches
 * a halt (the gate's kill-switch latch) that only a resume clears; a resume forgives the losses so far.
 * Without a reported equity there is no cap to measure against, so nothing passes (fail closed).
 */
export class LossBreaker implements Breaker {
  readonly name = 'loss';
  private readonly ledger: RollingLedger;
  private equity: bigint | undefined;

  constructor(
    private readonly config: RiskConfig['loss'],
    bucketMs: number,
    /** Latches the halt (the gate makes it idempotent). */
    private readonly latch: (reason: string, now: number) => void,
  ) {
    this.ledger = new RollingLedger(bucketMs, dayMs);
  }

  setEquity(wei: bigint, now: number): void {
    this.equity = wei;
    this.evaluate(now);
  }

  get equityWei(): bigint | undefined {
    return this.equity;
  }

  resolved(outcome: BundleOutcome, now: number): void {
    this.ledger.add(now, outcome.netWei);
    this.evaluate(now);
  }

  private limits(now: number): Array<{ limit: 'perHour' | 'perDay'; windowMs: number; cap: bigint | undefined; drawdown: bigint }> {
    const cap = (bps: number) => (this.equity === undefined ? undefined : (this.equity * BigInt(bps)) / 10_000n);
    return [
      { limit: 'perHour', windowMs: hourMs, cap: cap(this.config.maxHourlyLossBps), drawdown: this.ledger.drawdown(now, hourMs) },
      { limit: 'perDay', windowMs: dayMs, cap: cap(this.config.maxDailyLossBps), drawdown: this.ledger.drawdown(now, dayMs) },
    ];
  }

  /** Latches the halt when a drawdown has reached its cap; returns the reason. */
  private evaluate(now: number): string | undefined {
    for (const { limit, cap, drawdown } of this.limits(now)) {
      if (cap === undefined || drawdown === 0n || drawdown < cap) continue;
      const reason = `realised loss ${drawdown} wei in the last ${limit === 'perHour' ? 'hour' : 'day'} reached the cap ${cap} wei (${limit === 'perHour' ? this.config.maxHourlyLossBps : this.config.maxDailyLossBps} bps of equity ${this.equity})`;
      this.latch(reason, now);
      return reason;
    }
    return undefined;
  }

  check(_proposal: BundleProposal, now: number): Refusal | undefined {
    if (this.equity === undefined) return refuse('loss', 'equity unknown: the engine has not reported it yet (setEquity)');
    const reason = this.evaluate(now);
    return reason === undefined ? undefined : refuse('loss', reason);
  }

  /** After a resume the operator has accepted the losses so far: they no longer count against the caps. */
  forgive(): void {
    this.ledger.clear();
  }

  tick(now: number): void {
    this.ledger.prune(now);
  }

  status(now: number): BreakerStatus[] {
    return this.limits(now).map(({ limit, cap, drawdown }) => ({
      breaker: 'loss' as const,
      limit,
      state: cap !== undefined && drawdown > 0n && drawdown >= cap ? ('tripped' as const) : ('ok' as const),
      threshold: cap === undefined ? 'unknown equity' : String(cap),
      current: String(drawdown),
    }));
  }

  toJSON(): LossJson {
    return { ledger: this.ledger.toJSON(), ...(this.equity !== undefined ? { equityWei: String(this.equity) } : {}) };
  }

  restore(json: LossJson): void {
    this.ledger.restore(json.ledger);
    if (json.equityWei !== undefined) this.equity = BigInt(json.equityWei);
  }
}
