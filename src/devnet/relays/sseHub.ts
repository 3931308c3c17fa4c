import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../../log.ts';

/**
 * A server-sent-events endpoint: every GET is a subscriber; `broadcast` writes one `data:` event to all. A
 * subscriber that goes away (closed socket, failed write) is dropped without touching the others, and a comment
 * line every `pingMs` keeps idle connections and proxies alive (the real stream sends `:ping`).
 */
export class SseHub {
  private readonly clients = new Set<ServerResponse>();
  private pinger: NodeJS.Timeout | undefined;
  /** Events written and subscribers dropped since start. */
  readonly counts = { events: 0, dropped: 0 };

  private constructor(
    private readonly server: Server,
    readonly url: string,
    private readonly logger: Logger,
  ) {}

  static async start(parameters: { host: string; port: number; logger: Logger; pingMs?: number }): Promise<SseHub> {
    let hub: SseHub | undefined;
    const server = createServer((request, response) => {
      if (request.method !== 'GET') {
        response.writeHead(405, { allow: 'GET', 'content-type': 'text/plain' }).end('GET this URL for the event stream\n');
        return;
      }
      response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
      response.write(':ok\n\n');
      hub!.add(response);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(parameters.port, parameters.host, () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    hub = new SseHub(server, `http://${parameters.host}:${port}`, parameters.logger);
    hub.pinger = setInterval(() => hub!.write(':ping\n\n'), parameters.pingMs ?? 10_000);
    hub.pinger.unref();
    return hub;
  }

  get subscribers(): number {
    return this.clients.size;
  }

  private add(response: ServerResponse): void {
    this.clients.add(response);
    const drop = () => {
      if (this.clients.delete(response)) this.counts.dropped++;
    };
    response.on('close', drop);
    response.on('error', drop);
  }

  private write(text: string): void {
    for (const client of this.clients) {
      if (client.destroyed || client.writableEnded) {
        this.clients.delete(client);
        this.counts.dropped++;
        continue;
      }
      try {
        client.write(text);
      } catch (error) {
        this.logger.debug({ err: (error as Error).message }, 'sse: subscriber write failed; dropped');
        this.clients.delete(client);
        this.counts.dropped++;
      }
    }
  }

  /** Sends one event (JSON) to every subscriber. */
  broadcast(event: unknown): void {
    this.counts.events++;
    this.write(`data: ${JSON.stringify(event)}\n\n`);
  }

  async stop(): Promise<void> {
    clearInterval(this.pinger);
    for (const client of this.clients) client.end();
    this.clients.clear();
    await new Promise<void>((resolve) => {
      this.server.closeAllConnections();
      this.server.close(() => resolve());
    });
  }
}
