import type { RiskConfig } from '../config.ts';
import { RollingLedger, type LedgerJson } from '../rolling.ts';
import type { BreakerStatus, BundleOutcome, BundleProposal, Emit, Refusal } from '../types.ts';
import { refuse, type Breaker } from './breaker.ts';

const dayMs = 86_400_000;

type Outstanding = { at: number; targetBlock: bigint; maxGasCostWei: bigint; amountIn: bigint };

export type GasJson = {
  paid: LedgerJson;
  outstanding: Array<{ id: string; at: number; targetBlock: string; maxGasCostWei: string; amountIn?: string }>;
  /** Gas paid by target block, for the few blocks around the head. */
  byBlock: Array<[string, string]>;
};

/** Blocks kept for the per-block spend: bundles target the next block, a few at most. */
const blockMemory = 64n;

/**
 * Gas caps: per bundle (gas limit), per target block and per rolling window (wei). Spend is what was paid on
 * chain plus the worst case of every bundle still outstanding, so a burst of sends cannot overrun a cap
 * before the receipts come back.
 */
export class GasBreaker implements Breaker {
  readonly name = 'gas';
  private readonly paid: RollingLedger;
  private readonly outstanding = new Map<string, Outstanding>();
  /** Worst cases of bundles that timed out unresolved (outstanding no more, maybe landed all the same). */
  private readonly timedOutWorst = new Map<string, { at: number; wei: bigint }>();
  private readonly paidByBlock = new Map<bigint, bigint>();
  private exhaustedSince: number | undefined;
  private lastGasLimit = 0n;

  constructor(
    private readonly config: RiskConfig['gas'],
    bucketMs: number,
    private readonly emit: Emit,
    /** Reports an outstanding bundle given up on (the submitter never resolved it). */
    private readonly onTimeout: (id: string, maxGasCostWei: bigint) => void = () => {},
  ) {
    this.paid = new RollingLedger(bucketMs, config.windowMs);
  }

  private outstandingTotal(block?: bigint): bigint {
    let sum = 0n;
    for (const bundle of this.outstanding.values()) if (block === undefined || bundle.targetBlock === block) sum += bundle.maxGasCostWei;
    return sum;
  }

  /** Paid within the window plus outstanding. */
  windowSpend(now: number): bigint {
    return this.paid.total(now, this.config.windowMs) + this.outstandingTotal();
  }

  blockSpend(block: bigint): bigint {
    return (this.paidByBlock.get(block) ?? 0n) + this.outstandingTotal(block);
  }

  check(proposal: BundleProposal, now: number): Refusal | undefined {
    const { maxGasPerBundle, maxSpendPerBlockWei, maxSpendPerWindowWei } = this.config;
    this.lastGasLimit = proposal.gasLimit;
    if (proposal.gasLimit > maxGasPerBundle) {
      return refuse('gas', `gas limit ${proposal.gasLimit} is above the per-bundle cap ${maxGasPerBundle}`);
    }
    const block = this.blockSpend(proposal.targetBlock);
    if (block + proposal.maxGasCostWei > maxSpendPerBlockWei) {
      return refuse('gas', `block ${proposal.targetBlock} gas spend would reach ${block + proposal.maxGasCostWei} wei, above the per-block cap ${maxSpendPerBlockWei} wei`);
    }
    const window = this.windowSpend(now);
    if (window + proposal.maxGasCostWei > maxSpendPerWindowWei) {
      return refuse('gas', `gas spend over the last ${this.config.windowMs} ms would reach ${window + proposal.maxGasCostWei} wei, above the cap ${maxSpendPerWindowWei} wei`);
    }
    return undefined;
  }

  sent(id: string, proposal: BundleProposal, now: number): void {
    this.outstanding.set(id, { at: now, targetBlock: proposal.targetBlock, maxGasCostWei: proposal.maxGasCostWei, amountIn: proposal.amountIn });
    this.evaluate(now);
  }

  /** Returns false when the id was not outstanding (resolved twice, or never sent). */
  resolved(outcome: BundleOutcome, now: number): boolean {
    const bundle = this.outstanding.get(outcome.id);
    this.outstanding.delete(outcome.id);
    this.timedOutWorst.delete(outcome.id);
    if (outcome.gasPaidWei > 0n) this.pay(outcome.gasPaidWei, bundle?.targetBlock, now);
    this.evaluate(now);
    return bundle !== undefined;
  }

  private pay(wei: bigint, block: bigint | undefined, now: number): void {
    this.paid.add(now, wei);
    if (block !== undefined) this.paidByBlock.set(block, (this.paidByBlock.get(block) ?? 0n) + wei);
  }

  /** Forgets per-block spend far behind the head. */
  head(number: bigint): void {
    for (const block of this.paidByBlock.keys()) if (block + blockMemory < number) this.paidByBlock.delete(block);
  }

  tick(now: number): void {
    for (const [id, bundle] of this.outstanding) {
      if (now - bundle.at < this.config.outstandingTimeoutMs) continue;
      // Never resolved: assume the worst (it landed and paid its maximum), the safe side for a spend cap.
      this.outstanding.delete(id);
      // Its receipt may still come, and fail to read: its worst case stays known for a day.
      this.timedOutWorst.set(id, { at: now, wei: bundle.maxGasCostWei + bundle.amountIn });
      this.pay(bundle.maxGasCostWei, bundle.targetBlock, now);
      this.onTimeout(id, bundle.maxGasCostWei);
    }
    for (const [id, { at }] of this.timedOutWorst) if (now - at > dayMs) this.timedOutWorst.delete(id);
    this.paid.prune(now);
    this.evaluate(now);
  }

  /** "Tripped" when the window cap is used up: nothing that costs gas can pass until it slides. */
  private evaluate(now: number): void {
    const spend = this.windowSpend(now);
    const exhausted = spend >= this.config.maxSpendPerWindowWei;
    if (exhausted && this.exhaustedSince === undefined) {
      this.exhaustedSince = now;
      this.emit({ breaker: 'gas', kind: 'trip', reason: `gas spend ${spend} wei reached the cap ${this.config.maxSpendPerWindowWei} wei for the last ${this.config.windowMs} ms` }, now);
    } else if (!exhausted && this.exhaustedSince !== undefined) {
      this.exhaustedSince = undefined;
      this.emit({ breaker: 'gas', kind: 'reset', reason: `gas spend ${spend} wei is below the cap again` }, now);
    }
  }

  status(now: number): BreakerStatus[] {
    const spend = this.windowSpend(now);
    let worstBlock = 0n;
    for (const block of new Set([...this.paidByBlock.keys(), ...[...this.outstanding.values()].map((bundle) => bundle.targetBlock)])) {
      const spent = this.blockSpend(block);
      if (spent > worstBlock) worstBlock = spent;
    }
    return [
      { breaker: 'gas', limit: 'perBundle', state: 'ok', threshold: String(this.config.maxGasPerBundle), current: String(this.lastGasLimit), unit: 'gas' },
      { breaker: 'gas', limit: 'perBlock', state: worstBlock >= this.config.maxSpendPerBlockWei ? 'tripped' : 'ok', threshold: String(this.config.maxSpendPerBlockWei), current: String(worstBlock), unit: 'wei' },
      {
        breaker: 'gas',
        limit: 'perWindow',
        state: this.exhaustedSince === undefined ? 'ok' : 'tripped',
        threshold: String(this.config.maxSpendPerWindowWei),
        current: String(spend),
        unit: 'wei',
        ...(this.exhaustedSince !== undefined ? { reason: 'gas spend cap used up', since: this.exhaustedSince } : {}),
      },
    ];
  }

  get outstandingCount(): number {
    return this.outstanding.size;
  }

  /** An outstanding bundle's worst case: its maximum gas cost plus all it put in (undefined when not outstanding). */
  worstCase(id: string): bigint | undefined {
    const bundle = this.outstanding.get(id);
    return bundle === undefined ? this.timedOutWorst.get(id)?.wei : bundle.maxGasCostWei + bundle.amountIn;
  }

  toJSON(): GasJson {
    return {
      paid: this.paid.toJSON(),
      outstanding: [...this.outstanding].map(([id, bundle]) => ({ id, at: bundle.at, targetBlock: String(bundle.targetBlock), maxGasCostWei: String(bundle.maxGasCostWei), amountIn: String(bundle.amountIn) })),
      byBlock: [...this.paidByBlock].map(([block, wei]) => [String(block), String(wei)]),
    };
  }

  restore(json: GasJson, now: number): void {
    this.paid.restore(json.paid);
    // Saved before amountIn was kept: the gas alone is the worst case known.
    for (const bundle of json.outstanding) this.outstanding.set(bundle.id, { at: bundle.at, targetBlock: BigInt(bundle.targetBlock), maxGasCostWei: BigInt(bundle.maxGasCostWei), amountIn: BigInt(bundle.amountIn ?? '0') });
    for (const [block, wei] of json.byBlock) this.paidByBlock.set(BigInt(block), BigInt(wei));
    // Already used up when saved: no new trip event, the state carries on.
    if (this.windowSpend(now) >= this.config.maxSpendPerWindowWei) this.exhaustedSince = now;
  }
}
