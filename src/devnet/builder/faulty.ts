import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** How a faulty builder misbehaves: the failures real builders show and a real one cannot be made to show. */
export const builderFaults = ['http-500', 'rate-limit', 'malformed', 'refuse', 'hang'] as const;
export type BuilderFault = (typeof builderFaults)[number];

export type FaultyBuilder = { url: string; fault: BuilderFault; requests: () => number; stop(): Promise<void> };

/**
 * A builder endpoint that takes the Flashbots JSON-RPC requests and fails them, always the same way: HTTP 500,
 * HTTP 429, a body that is not JSON, a JSON-RPC error, or no answer at all. Demo scenarios use it to show that
 * one bad builder costs the others nothing.
 */
export async function startFaultyBuilder(fault: BuilderFault, host = '127.0.0.1'): Promise<FaultyBuilder> {
  let count = 0;
  const server: Server = createServer((request, response) => {
    // A client keeping its connections warm (OPTIONS) is not a bundle: answered as a JSON-RPC server does, not counted.
    if (request.method !== 'POST') return void response.writeHead(405, { allow: 'POST' }).end();
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      count++;
      let id: unknown = null;
      try {
        id = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { id?: unknown }).id ?? null;
      } catch {
        // A request we cannot read is answered with the same fault.
      }
      if (fault === 'hang') return; // the socket stays open until the client gives up
      if (fault === 'http-500') return void response.writeHead(500, { 'content-type': 'text/plain' }).end('internal server error');
      if (fault === 'rate-limit') return void response.writeHead(429, { 'content-type': 'application/json', 'retry-after': '1' }).end('{"error":"too many requests"}');
      if (fault === 'malformed') return void response.writeHead(200, { 'content-type': 'application/json' }).end('{"jsonrpc":"2.0","result":');
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', id, error: { code: -32000, message: 'bundle rejected: builder is overloaded' } }));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    fault,
    requests: () => count,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
