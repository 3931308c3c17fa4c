import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAnvil, type Anvil } from '../../src/chain/anvil.ts';
import { startRpcForwarder, type RpcForwarder } from '../../src/chain/rpcForwarder.ts';

// A provider-like front for a real anvil: it records the path, query and headers each request arrives with
// (what a provider checks the key in), then relays the request to anvil.
let node: Anvil;
let front: Server;
let frontPort = 0;
const arrived: Array<{ url: string; headers: IncomingHttpHeaders }> = [];
const forwarders: RpcForwarder[] = [];

beforeAll(async () => {
  node = await startAnvil({ port: 0, chainId: 31337, accounts: 1 });
  front = createServer((request, response) => {
    arrived.push({ url: request.url ?? '', headers: request.headers });
    const relayed = httpRequest({ host: '127.0.0.1', port: node.port, path: '/', method: 'POST', headers: { 'content-type': 'application/json' } }, (answer) => {
      response.writeHead(answer.statusCode ?? 502, { 'content-type': 'application/json' });
      answer.pipe(response);
    });
    request.pipe(relayed);
  });
  await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', () => resolve()));
  frontPort = (front.address() as AddressInfo).port;
});
afterAll(async () => {
  for (const forwarder of forwarders) await forwarder.stop();
  await new Promise<void>((resolve) => (front ? front.close(() => resolve()) : resolve()));
  front?.closeAllConnections();
  await node?.stop();
});

async function call(url: string, method: string): Promise<{ status: number; body: string }> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', id: 7, method, params: [] }) });
  return { status: response.status, body: await response.text() };
}

describe('rpc forwarder', () => {
  it('relays to the node with its path, query and user:pass (as Basic auth) while its own URL carries none of them', async () => {
    const forwarder = await startRpcForwarder(`http://fwd-user:fwd%40pass@127.0.0.1:${frontPort}/v3/key123abc?apikey=q456def`);
    forwarders.push(forwarder);
    expect(forwarder.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    for (const secret of ['fwd-user', 'fwd', 'pass', 'key123abc', 'q456def']) expect(forwarder.url).not.toContain(secret);
    arrived.length = 0;
    const { status, body } = await call(forwarder.url, 'eth_chainId');
    expect(status).toBe(200);
    expect(JSON.parse(body)).toEqual({ jsonrpc: '2.0', id: 7, result: `0x${(31337).toString(16)}` });
    expect(arrived).toHaveLength(1);
    expect(arrived[0]!.url).toBe('/v3/key123abc?apikey=q456def');
    expect(arrived[0]!.headers.authorization).toBe(`Basic ${Buffer.from('fwd-user:fwd@pass').toString('base64')}`);
  });

  it('a node that cannot be reached is a failed request (502) that names no URL', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', () => resolve()));
    const deadPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const forwarder = await startRpcForwarder(`http://u:secretpw9@127.0.0.1:${deadPort}/v3/deadkey77`);
    forwarders.push(forwarder);
    const { status, body } = await call(forwarder.url, 'eth_chainId');
    expect(status).toBe(502);
    for (const secret of ['secretpw9', 'deadkey77', String(deadPort)]) expect(body).not.toContain(secret);
  });
});
