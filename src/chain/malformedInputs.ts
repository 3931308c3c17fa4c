import type { Logger } from '../log.ts';

export type MalformedInputsParameters = {
  logger: Logger;
  /** Who sent the garbage, as the log line and the metric label say it ("node"). */
  source: string;
  /** At most one warn line per kind in this window; the rest are counted (and summed into the next line). */
  warnEveryMs?: number;
  /** Monotonic milliseconds; performance.now() by default. */
  now?: () => number;
};

/**
 * Garbage a peer sent us (a node's websocket, a builder), counted by kind and logged at warn at most once per
 * kind per window: a node that floods us with junk must not also flood the log, nor stop the bot. The counts
 * are what the Prometheus counter reads.
 */
export class MalformedInputs {
  private readonly counts = new Map<string, number>();
  private readonly lastWarn = new Map<string, { at: number; countThen: number }>();
  private readonly now: () => number;

  constructor(private readonly parameters: MalformedInputsParameters) {
    this.now = parameters.now ?? (() => performance.now());
  }

  get source(): string {
    return this.parameters.source;
  }

  /** One piece of garbage of this kind; `detail` says what was wrong (short, never the whole message). */
  record(kind: string, detail: string): void {
    const count = (this.counts.get(kind) ?? 0) + 1;
    this.counts.set(kind, count);
    const now = this.now();
    const last = this.lastWarn.get(kind);
    if (last && now - last.at < (this.parameters.warnEveryMs ?? 60_000)) return;
    this.lastWarn.set(kind, { at: now, countThen: count });
    this.parameters.logger.warn(
      { source: this.parameters.source, kind, detail: detail.length > 200 ? `${detail.slice(0, 200)}…` : detail, total: count, ...(last ? { sinceLastWarn: count - last.countThen } : {}) },
      `${this.parameters.source}: malformed input (${kind}), ignored; further ones are only counted for a while`,
    );
  }

  /** How many of this kind so far (0 if none). */
  count(kind: string): number {
    return this.counts.get(kind) ?? 0;
  }

  /** Every kind seen so far with its count. */
  totals(): ReadonlyMap<string, number> {
    return this.counts;
  }
}
