import { createServer, type Server } from 'node:http';
import { privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JsonRpcBuilderClient } from '../../src/bundle/builderClient.ts';
import { BuilderFanout } from '../../src/bundle/fanout.ts';
import { NonceManager } from '../../src/bundle/nonceManager.ts';
import { Submitter } from '../../src/bundle/submitter.ts';
import { createLogger } from '../../src/log.ts';

/**
 * A bundle's bytes leave before the caller's bookkeeping: when `submit` returns (and the decision goes on to its
 * report, the store and the next victim), the request is already written to the builder's kept-warm connection.
 */
let server: Server;
let url: string;
let warmups = 0;
beforeAll(async () => {
  server = createServer((request, response) => {
    if (request.method === 'OPTIONS') {
      warmups++;
      return void response.writeHead(405, { allow: 'POST' }).end();
    }
    request.resume();
    request.on('end', () => response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', id: 1, result: { bundleHash: `0x${'22'.repeat(32)}` } })));
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

describe('Submitter.submit', () => {
  it('returns after the bundle is written to a warm connection, for every one of ten bundles', async () => {
    const logger = createLogger('test');
    const client = new JsonRpcBuilderClient({ name: 'local', url, authSigner: privateKeyToAccount(`0x${'42'.repeat(32)}`), warmConnections: 2 });
    const fanout = new BuilderFanout({ logger, builders: [{ timeoutMs: 5_000, client }] });
    try {
      await expect.poll(() => warmups, { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
      let nonce = 0;
      const submitter = new Submitter({
        sender: { send: (bundle, allowed, onFirstWrite) => fanout.send(bundle, { allowed, ...(onFirstWrite ? { onFirstWrite } : {}) }), cancel: (uuid) => fanout.cancel(uuid) },
        nonces: new NonceManager({ fetchNonce: async () => nonce }),
        mode: 'send',
        extraBlocks: 0,
        sink: { sent: () => {}, included: () => {}, missed: () => {} },
        logger,
      });
      const writtenAtReturn: boolean[] = [];
      for (let i = 0; i < 10; i++) {
        let written = false;
        const result = await submitter.submit(
          {
            key: `victim-${i}`,
            allowed: () => ({ ok: true }),
            sign: async () => ({ raw: `0x02${'ab'.repeat(120)}`, hash: `0x${String(i).padStart(64, '0')}` }),
            onSent: () => (written = true),
          },
          2n,
        );
        expect(result.refused).toBeUndefined();
        writtenAtReturn.push(written);
        await result.delivered;
        nonce++;
      }
      expect(writtenAtReturn).toEqual(Array(10).fill(true));
    } finally {
      fanout.close();
    }
  });
});
