import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../../log.ts';

export type SseHubOptions = {
  /** The event payload (already JSON) sent on connect, on `broadcast()` and every `refreshMs`; undefined skips a push. */
  payload: () => string | undefined;
  /** Event name the page listens for. */
  event?: string;
  /** Push the payload at least this often even without `broadcast()` (ms). */
  refreshMs?: number;
  /** Comment line this often so proxies and the browser keep the connection open (ms). */
  heartbeatMs?: number;
  /** Refuse new streams beyond this many (each holds a socket). */
  maxClients?: number;
  logger: Logger;
};

type Client = { res: ServerResponse; blocked: boolean; stale: boolean };

/**
 * Server-sent events for one kind of payload where only the latest value matters: a client whose socket
 * is backed up is not queued more data; it gets the newest payload when it drains. So a slow browser
 * costs one buffered message, not memory growing with every block.
 */
export class SseHub {
  private readonly clients = new Set<Client>();
  private readonly event: string;
  private readonly maxClients: number;
  private readonly refreshTimer: NodeJS.Timeout;
  private readonly heartbeatTimer: NodeJS.Timeout;
  private closed = false;

  constructor(private readonly options: SseHubOptions) {
    this.event = options.event ?? 'snapshot';
    this.maxClients = options.maxClients ?? 100;
    // unref: an idle dashboard must not keep the process alive on its own.
    this.refreshTimer = setInterval(() => this.broadcast(), options.refreshMs ?? 2_000).unref();
    this.heartbeatTimer = setInterval(() => this.heartbeat(), options.heartbeatMs ?? 15_000).unref();
  }

  get size(): number {
    return this.clients.size;
  }

  /** Takes over a GET request as an event stream: headers, the current payload, then pushes until it closes. */
  accept(req: IncomingMessage, res: ServerResponse): void {
    if (this.closed || this.clients.size >= this.maxClients) {
      res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8', 'retry-after': '5' }).end('too many dashboard streams\n');
      return;
    }
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    req.socket.setNoDelay(true);
    req.socket.setKeepAlive(true);
    const client: Client = { res, blocked: false, stale: false };
    this.clients.add(client);
    const drop = () => this.clients.delete(client);
    req.on('close', drop);
    res.on('close', drop);
    res.on('error', drop);
    res.on('drain', () => {
      client.blocked = false;
      if (client.stale) this.send(client, this.frame());
    });
    // retry: how soon EventSource reconnects after the bot restarts.
    res.write('retry: 2000\n\n');
    this.send(client, this.frame());
  }

  /** Pushes the current payload to every client now. */
  broadcast(): void {
    if (this.closed || this.clients.size === 0) return;
    const frame = this.frame();
    for (const client of this.clients) this.send(client, frame);
  }

  /** Ends every stream (so the server can close and the process exit) and stops the timers. */
  close(): void {
    this.closed = true;
    clearInterval(this.refreshTimer);
    clearInterval(this.heartbeatTimer);
    for (const client of this.clients) client.res.end();
    this.clients.clear();
  }

  private heartbeat(): void {
    for (const client of this.clients) if (!client.blocked) client.blocked = !client.res.write(': hb\n\n');
  }

  private frame(): string | undefined {
    let payload: string | undefined;
    try {
      payload = this.options.payload();
    } catch (error) {
      this.options.logger.warn({ err: error }, 'dashboard snapshot failed; skipping this push');
      return undefined;
    }
    if (payload === undefined) return undefined;
    // JSON.stringify never emits a raw newline, so the payload is one data line.
    return `event: ${this.event}\ndata: ${payload}\n\n`;
  }

  private send(client: Client, frame: string | undefined): void {
    if (frame === undefined) return;
    if (client.blocked) {
      client.stale = true;
      return;
    }
    client.stale = false;
    client.blocked = !client.res.write(frame);
  }
}
