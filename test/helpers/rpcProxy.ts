import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect, type Socket } from 'node:net';

/** How the proxy fails a JSON-RPC request: the faults a real node or provider shows and anvil cannot be made to. */
export type RpcFault = 'http-500' | 'http-503' | 'rate-limit' | 'reset' | 'hang';

type RpcRequest = { jsonrpc?: string; id?: unknown; method?: string; params?: unknown };

/**
 * How a provider caps `eth_getLogs`, in its own words: Infura (-32005, more than N results), Alchemy (response
 * size exceeded, naming a block range that would work), or a block-range limit.
 */
export type LogCapRule = { maxResults?: number; maxBlocks?: number; style?: 'infura' | 'alchemy' };

/**
 * A JSON-RPC HTTP (and websocket) proxy in front of a real node, for the faults a node or provider produces at
 * its worst moment and anvil cannot be made to. Requests on any path (a provider's `/v3/<key>` or `?apikey=`)
 * go to the node's `/`. On demand it:
 * - fails whole requests calling listed methods (`fail`: HTTP 500 / 503 / 429, a reset connection, no answer)
 *   until `heal()`;
 * - answers the next call(s) of one method with a JSON-RPC error (`failNext`: -32000, as geth answers "unknown
 *   block"; viem does not retry it), item by item inside batches;
 * - holds calls of one method until `release()` (`hold`), so a test can look at the world while they are in
 *   flight.
 * It counts every method it sees. `stop()` closes the port (connection refused); `start()` opens it again on
 * the same port.
 */
export class RpcProxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private fault: { kind: RpcFault; methods?: ReadonlySet<string> } | undefined;
  private readonly failures = new Map<string, number>();
  private held: string | undefined;
  private releaseHeld: (() => void) | undefined;
  private heldGate: Promise<void> = Promise.resolve();
  private readonly heldWaiters: Array<() => void> = [];
  readonly seen = new Map<string, number>();
  /** Calls answered with an injected JSON-RPC error (`failNext`), by method, in order. */
  readonly failed: string[] = [];
  private logCap: LogCapRule | undefined;
  /** eth_getLogs answers replaced by the provider-style cap error. */
  logsCapped = 0;
  /** HTTP requests being answered right now, and the most at once (to check a client's bound on requests in flight). */
  inFlight = 0;
  peakInFlight = 0;
  /** Requests currently held. */
  holding = 0;
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

  /** Answers the next `count` calls of `method` with a JSON-RPC error instead of relaying them. */
  failNext(method: string, count = 1): void {
    this.failures.set(method, (this.failures.get(method) ?? 0) + count);
  }

  /** From now on, answers eth_getLogs calls over the limits with the provider's cap error instead of the logs. */
  capLogs(rule: LogCapRule | undefined): void {
    this.logCap = rule;
  }

  hold(method: string): void {
    this.held = method;
    this.heldGate = new Promise((resolve) => (this.releaseHeld = resolve));
  }

  /** Resolves once a request is being held. */
  waitHeld(): Promise<void> {
    if (this.holding > 0) return Promise.resolve();
    return new Promise((resolve) => this.heldWaiters.push(resolve));
  }

  release(): void {
    this.held = undefined;
    this.releaseHeld?.();
  }

  count(method: string): number {
    return this.seen.get(method) ?? 0;
  }

  async start(): Promise<this> {
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
    return this;
  }

  async stop(): Promise<void> {
    this.release();
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server = undefined;
  }

  private onRequest(request: IncomingMessage, response: ServerResponse): void {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    this.inFlight++;
    this.peakInFlight = Math.max(this.peakInFlight, this.inFlight);
    response.on('close', () => this.inFlight--);
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
      if (methods.some((method) => (this.failures.get(method) ?? 0) > 0 || method === this.held || (this.logCap && method === 'eth_getLogs'))) {
        void this.answerItemByItem(body.toString('utf8')).then(
          (text) => response.writeHead(200, { 'content-type': 'application/json' }).end(text),
          (error: Error) => response.writeHead(502).end(error.message),
        );
        return;
      }
      this.relay(body, response);
    });
  }

  private relay(body: Buffer, response: ServerResponse): void {
    const upstream = httpRequest(
      { host: this.target.host, port: this.target.port, path: '/', method: 'POST', headers: { 'content-type': 'application/json', 'content-length': body.length } },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, { 'content-type': answer.headers['content-type'] ?? 'application/json' });
        answer.pipe(response);
      },
    );
    upstream.on('error', () => response.destroy());
    upstream.end(body);
  }

  /** Injected errors answered per item (a batch keeps its other answers), held methods waited for, the rest relayed. */
  private async answerItemByItem(body: string): Promise<string> {
    const parsed = JSON.parse(body) as RpcRequest | RpcRequest[];
    const batch = Array.isArray(parsed);
    const items = batch ? parsed : [parsed];
    const answers = new Map<number, unknown>();
    const relayed: Array<{ index: number; item: RpcRequest }> = [];
    items.forEach((item, index) => {
      const left = this.failures.get(String(item.method)) ?? 0;
      if (left > 0) {
        this.failures.set(String(item.method), left - 1);
        this.failed.push(String(item.method));
        answers.set(index, { jsonrpc: '2.0', id: item.id, error: { code: -32000, message: `injected failure of ${item.method}` } });
      } else relayed.push({ index, item });
    });
    if (this.held !== undefined && relayed.some(({ item }) => item.method === this.held)) {
      this.holding++;
      for (const wake of this.heldWaiters.splice(0)) wake();
      await this.heldGate;
      this.holding--;
    }
    if (relayed.length > 0) {
      const upstream = await fetch(`http://${this.target.host}:${this.target.port}/`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(batch ? relayed.map(({ item }) => item) : relayed[0]!.item),
      });
      const json = (await upstream.json()) as unknown;
      const replies = batch ? (json as unknown[]) : [json];
      relayed.forEach(({ index, item }, i) => answers.set(index, batch ? (replies.find((reply) => (reply as RpcRequest).id === item.id) ?? replies[i]) : replies[0]));
    }
    if (this.logCap) {
      items.forEach((item, index) => {
        if (item.method !== 'eth_getLogs') return;
        const capped = this.capError(item, answers.get(index) as { result?: unknown[] });
        if (capped) answers.set(index, capped);
      });
    }
    const ordered = items.map((_, index) => answers.get(index));
    return JSON.stringify(batch ? ordered : ordered[0]);
  }

  /** The provider's error for a getLogs answer over the cap (undefined when within it). */
  private capError(item: RpcRequest, answer: { result?: unknown[] } | undefined): unknown {
    const rule = this.logCap!;
    const filter = ((item.params as unknown[] | undefined)?.[0] ?? {}) as { fromBlock?: string; toBlock?: string };
    const from = filter.fromBlock?.startsWith('0x') ? BigInt(filter.fromBlock) : undefined;
    const to = filter.toBlock?.startsWith('0x') ? BigInt(filter.toBlock) : undefined;
    const blocks = from !== undefined && to !== undefined ? to - from + 1n : 1n;
    const count = Array.isArray(answer?.result) ? answer.result.length : 0;
    const overBlocks = rule.maxBlocks !== undefined && blocks > BigInt(rule.maxBlocks);
    const overResults = rule.maxResults !== undefined && count > rule.maxResults;
    if (!overBlocks && !overResults) return undefined;
    this.logsCapped++;
    if (overBlocks && !overResults) return { jsonrpc: '2.0', id: item.id, error: { code: -32600, message: `exceed maximum block range: ${rule.maxBlocks}` } };
    if (rule.style === 'alchemy' && from !== undefined) {
      // Alchemy names a range that works: here, the blocks of the first maxResults logs.
      const logs = answer!.result as Array<{ blockNumber: string }>;
      const last = BigInt(logs[rule.maxResults!]!.blockNumber) - 1n;
      const until = last >= from ? last : from;
      const range = `[0x${from.toString(16)}, 0x${until.toString(16)}]`;
      return { jsonrpc: '2.0', id: item.id, error: { code: -32602, message: `Log response size exceeded. You can make eth_getLogs requests with up to a 2K block range and no limit on the response size, or you can request any block range with a cap of ${rule.maxResults} logs in the response. Based on your parameters, this block range should work: ${range}` } };
    }
    return { jsonrpc: '2.0', id: item.id, error: { code: -32005, message: `query returned more than ${rule.maxResults} results` } };
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
