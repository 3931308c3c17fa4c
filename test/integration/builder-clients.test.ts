import { createServer } from 'node:net';
import { keccak256, type Address, type Hex } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { nextBaseFee } from '../../src/chain/baseFee.ts';
import { JsonRpcBuilderClient } from '../../src/bundle/builderClient.ts';
import { BuilderFanout, type FanoutResult } from '../../src/bundle/fanout.ts';
import { signFlashbotsBody, verifyFlashbotsSignature } from '../../src/bundle/flashbotsAuth.ts';
import { feesForTargetBlock } from '../../src/bundle/fees.ts';
import { FlashbotsLibraryClient } from '../../src/bundle/flashbotsLibraryClient.ts';
import { NonceManager } from '../../src/bundle/nonceManager.ts';
import { signExecutorTransaction } from '../../src/bundle/signTransaction.ts';
import { nodeRawTransactionSource, victimRawTransaction, type SignedTransactionFields } from '../../src/bundle/victimRaw.ts';
import { devAccount } from '../../src/devnet/accounts.ts';
import { startAnvil, type Anvil } from '../../src/chain/anvil.ts';
import { createDevnetClient, type DevnetClient } from '../../src/devnet/client.ts';
import { BuilderError, type BuilderErrorKind, type BundleRequest } from '../../src/bundle/types.ts';
import { createLogger } from '../../src/log.ts';
import { FaultyBuilder, hugeBodyBytes, rpcErrorMessage, type Behaviour, sampleSignedBundle } from '../helpers/faultyBuilder.ts';

const auth = privateKeyToAccount(generatePrivateKey());
/** These tests are about the builders; the risk layer says yes (its refusals are tested in risk-before-send). */
const allowed = () => ({ ok: true as const });
const uuid = '0f4b4e2c-7d1a-4c1e-9a37-3c9f2d5a8b61';
let bundle: BundleRequest;

beforeAll(async () => {
  bundle = await sampleSignedBundle(uuid);
});

const started: FaultyBuilder[] = [];
async function builder(fallback: Behaviour = 'ok', ...script: Behaviour[]): Promise<FaultyBuilder> {
  const server = await new FaultyBuilder(fallback).script(...script).start();
  started.push(server);
  return server;
}
afterEach(async () => {
  vi.restoreAllMocks();
  await Promise.all(started.splice(0).map((server) => server.stop()));
});

function clients(url: string) {
  return {
    library: new FlashbotsLibraryClient({ name: 'library', url, authSigner: auth }),
    ours: new JsonRpcBuilderClient({ name: 'ours', url, authSigner: auth }),
  };
}

const never = () => new AbortController().signal;

async function failure(call: Promise<unknown>): Promise<BuilderError> {
  const error = await call.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(BuilderError);
  return error as BuilderError;
}

describe('signature byte-compatibility with @flashbots/ethers-provider-bundle', () => {
  it('signs eth_sendBundle exactly as the library does', async () => {
    const server = await builder();
    const { library, ours } = clients(server.url);
    const fromLibrary = await library.sendBundle(bundle, never());
    const fromOurs = await ours.sendBundle(bundle, never());
    const [libraryRequest, ourRequest] = server.requests;

    // Each header verifies against its own body and names the auth account.
    for (const request of [libraryRequest!, ourRequest!]) {
      expect(request.signer).toBe(auth.address);
      expect(await verifyFlashbotsSignature(request.headers['x-flashbots-signature'] as string, request.body)).toBe(auth.address);
    }
    // Our signature over the library's exact body is the library's signature, character for character.
    expect(await signFlashbotsBody(auth, libraryRequest!.body)).toBe(libraryRequest!.headers['x-flashbots-signature']);
    // Same first request id, same field order: the bodies themselves are the same bytes.
    expect(ourRequest!.body).toBe(libraryRequest!.body);
    expect(JSON.parse(ourRequest!.body)).toEqual({
      method: 'eth_sendBundle',
      params: [{ txs: bundle.txs, blockNumber: `0x${bundle.blockNumber.toString(16)}`, minTimestamp: 1_700_000_000, maxTimestamp: 1_700_000_120, revertingTxHashes: bundle.revertingTxHashes, replacementUuid: uuid }],
      id: 1,
      jsonrpc: '2.0',
    });
    const expectedHash = keccak256(`0x${bundle.txs.map((tx) => keccak256(tx).slice(2)).join('')}`);
    expect(fromLibrary.bundleHash).toBe(expectedHash);
    expect(fromOurs.bundleHash).toBe(expectedHash);
  });

  it('leaves undefined fields out and signs eth_cancelBundle the same way', async () => {
    const server = await builder();
    const { library, ours } = clients(server.url);
    await library.sendBundle({ txs: bundle.txs, blockNumber: 5n }, never());
    await ours.sendBundle({ txs: bundle.txs, blockNumber: 5n }, never());
    await library.cancelBundle(uuid, never());
    await ours.cancelBundle(uuid, never());
    const [librarySend, ourSend, libraryCancel, ourCancel] = server.requests;
    expect(JSON.parse(ourSend!.body).params).toEqual([{ txs: bundle.txs, blockNumber: '0x5' }]);
    expect(ourSend!.body).toBe(librarySend!.body);
    expect(ourCancel!.method).toBe('eth_cancelBundle');
    expect(JSON.parse(ourCancel!.body).params).toEqual([{ replacementUuid: uuid }]);
    expect(ourCancel!.body).toBe(libraryCancel!.body);
    expect(await signFlashbotsBody(auth, libraryCancel!.body)).toBe(libraryCancel!.headers['x-flashbots-signature']);
    for (const request of server.requests) expect(request.signer).toBe(auth.address);
  });
});

describe('failure classification, both clients', () => {
  const cases: Array<{ behaviour: Behaviour; kind: BuilderErrorKind; status?: number; text?: string }> = [
    { behaviour: 'http-500', kind: 'http', status: 500, text: 'upstream simulator unavailable' },
    { behaviour: 'rate-limit', kind: 'rate-limited', status: 429 },
    { behaviour: 'malformed', kind: 'malformed' },
    { behaviour: 'no-result', kind: 'malformed' },
    { behaviour: 'wrong-shape', kind: 'malformed', text: 'without a bundle hash' },
    { behaviour: 'rpc-error', kind: 'rpc', text: rpcErrorMessage },
    { behaviour: 'reset', kind: 'network' },
  ];
  for (const { behaviour, kind, status, text } of cases) {
    it(`${behaviour} -> ${kind}`, async () => {
      // The library announces 429s on console.warn (its throttleCallback); keep the output clean.
      vi.spyOn(console, 'warn').mockImplementation(() => undefined);
      const server = await builder(behaviour);
      for (const client of Object.values(clients(server.url))) {
        const error = await failure(client.sendBundle(bundle, never()));
        expect(error.kind, client.name).toBe(kind);
        expect(error.builder).toBe(client.name);
        if (status !== undefined) expect(error.status, client.name).toBe(status);
        if (text) expect(error.message, client.name).toContain(text);
        expect(error.message.length).toBeLessThan(400);
        expect(error.lostResponse).toBe(kind === 'network');
      }
      // Neither client retries on its own: one request each.
      expect(server.requests).toHaveLength(2);
    });
  }

  it('connection refused -> network', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as { port: number }).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    for (const client of Object.values(clients(`http://127.0.0.1:${port}`))) {
      const error = await failure(client.sendBundle(bundle, never()));
      expect(error.kind, client.name).toBe('network');
      expect(error.message).toContain('ECONNREFUSED');
    }
  });

  it('an abort while the builder hangs -> timeout, for the library too (its own timeout never fires)', async () => {
    const server = await builder('hang');
    for (const [index, client] of Object.values(clients(server.url)).entries()) {
      const controller = new AbortController();
      const pending = failure(client.sendBundle(bundle, controller.signal));
      await server.waitForRequests(index + 1);
      controller.abort(new Error('deadline'));
      const error = await pending;
      expect(error.kind, client.name).toBe('timeout');
      expect(error.lostResponse).toBe(true);
    }
    // fetch closes its socket on abort; ethers 6.7.1 cannot, so the library's request stays open.
    await vi.waitFor(() => expect(server.requests.map((request) => request.answered)).toEqual([false, true]));
    expect(server.openRequests).toBe(1);
  });
});

describe('garbage from a builder', () => {
  it('a 100 MB answer and an endless one are cut at the cap without reading them, by both clients: malformed, counted as that builder\'s failure', async () => {
    const servers: Record<string, FaultyBuilder> = {};
    const builders = [];
    for (const kind of ['ours', 'library'] as const) {
      for (const behaviour of ['huge', 'endless'] as const) {
        const name = `${behaviour}-${kind}`;
        const server = (servers[name] = await builder(behaviour));
        const client = kind === 'ours' ? new JsonRpcBuilderClient({ name, url: server.url, authSigner: auth }) : new FlashbotsLibraryClient({ name, url: server.url, authSigner: auth });
        builders.push({ client, timeoutMs: 20_000 });
      }
    }
    const good = await builder('ok');
    builders.push({ client: new JsonRpcBuilderClient({ name: 'good', url: good.url, authSigner: auth }), timeoutMs: 20_000 });
    const fanout = new BuilderFanout({ builders, logger: createLogger('test') });
    const results = Object.fromEntries((await fanout.send(bundle, { allowed })).map((result) => [result.builder, result])) as Record<string, FanoutResult>;
    expect(results.good).toMatchObject({ ok: true, bundleHash: expect.stringMatching(/^0x[0-9a-f]{64}$/) });
    expect(Object.keys(servers)).toHaveLength(4);
    for (const [name, server] of Object.entries(servers)) {
      // Every body begins with a valid acceptance: only its size is wrong, and that alone must refuse it.
      expect(results[name], name).toMatchObject({ ok: false, attempts: 1, error: { kind: 'malformed' } });
      expect(results[name]!.error!.message, name).toMatch(/the answer exceeds the cap of \d+ bytes/);
      if (name.startsWith('huge')) expect(results[name]!.error!.message, name).toContain(`content-length ${hugeBodyBytes}`);
      expect(fanout.stats()[name], name).toMatchObject({ sent: 1, accepted: 0, timeouts: 0, errors: { malformed: 1, timeout: 0 } });
      // The client hung up early: the server could not push more than a sliver of what it meant to.
      await vi.waitFor(() => expect(server.requests[0]!.streamEnded, name).toBe(true));
      expect(server.requests[0]!.bytesSent, name).toBeLessThan(hugeBodyBytes / 4);
    }
  });
});

describe('fan-out to four builders: one hangs, one 500s, one 429s, one answers', () => {
  it('the good answer arrives while the hung request is still open; each failure is counted under its kind', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const hung = await builder('hang');
    const broken = await builder('http-500');
    const limited = await builder('rate-limit');
    const good = await builder('ok');
    const fanout = new BuilderFanout({
      builders: [
        { client: new JsonRpcBuilderClient({ name: 'hung', url: hung.url, authSigner: auth }), timeoutMs: 1_000 },
        { client: new FlashbotsLibraryClient({ name: 'broken', url: broken.url, authSigner: auth }), timeoutMs: 10_000 },
        { client: new JsonRpcBuilderClient({ name: 'limited', url: limited.url, authSigner: auth }), timeoutMs: 10_000 },
        { client: new FlashbotsLibraryClient({ name: 'good', url: good.url, authSigner: auth }), timeoutMs: 10_000 },
      ],
      logger: createLogger('test'),
    });

    const arrivals: string[] = [];
    let sendSettled = false;
    let hungOpenWhenGoodArrived: number | undefined;
    let hungRequestsWhenGoodArrived: number | undefined;
    const sending = fanout.send(bundle, {
      allowed,
      onResult: (result) => {
        arrivals.push(result.builder);
        if (result.builder === 'good') {
          hungOpenWhenGoodArrived = hung.openRequests;
          hungRequestsWhenGoodArrived = hung.requests.length;
        }
      },
    });
    void sending.then(() => (sendSettled = true));
    await good.waitForRequests(1);
    const results = await sending;
    expect(sendSettled).toBe(true);

    // The good answer did not wait for the hung builder: its first request was still open, unanswered.
    expect(hungOpenWhenGoodArrived).toBe(1);
    expect(hungRequestsWhenGoodArrived).toBe(1);
    expect(arrivals.at(-1)).toBe('hung');
    expect(arrivals.indexOf('good')).toBeLessThan(arrivals.indexOf('hung'));

    const byName = Object.fromEntries(results.map((result) => [result.builder, result])) as Record<string, FanoutResult>;
    expect(byName.good).toMatchObject({ ok: true, attempts: 1, bundleHash: expect.stringMatching(/^0x[0-9a-f]{64}$/) });
    expect(byName.broken).toMatchObject({ ok: false, attempts: 1, error: { kind: 'http', status: 500 } });
    expect(byName.limited).toMatchObject({ ok: false, attempts: 1, error: { kind: 'rate-limited', status: 429 } });
    expect(byName.hung).toMatchObject({ ok: false, attempts: 2, error: { kind: 'timeout' } });

    // The hang was retried exactly once; the 500 and the 429 were not retried.
    expect(hung.requests).toHaveLength(2);
    expect(broken.requests).toHaveLength(1);
    expect(limited.requests).toHaveLength(1);

    const stats = fanout.stats();
    expect(stats.hung).toMatchObject({ sent: 1, accepted: 0, timeouts: 2, retries: 1, errors: { timeout: 2, http: 0 } });
    expect(stats.broken).toMatchObject({ sent: 1, retries: 0, errors: { http: 1, timeout: 0 } });
    expect(stats.limited).toMatchObject({ sent: 1, retries: 0, errors: { 'rate-limited': 1 } });
    expect(stats.good).toMatchObject({ sent: 1, accepted: 1, refused: 0, retries: 0, errors: { timeout: 0, network: 0, http: 0, 'rate-limited': 0, malformed: 0, rpc: 0 } });
    expect(stats.good!.latency.count).toBe(1);
    expect(stats.hung!.latency.count).toBe(0); // a timeout is not a latency sample

    // Same target block again: the hung builder's retry is spent, so one request, no retry.
    const again = await fanout.send(bundle, { allowed });
    expect(again.find((result) => result.builder === 'hung')).toMatchObject({ ok: false, attempts: 1, error: { kind: 'timeout' } });
    expect(hung.requests).toHaveLength(3);
    expect(broken.requests).toHaveLength(2);
    expect(fanout.stats().hung).toMatchObject({ sent: 2, retries: 1, timeouts: 3 });

    // A new target block gets a new retry.
    await fanout.send({ ...bundle, blockNumber: bundle.blockNumber + 1n }, { allowed });
    expect(hung.requests).toHaveLength(5);
    expect(fanout.stats().hung).toMatchObject({ sent: 3, retries: 2, timeouts: 5 });

    fanout.markIncluded('good');
    expect(fanout.stats().good!.included).toBe(1);
  });

  it('retries a reset connection once and takes the second answer; counts refusals', async () => {
    const flaky = await builder('ok', 'reset');
    const refusing = await builder('rpc-error');
    const fanout = new BuilderFanout({
      builders: [
        { client: new JsonRpcBuilderClient({ name: 'flaky', url: flaky.url, authSigner: auth }), timeoutMs: 10_000 },
        { client: new JsonRpcBuilderClient({ name: 'refusing', url: refusing.url, authSigner: auth }), timeoutMs: 10_000 },
      ],
      logger: createLogger('test'),
    });
    const [flakyResult, refusingResult] = await fanout.send(bundle, { allowed });
    expect(flakyResult).toMatchObject({ builder: 'flaky', ok: true, attempts: 2 });
    expect(refusingResult).toMatchObject({ builder: 'refusing', ok: false, attempts: 1, error: { kind: 'rpc', message: expect.stringContaining(rpcErrorMessage) } });
    expect(flaky.requests).toHaveLength(2);
    expect(refusing.requests).toHaveLength(1);
    const stats = fanout.stats();
    expect(stats.flaky).toMatchObject({ sent: 1, accepted: 1, retries: 1, errors: { network: 1 } });
    expect(stats.refusing).toMatchObject({ sent: 1, accepted: 0, refused: 1, errors: { rpc: 1 } });

    // Cancel goes to every builder with the same uuid.
    const cancelled = await fanout.cancel(uuid);
    expect(cancelled.map((result) => [result.builder, result.ok])).toEqual([['flaky', true], ['refusing', false]]);
    expect(flaky.requests.at(-1)).toMatchObject({ method: 'eth_cancelBundle', params: [{ replacementUuid: uuid }], signer: auth.address });
  });
});

describe('on a real anvil', () => {
  const chainId = 31_337;
  let anvil: Anvil;
  let client: DevnetClient;
  beforeAll(async () => {
    // No automining: sent transactions wait in the pool like a victim does, until the test mines.
    anvil = await startAnvil({ port: 0, chainId, accounts: 5, extraArgs: ['--no-mining'] });
    client = createDevnetClient(anvil.rpcUrl, chainId);
  });
  afterAll(async () => {
    await anvil?.stop();
  });

  async function fees() {
    const head = await client.getBlock({ blockTag: 'latest' });
    return feesForTargetBlock({ nextBaseFee: nextBaseFee(head.baseFeePerGas!, head.gasUsed, head.gasLimit), blocksAfterNext: 2, priorityFee: 10n ** 9n, gasLimit: head.gasLimit });
  }

  it('nonces from NonceManager sign transactions the node accepts, in parallel and after a resync', async () => {
    const operatorAccount = devAccount(1);
    const executor = privateKeyToAccount(generatePrivateKey()).address; // no code there: execute() is a plain call
    const nonces = new NonceManager({ fetchNonce: () => client.getTransactionCount({ address: operatorAccount.address, blockTag: 'latest' }) });
    const start = await client.getTransactionCount({ address: operatorAccount.address, blockTag: 'latest' });
    const fee = await fees();
    const sign = (nonce: number) => signExecutorTransaction({ account: operatorAccount, chainId, executor, plan: `0x${'00'.repeat(80)}` as Hex, nonce, gas: 60_000n, ...fee });

    const handedOut = await Promise.all(Array.from({ length: 50 }, () => nonces.next()));
    expect(handedOut).toEqual(Array.from({ length: 50 }, (_, index) => start + index));
    const signed = await Promise.all(handedOut.map(sign));
    const hashes = await Promise.all(signed.map((tx) => client.sendRawTransaction({ serializedTransaction: tx.raw })));
    expect(hashes).toEqual(signed.map((tx) => tx.hash));
    await client.mine({ blocks: 1 });
    const receipts = await Promise.all(hashes.map((hash) => client.getTransactionReceipt({ hash })));
    expect(receipts.every((receipt) => receipt.status === 'success')).toBe(true);
    expect(await client.getTransactionCount({ address: operatorAccount.address, blockTag: 'latest' })).toBe(start + 50);

    // Bundles with the next three nonces missed their block: nothing on chain. Numbering restarts from the chain.
    expect(await Promise.all([nonces.next(), nonces.next(), nonces.next()])).toEqual([start + 50, start + 51, start + 52]);
    expect(await nonces.resync()).toBe(start + 50);

    // Meanwhile our nonce gets used elsewhere: the send fails with "nonce too low", resync, and go on.
    const elsewhere = await sign(start + 50);
    await client.sendRawTransaction({ serializedTransaction: elsewhere.raw });
    await client.mine({ blocks: 1 });
    const stale = await sign(await nonces.next());
    await expect(client.sendRawTransaction({ serializedTransaction: stale.raw })).rejects.toThrow(/nonce/i);
    await nonces.resync();
    const fresh = await sign(await nonces.next());
    expect(fresh.nonce).toBe(start + 51);
    await client.sendRawTransaction({ serializedTransaction: fresh.raw });
    await client.mine({ blocks: 1 });
    expect((await client.getTransactionReceipt({ hash: fresh.hash })).status).toBe('success');
  });

  it("recovers pending victims' raw bytes of types 0, 1 and 2 from the node's JSON, and falls back to the node", async () => {
    const victimAccount = devAccount(2);
    const to: Address = privateKeyToAccount(generatePrivateKey()).address;
    const nonce = await client.getTransactionCount({ address: victimAccount.address, blockTag: 'latest' });
    const { maxFeePerGas, maxPriorityFeePerGas } = await fees();
    const accessList = [{ address: to, storageKeys: [keccak256('0x01'), keccak256('0x02')] }];
    const raws = [
      await victimAccount.signTransaction({ type: 'legacy', chainId, nonce, to, value: 1n, gas: 60_000n, gasPrice: maxFeePerGas, data: '0x1234' }),
      await victimAccount.signTransaction({ type: 'eip2930', chainId, nonce: nonce + 1, to, value: 2n, gas: 60_000n, gasPrice: maxFeePerGas, accessList }),
      await victimAccount.signTransaction({ type: 'eip1559', chainId, nonce: nonce + 2, to, value: 3n, gas: 60_000n, maxFeePerGas, maxPriorityFeePerGas, accessList, data: '0xdeadbeef' }),
    ];
    const hashes: Hex[] = [];
    for (const raw of raws) hashes.push(await client.sendRawTransaction({ serializedTransaction: raw }));

    const types: string[] = [];
    for (const [index, hash] of hashes.entries()) {
      const pending = await client.getTransaction({ hash });
      expect(pending.blockHash).toBeNull(); // still in the pool, as a victim is
      types.push(pending.type);
      const result = await victimRawTransaction(pending as SignedTransactionFields, { fetchRaw: nodeRawTransactionSource(client) });
      expect(result).toEqual({ raw: raws[index], source: 'reserialized' });

      // Fields that do not reproduce the hash (a decoder's mistake, a lossy relay): the node's bytes are used,
      // after the same hash check.
      const garbled = { ...pending, input: '0xffff' } as SignedTransactionFields;
      expect(await victimRawTransaction(garbled, { fetchRaw: nodeRawTransactionSource(client) })).toEqual({ raw: raws[index], source: 'node' });
    }
    expect(types).toEqual(['legacy', 'eip2930', 'eip1559']);
    await client.mine({ blocks: 1 });
  });
});
