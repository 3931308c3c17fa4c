import { EventEmitter } from 'node:events';
import WebSocket from 'ws';
import { SearcherError } from '../errors.ts';
import { redactUrl } from '../redact.ts';
import type { Logger } from '../log.ts';
import { backoffDelay } from './backoff.ts';
import { MalformedInputs } from './malformedInputs.ts';

export class WsRpcError extends SearcherError {}

export type WsConnectionOptions = {
  url: string;
  logger: Logger;
  /** Ping interval; a socket with no pong for `deadAfterMs` is declared dead and replaced. */
  pingIntervalMs?: number;
  deadAfterMs?: number;
  /** Per-request timeout. */
  requestTimeoutMs?: number;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** Largest message accepted; a bigger frame closes the socket (which reconnects) before it is buffered. */
  maxPayloadBytes?: number;
  /** Where garbage from the node is counted (one per connection otherwise). */
  malformed?: MalformedInputs;
};

/** geth's own websocket read limit: large enough for a busy node's txpool_content, far below what hurts us. */
export const defaultMaxPayloadBytes = 32 * 1024 * 1024;

type Pending = { resolve: (value: unknown) => void; reject: (error: Error) => void; timer: NodeJS.Timeout };
type Subscription = { params: unknown[]; onMessage: (result: unknown) => void; serverId?: string };

/**
 * A JSON-RPC websocket that stays up: ping/pong heartbeat, dead-socket detection (no pong within the window,
 * default 2 s), reconnection with exponential backoff and jitter, and re-subscription of every subscription
 * on the new socket. Events: 'up' (first connect and every reconnect), 'down' (the socket is gone or dead).
 */
export class WsConnection extends EventEmitter {
  private socket: WebSocket | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly subscriptions = new Map<number, Subscription>();
  private nextSubscription = 1;
  private lastPong = 0;
  private heartbeat: NodeJS.Timeout | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private attempt = 0;
  /** Why the last socket failed (the ws library's words: ECONNREFUSED, "Unexpected server response: 404", ...). */
  private lastError: string | undefined;
  private closed = false;
  connected = false;
  readonly stats = { connects: 0, disconnects: 0, deadSockets: 0 };
  /** Garbage the node sent: counted by kind, warned about once in a while, otherwise ignored. */
  readonly malformed: MalformedInputs;

  constructor(private readonly options: WsConnectionOptions) {
    super();
    this.malformed = options.malformed ?? new MalformedInputs({ logger: options.logger, source: 'node' });
  }

  private lastPing: number | undefined;

  private get pingIntervalMs() {
    return this.options.pingIntervalMs ?? 500;
  }

  private get deadAfterMs() {
    return this.options.deadAfterMs ?? 2000;
  }

  /** Connects (retrying with backoff until it succeeds or `close()` is called). Resolves on the first 'up'. */
  start(): Promise<void> {
    const up = new Promise<void>((resolve) => this.once('up', () => resolve()));
    this.open();
    return up;
  }

  private open(): void {
    if (this.closed) return;
    const maxPayload = this.options.maxPayloadBytes ?? defaultMaxPayloadBytes;
    const socket = new WebSocket(this.options.url, { handshakeTimeout: this.deadAfterMs, maxPayload });
    this.socket = socket;
    socket.on('open', () => {
      if (socket !== this.socket) return;
      this.connected = true;
      if (this.attempt > 0) this.options.logger.info({ url: redactUrl(this.options.url), failedAttempts: this.attempt }, `connected to the node's websocket ${redactUrl(this.options.url)} after ${this.attempt} failed attempts`);
      this.attempt = 0;
      this.lastPong = performance.now();
      this.stats.connects++;
      this.heartbeat = setInterval(() => this.beat(socket), this.pingIntervalMs);
      void this.resubscribe().then(
        () => this.emit('up'),
        (error: Error) => {
          this.options.logger.warn({ err: error.message }, 'ws: resubscribe failed');
          socket.terminate();
        },
      );
    });
    socket.on('pong', () => {
      this.lastPong = performance.now();
      // Round trip of the heartbeat: the socket's latency as the risk layer watches it.
      if (this.lastPing !== undefined) this.emit('latency', this.lastPong - this.lastPing);
    });
    socket.on('message', (data) => this.onMessage(data.toString()));
    socket.on('close', () => this.onGone(socket));
    socket.on('error', (error) => {
      if ((error as { code?: unknown }).code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') {
        this.malformed.record('oversized', `a message larger than ${maxPayload} bytes: socket closed, reconnecting`);
      }
      this.options.logger.debug({ err: error.message }, 'ws: socket error');
      if (socket === this.socket) this.lastError = error.message || (error as { code?: string }).code || 'socket error';
      this.onGone(socket);
    });
  }

  private beat(socket: WebSocket): void {
    if (performance.now() - this.lastPong > this.deadAfterMs) {
      this.stats.deadSockets++;
      const silentMs = Math.round(performance.now() - this.lastPong);
      this.options.logger.warn({ url: redactUrl(this.options.url), silentMs }, `the node's websocket ${redactUrl(this.options.url)} stopped answering pings (silent for ${silentMs} ms): replacing the socket`);
      this.lastError = `no answer to pings for ${silentMs} ms`;
      socket.terminate();
      this.onGone(socket);
      return;
    }
    try {
      this.lastPing = performance.now();
      socket.ping();
    } catch {
      this.onGone(socket);
    }
  }

  private onGone(socket: WebSocket): void {
    if (socket !== this.socket) return;
    this.socket = undefined;
    clearInterval(this.heartbeat);
    socket.removeAllListeners();
    socket.on('error', () => {});
    try {
      socket.terminate();
    } catch {}
    for (const [id, request] of this.pending) {
      clearTimeout(request.timer);
      request.reject(new WsRpcError('WS_DOWN', 'websocket closed before the reply'));
      this.pending.delete(id);
    }
    for (const subscription of this.subscriptions.values()) subscription.serverId = undefined;
    const lost = this.connected;
    if (this.connected) {
      this.connected = false;
      this.stats.disconnects++;
      this.emit('down');
    }
    if (this.closed) return;
    // A warning per failed attempt, naming the endpoint without its credentials (src/redact.ts), why it failed and
    // when the next try is: an operator with a wrong URL sees it at once instead of a silent retry loop.
    if (!lost) this.attempt++;
    const delay = backoffDelay(this.attempt, this.options.backoffBaseMs ?? 100, this.options.backoffMaxMs ?? 5000);
    const retryAt = Date.now() + delay;
    const url = redactUrl(this.options.url);
    const error = this.lastError ?? 'the socket closed';
    this.lastError = undefined;
    const next = `attempt ${this.attempt + 1} at ${new Date(retryAt).toTimeString().slice(0, 8)} (in ${(delay / 1000).toFixed(1)} s)`;
    this.options.logger.warn(
      { url, attempt: this.attempt, error, retryInMs: delay, retryAt: new Date(retryAt).toISOString() },
      lost ? `lost the connection to the node's websocket ${url} (${error}); reconnecting: ${next}` : `cannot connect to the node's websocket ${url} (${error}); still trying: ${next}`,
    );
    this.reconnectTimer = setTimeout(() => this.open(), delay);
  }

  /** Any message, however malformed, is counted and dropped here: nothing the node sends may throw out of it. */
  private onMessage(text: string): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      this.malformed.record('not-json', text.slice(0, 80));
      return;
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      this.malformed.record('not-object', text.slice(0, 80));
      return;
    }
    const message = parsed as { id?: unknown; result?: unknown; error?: unknown; method?: unknown; params?: unknown };
    if (message.method === 'eth_subscription') {
      const params = message.params as { subscription?: unknown; result?: unknown } | null | undefined;
      if (typeof params !== 'object' || params === null || typeof params.subscription !== 'string' || !('result' in params)) {
        this.malformed.record('bad-notification', text.slice(0, 80));
        return;
      }
      for (const subscription of this.subscriptions.values()) {
        if (subscription.serverId !== params.subscription) continue;
        try {
          subscription.onMessage(params.result);
        } catch (error) {
          // A consumer that chokes on a notification it did not validate: drop that one, keep the socket.
          this.malformed.record('unhandled', (error as Error).message);
        }
      }
      return;
    }
    const request = typeof message.id === 'number' ? this.pending.get(message.id) : undefined;
    if (!request) return;
    this.pending.delete(message.id as number);
    clearTimeout(request.timer);
    if (message.error !== undefined && message.error !== null) {
      const detail = (message.error as { message?: unknown }).message;
      request.reject(new WsRpcError('RPC', typeof detail === 'string' ? detail : 'JSON-RPC error'));
    } else request.resolve(message.result);
  }

  /** A JSON-RPC request on the current socket. Rejects if the socket is down or the reply does not come. */
  request<T = unknown>(method: string, params: unknown[] = []): Promise<T> {
    const socket = this.socket;
    if (!socket || socket.readyState !== WebSocket.OPEN) return Promise.reject(new WsRpcError('WS_DOWN', 'websocket is not connected'));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new WsRpcError('RPC_TIMEOUT', `${method} timed out`));
      }, this.options.requestTimeoutMs ?? 5000);
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject, timer });
      socket.send(JSON.stringify({ jsonrpc: '2.0', id, method, params }));
    });
  }

  /** Subscribes now (if up) and again after every reconnect. Returns an unsubscribe function. */
  async subscribe(params: unknown[], onMessage: (result: unknown) => void): Promise<() => void> {
    const key = this.nextSubscription++;
    const subscription: Subscription = { params, onMessage };
    this.subscriptions.set(key, subscription);
    if (this.connected) subscription.serverId = await this.request<string>('eth_subscribe', params);
    return () => {
      this.subscriptions.delete(key);
      if (subscription.serverId) void this.request('eth_unsubscribe', [subscription.serverId]).catch(() => {});
    };
  }

  private async resubscribe(): Promise<void> {
    for (const subscription of this.subscriptions.values()) {
      subscription.serverId = await this.request<string>('eth_subscribe', subscription.params);
    }
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.reconnectTimer);
    clearInterval(this.heartbeat);
    const socket = this.socket;
    if (socket) {
      this.onGone(socket);
    }
  }
}
