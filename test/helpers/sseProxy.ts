import { createServer, get, type ClientRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

type Link = { response: ServerResponse; upstream?: ClientRequest; body?: IncomingMessage };

/**
 * An HTTP relay in front of a real server-sent-events endpoint, for the faults the real relay cannot produce on
 * demand: `cutMidEvent()` forwards the next `data:` event only half-way and then cuts the connection (a stream that
 * dies mid-event); `inject(text)` slips bytes of its own (garbage events) into the stream; `blackhole()` keeps
 * connections open but forwards nothing (pings included), and new connections get no answer; `restore()` cuts the
 * held connections and relays again. Everything else is the upstream's body, byte for byte.
 */
export class SseProxy {
  private server: Server | undefined;
  private readonly links = new Set<Link>();
  private mode: 'relay' | 'blackhole' = 'relay';
  private cutNext = false;
  /** The complete text of each event cut in half (what the client must never see dispatched). */
  readonly cutEvents: string[] = [];
  /** Connections the client opened so far. */
  connections = 0;
  url = '';

  constructor(private readonly upstreamUrl: string) {}

  async start(): Promise<void> {
    this.server = createServer((request, response) => this.accept(response));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  private accept(response: ServerResponse): void {
    this.connections++;
    const link: Link = { response };
    this.links.add(link);
    response.on('close', () => this.drop(link));
    if (this.mode === 'blackhole') return; // no answer at all: only a heartbeat can tell
    link.upstream = get(this.upstreamUrl, (body) => {
      link.body = body;
      response.writeHead(body.statusCode ?? 502, { 'content-type': body.headers['content-type'] ?? 'text/plain', 'cache-control': 'no-cache' });
      response.flushHeaders();
      body.on('data', (chunk: Buffer) => this.forward(link, chunk.toString('utf8')));
      body.on('end', () => response.end());
      body.on('error', () => this.drop(link));
    });
    link.upstream.on('error', () => this.drop(link));
  }

  private forward(link: Link, text: string): void {
    if (this.mode === 'blackhole') return;
    const start = text.indexOf('data:');
    if (this.cutNext && start >= 0) {
      const end = text.indexOf('\n\n', start);
      const event = text.slice(start, end >= 0 ? end : text.length);
      this.cutNext = false;
      this.cutEvents.push(event);
      link.response.write(text.slice(0, start + Math.floor(event.length / 2)), () => this.drop(link));
      return;
    }
    link.response.write(text);
  }

  private drop(link: Link): void {
    if (!this.links.delete(link)) return;
    link.upstream?.destroy();
    link.body?.destroy();
    link.response.socket?.destroy();
  }

  /** The next event from upstream reaches the client only half-way, then the connection is cut. */
  cutMidEvent(): void {
    this.cutNext = true;
  }

  /** Bytes of our own to every connected client, as if the upstream had sent them. */
  inject(text: string): void {
    for (const link of this.links) if (link.body) link.response.write(text);
  }

  get open(): number {
    return [...this.links].filter((link) => link.body).length;
  }

  sever(): void {
    for (const link of [...this.links]) this.drop(link);
  }

  blackhole(): void {
    this.mode = 'blackhole';
  }

  restore(): void {
    this.sever();
    this.mode = 'relay';
  }

  async stop(): Promise<void> {
    this.sever();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
