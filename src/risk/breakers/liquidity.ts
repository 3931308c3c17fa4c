import type { RiskConfig } from '../config.ts';
import { normalizePool, type BreakerStatus, type BundleProposal, type Emit, type PoolObservation, type Refusal } from '../types.ts';
import { type Breaker } from './breaker.ts';
import { PoolPauses, type PausesJson } from './pauses.ts';

export type LiquidityJson = { pauses: PausesJson };

/**
 * Liquidity exit: a pool whose liquidity falls by the configured fraction of its peak within the window
 * (LPs leaving, often ahead of a rug) is paused. The peak then starts over from the fallen level, so the pool
 * trades again after the pause if it stays where it is.
 */
export class LiquidityBreaker implements Breaker {
  readonly name = 'liquidity';
  private readonly pauses: PoolPauses;
  /** Per pool, a rolling maximum: samples with strictly decreasing liquidity (older first). */
  private readonly peaks = new Map<string, Array<{ at: number; liquidity: bigint }>>();
  /** Per pool, the basis its samples were measured over (PoolObservation.liquidityBasis). */
  private readonly bases = new Map<string, string | undefined>();

  constructor(
    private readonly config: RiskConfig['liquidity'],
    emit: Emit,
  ) {
    this.pauses = new PoolPauses('liquidity', emit);
  }

  private peak(pool: string, now: number): bigint | undefined {
    const samples = this.peaks.get(pool);
    if (!samples) return undefined;
    while (samples.length > 0 && now - samples[0]!.at >= this.config.windowMs) samples.shift();
    return samples[0]?.liquidity;
  }

  observe(observation: PoolObservation, now: number): void {
    if (observation.liquidity === undefined) return;
    const pool = normalizePool(observation.pool);
    const liquidity = observation.liquidity;
    // Measured over something else than the samples (a re-read tick window): not comparable, the peak starts over.
    if (this.bases.get(pool) !== observation.liquidityBasis) {
      this.peaks.delete(pool);
      this.bases.set(pool, observation.liquidityBasis);
    }
    const peak = this.peak(pool, now);
    let samples = this.peaks.get(pool);
    // Exact: liquidity / peak <= 1 - drop, without rounding.
    if (peak !== undefined && peak > 0n && liquidity * 10_000n <= peak * BigInt(10_000 - this.config.maxDropBps)) {
      const fell = ((peak - liquidity) * 10_000n) / peak;
      this.pauses.pause(pool, `liquidity fell ${fell} bps from its peak ${peak} to ${liquidity} (limit ${this.config.maxDropBps} bps)`, now + this.config.poolPauseMs, now);
      samples = undefined;
    }
    if (!samples) samples = [];
    while (samples.length > 0 && samples.at(-1)!.liquidity <= liquidity) samples.pop();
    samples.push({ at: now, liquidity });
    // Re-inserted: the map stays in order of each pool's newest sample, so tick stops at the first live one.
    this.peaks.delete(pool);
    this.peaks.set(pool, samples);
  }

  /** Pools the market no longer holds: their peaks go (a pool that comes back starts a new peak). Pauses stay. */
  forget(pools: Iterable<string>): void {
    for (const pool of pools) {
      this.peaks.delete(normalizePool(pool));
      this.bases.delete(normalizePool(pool));
    }
  }

  /**
   * Forgets pools with nothing left in the window. Runs on every head and every check, so it walks only the
   * expired pools (oldest newest-sample first) and stops at the first pool still in the window: its work is
   * what expired, not every pool seen in the last hour.
   */
  tick(now: number): void {
    this.pauses.tick(now);
    for (const pool of this.peaks.keys()) {
      if (this.peak(pool, now) !== undefined) break;
      this.peaks.delete(pool);
      this.bases.delete(pool);
    }
  }

  check(proposal: BundleProposal): Refusal | undefined {
    return this.pauses.check(proposal.pools);
  }

  status(): BreakerStatus[] {
    return [
      { breaker: 'liquidity', limit: 'drop', state: this.pauses.size > 0 ? 'tripped' : 'ok', threshold: `${this.config.maxDropBps} bps`, current: `${this.pauses.size} pools paused` },
      ...this.pauses.status('drop', `${this.config.maxDropBps} bps`),
    ];
  }

  toJSON(): LiquidityJson {
    return { pauses: this.pauses.toJSON() };
  }

  restore(json: LiquidityJson): void {
    this.pauses.restore(json.pauses);
  }
}
