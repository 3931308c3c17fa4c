import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect, type Socket } from 'node:net';

/** How the proxy fails a JSON-RPC request: the faults a real node or provider shows and anvil cannot be made to. */
export type RpcFault = 'http-500' | 'http-503' | 'rate-limit' | 'reset' | 'hang';

/**
 * A JSON-RPC HTTP (and websocket) proxy in front of a real node: requests on any path (a provider's
 * `/v3/<key>` or `?apikey=`) are forwarded to the node's `/` untouched, and on demand the proxy fails the ones
 * whose method is listed (HTTP 500 / 503, HTTP 429, a reset connection, or no answer). It counts every method
 * it sees, so tests can tell whether a client asked at all. `stop()` closes the port (connection refused);
 * `start()` opens it again on the same port.
 */
export class RpcProxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private fault: { kind: RpcFault; methods?: ReadonlySet<string> } | undefined;
  readonly seen = new Map<string, number>();
  port = 0;

  constructor(private readonly target: { host: string; port: number }) {}

  static for(rpcUrl: string): RpcProxy {
    const url = new URL(rpcUrl);
    return new RpcProxy({ host: url.hostname, port: Number(url.port) });
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Fails requests with `kind` from now on: all of them, or only those calling one of `methods`. */
  fail(kind: RpcFault, methods?: readonly string[]): void {
    this.fault = { kind, ...(methods ? { methods: new Set(methods) } : {}) };
  }

  heal(): void {
    this.fault = undefined;
  }

  count(method: string): number {
    return this.seen.get(method) ?? 0;
  }

  async start(): Promise<void> {
    this.server = createServer((request, response) => this.onRequest(request, response));
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    this.server.on('upgrade', (request, client, head) => this.onUpgrade(request, client as Socket, head));
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (this.server.address() as { port: number }).port;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server = undefined;
  }

  private onRequest(request: IncomingMessage, response: ServerResponse): void {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      const methods = methodsOf(body);
      for (const method of methods) this.seen.set(method, (this.seen.get(method) ?? 0) + 1);
      const fault = this.fault && (!this.fault.methods || methods.some((method) => this.fault!.methods!.has(method))) ? this.fault.kind : undefined;
      if (fault === 'hang') return;
      if (fault === 'reset') return void request.socket.destroy();
      if (fault === 'http-500') return void response.writeHead(500, { 'content-type': 'text/plain' }).end('internal server error');
      if (fault === 'http-503') return void response.writeHead(503, { 'content-type': 'text/plain' }).end('upstream unavailable');
      if (fault === 'rate-limit') return void response.writeHead(429, { 'content-type': 'application/json', 'retry-after': '1' }).end('{"error":"rate limited"}');
      const upstream = httpRequest(
        { host: this.target.host, port: this.target.port, path: '/', method: 'POST', headers: { 'content-type': 'application/json', 'content-length': body.length } },
        (answer) => {
          response.writeHead(answer.statusCode ?? 502, { 'content-type': answer.headers['content-type'] ?? 'application/json' });
          answer.pipe(response);
        },
      );
      upstream.on('error', () => response.destroy());
      upstream.end(body);
    });
  }

  /** A websocket upgrade on any path goes to the node's `/`; bytes are then relayed untouched. */
  private onUpgrade(request: IncomingMessage, client: Socket, head: Buffer): void {
    const upstream = connect(this.target.port, this.target.host);
    const drop = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    upstream.on('connect', () => {
      const headers = Object.entries(request.headers).flatMap(([name, value]) => (Array.isArray(value) ? value.map((v) => `${name}: ${v}`) : [`${name}: ${value}`]));
      upstream.write(`GET / HTTP/1.1\r\n${headers.join('\r\n')}\r\n\r\n`);
      if (head.length > 0) upstream.write(head);
      client.pipe(upstream);
      upstream.pipe(client);
    });
  }
}

function methodsOf(body: Buffer): string[] {
  try {
    const json = JSON.parse(body.toString('utf8')) as unknown;
    return (Array.isArray(json) ? json : [json]).map((entry) => String((entry as { method?: unknown }).method));
  } catch {
    return ['(not json)'];
  }
}
