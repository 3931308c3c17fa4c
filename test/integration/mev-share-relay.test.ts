import { connect } from 'node:net';
import mevShareModule from '@flashbots/mev-share-client';
import { Wallet } from 'ethers';
import { getAddress, keccak256, numberToHex, parseAbi, toHex, type Address, type Hex } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signFlashbotsBody } from '../../src/bundle/flashbotsAuth.ts';
import type { Devnet } from '../../src/devnet/devnet.ts';
import { MevShareRelay } from '../../src/devnet/relays/mevShareRelay.ts';
import { mevShareSink, privateFlowHintsSchema } from '../../src/devnet/relays/mevShareSink.ts';
import { createLogger } from '../../src/log.ts';
import { backrunOf, prepareBackrun, signBackrun, signVictim } from '../helpers/backrun.ts';
import { ethSentInside, startTestDevnet } from '../helpers/devnet.ts';

const pairAbi = parseAbi(['function getReserves() view returns (uint112, uint112, uint32)']);
const syncTopic = keccak256(toHex('Sync(uint112,uint112)'));
const v2SwapTopic = keccak256(toHex('Swap(address,uint256,uint256,uint256,uint256,address)'));
// CommonJS with `exports.default`: Node's loader gives the exports object, vitest's interop may give the class.
const MevShareClient = ((mevShareModule as unknown as { default?: unknown }).default ?? mevShareModule) as unknown as typeof mevShareModule.default;
const zero32: Hex = `0x${'0'.repeat(64)}`;

let devnet: Devnet;
let relay: MevShareRelay;
const searcherAuth = privateKeyToAccount(generatePrivateKey());

beforeAll(async () => {
  devnet = await startTestDevnet();
  // pollMs 0: the test calls poll() after each block, so nothing depends on timing.
  relay = await MevShareRelay.start({ client: devnet.client, chainId: devnet.manifest.chainId, builderUrl: devnet.manifest.builderUrl, builderCoinbase: devnet.manifest.builderCoinbase, logger: createLogger('test'), pollMs: 0 });
});
afterAll(async () => {
  await relay?.stop();
  await devnet?.stop();
});

type Hint = { hash: Hex; logs: Array<{ address: Address; topics: Hex[]; data: Hex }>; txs: Array<Record<string, Hex>> | null };

/** A plain SSE subscriber over fetch: collects `data:` events. */
async function subscribe(url: string) {
  const controller = new AbortController();
  const response = await fetch(url, { signal: controller.signal });
  expect(response.headers.get('content-type')).toBe('text/event-stream');
  const events: Hint[] = [];
  const waiting: Array<() => void> = [];
  void (async () => {
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        for (const line of block.split('\n')) if (line.startsWith('data: ')) events.push(JSON.parse(line.slice(6)));
        waiting.splice(0).forEach((wake) => wake());
      }
    }
  })().catch(() => {});
  return {
    events,
    /** The next event whose hash is `hash`. */
    async hintFor(hash: Hex): Promise<Hint> {
      for (;;) {
        const found = events.find((event) => event.hash === hash);
        if (found) return found;
        await new Promise<void>((resolve) => waiting.push(resolve));
      }
    },
    close: () => controller.abort(),
  };
}

async function rpc(method: string, params: unknown[]) {
  const body = JSON.stringify({ jsonrpc: '2.0', id: 7, method, params });
  const response = await fetch(relay.apiUrl, { method: 'POST', headers: { 'content-type': 'application/json', 'X-Flashbots-Signature': await signFlashbotsBody(searcherAuth, body) }, body });
  return (await response.json()) as { result?: any; error?: { code: number; message: string } };
}

async function inPublicPool(hash: Hex): Promise<boolean> {
  const content = (await devnet.client.request({ method: 'txpool_content' as never })) as { pending: Record<string, Record<string, { hash: Hex }>>; queued: Record<string, Record<string, { hash: Hex }>> };
  return [...Object.values(content.pending), ...Object.values(content.queued)].some((byNonce) => Object.values(byNonce).some((tx) => tx.hash.toLowerCase() === hash.toLowerCase()));
}

/** What a landed transaction paid the block's coinbase, from its receipt and the node's trace. */
async function paidToCoinbase(hash: Hex, baseFee: bigint, coinbase: Address): Promise<bigint> {
  const receipt = await devnet.client.getTransactionReceipt({ hash });
  return receipt.gasUsed * (receipt.effectiveGasPrice - baseFee) + (await ethSentInside(devnet, hash, coinbase));
}

async function buildAndPoll() {
  const report = await devnet.builder.buildBlock();
  await relay.poll();
  return report;
}

const order = { router: 'sushiswapRouter' as const, path: ['WETH', 'USDC'], amount: 40n * 10n ** 18n };
/** For tests that land a swap without a backrun: small, so the pools drift little between tests. */
const small = { ...order, amount: 10n ** 18n };

describe('MEV-Share relay: hints on SSE, backruns by mev_sendBundle, refunds in the block', () => {
  it('streams a default hint with only the hash and the scrubbed V2 Swap log, and keeps the tx out of the public mempool until it lands', async () => {
    const stream = await subscribe(relay.streamUrl);
    const { victim } = await prepareBackrun(devnet, small, { sendVictim: false });
    await relay.sendPrivateTransaction(victim.raw);
    const hint = await stream.hintFor(victim.hash);
    stream.close();
    expect(Object.keys(hint).sort()).toEqual(['hash', 'logs', 'txs']);
    expect(hint.txs).toBeNull();
    expect(hint.logs).toHaveLength(1);
    expect(hint.logs[0]!.topics).toEqual([v2SwapTopic, zero32, zero32]);
    expect(hint.logs[0]!.data).toBe('0x');
    expect(await inPublicPool(victim.hash)).toBe(false);

    const report = await buildAndPoll();
    const receipt = await devnet.client.getTransactionReceipt({ hash: victim.hash });
    expect(receipt.blockNumber).toBe(BigInt(report.blockNumber));
    const swap = receipt.logs.find((log) => log.topics[0] === v2SwapTopic)!;
    expect(getAddress(hint.logs[0]!.address)).toBe(getAddress(swap.address));
    expect(relay.isPending(victim.hash)).toBe(false);
  });

  it('with the "logs" and "calldata" hints, shares every log in full (the Sync reserves equal the pool after the tx lands) and to/selector/calldata', async () => {
    const stream = await subscribe(relay.streamUrl);
    const { victim } = await prepareBackrun(devnet, small, { sendVictim: false });
    await relay.sendPrivateTransaction(victim.raw, { hints: ['logs', 'calldata'] });
    const hint = await stream.hintFor(victim.hash);
    stream.close();
    const tx = await import('viem').then(({ parseTransaction }) => parseTransaction(victim.raw));
    expect(hint.txs).toEqual([{ to: getAddress(tx.to!), functionSelector: tx.data!.slice(0, 10), callData: tx.data }]);
    const sync = hint.logs.find((log) => log.topics[0] === syncTopic)!;
    expect(sync).toBeDefined();

    await buildAndPoll();
    const receipt = await devnet.client.getTransactionReceipt({ hash: victim.hash });
    expect(hint.logs.map((log) => ({ address: getAddress(log.address), topics: log.topics, data: log.data }))).toEqual(
      receipt.logs.map((log) => ({ address: getAddress(log.address), topics: log.topics, data: log.data })),
    );
    const [reserve0, reserve1] = await devnet.client.readContract({ address: sync.address, abi: pairAbi, functionName: 'getReserves', blockNumber: receipt.blockNumber });
    expect(BigInt(`0x${sync.data.slice(2, 66)}`)).toBe(reserve0);
    expect(BigInt(`0x${sync.data.slice(66, 130)}`)).toBe(reserve1);
  });

  it('lands a mev_sendBundle backrun right after its target, and the builder refunds the user 90% of the backrun\'s payment to the wei', async () => {
    const { victim, candidate, target } = await prepareBackrun(devnet, order, { sendVictim: false });
    await relay.sendPrivateTransaction(victim.raw);
    const ours = await signBackrun(devnet, candidate, target);
    const user = (await devnet.client.getTransaction({ hash: victim.hash }).catch(() => undefined)) ?? undefined;
    expect(user).toBeUndefined(); // not public: the node has not seen it
    const from = (await import('viem').then(({ recoverTransactionAddress }) => recoverTransactionAddress({ serializedTransaction: victim.raw as never })));
    const before = await devnet.client.getBalance({ address: from });

    const sent = await rpc('mev_sendBundle', [{ version: 'v0.1', inclusion: { block: numberToHex(target), maxBlock: numberToHex(target + 2n) }, body: [{ hash: victim.hash }, { tx: ours.raw, canRevert: false }] }]);
    expect(sent.error).toBeUndefined();
    expect(sent.result.bundleHash).toBe(keccak256(`0x${victim.hash.slice(2)}${ours.hash.slice(2)}`));

    const report = await buildAndPoll();
    expect(BigInt(report.blockNumber)).toBe(target);
    const block = await devnet.client.getBlock({ blockNumber: target });
    expect(block.transactions.slice(0, 2)).toEqual([victim.hash, ours.hash]);
    const included = report.included.find((bundle) => bundle.txHashes[1] === ours.hash)!;
    expect(included.refund).toBeDefined();
    expect(block.transactions.at(-1)).toBe(included.refund!.txHash);

    const payment = await paidToCoinbase(ours.hash, block.baseFeePerGas!, devnet.manifest.builderCoinbase);
    expect(payment).toBeGreaterThan(0n);
    const expected = (payment * 90n) / 100n;
    const victimReceipt = await devnet.client.getTransactionReceipt({ hash: victim.hash });
    const victimTx = await devnet.client.getTransaction({ hash: victim.hash });
    const after = await devnet.client.getBalance({ address: from, blockNumber: target });
    const refunded = after - before + victimTx.value + victimReceipt.gasUsed * victimReceipt.effectiveGasPrice;
    expect(refunded).toBe(expected);
    const refundTx = await devnet.client.getTransaction({ hash: included.refund!.txHash });
    expect(getAddress(refundTx.from)).toBe(getAddress(devnet.manifest.builderCoinbase));
    expect(refundTx.value).toBe(expected);
    expect(included.refund!.refundWei).toBe(String(expected));
    expect(included.refund!.paymentWei).toBe(String(payment));
  });

  it('holds a private transaction whose sender\'s earlier one has not landed (as mev-share-node re-simulates on each block): no hint, not at the builder, until that one lands; then hinted and backrunnable', async () => {
    const stream = await subscribe(relay.streamUrl);
    const first = await signVictim(devnet, { ...small, trader: 4 }, false);
    const second = await signVictim(devnet, { ...order, trader: 4 }, false, 1);
    await relay.sendPrivateTransaction(first.raw);
    expect(await relay.sendPrivateTransaction(second.raw)).toBe(second.hash);
    await stream.hintFor(first.hash);
    expect(relay.isPending(second.hash)).toBe(true);
    expect(stream.events.some((event) => event.hash === second.hash)).toBe(false);
    expect(devnet.builder.isPrivate(second.hash)).toBe(false);
    // A backrun of the held one is refused: the relay does not know it as a pending MEV-Share transaction yet.
    const early = await rpc('mev_sendBundle', [{ version: 'v0.1', inclusion: { block: numberToHex((await devnet.client.getBlockNumber()) + 1n) }, body: [{ hash: second.hash }, { tx: first.raw }] }]);
    expect(early.error?.message).toMatch(/unknown transaction hash/);

    const firstBlock = await buildAndPoll();
    const block = await devnet.client.getBlock({ blockNumber: BigInt(firstBlock.blockNumber) });
    expect(block.transactions).toContain(first.hash);
    expect(block.transactions).not.toContain(second.hash);

    // The head moved past its sender's earlier one: simulated again, it runs, so it is hinted and handed to the builder.
    const hint = await stream.hintFor(second.hash);
    stream.close();
    expect(hint.logs.length).toBeGreaterThan(0);
    expect(devnet.builder.isPrivate(second.hash)).toBe(true);
    const { candidate, target } = await backrunOf(devnet, second);
    const ours = await signBackrun(devnet, candidate, target);
    const sent = await rpc('mev_sendBundle', [{ version: 'v0.1', inclusion: { block: numberToHex(target) }, body: [{ hash: second.hash }, { tx: ours.raw, canRevert: false }] }]);
    expect(sent.error).toBeUndefined();
    await buildAndPoll();
    const landed = await devnet.client.getBlock({ blockNumber: target });
    expect(landed.transactions.slice(0, 2)).toEqual([second.hash, ours.hash]);
  });

  it('simulates a bundle on the head before any builder sees it, as mev-share-node does: a backrun whose nonce follows one not yet landed is refused, and nothing is forwarded', async () => {
    const { victim, candidate, target } = await prepareBackrun(devnet, order, { sendVictim: false });
    await relay.sendPrivateTransaction(victim.raw);
    const searcher = devnet.manifest.accounts.searcher.address;
    const nonce = await devnet.client.getTransactionCount({ address: searcher, blockTag: 'latest' });
    // Our next nonce but one: valid only after a bundle of ours holding `nonce` (a builder would wait for it).
    const ahead = await signBackrun(devnet, candidate, target, { nonce: nonce + 1 });
    const refused = await rpc('mev_sendBundle', [{ version: 'v0.1', inclusion: { block: numberToHex(target) }, body: [{ hash: victim.hash }, { tx: ahead.raw, canRevert: false }] }]);
    expect(refused.error?.message).toMatch(/^bundle simulation failed on block \d+: .*nonce/i);
    const report = await buildAndPoll();
    expect(report.included.flatMap((bundle: { txHashes?: string[] }) => bundle.txHashes ?? [])).not.toContain(ahead.hash);
    await expect(devnet.client.getTransactionReceipt({ hash: ahead.hash })).rejects.toThrow();
    // The private transaction itself lands (the builder holds it), without a backrun.
    expect((await devnet.client.getTransactionReceipt({ hash: victim.hash })).status).toBe('success');
  });

  it('mev_simBundle on the head returns the gas, logs, profit and refundable value the chain then shows', async () => {
    const { victim, candidate, target } = await prepareBackrun(devnet, order, { sendVictim: false });
    await relay.sendPrivateTransaction(victim.raw);
    const ours = await signBackrun(devnet, candidate, target);
    const simulated = await rpc('mev_simBundle', [{ version: 'v0.1', inclusion: { block: numberToHex(target) }, body: [{ tx: victim.raw, canRevert: false }, { tx: ours.raw, canRevert: false }] }]);
    expect(simulated.error).toBeUndefined();
    const sim = simulated.result;
    expect(sim.success).toBe(true);
    expect(BigInt(sim.stateBlock)).toBe(target - 1n);

    const sent = await rpc('mev_sendBundle', [{ version: 'v0.1', inclusion: { block: numberToHex(target) }, body: [{ hash: victim.hash }, { tx: ours.raw }] }]);
    expect(sent.error).toBeUndefined();
    await buildAndPoll();
    const block = await devnet.client.getBlock({ blockNumber: target });
    const receipts = await Promise.all([victim.hash, ours.hash].map((hash) => devnet.client.getTransactionReceipt({ hash })));
    expect(receipts.map((receipt) => receipt.status)).toEqual(['success', 'success']);
    expect(BigInt(sim.gasUsed)).toBe(receipts[0]!.gasUsed + receipts[1]!.gasUsed);
    expect(sim.logs.map((entry: { txLogs: Hint['logs'] }) => entry.txLogs.map((log) => ({ address: getAddress(log.address), topics: log.topics, data: log.data })))).toEqual(
      receipts.map((receipt) => receipt.logs.map((log) => ({ address: getAddress(log.address), topics: log.topics, data: log.data }))),
    );
    const userPaid = await paidToCoinbase(victim.hash, block.baseFeePerGas!, devnet.manifest.builderCoinbase);
    const backrunPaid = await paidToCoinbase(ours.hash, block.baseFeePerGas!, devnet.manifest.builderCoinbase);
    expect(BigInt(sim.refundableValue)).toBe(backrunPaid);
    expect(BigInt(sim.profit)).toBe(userPaid + backrunPaid);
  });

  it('refunds malformed bundles with clear JSON-RPC errors and forwards nothing', async () => {
    const head = await devnet.client.getBlockNumber({ cacheTime: 0 });
    const block = numberToHex(head + 1n);
    const someTx = (await signBackrun(devnet, (await prepareBackrun(devnet, order, { sendVictim: false })).candidate, head + 1n)).raw;
    const hash = keccak256('0x1234');
    const bundlesBefore = devnet.builder.counts.bundles;
    const cases: Array<[unknown, RegExp]> = [
      [{ version: 'v0.2', inclusion: { block }, body: [{ hash }, { tx: someTx }] }, /unsupported bundle version "v0\.2"/],
      [{ version: 'v0.1', inclusion: { block }, body: [{ hash }, { tx: someTx }, { tx: someTx }] }, /one backrun transaction per bundle, got 2/],
      [{ version: 'v0.1', inclusion: { block }, body: [{ hash }, { tx: someTx }] }, new RegExp(`unknown transaction hash ${hash}`)],
      [{ version: 'v0.1', inclusion: { block }, body: [{ hash }] }, /\{hash\} alone/],
      [{ version: 'v0.1', inclusion: { block }, body: [{ tx: someTx }, { hash }] }, /a backrun starts with \{hash\}/],
      [{ version: 'v0.1', inclusion: { block }, body: [{ hash }, { tx: someTx }], validity: { refund: [{ bodyIdx: 0, percent: 50 }] } }, /refunds are set by the user/],
      [{ version: 'v0.1', inclusion: { block: numberToHex(head) }, body: [{ hash }, { tx: someTx }] }, /not after the head/],
      [{ version: 'v0.1', body: [{ hash }, { tx: someTx }] }, /invalid params: .*inclusion/],
    ];
    for (const [bundle, message] of cases) {
      const answer = await rpc('mev_sendBundle', [bundle]);
      expect(answer.error?.code, JSON.stringify(bundle).slice(0, 80)).toBe(-32602);
      expect(answer.error!.message).toMatch(message);
    }
    expect(devnet.builder.counts.bundles).toBe(bundlesBefore);
  });

  it('is started by the devnet and listed in its manifest; the traffic sink sends through it with the scenario\'s hints', async () => {
    const listed = devnet.manifest.mevShare!;
    expect(listed).toEqual({ streamUrl: devnet.mevShare.streamUrl, apiUrl: devnet.mevShare.apiUrl });
    const stream = await subscribe(listed.streamUrl);
    const { victim } = await prepareBackrun(devnet, small, { sendVictim: false });
    const hints = privateFlowHintsSchema.parse(['calldata']);
    expect(await mevShareSink(devnet.mevShare, hints).submit(victim.raw)).toBe(victim.hash);
    const hint = await stream.hintFor(victim.hash);
    stream.close();
    expect(hint.logs).toBeNull();
    expect(Object.keys(hint.txs![0]!).sort()).toEqual(['callData', 'functionSelector', 'to']);
    expect(privateFlowHintsSchema.parse(undefined)).toEqual(['hash', 'default_logs']);
    expect(privateFlowHintsSchema.safeParse(['amounts']).success).toBe(false);
    await devnet.builder.buildBlock();
    expect((await devnet.client.getTransactionReceipt({ hash: victim.hash })).status).toBe('success');
  });

  it('the builder refuses a half or out-of-range refund request (refundRecipient without refundPercent, 100%)', async () => {
    const head = await devnet.client.getBlockNumber({ cacheTime: 0 });
    const { victim } = await prepareBackrun(devnet, small, { sendVictim: false });
    const send = async (extra: Record<string, unknown>) => {
      const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_sendBundle', params: [{ txs: [victim.raw], blockNumber: numberToHex(head + 1n), ...extra }] });
      const response = await fetch(devnet.manifest.builderUrl, { method: 'POST', headers: { 'content-type': 'application/json', 'X-Flashbots-Signature': await signFlashbotsBody(searcherAuth, body) }, body });
      return ((await response.json()) as { error?: { code: number; message: string } }).error;
    };
    // refundPercent alone is whole: the recipient defaults to the first transaction's sender (BuilderNet, Titan).
    expect((await send({ refundRecipient: searcherAuth.address }))?.message).toMatch(/refundRecipient needs refundPercent/);
    expect((await send({ refundPercent: 100, refundRecipient: searcherAuth.address }))?.message).toMatch(/refundPercent: Too big/i);
    expect((await send({ refundPercent: 0, refundRecipient: searcherAuth.address }))?.message).toMatch(/refundPercent: Too small/i);
  });

  it('keeps streaming to the others when a subscriber dies mid-stream', async () => {
    const healthy = await subscribe(relay.streamUrl);
    // A subscriber on a raw socket that reads one event and then vanishes without closing politely.
    const url = new URL(relay.streamUrl);
    const dying = connect(Number(url.port), url.hostname);
    await new Promise<void>((resolve) => dying.once('connect', () => resolve()));
    dying.write(`GET / HTTP/1.1\r\nHost: ${url.host}\r\nAccept: text/event-stream\r\n\r\n`);
    await new Promise<void>((resolve) => dying.once('data', () => resolve()));
    expect(relay.subscribers).toBe(2);

    const first = await prepareBackrun(devnet, small, { sendVictim: false });
    await relay.sendPrivateTransaction(first.victim.raw);
    await healthy.hintFor(first.victim.hash);
    dying.resetAndDestroy();
    await buildAndPoll();

    const second = await prepareBackrun(devnet, small, { sendVictim: false });
    await relay.sendPrivateTransaction(second.victim.raw);
    const hint = await healthy.hintFor(second.victim.hash);
    expect(hint.hash).toBe(second.victim.hash);
    await buildAndPoll();
    expect((await devnet.client.getTransactionReceipt({ hash: second.victim.hash })).status).toBe('success');
    expect(relay.subscribers).toBe(1);
    healthy.close();
  });
});

describe('the unmodified @flashbots/mev-share-client against the relay', () => {
  it('sends a private tx, receives its hint on the stream, simulates and sends the backrun, which lands right after it', async () => {
    const wallet = new Wallet(generatePrivateKey());
    // A custom network: the same two endpoints mainnet has (stream and API), here on the devnet.
    const client = new MevShareClient(wallet as never, { name: 'devnet', chainId: devnet.manifest.chainId, streamUrl: relay.streamUrl, apiUrl: relay.apiUrl } as never);
    const { victim, candidate, target } = await prepareBackrun(devnet, order, { sendVictim: false });
    const seen = new Promise<{ hash: string; to?: string; functionSelector?: string; logs?: unknown[] }>((resolve) => {
      const stream = client.on('transaction', (event: { hash: string }) => {
        if (event.hash !== victim.hash) return;
        stream.close();
        resolve(event as never);
      });
    });
    // eventsource connects asynchronously: wait until the relay counts the subscriber before sending.
    while (relay.subscribers === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(await client.sendTransaction(victim.raw, { hints: { functionSelector: true, logs: true } })).toBe(victim.hash);
    const pending = await seen;
    const parsed = (await import('viem')).parseTransaction(victim.raw);
    expect(pending.functionSelector).toBe(parsed.data!.slice(0, 10));
    expect(getAddress(pending.to!)).toBe(getAddress(parsed.to!));
    expect(pending.logs!.length).toBeGreaterThan(0);

    const ours = await signBackrun(devnet, candidate, target);
    const sim = await client.simulateBundle({ inclusion: { block: Number(target) }, body: [{ tx: victim.raw, canRevert: false }, { tx: ours.raw, canRevert: false }] });
    expect(sim.success, sim.error).toBe(true);
    expect(sim.refundableValue).toBeGreaterThan(0n);
    const sent = await client.sendBundle({ inclusion: { block: Number(target), maxBlock: Number(target) + 1 }, body: [{ hash: victim.hash }, { tx: ours.raw, canRevert: false }] });
    expect(sent.bundleHash).toBe(keccak256(`0x${victim.hash.slice(2)}${ours.hash.slice(2)}`));

    const report = await buildAndPoll();
    const block = await devnet.client.getBlock({ blockNumber: target });
    expect(block.transactions.slice(0, 2)).toEqual([victim.hash, ours.hash]);
    const receipts = await Promise.all([victim.hash, ours.hash].map((hash) => devnet.client.getTransactionReceipt({ hash })));
    expect(sim.gasUsed).toBe(receipts[0]!.gasUsed + receipts[1]!.gasUsed);
    expect(report.included.find((bundle) => bundle.txHashes[1] === ours.hash)!.refund!.refundWei).toBe(String((sim.refundableValue * 90n) / 100n));
  });

  it('delivers a default-hints event (txs null, one scrubbed Swap log) to the client as a transaction', async () => {
    const client = new MevShareClient(new Wallet(generatePrivateKey()) as never, { name: 'devnet', chainId: devnet.manifest.chainId, streamUrl: relay.streamUrl, apiUrl: relay.apiUrl } as never);
    const { victim } = await prepareBackrun(devnet, small, { sendVictim: false });
    const seen = new Promise<{ hash: string; to?: string; logs?: Array<{ data: string }> }>((resolve) => {
      const stream = client.on('transaction', (event: { hash: string }) => {
        if (event.hash !== victim.hash) return;
        stream.close();
        resolve(event as never);
      });
    });
    while (relay.subscribers === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    await relay.sendPrivateTransaction(victim.raw);
    const pending = await seen;
    expect(pending.to).toBeNull(); // the client's own munging of `txs: null`
    expect(pending.logs!.map((log) => log.data)).toEqual(['0x']);
    await buildAndPoll();
    expect((await devnet.client.getTransactionReceipt({ hash: victim.hash })).status).toBe('success');
  });
});
