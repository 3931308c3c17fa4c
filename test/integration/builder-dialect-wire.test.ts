import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { JsonRpcBuilderClient } from '../../src/bundle/builderClient.ts';
import { mainnetBuilders } from '../../src/bundle/builders.ts';
import { FlashbotsLibraryClient } from '../../src/bundle/flashbotsLibraryClient.ts';
import { BuilderError, type BundleRequest } from '../../src/bundle/types.ts';
import { FaultyBuilder, sampleSignedBundle } from '../helpers/faultyBuilder.ts';

/**
 * What goes on the wire per builder dialect: a real HTTP server on 127.0.0.1 stands in for each builder (given the
 * built-in dialect, never the builder's URL), and the recorded request bodies are compared field by field.
 */
const auth = privateKeyToAccount(generatePrivateKey());
const uuid = '0f4b4e2c-7d1a-4c1e-9a37-3c9f2d5a8b61';
let bundle: BundleRequest;

beforeAll(async () => {
  bundle = await sampleSignedBundle(uuid);
});

const started: FaultyBuilder[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((server) => server.stop()));
});
async function server(): Promise<FaultyBuilder> {
  const started_ = await new FaultyBuilder('ok').start();
  started.push(started_);
  return started_;
}
const dialectOf = (name: string) => mainnetBuilders.find((builder) => builder.name === name)!.dialect;
const never = () => new AbortController().signal;

describe('the JSON-RPC client sends only the fields a builder dialect takes', () => {
  it('drops the timestamps Titan does not document, keeps the rest in the same order', async () => {
    const titan = await server();
    const client = new JsonRpcBuilderClient({ name: 'titan', url: titan.url, authSigner: auth, fields: dialectOf('titan').fields });
    await client.sendBundle(bundle, never());
    client.close();
    const [params] = titan.requests[0]!.params as [Record<string, unknown>];
    expect(Object.keys(params)).toEqual(['txs', 'blockNumber', 'revertingTxHashes', 'replacementUuid']);
    expect(params.replacementUuid).toBe(uuid);
  });

  it('sends every classic field to a builder whose dialect lists them (Quasar), and without a dialect as before', async () => {
    const quasar = await server();
    const withDialect = new JsonRpcBuilderClient({ name: 'quasar', url: quasar.url, authSigner: auth, fields: dialectOf('quasar').fields });
    const without = new JsonRpcBuilderClient({ name: 'plain', url: quasar.url, authSigner: auth });
    await withDialect.sendBundle(bundle, never());
    await without.sendBundle(bundle, never());
    withDialect.close();
    without.close();
    for (const request of quasar.requests) {
      expect(Object.keys((request.params as [Record<string, unknown>])[0])).toEqual(['txs', 'blockNumber', 'minTimestamp', 'maxTimestamp', 'revertingTxHashes', 'replacementUuid']);
    }
    expect(quasar.requests).toHaveLength(2);
  });

  it('refuses, before writing anything, a bundle the bot would need to withdraw from a builder that takes no replacementUuid', async () => {
    const builder = await server();
    const client = new JsonRpcBuilderClient({ name: 'no-uuid', url: builder.url, authSigner: auth, fields: ['revertingTxHashes'] });
    const error = await client.sendBundle(bundle, never()).then(
      () => undefined,
      (reason: unknown) => reason,
    );
    client.close();
    expect(error).toBeInstanceOf(BuilderError);
    expect((error as BuilderError).message).toMatch(/no-uuid: eth_sendBundle: .*replacementUuid/);
    expect(builder.requests).toHaveLength(0);
  });

  it('the reference-library client applies the same dialect (timestamps dropped for a dialect without them)', async () => {
    const builder = await server();
    const client = new FlashbotsLibraryClient({ name: 'library', url: builder.url, authSigner: auth, fields: dialectOf('titan').fields });
    await client.sendBundle(bundle, never());
    const [params] = builder.requests[0]!.params as [Record<string, unknown>];
    expect(params).not.toHaveProperty('minTimestamp');
    expect(params).not.toHaveProperty('maxTimestamp');
    expect(params).toMatchObject({ replacementUuid: uuid, revertingTxHashes: bundle.revertingTxHashes });
  });
});
