import { createLogger, type Logger } from '../log.ts';
import { ConnectivityBreaker } from './breakers/connectivity.ts';
import { ExposureBreaker } from './breakers/exposure.ts';
import { FailuresBreaker } from './breakers/failures.ts';
import { FrequencyBreaker } from './breakers/frequency.ts';
import { GasBreaker } from './breakers/gas.ts';
import { IntegrityBreaker } from './breakers/integrity.ts';
import { LiquidityBreaker } from './breakers/liquidity.ts';
import { LossBreaker, type UnresolvedRef } from './breakers/loss.ts';
import { refuse } from './breakers/breaker.ts';
import type { RiskConfig } from './config.ts';
import type { RiskCounters, RiskSnapshot } from './snapshot.ts';
import type { OrderFlowSource } from '../mempool/types.ts';
import type { BreakerName, BreakerStatus, BundleOutcome, BundleProposal, Emit, HaltLatch, HeadObservation, PoolObservation, Refusal, RiskEvent, Verdict } from './types.ts';

export type RiskGateParameters = {
  config: RiskConfig;
  /** Unix ms (windows and latches outlive restarts, so not a monotonic clock). */
  now?: () => number;
  logger?: Logger;
  /** State loaded by the shell (persistence.ts): the last snapshot and the latched halt. */
  restore?: { snapshot?: RiskSnapshot; halt?: HaltLatch };
};

/** Everything stopped: the submitter cancels its outstanding bundles. `latched` halts wait for a resume. */
export type HaltNotice = { at: number; breaker: BreakerName; reason: string; by: string; latched: boolean };

export type ResumeNotice = { at: number; by: string; was: HaltLatch };

export type RiskStatus = {
  at: number;
  /** No breaker stops every send (a proposal may still be refused for itself). */
  ok: boolean;
  halted: HaltLatch | null;
  breakers: BreakerStatus[];
  counters: RiskCounters;
  outstandingBundles: number;
};

type Listener<T> = (value: T) => void;

const emptyCounters = (): RiskCounters => ({ checks: 0, allowed: 0, refused: {}, trips: {}, sent: 0, resolved: 0, timedOut: 0 });

/** Breakers whose trip stops every send (not one pool, not one proposal): a halt for the submitter. */
const stopsEverything = new Set<BreakerName>(['failures', 'connectivity', 'integrity']);

/**
 * The risk layer's pure core: the engine asks `check` before every send and reports what happens; the gate
 * answers from its breakers and never does I/O (persistence.ts is the shell that saves it and watches the
 * store's halt latch). Every decision is logged and counted; every state change is an event.
 */
export class RiskGate {
  readonly config: RiskConfig;
  private readonly now: () => number;
  private readonly log: Logger;
  private latch: HaltLatch | undefined;
  private readonly gas: GasBreaker;
  private readonly loss: LossBreaker;
  private readonly failures: FailuresBreaker;
  private readonly frequency: FrequencyBreaker;
  private readonly connectivity: ConnectivityBreaker;
  private readonly integrity: IntegrityBreaker;
  private readonly liquidity: LiquidityBreaker;
  private readonly exposure: ExposureBreaker;
  private counters: RiskCounters = emptyCounters();
  /** Pauses other stages asked for (by source), each with its reason: see pauseSending. */
  private readonly pauses = new Map<string, { since: number; reason: string }>();
  private readonly listeners = {
    halt: new Set<Listener<HaltNotice>>(),
    resume: new Set<Listener<ResumeNotice>>(),
    event: new Set<Listener<RiskEvent>>(),
    change: new Set<Listener<boolean>>(),
  };

  constructor(parameters: RiskGateParameters) {
    const { config } = parameters;
    this.config = config;
    this.now = parameters.now ?? Date.now;
    this.log = parameters.logger ?? createLogger('risk');
    const now = this.now();
    const emit: Emit = (event, at) => this.emit({ at, ...event });
    this.gas = new GasBreaker(config.gas, config.bucketMs, emit, (id, wei) => {
      this.counters.timedOut++;
      this.log.warn({ bundle: id, assumedPaidWei: String(wei) }, 'risk: bundle never resolved, counted as paid at its maximum gas cost');
    });
    this.loss = new LossBreaker(config.loss, config.bucketMs, (reason, at) => this.adoptHalt({ reason, by: 'risk', at, breaker: 'loss' }));
    this.failures = new FailuresBreaker(config.failures, emit);
    this.frequency = new FrequencyBreaker(config.frequency, emit);
    this.connectivity = new ConnectivityBreaker(config.connectivity, emit, now);
    this.integrity = new IntegrityBreaker(config.integrity, emit);
    this.liquidity = new LiquidityBreaker(config.liquidity, emit);
    this.exposure = new ExposureBreaker(config);
    const { snapshot, halt } = parameters.restore ?? {};
    if (snapshot) {
      this.gas.restore(snapshot.gas, now);
      this.loss.restore(snapshot.loss);
      this.failures.restore(snapshot.failures);
      this.integrity.restore(snapshot.integrity);
      this.liquidity.restore(snapshot.liquidity);
      this.counters = structuredClone(snapshot.counters);
    }
    this.latch = halt;
    if (snapshot?.latched && !halt) this.afterResume(now); // resumed (`searcher resume`) while the bot was down
  }

  // ---- listeners (each returns its unsubscribe) ----

  /** Everything stopped: a latched halt, or a breaker that stops every send. */
  onHalt(listener: Listener<HaltNotice>): () => void {
    return this.subscribe(this.listeners.halt, listener);
  }

  onResume(listener: Listener<ResumeNotice>): () => void {
    return this.subscribe(this.listeners.resume, listener);
  }

  /** Every breaker transition (trip, reset, halt, resume, drop), as the store's breaker_events records them. */
  onEvent(listener: Listener<RiskEvent>): () => void {
    return this.subscribe(this.listeners.event, listener);
  }

  /** State worth saving changed; `urgent` when it must be saved before anything else happens (money, latches). */
  onStateChange(listener: Listener<boolean>): () => void {
    return this.subscribe(this.listeners.change, listener);
  }

  private subscribe<T>(set: Set<Listener<T>>, listener: Listener<T>): () => void {
    set.add(listener);
    return () => set.delete(listener);
  }

  private notify<T>(set: Set<Listener<T>>, value: T): void {
    for (const listener of set) {
      try {
        listener(value);
      } catch (error) {
        // A broken listener must not break the gate (nor the halt reaching the others).
        this.log.error({ err: (error as Error).message }, 'risk: listener failed');
      }
    }
  }

  private emit(event: RiskEvent): void {
    if (event.kind === 'trip' || event.kind === 'halt') this.counters.trips[event.breaker] = (this.counters.trips[event.breaker] ?? 0) + 1;
    const level = event.kind === 'reset' || event.kind === 'resume' ? 'info' : 'warn';
    this.log[level]({ breaker: event.breaker, kind: event.kind, scope: event.scope, reason: event.reason }, `risk: ${event.breaker} ${event.kind}`);
    this.notify(this.listeners.event, event);
    this.notify(this.listeners.change, true);
    if (event.kind === 'trip' && event.scope === undefined && stopsEverything.has(event.breaker)) {
      this.notify(this.listeners.halt, { at: event.at, breaker: event.breaker, reason: event.reason, by: 'risk', latched: false });
    }
  }

  // ---- the question ----

  /** Moves every breaker's clock on (cooldowns, windows, silence). The shell calls it on every poll. */
  tick(): void {
    const now = this.now();
    for (const breaker of this.all()) breaker.tick(now);
  }

  private all() {
    return [this.loss, this.failures, this.connectivity, this.integrity, this.liquidity, this.exposure, this.gas, this.frequency] as const;
  }

  /** Why nothing can be sent right now, whatever the proposal (undefined when sends are possible). */
  private stopped(): Refusal | undefined {
    if (this.latch) return refuse(this.latch.breaker, `halted since ${new Date(this.latch.at).toISOString()} by ${this.latch.by}: ${this.latch.reason}`);
    return this.failures.check() ?? this.connectivity.check() ?? this.integrity.checkDrift() ?? this.paused();
  }

  // ---- pauses asked for by other stages ----

  /**
   * A stage whose data a send relies on cannot vouch for it right now (the state follower re-reading the
   * market after a reorg deeper than its journal, or behind after a failed sync): every send is refused with
   * `reason` until `resumeSending(source)`. Counted as an integrity trip; not latched (no restart, no resume).
   */
  pauseSending(source: string, reason: string): void {
    const now = this.now();
    const was = this.pauses.get(source);
    this.pauses.set(source, { since: was?.since ?? now, reason });
    if (!was) this.emit({ at: now, breaker: 'integrity', kind: 'trip', reason: `${source}: ${reason}` });
  }

  resumeSending(source: string): void {
    const was = this.pauses.get(source);
    if (!was) return;
    this.pauses.delete(source);
    this.emit({ at: this.now(), breaker: 'integrity', kind: 'reset', reason: `${source}: sending resumed (was: ${was.reason})` });
  }

  private paused(): Refusal | undefined {
    const [source, pause] = this.pauses.entries().next().value ?? [];
    return pause ? refuse('integrity', `${source}: ${pause.reason}`) : undefined;
  }

  /** May this bundle be sent? Call right before sending, then `onBundleSent` if it was. */
  check(proposal: BundleProposal): Verdict {
    const now = this.now();
    for (const breaker of this.all()) breaker.tick(now);
    this.counters.checks++;
    const refusal =
      this.stopped() ??
      this.connectivity.checkSource(proposal) ??
      this.loss.check(proposal, now) ??
      this.integrity.check(proposal) ??
      this.liquidity.check(proposal) ??
      this.exposure.check(proposal) ??
      this.gas.check(proposal, now) ??
      this.frequency.check(proposal, now);
    const context = { ...(proposal.source ? { source: proposal.source } : {}), targetBlock: String(proposal.targetBlock), pools: proposal.pools, gasLimit: String(proposal.gasLimit), maxGasCostWei: String(proposal.maxGasCostWei), amountIn: String(proposal.amountIn), flash: proposal.flash };
    if (!refusal) {
      this.counters.allowed++;
      this.log.debug(context, 'risk: allow');
      return { ok: true };
    }
    this.counters.refused[refusal.breaker] = (this.counters.refused[refusal.breaker] ?? 0) + 1;
    // Rate-limit drops come in floods; the 'drop' event and the counter carry them.
    this.log[refusal.breaker === 'frequency' ? 'debug' : 'info']({ ...context, breaker: refusal.breaker, scope: refusal.scope, reason: refusal.reason }, 'risk: refuse');
    return refusal;
  }

  /**
   * Still allowed? For a proposal `check` allowed, asked again right before each network write that sends it
   * (after the nonce and the signature, before each builder request and retry). Only what stops sends now: a
   * halt, a breaker that stops everything, a loss cap (unknown outcomes included), a paused pool. Not the
   * spend and rate caps: they already count this bundle, and counting it twice would refuse its own retry.
   */
  recheck(proposal: BundleProposal): Verdict {
    const now = this.now();
    for (const breaker of this.all()) breaker.tick(now);
    const refusal = this.stopped() ?? this.connectivity.checkSource(proposal) ?? this.loss.check(proposal, now) ?? this.integrity.check(proposal) ?? this.liquidity.check(proposal);
    if (!refusal) return { ok: true };
    this.log.info({ targetBlock: String(proposal.targetBlock), breaker: refusal.breaker, scope: refusal.scope, reason: refusal.reason }, 'risk: refuse on recheck (before a network write)');
    return refusal;
  }

  // ---- what the engine and submitter report ----

  onHead(head: HeadObservation): void {
    const now = this.now();
    this.connectivity.head(head, now);
    this.gas.head(head.number);
    this.tick();
  }

  /** The bot stopped listening (shutdown): the heads' silence from now on is not the node's. */
  onStoppedListening(): void {
    this.connectivity.stopWatchingHeads();
  }

  onSocketLatency(ms: number): void {
    this.connectivity.socketLatency(ms, this.now());
  }

  /** The mempool watcher's 'blind' event (wire `watcher.blind` once at start too: it begins blind). */
  onBlind(blind: boolean): void {
    this.connectivity.setBlind(blind, this.now());
  }

  /**
   * An order-flow source's 'blind' event (wire each stream's current `blind` once at start too: they begin blind).
   * 'public' is the mempool watcher's (as onBlind: every send stops); a private stream that is blind refuses only
   * the proposals whose `source` is that stream.
   */
  onSourceBlind(source: OrderFlowSource, blind: boolean): void {
    this.connectivity.setSourceBlind(source, blind, this.now());
  }

  /** The state follower's onStale signal. */
  onDrift(stale: boolean): void {
    this.integrity.setDrift(stale, this.now());
  }

  /** The simulation disagreed with the prediction for a plan through this pool. */
  onMismatch(pool: string): void {
    this.integrity.mismatch(pool, this.now());
  }

  onPoolObservation(observation: PoolObservation): void {
    const now = this.now();
    this.integrity.observe(observation, now);
    this.liquidity.observe(observation, now);
  }

  /** Pools the market no longer holds (a re-read after a deep reorg): what the breakers keep per pool goes with them. */
  onPoolsGone(pools: readonly string[]): void {
    this.integrity.forget(pools);
    this.liquidity.forget(pools);
  }

  /** The equity the loss caps are a share of (wei of the start token, inventory at its value). */
  setEquity(wei: bigint): void {
    this.loss.setEquity(wei, this.now());
    this.notify(this.listeners.change, false);
  }

  onBundleSent(id: string, proposal: BundleProposal): void {
    const now = this.now();
    this.counters.sent++;
    this.gas.sent(id, proposal, now);
    this.frequency.sent(proposal, now);
    this.log.debug({ bundle: id, targetBlock: String(proposal.targetBlock), maxGasCostWei: String(proposal.maxGasCostWei) }, 'risk: bundle sent');
    this.notify(this.listeners.change, false);
  }

  /**
   * The bundle landed but its outcome cannot be read yet (the receipt read failed): until `onBundleResolved`,
   * the loss caps count it at its worst case, its maximum gas cost plus everything it put in. (The executor's
   * on-chain profit check should make the loss gas only; the breaker does not bet on that while it cannot see.)
   * `fallbackWorstWei` is used when the bundle is not outstanding here (already timed out, or never reported).
   */
  onBundleUnresolved(id: string, fallbackWorstWei?: bigint, ref?: UnresolvedRef): void {
    const now = this.now();
    const worst = this.gas.worstCase(id) ?? fallbackWorstWei;
    if (worst === undefined) {
      this.log.error({ bundle: id }, 'risk: a landed bundle with an unknown outcome is not outstanding and has no worst case given; not counted');
      return;
    }
    this.loss.unresolved(id, worst, now, ref);
    this.log.warn({ bundle: id, worstCaseWei: String(worst) }, 'risk: landed bundle outcome unknown, counted at its worst case until resolved');
    this.notify(this.listeners.change, true);
  }

  /** Landed bundles still counted at their worst case, with the transaction to read (a restarted ledger reads them). */
  unresolvedBundles(): Array<{ id: string } & UnresolvedRef> {
    return this.loss.unresolvedRefs();
  }

  onBundleResolved(outcome: BundleOutcome): void {
    const now = this.now();
    this.counters.resolved++;
    if (!this.gas.resolved(outcome, now)) this.log.warn({ bundle: outcome.id }, 'risk: resolved a bundle that was not outstanding (counted anyway)');
    this.loss.resolved(outcome, now);
    this.failures.resolved(outcome, now);
    // Per bundle: debug (the block line, the store and the dashboard already say it; info is one line per block).
    this.log.debug({ bundle: outcome.id, included: outcome.included, failed: outcome.failed, netWei: String(outcome.netWei), gasPaidWei: String(outcome.gasPaidWei) }, 'risk: bundle resolved');
    this.notify(this.listeners.change, outcome.included || outcome.netWei !== 0n || outcome.gasPaidWei !== 0n);
  }

  // ---- the kill switch ----

  /** Latches a halt (a no-op returning false when already halted). Survives restarts until `resume`. */
  halt(reason: string, by: string): boolean {
    return this.adoptHalt({ reason, by, at: this.now(), breaker: 'killSwitch' });
  }

  /** Latches a halt as given (the shell adopts the store's latch, written by `searcher halt`, this way). */
  adoptHalt(latch: HaltLatch): boolean {
    if (this.latch) return false;
    this.latch = latch;
    this.emit({ at: latch.at, breaker: latch.breaker, kind: 'halt', reason: `${latch.reason} (by ${latch.by})` });
    this.notify(this.listeners.halt, { at: latch.at, breaker: latch.breaker, reason: latch.reason, by: latch.by, latched: true });
    return true;
  }

  /** Clears the latch; the losses so far are forgiven and a failure cooldown ends (false when not halted). */
  resume(by: string): boolean {
    const was = this.latch;
    if (!was) return false;
    const now = this.now();
    this.latch = undefined;
    this.afterResume(now);
    this.emit({ at: now, breaker: was.breaker, kind: 'resume', reason: `resumed by ${by} (was: ${was.reason})` });
    this.notify(this.listeners.resume, { at: now, by, was });
    return true;
  }

  private afterResume(now: number): void {
    this.loss.forgive();
    this.failures.clear(now);
  }

  get halted(): HaltLatch | undefined {
    return this.latch;
  }

  // ---- for the dashboard, metrics and the shell ----

  status(): RiskStatus {
    const now = this.now();
    const latch = this.latch;
    return {
      at: now,
      ok: this.stopped() === undefined,
      halted: latch ?? null,
      breakers: [
        { breaker: latch?.breaker ?? 'killSwitch', limit: 'latch', state: latch ? 'tripped' : 'ok', threshold: 'halted until resumed', current: latch ? 'halted' : 'running', ...(latch ? { reason: latch.reason, since: latch.at } : {}) },
        ...this.all().flatMap((breaker) => breaker.status(now)),
        ...[...this.pauses].map(([source, pause]): BreakerStatus => ({ breaker: 'integrity', limit: `pause:${source}`, state: 'tripped', threshold: 'none', current: 'paused', reason: pause.reason, since: pause.since })),
      ],
      counters: structuredClone(this.counters),
      outstandingBundles: this.gas.outstandingCount,
    };
  }

  snapshot(): RiskSnapshot {
    return {
      version: 1,
      savedAt: this.now(),
      latched: this.latch !== undefined,
      gas: this.gas.toJSON(),
      loss: this.loss.toJSON(),
      failures: this.failures.toJSON(),
      integrity: this.integrity.toJSON(),
      liquidity: this.liquidity.toJSON(),
      counters: structuredClone(this.counters),
    };
  }
}
