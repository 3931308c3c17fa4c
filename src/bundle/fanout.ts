import type { Hex } from 'viem';
import type { Logger } from '../log.ts';
import { LatencyHistogram } from '../histogram.ts';
import { RequestBudget } from './requestBudget.ts';
import { BuilderError, builderErrorKinds, type BuilderClient, type BuilderErrorKind, type BundleRequest, type SendPermit } from './types.ts';

export type FanoutBuilder = {
  client: BuilderClient;
  /** Deadline of one attempt; a retry gets a fresh one. */
  timeoutMs: number;
  /** Its documented request rate (its dialect): requests beyond it are held back, not sent. */
  maxRequestsPerSecond?: number;
};

export type BuilderFanoutParameters = {
  builders: FanoutBuilder[];
  logger: Logger;
  /** Monotonic milliseconds; performance.now() by default. */
  now?: () => number;
};

export type FanoutResult = {
  builder: string;
  ok: boolean;
  bundleHash?: Hex;
  /**
   * `risk`: not sent (or not sent again), the risk layer refused right before the request. `held`: not sent, the
   * builder's request rate was used up (its documented limit, kept on our side).
   */
  error?: { kind: BuilderErrorKind | 'risk' | 'held'; message: string; status?: number };
  /** From the first attempt's start to the last attempt's end. */
  latencyMs: number;
  attempts: number;
};

export type BuilderStats = {
  /** Bundles handed to this builder (one per send, however many attempts). */
  sent: number;
  accepted: number;
  /** Answered with a JSON-RPC error: the builder saw the bundle and said no. */
  refused: number;
  /** Requests not sent because its request rate was used up. */
  held: number;
  /** Failed attempts, by kind (a retried attempt counts too). */
  errors: Record<BuilderErrorKind, number>;
  timeouts: number;
  retries: number;
  included: number;
  /** Microseconds from request to answer, for attempts that got one (lost responses are not latencies). */
  latency: LatencyHistogram;
};

export type SendOptions = {
  /** Called as each builder settles, before the slowest one does. */
  onResult?: (result: FanoutResult) => void;
};

export type BundleSendOptions = SendOptions & {
  /** Asked right before every request (each builder's first attempt and its retry); a refusal sends nothing more. */
  allowed: SendPermit;
  /** Called once, with performance.now(), when the first request's bytes reach a builder's socket. */
  onFirstWrite?: (at: number) => void;
};

/** How many target blocks of retry bookkeeping are kept; older blocks can no longer be sent for. */
const retryMemoryBlocks = 64n;

/**
 * Sends one bundle to every builder at once. Each builder has its own deadline (an AbortController per attempt),
 * so a slow or broken one never holds the others back beyond its own timeout. A lost response (timeout or
 * network error) is sent again once, and at most once per builder per target block: a builder that keeps
 * swallowing requests costs one extra request per block, not a storm. Answers (HTTP errors, rate limits, rpc
 * refusals) are never retried: the builder has spoken.
 */
export class BuilderFanout {
  private readonly builders: FanoutBuilder[];
  private readonly logger: Logger;
  private readonly now: () => number;
  private readonly perBuilder = new Map<string, BuilderStats>();
  /** builder name -> target blocks for which its one retry is spent. */
  private readonly retried = new Map<string, Set<bigint>>();
  private highestBlock = 0n;
  private readonly budgets = new Map<string, RequestBudget>();

  constructor(parameters: BuilderFanoutParameters) {
    const names = new Set<string>();
    for (const { client, timeoutMs } of parameters.builders) {
      if (names.has(client.name)) throw new Error(`two builders are named ${client.name}: names key the stats`);
      if (!(timeoutMs > 0)) throw new Error(`builder ${client.name}: timeoutMs must be positive`);
      names.add(client.name);
    }
    this.builders = parameters.builders;
    this.logger = parameters.logger;
    this.now = parameters.now ?? (() => performance.now());
    for (const { client, maxRequestsPerSecond } of this.builders) {
      this.perBuilder.set(client.name, emptyStats());
      this.retried.set(client.name, new Set());
      if (maxRequestsPerSecond !== undefined) this.budgets.set(client.name, new RequestBudget(maxRequestsPerSecond, this.now));
    }
  }

  /** Sends to all builders concurrently; resolves when every one has settled (answered, failed or timed out). */
  async send(bundle: BundleRequest, options: BundleSendOptions): Promise<FanoutResult[]> {
    if (bundle.blockNumber > this.highestBlock) {
      this.highestBlock = bundle.blockNumber;
      this.forgetOldBlocks();
    }
    let written = false;
    const onWritten = options.onFirstWrite
      ? (at: number) => {
          if (written) return;
          written = true;
          options.onFirstWrite!(at);
        }
      : undefined;
    const settled = await Promise.allSettled(
      this.builders.map(async (builder) => {
        const result = await this.sendOne(builder, bundle, options.allowed, onWritten);
        this.report(options, result);
        return result;
      }),
    );
    return settled.map((outcome, index) =>
      outcome.status === 'fulfilled' ? outcome.value : this.crashed(this.builders[index]!.client.name, outcome.reason),
    );
  }

  /** Releases every builder client's connections and timers. */
  close(): void {
    for (const { client } of this.builders) client.close?.();
  }

  /** Withdraws a bundle everywhere. A lost response is retried once: cancelling twice is harmless. */
  async cancel(replacementUuid: string, options: SendOptions = {}): Promise<FanoutResult[]> {
    const settled = await Promise.allSettled(
      this.builders.map(async (builder) => {
        const started = this.now();
        let attempts = 0;
        let failure: BuilderError | undefined;
        while (attempts < 2) {
          attempts++;
          failure = undefined;
          try {
            await this.attempt(builder, (signal) => builder.client.cancelBundle(replacementUuid, signal));
            break;
          } catch (error) {
            failure = asBuilderError(builder.client.name, error);
            if (!failure.lostResponse) break;
            if (attempts < 2) this.perBuilder.get(builder.client.name)!.retries++;
          }
        }
        const result = this.result(builder.client.name, started, attempts, failure);
        if (failure) this.logger.warn({ builder: builder.client.name, kind: failure.kind, replacementUuid }, `bundle cancel failed: ${failure.message}`);
        this.report(options, result);
        return result;
      }),
    );
    return settled.map((outcome, index) =>
      outcome.status === 'fulfilled' ? outcome.value : this.crashed(this.builders[index]!.client.name, outcome.reason),
    );
  }

  /** Our bundle landed in a block this builder built (from the inclusion tracker). */
  markIncluded(name: string): void {
    const stats = this.perBuilder.get(name);
    if (!stats) throw new Error(`unknown builder ${name}`);
    stats.included++;
  }

  stats(): Record<string, BuilderStats> {
    return Object.fromEntries(this.perBuilder);
  }

  private async sendOne(builder: FanoutBuilder, bundle: BundleRequest, allowed: SendPermit, onWritten?: (at: number) => void): Promise<FanoutResult> {
    const name = builder.client.name;
    const stats = this.perBuilder.get(name)!;
    const started = this.now();
    let attempts = 0;
    let lost: BuilderError | undefined;
    for (;;) {
      // A halt can land at any await: the gate is asked right before each request, retries included.
      const verdict = allowed(bundle.blockNumber);
      if (!verdict.ok) {
        this.logger.info({ builder: name, block: String(bundle.blockNumber), attempts }, `bundle ${attempts === 0 ? 'not sent' : 'not sent again'}: ${verdict.reason}`);
        // After a lost response the builder may hold the first copy: report that, the caller cancels it.
        if (lost) return this.result(name, started, attempts, lost);
        return { builder: name, ok: false, error: { kind: 'risk', message: verdict.reason }, latencyMs: this.now() - started, attempts };
      }
      const budget = this.budgets.get(name);
      if (budget && !budget.take()) {
        stats.held++;
        const message = `held back: ${name} takes at most ${budget.rate} requests/s`;
        this.logger.warn({ builder: name, block: String(bundle.blockNumber), attempts }, `bundle ${attempts === 0 ? 'not sent' : 'not sent again'}: ${message}`);
        if (lost) return this.result(name, started, attempts, lost);
        return { builder: name, ok: false, error: { kind: 'held', message }, latencyMs: this.now() - started, attempts };
      }
      if (attempts === 0) stats.sent++;
      attempts++;
      try {
        const { bundleHash } = await this.attempt(builder, (signal) => builder.client.sendBundle(bundle, signal, onWritten));
        stats.accepted++;
        return { ...this.result(name, started, attempts), bundleHash };
      } catch (error) {
        const failure = asBuilderError(name, error);
        if (failure.lostResponse && this.takeRetry(name, bundle.blockNumber)) {
          lost = failure;
          stats.retries++;
          this.logger.debug({ builder: name, kind: failure.kind, block: String(bundle.blockNumber) }, 'bundle response lost: sending once more');
          continue;
        }
        this.logger.warn({ builder: name, kind: failure.kind, status: failure.status, block: String(bundle.blockNumber), attempts }, `bundle not accepted: ${failure.message}`);
        return this.result(name, started, attempts, failure);
      }
    }
  }

  /**
   * One request under its own deadline; counts its outcome. The deadline holds even against a client that
   * ignores its AbortSignal: the attempt settles as a timeout and the late answer is dropped.
   */
  private async attempt<T>(builder: FanoutBuilder, call: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const name = builder.client.name;
    const stats = this.perBuilder.get(name)!;
    const controller = new AbortController();
    const deadline = new BuilderError({ builder: name, kind: 'timeout', message: `no answer within ${builder.timeoutMs} ms` });
    const timer = setTimeout(() => controller.abort(deadline), builder.timeoutMs);
    const started = this.now();
    try {
      const value = await new Promise<T>((resolve, reject) => {
        controller.signal.addEventListener('abort', () => reject(deadline), { once: true });
        Promise.resolve()
          .then(() => call(controller.signal))
          .then(resolve, (error: unknown) => reject(controller.signal.aborted && !(error instanceof BuilderError) ? deadline : error));
      });
      stats.latency.record(Math.round((this.now() - started) * 1000));
      return value;
    } catch (error) {
      const failure = asBuilderError(name, error);
      stats.errors[failure.kind]++;
      if (failure.kind === 'timeout') stats.timeouts++;
      if (!failure.lostResponse) stats.latency.record(Math.round((this.now() - started) * 1000));
      if (failure.kind === 'rpc') stats.refused++;
      throw failure;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Spends the builder's one retry for this block; false when already spent. */
  private takeRetry(name: string, block: bigint): boolean {
    const spent = this.retried.get(name)!;
    if (spent.has(block)) return false;
    spent.add(block);
    return true;
  }

  private forgetOldBlocks(): void {
    for (const spent of this.retried.values()) {
      for (const block of spent) if (block + retryMemoryBlocks < this.highestBlock) spent.delete(block);
    }
  }

  private result(builder: string, started: number, attempts: number, failure?: BuilderError): FanoutResult {
    const latencyMs = this.now() - started;
    if (!failure) return { builder, ok: true, latencyMs, attempts };
    const error = { kind: failure.kind, message: failure.message, ...(failure.status !== undefined ? { status: failure.status } : {}) };
    return { builder, ok: false, error, latencyMs, attempts };
  }

  /** A throwing callback must not turn a builder's answer into a failure. */
  private report(options: SendOptions, result: FanoutResult): void {
    try {
      options.onResult?.(result);
    } catch (error) {
      this.logger.error({ builder: result.builder, err: error }, 'fan-out onResult callback threw');
    }
  }

  /** Defensive: attempts catch everything a client does, so only a bug in this file lands here. */
  private crashed(builder: string, reason: unknown): FanoutResult {
    this.logger.error({ builder, err: reason }, 'builder client crashed');
    return { builder, ok: false, error: { kind: 'malformed', message: reason instanceof Error ? reason.message : String(reason) }, latencyMs: 0, attempts: 1 };
  }
}

function emptyStats(): BuilderStats {
  return {
    sent: 0,
    accepted: 0,
    refused: 0,
    held: 0,
    errors: Object.fromEntries(builderErrorKinds.map((kind) => [kind, 0])) as Record<BuilderErrorKind, number>,
    timeouts: 0,
    retries: 0,
    included: 0,
    latency: new LatencyHistogram(10_000),
  };
}

/** Clients throw BuilderErrors; anything else (a bug, an AbortSignal reason) is classified here rather than lost. */
function asBuilderError(builder: string, error: unknown): BuilderError {
  if (error instanceof BuilderError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new BuilderError({ builder, kind: 'malformed', message: `unexpected failure: ${message}` }, { cause: error });
}
