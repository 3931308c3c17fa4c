import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A plain local URL that reaches the node: it carries no credentials, so any process may be given it. */
export type RpcForwarder = {
  /** `http://127.0.0.1:<port>/`: no user, password, path or query. */
  url: string;
  stop(): Promise<void>;
};

/** The largest JSON-RPC request relayed: a fork's reads are small; this bounds what a stray local client can make us hold. */
const maxRequestBytes = 16 * 1024 * 1024;

/**
 * An HTTP JSON-RPC relay on 127.0.0.1, inside the bot process, in front of a node URL that holds credentials
 * (`user:pass@`, a `/v3/<key>` path, an `?apikey=` query). A child such as the fork's anvil is pointed at the
 * relay, never at the node URL: a child's command line is readable by every local user (`ps`,
 * /proc/<pid>/cmdline), and anvil hands its fork URL to anyone who asks its port (`anvil_nodeInfo`). The
 * credentials stay in this process; `user:pass@` goes out as a Basic `Authorization` header (as viem sends it).
 * Errors name no URL.
 */
export async function startRpcForwarder(upstreamRpcUrl: string): Promise<RpcForwarder> {
  const target = new URL(upstreamRpcUrl);
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (target.username || target.password) {
    headers.authorization = `Basic ${Buffer.from(`${decodeURIComponent(target.username)}:${decodeURIComponent(target.password)}`).toString('base64')}`;
    target.username = '';
    target.password = '';
  }
  const upstream = target.href;

  const server = createServer((request, response) => void relay(request, response));
  async function relay(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (request.method !== 'POST') return void response.writeHead(405, { allow: 'POST' }).end();
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      for await (const chunk of request as AsyncIterable<Buffer>) {
        size += chunk.length;
        if (size > maxRequestBytes) return void response.writeHead(413).end();
        chunks.push(chunk);
      }
      const answer = await fetch(upstream, { method: 'POST', headers, body: Buffer.concat(chunks) });
      const body = Buffer.from(await answer.arrayBuffer());
      response.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' }).end(body);
    } catch {
      // The node is unreachable or hung up: the child sees a failed request, as it would talking to the node.
      if (!response.headersSent) response.writeHead(502, { 'content-type': 'text/plain' }).end('node unreachable');
      else response.destroy();
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  let stopping: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}/`,
    stop: () =>
      (stopping ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      })),
  };
}
