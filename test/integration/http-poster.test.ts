import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpPoster } from '../../src/bundle/httpPost.ts';

/** A JSON-RPC-like server on 127.0.0.1 that counts TCP connections and requests by method, and closes idle connections after `idleSeconds` (saying so in Keep-Alive, as Node does). */
async function countingServer(idleSeconds: number) {
  const seen = { connections: 0, posts: 0, warmups: 0 };
  const server: Server = createServer((request, response) => {
    if (request.method === 'OPTIONS') {
      seen.warmups++;
      return void response.writeHead(405, { allow: 'POST' }).end();
    }
    seen.posts++;
    request.resume();
    request.on('end', () => response.writeHead(200, { 'content-type': 'application/json' }).end('{"jsonrpc":"2.0","id":1,"result":"0x01"}'));
  });
  server.keepAliveTimeout = idleSeconds * 1000;
  server.on('connection', () => seen.connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { seen, server, url: `http://127.0.0.1:${(server.address() as { port: number }).port}/` };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const cleanup: Array<() => void> = [];
afterEach(() => {
  for (const close of cleanup.splice(0)) close();
});

async function postThree(poster: HttpPoster) {
  const written: number[] = [];
  const answers = await Promise.all(
    [1, 2, 3].map(() => poster.post('{"jsonrpc":"2.0","id":1,"method":"eth_sendBundle","params":[]}', { headers: { 'content-type': 'application/json' }, signal: new AbortController().signal, maxResponseBytes: 1024, onWritten: (at) => written.push(at) })),
  );
  return { answers, written };
}

describe('HttpPoster: connections kept warm for the next bundle', () => {
  it('after the server closed the idle connections, three bundles go out on connections opened before they were asked for', async () => {
    const { seen, server, url } = await countingServer(2);
    cleanup.push(() => server.close());
    const poster = new HttpPoster(url, { warmConnections: 3 });
    cleanup.push(() => poster.close());
    await expect.poll(() => seen.warmups, { timeout: 10_000 }).toBeGreaterThanOrEqual(3);
    // Idle past the server's own timeout: only the warm-up rounds (at half of it) keep these connections open.
    await sleep(3_000);
    expect(poster.warmStats.rounds).toBeGreaterThan(1);
    expect(poster.warmStats.failures).toBe(0);
    const before = seen.connections;
    expect(before).toBeGreaterThanOrEqual(3);
    const { answers, written } = await postThree(poster);
    expect(answers.map((answer) => [answer.status, answer.text])).toEqual(Array(3).fill([200, '{"jsonrpc":"2.0","id":1,"result":"0x01"}']));
    expect(written).toHaveLength(3);
    expect(seen.posts).toBe(3);
    expect(seen.connections).toBe(before);
  });

  it('without warm connections the same bundles wait for new connections: the difference the warm-up makes', async () => {
    const { seen, server, url } = await countingServer(2);
    cleanup.push(() => server.close());
    const poster = new HttpPoster(url);
    cleanup.push(() => poster.close());
    await postThree(poster);
    const afterFirst = seen.connections;
    expect(afterFirst).toBe(3);
    await sleep(3_000);
    await postThree(poster);
    expect(seen.warmups).toBe(0);
    expect(seen.connections).toBe(afterFirst + 3);
  });

  it('a server that refuses connections only counts failed warm-up rounds, and close() stops them', async () => {
    const { server, url } = await countingServer(2);
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const poster = new HttpPoster(url, { warmConnections: 2, keepWarmMs: 50 });
    await expect.poll(() => poster.warmStats.failures, { timeout: 10_000 }).toBeGreaterThanOrEqual(4);
    poster.close();
    const rounds = poster.warmStats.rounds;
    await sleep(300);
    expect(poster.warmStats.rounds).toBe(rounds);
  });
});
