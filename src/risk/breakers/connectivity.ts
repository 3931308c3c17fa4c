import type { OrderFlowSource } from '../../mempool/types.ts';
import type { RiskConfig } from '../config.ts';
import type { BreakerStatus, BundleProposal, Emit, HeadObservation, Refusal } from '../types.ts';
import { refuse, type Breaker } from './breaker.ts';

type Condition = 'headLatency' | 'socketLatency' | 'headSilence' | 'blind';
type PrivateSource = Exclude<OrderFlowSource, 'public'>;

const sourceNames: Record<PrivateSource, string> = { mevBlocker: 'MEV Blocker', mevShare: 'MEV-Share' };

/**
 * Connectivity: head or socket latency above its bound for N samples in a row, no new head for S ms, or the
 * mempool watcher's blind signal. Any of them stops every send until it is healthy again: one sample within
 * the bound, a new head, the watcher seeing again. A private order-flow stream (MEV Blocker, MEV-Share) that is
 * blind stops only the proposals built on it: the other sources' opportunities do not depend on it.
 */
export class ConnectivityBreaker implements Breaker {
  readonly name = 'connectivity';
  private readonly active = new Map<Condition, { since: number; reason: string }>();
  private readonly streaks = { headLatency: 0, socketLatency: 0 };
  private readonly last = { headLatency: 0, socketLatency: 0 };
  private lastHeadAt: number;
  private watchingHeads = true;
  private blind = false;
  /** The private streams that reported, blind or not (shown once reported), and since when each is blind. */
  private readonly sources = new Map<PrivateSource, { since: number; reason: string } | undefined>();

  constructor(
    private readonly config: RiskConfig['connectivity'],
    private readonly emit: Emit,
    /** Silence is measured from here until the first head. */
    startedAt: number,
  ) {
    this.lastHeadAt = startedAt;
  }

  head(head: HeadObservation, now: number): void {
    this.lastHeadAt = now;
    this.clear('headSilence', `head ${head.number} arrived`, now);
    if (head.latencyMs !== undefined) this.sample('headLatency', head.latencyMs, this.config.maxHeadLatencyMs, now);
  }

  socketLatency(ms: number, now: number): void {
    this.sample('socketLatency', ms, this.config.maxSocketLatencyMs, now);
  }

  setBlind(blind: boolean, now: number): void {
    this.blind = blind;
    if (blind) this.set('blind', 'the mempool watcher is blind (socket down or backfilling)', now);
    else this.clear('blind', 'the mempool watcher sees again', now);
  }

  /** A private stream's blind signal; 'public' is the mempool watcher's (setBlind). */
  setSourceBlind(source: OrderFlowSource, blind: boolean, now: number): void {
    if (source === 'public') return this.setBlind(blind, now);
    const was = this.sources.get(source);
    const name = sourceNames[source];
    if (blind && !was) {
      const reason = `the ${name} stream is blind (disconnected, reconnecting or silent): its opportunities are not sent`;
      this.sources.set(source, { since: now, reason });
      // Scoped: one source stopping is not a halt (a halt cancels every outstanding bundle).
      this.emit({ breaker: 'connectivity', kind: 'trip', reason, scope: source }, now);
    } else if (!blind) {
      this.sources.set(source, undefined);
      if (was) this.emit({ breaker: 'connectivity', kind: 'reset', reason: `the ${name} stream sees again`, scope: source }, now);
    }
  }

  /** Refuses a proposal built on a private stream that is blind now (a public one is judged by check()). */
  checkSource(proposal: BundleProposal): Refusal | undefined {
    const source = proposal.source ?? 'public';
    if (source === 'public') return undefined;
    const blind = this.sources.get(source);
    return blind ? refuse('connectivity', blind.reason, source) : undefined;
  }

  private sample(kind: 'headLatency' | 'socketLatency', ms: number, bound: number, now: number): void {
    this.last[kind] = ms;
    if (ms <= bound) {
      this.streaks[kind] = 0;
      this.clear(kind, `${kind === 'headLatency' ? 'head' : 'socket'} latency ${ms} ms is within ${bound} ms`, now);
      return;
    }
    this.streaks[kind]++;
    if (this.streaks[kind] >= this.config.consecutiveSamples) {
      this.set(kind, `${kind === 'headLatency' ? 'head' : 'socket'} latency above ${bound} ms for ${this.streaks[kind]} samples in a row (last ${ms} ms)`, now);
    }
  }

  private set(condition: Condition, reason: string, now: number): void {
    if (this.active.has(condition)) return;
    this.active.set(condition, { since: now, reason });
    this.emit({ breaker: 'connectivity', kind: 'trip', reason }, now);
  }

  private clear(condition: Condition, reason: string, now: number): void {
    if (!this.active.delete(condition)) return;
    this.emit({ breaker: 'connectivity', kind: 'reset', reason }, now);
  }

  /**
   * The bot stopped listening for heads (shutting down): their silence from then on is ours, not the node's, so it
   * trips nothing. Sending has stopped before this is called.
   */
  stopWatchingHeads(): void {
    this.watchingHeads = false;
  }

  tick(now: number): void {
    if (!this.watchingHeads) return;
    const silent = now - this.lastHeadAt;
    if (silent >= this.config.maxHeadSilenceMs) this.set('headSilence', `no new head for ${silent} ms (limit ${this.config.maxHeadSilenceMs} ms)`, now);
  }

  check(): Refusal | undefined {
    const first = this.active.values().next().value;
    return first ? refuse('connectivity', first.reason) : undefined;
  }

  status(now: number): BreakerStatus[] {
    const row = (condition: Condition, threshold: number | string, current: number | string): BreakerStatus => {
      const active = this.active.get(condition);
      const unit = condition === 'blind' ? {} : { unit: 'ms' as const };
      return { breaker: 'connectivity', limit: condition, state: active ? 'tripped' : 'ok', threshold: String(threshold), current: String(current), ...unit, ...(active ? { reason: active.reason, since: active.since } : {}) };
    };
    return [
      row('headLatency', this.config.maxHeadLatencyMs, this.last.headLatency),
      row('socketLatency', this.config.maxSocketLatencyMs, this.last.socketLatency),
      row('headSilence', this.config.maxHeadSilenceMs, now - this.lastHeadAt),
      row('blind', 'false', String(this.blind)),
      ...[...this.sources].map(([source, blind]): BreakerStatus => ({
        breaker: 'connectivity',
        limit: `${source}Blind`,
        state: blind ? 'tripped' : 'ok',
        threshold: 'false',
        current: String(blind !== undefined),
        ...(blind ? { reason: blind.reason, since: blind.since } : {}),
      })),
    ];
  }
}
