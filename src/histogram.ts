/** A latency histogram that keeps every sample (bounded), for p50/p99 summaries per pipeline stage. */
export class LatencyHistogram {
  private readonly samples: number[] = [];

  constructor(private readonly limit = 100_000) {}

  record(microseconds: number): void {
    this.samples.push(microseconds);
    if (this.samples.length > this.limit) this.samples.splice(0, this.samples.length - this.limit);
  }

  get count(): number {
    return this.samples.length;
  }

  /** The q-quantile (0..1), nearest rank; 0 when empty. */
  quantile(q: number): number {
    if (this.samples.length === 0) return 0;
    const sorted = [...this.samples].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
  }

  /** How many samples fall at or under each bound (ascending); the last bucket also takes what is above. */
  bucketCounts(boundsUs: readonly number[]): number[] {
    const counts = boundsUs.map(() => 0);
    for (const sample of this.samples) {
      let index = boundsUs.findIndex((bound) => sample <= bound);
      if (index < 0) index = boundsUs.length - 1;
      counts[index]!++;
    }
    return counts;
  }
}
