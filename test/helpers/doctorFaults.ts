import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
import { unusedPort } from './ports.ts';

/**
 * Faults `searcher doctor` must catch that a real node or builder shows and anvil / the local builder cannot be
 * made to show on demand. Each speaks the real protocol and relays everything else to the real part.
 */

const listen = (server: Server): Promise<string> =>
  new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`));
  });

const close = (server: Server): Promise<void> =>
  new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });

/** A port nothing listens on (bound, then released): a connection to it is refused. */
export const closedPort = unusedPort;

function forward(target: string, body: string, headers: Record<string, string>): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const url = new URL(target);
    const request = httpRequest(
      { host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
      (answer) => {
        const chunks: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => chunks.push(chunk));
        answer.on('end', () => resolve({ status: answer.statusCode ?? 502, text: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

/**
 * A node in front of anvil that does not implement some methods (geth before 1.14.9 has no eth_simulateV1) and
 * may answer every request `delayMs` late (a far or overloaded node). Unsupported methods get geth's answer.
 */
export async function startNodeProxy(rpcUrl: string, options: { unsupported?: readonly string[]; delayMs?: number } = {}): Promise<{ url: string; stop(): Promise<void> }> {
  const unsupported = new Set(options.unsupported ?? []);
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      void (async () => {
        if (options.delayMs) await new Promise((resolve) => setTimeout(resolve, options.delayMs));
        const body = Buffer.concat(chunks).toString('utf8');
        const parsed = JSON.parse(body) as { id?: unknown; method?: string } | Array<{ id?: unknown; method?: string }>;
        const items = Array.isArray(parsed) ? parsed : [parsed];
        const missing = (item: { id?: unknown; method?: string }) => ({ jsonrpc: '2.0', id: item.id, error: { code: -32601, message: `the method ${item.method} does not exist/is not available` } });
        let text: string;
        if (items.every((item) => !unsupported.has(String(item.method)))) text = (await forward(rpcUrl, body, {})).text;
        else if (!Array.isArray(parsed)) text = JSON.stringify(missing(parsed));
        else {
          const relayed = parsed.filter((item) => !unsupported.has(String(item.method)));
          const answers = relayed.length > 0 ? (JSON.parse((await forward(rpcUrl, JSON.stringify(relayed), {})).text) as Array<{ id?: unknown }>) : [];
          text = JSON.stringify(parsed.map((item) => (unsupported.has(String(item.method)) ? missing(item) : answers.find((answer) => answer.id === item.id))));
        }
        response.writeHead(200, { 'content-type': 'application/json' }).end(text);
      })().catch(() => response.destroy());
    });
  });
  const url = await listen(server);
  return { url, stop: () => close(server) };
}

/**
 * A websocket node that streams pending transactions as hashes only, whatever the subscription asked for (what
 * many providers and nodes do): anvil's real stream, with each pending body replaced by its hash.
 */
export async function startHashOnlyRelay(upstreamWsUrl: string): Promise<{ url: string; stop(): Promise<void> }> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  server.on('connection', (client) => {
    const upstream = new WebSocket(upstreamWsUrl);
    const early: string[] = [];
    const pendingRequests = new Set<unknown>();
    const pendingSubscriptions = new Set<string>();
    client.on('message', (data) => {
      const text = data.toString();
      const message = JSON.parse(text) as { id?: unknown; method?: string; params?: unknown[] };
      if (message.method === 'eth_subscribe' && message.params?.[0] === 'newPendingTransactions') pendingRequests.add(message.id);
      if (upstream.readyState === WebSocket.OPEN) upstream.send(text);
      else early.push(text);
    });
    upstream.on('open', () => {
      for (const text of early.splice(0)) upstream.send(text);
    });
    upstream.on('message', (data) => {
      const message = JSON.parse(data.toString()) as { id?: unknown; result?: unknown; method?: string; params?: { subscription?: string; result?: { hash?: string } } };
      if (pendingRequests.has(message.id) && typeof message.result === 'string') pendingSubscriptions.add(message.result);
      let out = data.toString();
      if (message.method === 'eth_subscription' && pendingSubscriptions.has(String(message.params?.subscription)) && typeof message.params?.result === 'object') {
        out = JSON.stringify({ ...message, params: { ...message.params, result: message.params.result?.hash } });
      }
      if (client.readyState === WebSocket.OPEN) client.send(out);
    });
    const closeBoth = () => {
      client.terminate();
      upstream.terminate();
    };
    client.on('close', closeBoth).on('error', closeBoth);
    upstream.on('close', closeBoth).on('error', closeBoth);
  });
  const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    stop: async () => {
      for (const socket of server.clients) socket.terminate();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * Something between the bot and a builder that re-serialises JSON bodies (a corporate proxy, an API gateway):
 * the body the builder receives is no longer the one the X-Flashbots-Signature signs, so the real builder
 * refuses it.
 */
export async function startReserialisingProxy(builderUrl: string): Promise<{ url: string; stop(): Promise<void> }> {
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = JSON.stringify(JSON.parse(Buffer.concat(chunks).toString('utf8')), null, 1);
      const signature = request.headers['x-flashbots-signature'];
      forward(builderUrl, body, typeof signature === 'string' ? { 'x-flashbots-signature': signature } : {}).then(
        ({ status, text }) => response.writeHead(status, { 'content-type': 'application/json' }).end(text),
        () => response.destroy(),
      );
    });
  });
  const url = await listen(server);
  return { url, stop: () => close(server) };
}
