import { createConnection, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy that delivers what the upstream says `delayMs` late, in order: a searcher behind it hears heads,
 * pending transactions and private-flow streams (websocket or SSE, the bytes are not parsed) that much after one
 * connected directly. What the client sends goes upstream at once.
 */
export class DelayProxy {
  private constructor(
    private readonly server: Server,
    private readonly sockets: Set<Socket>,
    readonly url: string,
  ) {}

  /** `upstreamUrl`: ws://, http:// ... host:port; the proxy's URL is the same with its own port. */
  static async start(upstreamUrl: string, delayMs: number): Promise<DelayProxy> {
    const upstream = new URL(upstreamUrl);
    const port = Number(upstream.port);
    const sockets = new Set<Socket>();
    const server = createServer((client) => {
      const origin = createConnection({ host: upstream.hostname, port });
      sockets.add(client).add(origin);
      const queue: Array<{ at: number; chunk: Buffer | null }> = [];
      let timer: NodeJS.Timeout | undefined;
      const drain = () => {
        timer = undefined;
        const now = performance.now();
        while (queue.length > 0 && queue[0]!.at <= now) {
          const { chunk } = queue.shift()!;
          if (chunk === null) client.end();
          else if (!client.destroyed) client.write(chunk);
        }
        if (queue.length > 0) timer = setTimeout(drain, Math.max(0, queue[0]!.at - now));
      };
      const later = (chunk: Buffer | null) => {
        queue.push({ at: performance.now() + delayMs, chunk });
        timer ??= setTimeout(drain, delayMs);
      };
      origin.on('data', (chunk: Buffer) => later(chunk));
      origin.on('end', () => later(null));
      client.on('data', (chunk: Buffer) => origin.write(chunk));
      client.on('end', () => origin.end());
      const close = () => {
        clearTimeout(timer);
        client.destroy();
        origin.destroy();
        sockets.delete(client);
        sockets.delete(origin);
      };
      client.on('error', close).on('close', close);
      origin.on('error', close).on('close', () => {
        // The upstream closed: what it said before still arrives late, then the client is closed.
        if (queue.length === 0) close();
        else later(null);
      });
    });
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', () => resolve()));
    const address = server.address() as { port: number };
    const url = new URL(upstreamUrl);
    url.hostname = '127.0.0.1';
    url.port = String(address.port);
    // URL adds a "/" to a bare origin; the upstream's spelling is kept.
    return new DelayProxy(server, sockets, upstreamUrl.endsWith('/') || upstream.pathname !== '/' ? url.toString() : url.toString().replace(/\/$/, ''));
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
