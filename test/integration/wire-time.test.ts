import { createServer, type Server } from 'node:http';
import { privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JsonRpcBuilderClient } from '../../src/bundle/builderClient.ts';

/**
 * "Seen -> sent" ends when our bundle's bytes are on the builder's socket, not when the builder answers: the
 * client reports the write while the builder still holds its answer.
 */

let server: Server;
let url: string;
/** The builder's answer waits for this: released by the test once the client reported the write. */
let release: () => void = () => {};
let bodies = 0;

beforeAll(async () => {
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      bodies++;
      const { id } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { id: number };
      new Promise<void>((resolve) => (release = resolve)).then(() => response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', id, result: { bundleHash: `0x${'11'.repeat(32)}` } })));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});

afterAll(
  () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
);

describe('the moment a bundle is written to a builder', () => {
  it('is reported while the builder still holds its answer, once per request', async () => {
    const client = new JsonRpcBuilderClient({ name: 'slow', url, authSigner: privateKeyToAccount(`0x${'42'.repeat(32)}`) });
    const writes: number[] = [];
    let answered = false;
    const written = new Promise<void>((resolve) => {
      void client
        .sendBundle({ txs: ['0x01'], blockNumber: 1n }, new AbortController().signal, (at) => {
          writes.push(at);
          resolve();
        })
        .then(() => (answered = true));
    });
    await written;
    // Reported before any answer could exist (the builder holds it until released), and it is the request the
    // builder then reads in full.
    expect(answered).toBe(false);
    while (bodies === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(bodies).toBe(1);
    expect(answered).toBe(false);
    expect(writes).toHaveLength(1);
    release();
    while (!answered) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(writes).toHaveLength(1);
  });
});
