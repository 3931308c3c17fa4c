import { keccak256, parseTransaction, type Hex } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signFlashbotsBody } from '../../src/bundle/flashbotsAuth.ts';
import { devAccount } from '../../src/devnet/accounts.ts';
import type { Devnet } from '../../src/devnet/devnet.ts';
import { prepareBackrun, signBackrun } from '../helpers/backrun.ts';
import { startTestDevnet } from '../helpers/devnet.ts';

let devnet: Devnet;
const auth = privateKeyToAccount(generatePrivateKey());
type RpcAnswer = { id?: unknown; result?: any; error?: { code: number; message: string } };

beforeAll(async () => {
  devnet = await startTestDevnet();
});
afterAll(async () => {
  await devnet?.stop();
});

/** A JSON-RPC POST to the relay, Flashbots-signed as a searcher would. */
async function relayRpc(method: string, params: unknown, raw?: string): Promise<{ status: number; json: RpcAnswer }> {
  const body = raw ?? JSON.stringify({ jsonrpc: '2.0', id: 7, method, params });
  const response = await fetch(devnet.manifest.mevBlocker.rpcUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'X-Flashbots-Signature': await signFlashbotsBody(auth, body) },
    body,
  });
  return { status: response.status, json: (await response.json()) as RpcAnswer };
}

/** A websocket client that collects every message. */
async function openSocket(url: string) {
  const socket = new WebSocket(url);
  const messages: any[] = [];
  socket.on('message', (data) => messages.push(JSON.parse(String(data))));
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  const waitFor = async (match: (message: any) => boolean) => {
    for (let i = 0; i < 400; i++) {
      const found = messages.find(match);
      if (found) return found;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error(`no matching websocket message; got ${JSON.stringify(messages)}`);
  };
  return { socket, messages, waitFor };
}

async function publicPoolHashes(): Promise<string[]> {
  const content = (await devnet.client.request({ method: 'txpool_content' as never })) as { pending: Record<string, Record<string, { hash: string }>> };
  return Object.values(content.pending ?? {}).flatMap((byNonce) => Object.values(byNonce).map((tx) => tx.hash.toLowerCase()));
}

/** A private victim: signed by the trader, handed to the relay, never to anvil. */
async function privateVictim(trader: number, builderShareBps?: bigint) {
  const prepared = await prepareBackrun(devnet, { router: 'sushiswapRouter', path: ['WETH', 'USDC'], amount: 40n * 10n ** 18n, trader }, { sendVictim: false, ...(builderShareBps !== undefined ? { builderShareBps } : {}) });
  const hash = await devnet.mevBlocker.submit(prepared.victim.raw);
  expect(hash).toBe(keccak256(prepared.victim.raw));
  return prepared;
}

describe('MEV Blocker relay: private transactions stream unsigned and stay out of the public mempool', () => {
  it('streams a private transaction without v, r, s (with the documented fields) and it is not in anvil\'s public pool', async () => {
    const { socket, waitFor } = await openSocket(devnet.manifest.mevBlocker.wsUrl);
    const publicSocket = await openSocket(devnet.manifest.wsUrl);
    try {
      socket.send(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_subscribe', params: ['mevblocker_partialPendingTransactions'] }));
      const subscribed = await waitFor((message) => message.id === 1);
      expect(subscribed.result).toMatch(/^0x[0-9a-f]{32}$/);
      publicSocket.socket.send(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_subscribe', params: ['newPendingTransactions'] }));
      await publicSocket.waitFor((message) => message.id === 1);

      const { victim } = await privateVictim(3);
      const streamed = await waitFor((message) => message.method === 'eth_subscription' && message.params?.result?.hash === victim.hash);
      expect(streamed.params.subscription).toBe(subscribed.result);
      const signed = parseTransaction(victim.raw);
      const result = streamed.params.result;
      expect(Object.keys(result).sort()).toEqual(['accessList', 'chainId', 'data', 'from', 'gas', 'hash', 'maxFeePerGas', 'maxPriorityFeePerGas', 'nonce', 'to', 'type', 'value'].sort());
      expect(result).not.toHaveProperty('v');
      expect(result).not.toHaveProperty('r');
      expect(result).not.toHaveProperty('s');
      expect(result.from).toBe(devAccount(devnet.manifest.accounts.traders[3]!.index).address.toLowerCase());
      expect(result.to).toBe(signed.to!.toLowerCase());
      expect(result.data).toBe(signed.data);
      expect(BigInt(result.value)).toBe(signed.value);
      expect(BigInt(result.nonce)).toBe(BigInt(signed.nonce!));
      expect(BigInt(result.gas)).toBe(signed.gas);
      expect(BigInt(result.maxFeePerGas)).toBe(signed.maxFeePerGas);
      expect(result.type).toBe('0x2');
      expect(Number(result.chainId)).toBe(devnet.manifest.chainId);

      expect(await publicPoolHashes()).not.toContain(victim.hash.toLowerCase());
      expect(publicSocket.messages.some((message) => message.params?.result === victim.hash)).toBe(false);
      await expect(devnet.client.getTransaction({ hash: victim.hash })).rejects.toThrow(/could not be found/);

      // A private transaction nobody backruns still lands: the relay handed it to the builder itself.
      const report = await devnet.builder.buildBlock();
      const block = await devnet.client.getBlock({ blockNumber: BigInt(report.blockNumber) });
      expect(block.transactions).toContain(victim.hash);
      expect((await devnet.client.getTransactionReceipt({ hash: victim.hash })).status).toBe('success');
      expect(report.privateTxHashes).toContain(victim.hash);
    } finally {
      socket.close();
      publicSocket.socket.close();
    }
  });
});

describe('MEV Blocker relay: eth_sendBundle with the target hash first', () => {
  it('substitutes the signed target and lands the backrun right after it in the next block, paying the fee recipient', async () => {
    const { victim, candidate, target } = await privateVictim(4);
    const ours = await signBackrun(devnet, candidate, target);
    const coinbaseBefore = await devnet.client.getBalance({ address: devnet.manifest.builderCoinbase });
    const sent = await relayRpc('eth_sendBundle', [{ txs: [victim.hash, ours.raw], blockNumber: `0x${target.toString(16)}` }]);
    expect(sent.json.error).toBeUndefined();
    expect(sent.json.result.bundleHash).toBe(keccak256(`0x${victim.hash.slice(2)}${ours.hash.slice(2)}` as Hex));
    expect(await publicPoolHashes()).not.toContain(victim.hash.toLowerCase());

    const report = await devnet.builder.buildBlock();
    expect(BigInt(report.blockNumber)).toBe(target);
    const block = await devnet.client.getBlock({ blockNumber: target });
    expect(block.transactions.slice(0, 2)).toEqual([victim.hash, ours.hash]);
    expect(report.included.map((bundle) => bundle.bundleHash)).toEqual([sent.json.result.bundleHash]);
    expect(report.included[0]!.signer).toBe(devnet.mevBlocker.signer);
    const receipt = await devnet.client.getTransactionReceipt({ hash: ours.hash });
    expect(receipt.status).toBe('success');
    const coinbaseAfter = await devnet.client.getBalance({ address: devnet.manifest.builderCoinbase });
    expect(coinbaseAfter - coinbaseBefore).toBeGreaterThan(0n);
    expect(BigInt(report.included[0]!.coinbaseDiff)).toBe(coinbaseAfter - coinbaseBefore);
  });

  it('refuses a backrun that pays no ETH to the fee recipient, two targets, an unknown hash, and a raw tx in first place', async () => {
    const { victim, candidateWith, target } = await privateVictim(5);
    const unpaid = await signBackrun(devnet, candidateWith(0n), target, { builderShareBps: 0n });
    const blockNumber = `0x${target.toString(16)}`;
    const noPayment = await relayRpc('eth_sendBundle', [{ txs: [victim.hash, unpaid.raw], blockNumber }]);
    expect(noPayment.json.error?.code).toBe(-32602);
    expect(noPayment.json.error?.message).toMatch(/must pay its bid .*fee recipient/);

    const second = await privateVictim(6);
    const twoTargets = await relayRpc('eth_sendBundle', [{ txs: [victim.hash, second.victim.hash, unpaid.raw], blockNumber }]);
    expect(twoTargets.json.error?.code).toBe(-32602);
    expect(twoTargets.json.error?.message).toMatch(/one target per bundle/);

    const unknown = await relayRpc('eth_sendBundle', [{ txs: [`0x${'ab'.repeat(32)}`, unpaid.raw], blockNumber }]);
    expect(unknown.json.error?.code).toBe(-32602);
    expect(unknown.json.error?.message).toMatch(/unknown target/);

    const rawFirst = await relayRpc('eth_sendBundle', [{ txs: [victim.raw, unpaid.raw], blockNumber }]);
    expect(rawFirst.json.error?.code).toBe(-32602);
    expect(rawFirst.json.error?.message).toMatch(/txs\[0\] must be the target's hash/);

    const alone = await relayRpc('eth_sendBundle', [{ txs: [victim.hash], blockNumber }]);
    expect(alone.json.error?.message).toMatch(/backrun/);
    // Nothing was forwarded: the next block holds the two private swaps and no bundle.
    const report = await devnet.builder.buildBlock();
    expect(report.included).toEqual([]);
    expect(report.privateTxHashes).toEqual(expect.arrayContaining([victim.hash, second.victim.hash]));
  });

  it('replaces an earlier bundle with the same replacementUuid', async () => {
    const { victim, candidateWith, target } = await privateVictim(7);
    const blockNumber = `0x${target.toString(16)}`;
    const replacementUuid = '1b9f7c8e-3b1a-4f7e-9c55-0a5c1d2e3f40';
    const first = await signBackrun(devnet, candidateWith(2000n), target, { builderShareBps: 2000n });
    const sentFirst = await relayRpc('eth_sendBundle', [{ txs: [victim.hash, first.raw], blockNumber, replacementUuid }]);
    expect(sentFirst.json.error).toBeUndefined();
    const better = await signBackrun(devnet, candidateWith(8000n), target, { builderShareBps: 8000n });
    expect(better.hash).not.toBe(first.hash);
    const sentBetter = await relayRpc('eth_sendBundle', [{ txs: [victim.hash, better.raw], blockNumber, replacementUuid }]);
    expect(sentBetter.json.error).toBeUndefined();

    const report = await devnet.builder.buildBlock();
    expect(report.included.map((bundle) => bundle.bundleHash)).toEqual([sentBetter.json.result.bundleHash]);
    expect(report.excluded.find((bundle) => bundle.bundleHash === sentFirst.json.result.bundleHash)?.reason).toBe('cancelled');
    const block = await devnet.client.getBlock({ blockNumber: target });
    expect(block.transactions.slice(0, 2)).toEqual([victim.hash, better.hash]);
    expect(block.transactions).not.toContain(first.hash);
  });
});

describe('MEV Blocker relay: bad requests get JSON-RPC errors and the relay keeps running', () => {
  it('answers malformed HTTP and websocket requests with errors, then still serves', async () => {
    const parse = await relayRpc('', [], '{not json');
    expect(parse.json.error?.code).toBe(-32700);
    const noMethod = await relayRpc('eth_nope', []);
    expect(noMethod.json.error?.code).toBe(-32601);
    const badParams = await relayRpc('eth_sendBundle', [{ txs: 'x' }]);
    expect(badParams.json.error?.code).toBe(-32602);

    const { socket, waitFor } = await openSocket(devnet.manifest.mevBlocker.wsUrl);
    try {
      socket.send('garbage');
      expect((await waitFor((message) => message.error?.code === -32700)).id).toBeNull();
      socket.send(JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'eth_subscribe', params: ['newHeads'] }));
      expect((await waitFor((message) => message.id === 2)).error.code).toBe(-32602);
      socket.send(JSON.stringify({ jsonrpc: '2.0', id: 3, method: 'eth_subscribe' }));
      expect((await waitFor((message) => message.id === 3)).error.code).toBe(-32602);
      socket.send(JSON.stringify({ jsonrpc: '2.0', id: 4, method: 'eth_subscribe', params: ['mevblocker_partialPendingTransactions'] }));
      const subscribed = await waitFor((message) => message.id === 4);
      expect(subscribed.result).toMatch(/^0x/);
      socket.send(JSON.stringify({ jsonrpc: '2.0', id: 5, method: 'eth_unsubscribe', params: [subscribed.result] }));
      expect((await waitFor((message) => message.id === 5)).result).toBe(true);
    } finally {
      socket.close();
    }
    const stillUp = await relayRpc('eth_sendBundle', [{ txs: [`0x${'cd'.repeat(32)}`, '0x02'], blockNumber: '0x1' }]);
    expect(stillUp.json.error?.message).toMatch(/unknown target/);
  });
});
