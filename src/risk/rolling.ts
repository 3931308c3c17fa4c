/**
 * Rolling windows over unix-ms time. An entry made at t counts at every `now` with t <= now < t + window.
 */

type Bucket = { start: number; gain: bigint; loss: bigint };

/** [bucket start ms, gains, losses] with amounts as decimal strings. */
export type LedgerJson = Array<[number, string, string]>;

/**
 * Bigint amounts in time buckets, so a day of activity stays a few hundred rows however busy the bot is.
 * Entries in a bucket are treated as made at its last millisecond (they leave the window late, never early),
 * and within a bucket losses are taken before gains (a drawdown is never under-stated).
 */
export class RollingLedger {
  private buckets: Bucket[] = [];

  constructor(
    readonly bucketMs: number,
    /** The longest window it is asked about: older buckets are dropped. */
    readonly retainMs: number,
  ) {}

  add(at: number, amount: bigint): void {
    if (amount === 0n) return;
    const start = Math.floor(at / this.bucketMs) * this.bucketMs;
    let index = this.buckets.length;
    while (index > 0 && this.buckets[index - 1]!.start > start) index--;
    let bucket = this.buckets[index - 1];
    if (bucket?.start !== start) {
      bucket = { start, gain: 0n, loss: 0n };
      this.buckets.splice(index, 0, bucket);
    }
    if (amount > 0n) bucket.gain += amount;
    else bucket.loss -= amount;
  }

  private live(now: number, windowMs: number): Bucket[] {
    return this.buckets.filter((bucket) => now - (bucket.start + this.bucketMs - 1) < windowMs);
  }

  /** Net amount (gains minus losses) in the window ending at `now`. */
  total(now: number, windowMs: number): bigint {
    return this.live(now, windowMs).reduce((sum, bucket) => sum + bucket.gain - bucket.loss, 0n);
  }

  /**
   * Largest fall from a running peak within the window (0 when it only went up); `pendingLoss` is a loss taken
   * now, after everything in the window (outcomes not known yet, counted at their worst).
   */
  drawdown(now: number, windowMs: number, pendingLoss = 0n): bigint {
    let cumulative = 0n;
    let peak = 0n;
    let worst = 0n;
    for (const bucket of this.live(now, windowMs)) {
      cumulative -= bucket.loss;
      if (peak - cumulative > worst) worst = peak - cumulative;
      cumulative += bucket.gain;
      if (cumulative > peak) peak = cumulative;
    }
    cumulative -= pendingLoss;
    if (peak - cumulative > worst) worst = peak - cumulative;
    return worst;
  }

  /** When the oldest bucket still counted in the window leaves it (undefined when the window is empty). */
  nextExpiry(now: number, windowMs: number): number | undefined {
    const oldest = this.live(now, windowMs)[0];
    return oldest === undefined ? undefined : oldest.start + this.bucketMs - 1 + windowMs;
  }

  prune(now: number): void {
    this.buckets = this.live(now, this.retainMs);
  }

  clear(): void {
    this.buckets = [];
  }

  toJSON(): LedgerJson {
    return this.buckets.map((bucket) => [bucket.start, bucket.gain.toString(), bucket.loss.toString()]);
  }

  restore(json: LedgerJson): void {
    this.buckets = json.map(([start, gain, loss]) => ({ start, gain: BigInt(gain), loss: BigInt(loss) })).sort((a, b) => a.start - b.start);
  }
}

/** Exact event times in a short window (bundles per second, mismatches per pool). */
export class SlidingCounter {
  private times: number[] = [];

  constructor(readonly windowMs: number) {}

  add(at: number): void {
    this.times.push(at);
  }

  count(now: number): number {
    this.prune(now);
    return this.times.length;
  }

  prune(now: number): void {
    let drop = 0;
    while (drop < this.times.length && now - this.times[drop]! >= this.windowMs) drop++;
    if (drop > 0) this.times.splice(0, drop);
  }

  get empty(): boolean {
    return this.times.length === 0;
  }

  clear(): void {
    this.times = [];
  }
}
