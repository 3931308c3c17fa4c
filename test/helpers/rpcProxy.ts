import { createServer, type Server } from 'node:http';

type RpcRequest = { jsonrpc?: string; id?: unknown; method?: string; params?: unknown };

/**
 * An HTTP JSON-RPC relay in front of a real node (anvil), for the faults a node produces at its worst moment:
 * `failNext(method)` answers the next call of that method with a JSON-RPC error instead of relaying it (-32000,
 * as geth answers "unknown block": viem does not retry it);
 * `hold(method)` keeps calls of that method (single or inside a batch) waiting until `release()`, so a test can
 * look at the world while they are in flight. Everything else is relayed untouched, batches included.
 */
export class RpcProxy {
  private server: Server | undefined;
  private readonly failures = new Map<string, number>();
  private held: string | undefined;
  private releaseHeld: (() => void) | undefined;
  private heldGate: Promise<void> = Promise.resolve();
  private readonly heldWaiters: Array<() => void> = [];
  /** Calls answered with an injected error, by method. */
  readonly failed: string[] = [];
  /** Requests currently held. */
  holding = 0;
  url = '';

  constructor(private readonly upstreamUrl: string) {}

  failNext(method: string, count = 1): void {
    this.failures.set(method, (this.failures.get(method) ?? 0) + count);
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

  async start(): Promise<this> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        void this.handle(Buffer.concat(chunks).toString('utf8')).then(
          (text) => response.writeHead(200, { 'content-type': 'application/json' }).end(text),
          (error: Error) => response.writeHead(502).end(error.message),
        );
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as { port: number }).port}`;
    return this;
  }

  private async handle(body: string): Promise<string> {
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
      const upstream = await fetch(this.upstreamUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(batch ? relayed.map(({ item }) => item) : relayed[0]!.item),
      });
      const json = (await upstream.json()) as unknown;
      const replies = batch ? (json as unknown[]) : [json];
      relayed.forEach(({ index, item }, i) => answers.set(index, batch ? (replies.find((reply) => (reply as RpcRequest).id === item.id) ?? replies[i]) : replies[0]));
    }
    const ordered = items.map((_, index) => answers.get(index));
    return JSON.stringify(batch ? ordered : ordered[0]);
  }

  async stop(): Promise<void> {
    this.release();
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }
}
