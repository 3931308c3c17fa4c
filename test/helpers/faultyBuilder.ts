import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import { concat, keccak256, parseEther, type Address, type Hex } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { verifyFlashbotsSignature } from '../../src/bundle/flashbotsAuth.ts';
import type { BundleRequest } from '../../src/bundle/types.ts';

/**
 * What the builder does with one request: answer like a builder that took the bundle ('ok'), fail over HTTP
 * ('http-500', 'rate-limit'), answer garbage ('malformed': not JSON; 'no-result': JSON-RPC without result or
 * error; 'wrong-shape': a result that is not a bundle hash; 'huge': a 100 MB body announced by its
 * content-length; 'endless': a chunked body that never ends), refuse it ('rpc-error'), cut the connection
 * ('reset') or never answer ('hang').
 */
export type Behaviour = 'ok' | 'http-500' | 'rate-limit' | 'malformed' | 'no-result' | 'wrong-shape' | 'huge' | 'endless' | 'rpc-error' | 'reset' | 'hang';

/** The size 'huge' announces and streams. */
export const hugeBodyBytes = 100_000_000;

export type RecordedRequest = {
  /** The exact body bytes, as the signature covers them. */
  body: string;
  headers: IncomingHttpHeaders;
  method: string;
  params: unknown;
  behaviour: Behaviour;
  /** Who signed it, or why the signature does not check out. */
  signer: Address | { error: string };
  /** Set when the request got its answer (or was cut); undefined while a 'hang' holds it. */
  answered: boolean;
  /** Body bytes written so far ('huge', 'endless'); `streamEnded` once the client went away or it all went. */
  bytesSent: number;
  streamEnded: boolean;
};

export const rpcErrorMessage = 'bundle refused: simulated revert';

/**
 * A tiny JSON-RPC builder on 127.0.0.1, port 0, whose behaviour is scripted per request: the faults real
 * builders produce (timeouts, 5xx, 429, garbage, refusals), on demand, over real HTTP.
 */
export class FaultyBuilder {
  readonly requests: RecordedRequest[] = [];
  private server: Server | undefined;
  private readonly queue: Behaviour[] = [];
  private readonly hung = new Set<ServerResponse>();
  private readonly waiters: Array<{ count: number; resolve: () => void }> = [];
  url = '';

  /** `fallback` answers every request the script does not cover. */
  constructor(private readonly fallback: Behaviour = 'ok') {}

  /** Behaviours for the next requests, in order. */
  script(...behaviours: Behaviour[]): this {
    this.queue.push(...behaviours);
    return this;
  }

  /** Requests currently held open by 'hang'. */
  get openRequests(): number {
    return this.hung.size;
  }

  async start(): Promise<this> {
    this.server = createServer((request, response) => {
      // A client keeping its connections warm (OPTIONS) is not a builder request: answered as a JSON-RPC server does.
      if (request.method !== 'POST') return void response.writeHead(405, { allow: 'POST' }).end();
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => void this.handle(Buffer.concat(chunks).toString('utf8'), request.headers, response));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server!.address() as { port: number }).port}`;
    return this;
  }

  /** Resolves once `count` requests have arrived. */
  waitForRequests(count: number): Promise<void> {
    if (this.requests.length >= count) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ count, resolve }));
  }

  /** Closes the server; hung requests are cut, so clients waiting on them see a reset. */
  async stop(): Promise<void> {
    for (const response of this.hung) response.socket?.destroy();
    this.hung.clear();
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }

  private async handle(body: string, headers: IncomingHttpHeaders, response: ServerResponse): Promise<void> {
    const behaviour = this.queue.shift() ?? this.fallback;
    let json: { id?: unknown; method?: unknown; params?: unknown } = {};
    try {
      json = JSON.parse(body);
    } catch {
      // recorded as is; the answer below still follows the script
    }
    let signer: RecordedRequest['signer'];
    try {
      const header = headers['x-flashbots-signature'];
      signer = await verifyFlashbotsSignature(Array.isArray(header) ? header[0] : header, body);
    } catch (error) {
      signer = { error: (error as Error).message };
    }
    const record: RecordedRequest = { body, headers, method: String(json.method), params: json.params, behaviour, signer, answered: false, bytesSent: 0, streamEnded: false };
    this.requests.push(record);
    for (const waiter of [...this.waiters]) {
      if (this.requests.length >= waiter.count) {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
    const id = json.id ?? null;
    const send = (status: number, text: string, extraHeaders: Record<string, string> = {}) => {
      record.answered = true;
      response.writeHead(status, { 'content-type': 'application/json', ...extraHeaders }).end(text);
    };
    switch (behaviour) {
      case 'ok':
        return send(200, JSON.stringify({ jsonrpc: '2.0', id, result: this.okResult(json) }));
      case 'http-500':
        return send(500, 'internal error: upstream simulator unavailable', { 'content-type': 'text/plain' });
      case 'rate-limit':
        return send(429, JSON.stringify({ jsonrpc: '2.0', id, error: { code: -32005, message: 'rate limited' } }), { 'retry-after': '1' });
      case 'malformed':
        return send(200, '<html><body>502 Bad Gateway</body></html>', { 'content-type': 'text/html' });
      case 'wrong-shape':
        return send(200, JSON.stringify({ jsonrpc: '2.0', id, result: { bundleHash: 42, note: ['not', 'a', 'hash'] } }));
      case 'huge':
      case 'endless': {
        record.answered = true;
        response.writeHead(200, { 'content-type': 'application/json', ...(behaviour === 'huge' ? { 'content-length': String(hugeBodyBytes) } : {}) });
        // A real acceptance padded with whitespace: valid JSON, so only the size is wrong.
        const head = Buffer.from(JSON.stringify({ jsonrpc: '2.0', id, result: this.okResult(json) }));
        record.bytesSent = head.length;
        response.write(head);
        const chunk = Buffer.alloc(1 << 20, 0x20);
        const total = behaviour === 'huge' ? hugeBodyBytes : Number.POSITIVE_INFINITY;
        const finish = () => {
          record.streamEnded = true;
        };
        response.on('close', finish);
        const pump = () => {
          while (!record.streamEnded && record.bytesSent < total) {
            const size = Math.min(chunk.length, total - record.bytesSent);
            record.bytesSent += size;
            if (!response.write(size === chunk.length ? chunk : chunk.subarray(0, size))) return void response.once('drain', pump);
          }
          if (!record.streamEnded) response.end();
        };
        pump();
        return;
      }
      case 'no-result':
        return send(200, JSON.stringify({ jsonrpc: '2.0', id }));
      case 'rpc-error':
        return send(200, JSON.stringify({ jsonrpc: '2.0', id, error: { code: -32000, message: rpcErrorMessage } }));
      case 'reset':
        record.answered = true;
        response.socket?.destroy();
        return;
      case 'hang':
        this.hung.add(response);
        response.on('close', () => {
          this.hung.delete(response);
          record.answered = true;
        });
        return;
    }
  }

  /** What a Flashbots-style builder answers: the bundle hash is keccak256 of the concatenated transaction hashes. */
  private okResult(json: { method?: unknown; params?: unknown }): unknown {
    if (json.method === 'eth_cancelBundle') return null;
    const txs = ((json.params as Array<{ txs?: Hex[] }> | undefined)?.[0]?.txs ?? []) as Hex[];
    return { bundleHash: keccak256(txs.length ? concat(txs.map((tx) => keccak256(tx))) : '0x') };
  }
}

/**
 * A bundle of real signed transactions (a trader's transfer and an operator's call, chain 1) with every classic
 * field set: what the builder-client tests send (the reference library parses every transaction).
 */
export async function sampleSignedBundle(uuid: string): Promise<BundleRequest> {
  const trader = privateKeyToAccount(generatePrivateKey());
  const operator = privateKeyToAccount(generatePrivateKey());
  const victim = await trader.signTransaction({ type: 'legacy', chainId: 1, nonce: 7, to: operator.address, value: parseEther('1'), gas: 21_000n, gasPrice: 30n * 10n ** 9n });
  const ours = await operator.signTransaction({ type: 'eip1559', chainId: 1, nonce: 3, to: trader.address, data: '0x09c5eabe', gas: 300_000n, maxFeePerGas: 40n * 10n ** 9n, maxPriorityFeePerGas: 2n * 10n ** 9n });
  return { txs: [victim, ours], blockNumber: 19_000_123n, minTimestamp: 1_700_000_000, maxTimestamp: 1_700_000_120, revertingTxHashes: [keccak256(ours)], replacementUuid: uuid };
}
