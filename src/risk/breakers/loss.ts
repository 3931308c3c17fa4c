import type { RiskConfig } from '../config.ts';
import { RollingLedger, type LedgerJson } from '../rolling.ts';
import type { BreakerStatus, BundleOutcome, BundleProposal, Refusal } from '../types.ts';
import { refuse, type Breaker } from './breaker.ts';

const hourMs = 3_600_000;
const dayMs = 86_400_000;

/** Which landed transaction an unresolved bundle is, so its receipt can be read again after a restart. */
export type UnresolvedRef = { txHash: string; block: string };

export type LossJson = { ledger: LedgerJson; equityWei?: string; pending?: Array<{ id: string; at: number; worstWei: string } & Partial<UnresolvedRef>> };

/**
 * Loss caps: the realised equity drawdown (net of gas and builder payments, as the submitter reports each
 * outcome) over a rolling hour and day, as a share of the equity the engine reports. Reaching a cap latches
 * a halt (the gate's kill-switch latch) that only a resume clears; a resume forgives the losses so far.
 * Without a reported equity there is no cap to measure against, so nothing passes (fail closed).
 *
 * A bundle that landed but whose outcome cannot be read yet (its receipt) counts as a loss at its worst case
 * until it is resolved: it stops sends while the drawdown with it would reach a cap, without latching (the
 * worst case is a bound, not a loss); the real outcome then replaces it and may latch.
 */
export class LossBreaker implements Breaker {
  readonly name = 'loss';
  private readonly ledger: RollingLedger;
  private equity: bigint | undefined;
  private readonly pending = new Map<string, { at: number; worstWei: bigint; ref?: UnresolvedRef }>();

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
    this.pending.delete(outcome.id);
    this.ledger.add(now, outcome.netWei);
    this.evaluate(now);
  }

  /** Landed, outcome unknown: counts as losing `worstWei` until `resolved` (a second call keeps the larger). */
  unresolved(id: string, worstWei: bigint, now: number, ref?: UnresolvedRef): void {
    const known = this.pending.get(id);
    const keep = ref ?? known?.ref;
    this.pending.set(id, { at: known?.at ?? now, worstWei: known && known.worstWei > worstWei ? known.worstWei : worstWei, ...(keep ? { ref: keep } : {}) });
  }

  /** Unresolved bundles whose transaction is known: the ledger reads their receipts again (after a restart too). */
  unresolvedRefs(): Array<{ id: string } & UnresolvedRef> {
    return [...this.pending].flatMap(([id, { ref }]) => (ref ? [{ id, ...ref }] : []));
  }

  /** The worst case of every landed bundle whose outcome is not known yet. */
  get pendingWorstWei(): bigint {
    let sum = 0n;
    for (const { worstWei } of this.pending.values()) sum += worstWei;
    return sum;
  }

  private limits(now: number): Array<{ limit: 'perHour' | 'perDay'; windowMs: number; cap: bigint | undefined; drawdown: bigint; realised: bigint }> {
    const cap = (bps: number) => (this.equity === undefined ? undefined : (this.equity * BigInt(bps)) / 10_000n);
    const pending = this.pendingWorstWei;
    return [hourMs, dayMs].map((windowMs) => ({
      limit: windowMs === hourMs ? ('perHour' as const) : ('perDay' as const),
      windowMs,
      cap: cap(windowMs === hourMs ? this.config.maxHourlyLossBps : this.config.maxDailyLossBps),
      drawdown: this.ledger.drawdown(now, windowMs, pending),
      realised: this.ledger.drawdown(now, windowMs),
    }));
  }

  /** Latches the halt when a realised drawdown has reached its cap; returns the reason (unresolved worst cases refuse without latching). */
  private evaluate(now: number): string | undefined {
    for (const { limit, cap, drawdown, realised } of this.limits(now)) {
      if (cap === undefined || drawdown === 0n || drawdown < cap) continue;
      const window = limit === 'perHour' ? 'hour' : 'day';
      const share = `${limit === 'perHour' ? this.config.maxHourlyLossBps : this.config.maxDailyLossBps} bps of equity ${this.equity}`;
      if (realised > 0n && realised >= cap) {
        const reason = `realised loss ${realised} wei in the last ${window} reached the cap ${cap} wei (${share})`;
        this.latch(reason, now);
        return reason;
      }
      return `loss ${drawdown} wei in the last ${window}, counting ${this.pending.size} landed bundle(s) whose outcome is unknown at their worst case (${this.pendingWorstWei} wei), reaches the cap ${cap} wei (${share}): no sends until their receipts are read`;
    }
    return undefined;
  }

  check(_proposal: BundleProposal, now: number): Refusal | undefined {
    if (this.equity === undefined) return refuse('loss', 'equity unknown: the engine has not reported it yet (setEquity)');
    const reason = this.evaluate(now);
    return reason === undefined ? undefined : refuse('loss', reason);
  }

  /** After a resume the operator has accepted the losses so far: they no longer count against the caps (unknown outcomes still do). */
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
      unit: 'wei' as const,
    }));
  }

  toJSON(): LossJson {
    return {
      ledger: this.ledger.toJSON(),
      ...(this.equity !== undefined ? { equityWei: String(this.equity) } : {}),
      ...(this.pending.size > 0 ? { pending: [...this.pending].map(([id, { at, worstWei, ref }]) => ({ id, at, worstWei: String(worstWei), ...(ref ?? {}) })) } : {}),
    };
  }

  restore(json: LossJson): void {
    this.ledger.restore(json.ledger);
    if (json.equityWei !== undefined) this.equity = BigInt(json.equityWei);
    for (const { id, at, worstWei, txHash, block } of json.pending ?? []) this.pending.set(id, { at, worstWei: BigInt(worstWei), ...(txHash && block ? { ref: { txHash, block } } : {}) });
  }
}
