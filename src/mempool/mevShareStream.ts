import { EventEmitter } from 'node:events';
import { backoffDelay } from '../chain/backoff.ts';
import { MalformedInputs } from '../chain/malformedInputs.ts';
import type { Logger } from '../log.ts';
import { redactUrl } from '../redact.ts';
import { parseHintText, type PrivateHint } from './mevShareHint.ts';
import { RecentSet } from './recentSet.ts';
import { SseParser } from './sse.ts';

export type MevShareStreamOptions = {
  /** The SSE stream (mainnet: https://mev-share.flashbots.net). */
  url: string;
  logger: Logger;
  /** No byte (event or `:ping`) for this long: the connection is dead, cut and replaced. The relay pings every 10 s. */
  silenceMs?: number;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** An event larger than this is dropped and counted (a line without end is not buffered for ever). */
  maxEventChars?: number;
  /** Hint hashes remembered for de-duplication. */
  memory?: number;
  /** Where garbage from the stream is counted; one of its own (source 'mevShare') otherwise. */
  malformed?: MalformedInputs;
};

export type MevShareStreamStats = {
  connects: number;
  /** Connections that failed before the stream opened (refused, an HTTP error, not an event stream). */
  failedConnects: number;
  /** Open streams lost (closed by the server, cut, or silent). */
  disconnects: number;
  /** Streams replaced because nothing arrived for silenceMs. */
  silences: number;
  /** Comment lines (the relay's `:ping`). */
  heartbeats: number;
  events: number;
  hints: number;
  duplicates: number;
  /** Logs of a known signature whose data did not fit the event: skipped (the rest of the hint is used). */
  oddLogs: number;
};

class StreamError extends Error {}

/**
 * The bot's view of MEV-Share: the SSE hint stream, parsed by the WHATWG event-stream rules and checked strictly
 * (garbage counted by kind in `malformed`, never thrown), de-duplicated by hash. It reconnects with backoff when
 * the stream ends, errors, or stays silent for `silenceMs` (no event nor `:ping`): an event cut off mid-way is
 * never emitted. Events: 'hint' (PrivateHint), 'blind' (boolean): blind until the first stream is open and while
 * reconnecting; `blind` says it now.
 */
export class MevShareStream extends EventEmitter {
  readonly stats: MevShareStreamStats = { connects: 0, failedConnects: 0, disconnects: 0, silences: 0, heartbeats: 0, events: 0, hints: 0, duplicates: 0, oddLogs: 0 };
  readonly malformed: MalformedInputs;
  blind = true;
  private readonly seen: RecentSet;
  private controller: AbortController | undefined;
  private silenceTimer: NodeJS.Timeout | undefined;
  private wake: (() => void) | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly options: MevShareStreamOptions) {
    super();
    this.malformed = options.malformed ?? new MalformedInputs({ logger: options.logger, source: 'mevShare' });
    this.seen = new RecentSet(options.memory ?? 50_000);
  }

  private get silenceMs(): number {
    return this.options.silenceMs ?? 25_000;
  }

  /** Starts the connect-read-reconnect loop (it runs until stop()); 'blind' false tells when the stream is open. */
  start(): void {
    this.running ??= this.loop();
  }

  stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.silenceTimer);
    this.controller?.abort();
    this.wake?.();
    return this.running ?? Promise.resolve();
  }

  private setBlind(blind: boolean): void {
    if (blind === this.blind) return;
    this.blind = blind;
    this.emit('blind', blind);
  }

  private async loop(): Promise<void> {
    let attempt = 0;
    while (!this.stopped) {
      const outcome = await this.connectOnce().catch((error: Error) => ({ opened: false, received: false, error: error.message }));
      this.setBlind(true);
      if (this.stopped) break;
      if (outcome.opened) this.stats.disconnects++;
      else this.stats.failedConnects++;
      // A stream that delivered something was healthy: the next attempt starts from the shortest wait.
      attempt = outcome.received ? 0 : attempt + 1;
      const delay = backoffDelay(attempt, this.options.backoffBaseMs ?? 250, this.options.backoffMaxMs ?? 10_000);
      const url = redactUrl(this.options.url);
      this.options.logger.warn(
        { url, attempt, error: outcome.error, retryInMs: delay },
        outcome.opened ? `lost the MEV-Share stream ${url} (${outcome.error}); reconnecting in ${(delay / 1000).toFixed(1)} s` : `cannot open the MEV-Share stream ${url} (${outcome.error}); retrying in ${(delay / 1000).toFixed(1)} s`,
      );
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delay);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  /** One connection: open, read until it ends, fails or goes silent. Says whether it opened and delivered bytes. */
  private async connectOnce(): Promise<{ opened: boolean; received: boolean; error: string }> {
    const controller = new AbortController();
    this.controller = controller;
    let silent = false;
    // Armed from the request on: a server that accepts but never answers is as dead as one that stops talking.
    const arm = () => {
      clearTimeout(this.silenceTimer);
      this.silenceTimer = setTimeout(() => {
        silent = true;
        this.stats.silences++;
        controller.abort();
      }, this.silenceMs);
    };
    arm();
    let opened = false;
    let received = false;
    try {
      const response = await fetch(this.options.url, { headers: { accept: 'text/event-stream', 'cache-control': 'no-cache' }, signal: controller.signal });
      const type = response.headers.get('content-type') ?? '';
      if (!response.ok || !type.toLowerCase().startsWith('text/event-stream') || !response.body) {
        await response.body?.cancel().catch(() => {});
        throw new StreamError(`HTTP ${response.status}${response.ok ? `, content-type ${type || 'none'} is not text/event-stream` : ''}`);
      }
      opened = true;
      this.stats.connects++;
      this.setBlind(false);
      const parser = new SseParser();
      const decoder = new TextDecoder();
      const limit = this.options.maxEventChars ?? 4_000_000;
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        arm();
        const comments = parser.comments;
        const events = parser.feed(decoder.decode(chunk, { stream: true }));
        this.stats.heartbeats += parser.comments - comments;
        // Healthy means whole events (or pings) arrived: a server that sends a byte and hangs up is retried with backoff.
        if (events.length > 0 || parser.comments > comments) received = true;
        for (const event of events) this.onEvent(event.type, event.data);
        if (parser.bufferedChars > limit) {
          this.malformed.record('oversized', `an event larger than ${limit} characters: stream replaced`);
          throw new StreamError('an event larger than the limit');
        }
        if (this.stopped) break;
      }
      return { opened, received, error: 'the server ended the stream' };
    } catch (error) {
      const message = silent ? `no byte for ${this.silenceMs} ms (not even a :ping)` : this.stopped ? 'stopped' : (error as Error).message || String(error);
      return { opened, received, error: message };
    } finally {
      clearTimeout(this.silenceTimer);
      controller.abort();
    }
  }

  /** One whole event: checked, de-duplicated, emitted. Nothing in it may throw out of here. */
  private onEvent(type: string, data: string): void {
    const seenMs = performance.now();
    this.stats.events++;
    if (type !== 'message') {
      this.malformed.record('unknown-event', `an event of type "${type.slice(0, 40)}"`);
      return;
    }
    const parsed = parseHintText(data);
    if (!parsed.ok) {
      this.malformed.record(parsed.kind, parsed.reason);
      return;
    }
    for (const item of parsed.ignored) {
      this.stats.oddLogs++;
      this.malformed.record(item.kind, item.reason);
    }
    const hash = parsed.hint.hash.toLowerCase();
    if (this.seen.has(hash)) {
      this.stats.duplicates++;
      return;
    }
    this.seen.add(hash);
    this.stats.hints++;
    try {
      this.emit('hint', { ...parsed.hint, seenMs } satisfies PrivateHint);
    } catch (error) {
      // A consumer that chokes on one hint must not take the stream down with it.
      this.malformed.record('unhandled', (error as Error).message);
    }
  }
}
