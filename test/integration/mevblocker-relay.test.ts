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
const otherSearcher = privateKeyToAccount(generatePrivateKey());
type RpcAnswer = { id?: unknown; result?: any; error?: { code: number; message: string } };

beforeAll(async () => {
  devnet = await startTestDevnet();
});
afterAll(async () => {
  await devnet?.stop();
});

/** A JSON-RPC POST to the relay, Flashbots-signed as a searcher would. */
async function relayRpc(method: string, params: unknown, raw?: string, signer: typeof auth | 'none' | 'forged' = auth): Promise<{ status: number; json: RpcAnswer }> {
  const body = raw ?? JSON.stringify({ jsonrpc: '2.0', id: 7, method, params });
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (signer === 'forged') headers['X-Flashbots-Signature'] = await signFlashbotsBody(auth, `${body} `);
  else if (signer !== 'none') headers['X-Flashbots-Signature'] = await signFlashbotsBody(signer, body);
  const response = await fetch(devnet.manifest.mevBlocker.rpcUrl, { method: 'POST', headers, body });
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
      expect(report.publicTxHashes).not.toContain(victim.hash);
      const late = await relayRpc('eth_sendBundle', [{ txs: [victim.hash, '0x02'], blockNumber: `0x${(BigInt(report.blockNumber) + 1n).toString(16)}` }]);
      expect(late.json.error?.message).toMatch(/already landed in block/);
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

  it('refuses two targets, an unknown hash and a raw tx in first place; a backrun that pays no ETH to the fee recipient never lands', async () => {
    const { victim, candidateWith, target } = await privateVictim(5);
    const unpaid = await signBackrun(devnet, candidateWith(0n), target, { builderShareBps: 0n });
    const blockNumber = `0x${target.toString(16)}`;
    // Forwarded (the rule can only be judged where the bundle is placed), then left out by the builder.
    const noPayment = await relayRpc('eth_sendBundle', [{ txs: [victim.hash, unpaid.raw], blockNumber }]);
    expect(noPayment.json.error).toBeUndefined();

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
    // Only the unpaid one was forwarded, and the builder left it out: the block holds the two private swaps and no bundle.
    const report = await devnet.builder.buildBlock();
    expect(report.included).toEqual([]);
    expect(report.excluded.map((bundle) => [bundle.bundleHash, bundle.reason])).toEqual([[noPayment.json.result.bundleHash, 'unpaid']]);
    expect(report.excluded[0]!.detail).toMatch(/must pay its bid as an ETH transfer .*fee recipient/);
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

describe('MEV Blocker relay: the other ways in', () => {
  it('takes a user\'s eth_sendRawTransaction over HTTP and a searcher\'s bid over the same websocket it streams on', async () => {
    const { socket, waitFor } = await openSocket(devnet.manifest.mevBlocker.wsUrl);
    try {
      socket.send(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_subscribe', params: ['mevblocker_partialPendingTransactions'] }));
      await waitFor((message) => message.id === 1);
      const { victim, candidate, target } = await prepareBackrun(devnet, { router: 'uniswapV2Router02', path: ['WETH', 'USDC'], amount: 30n * 10n ** 18n, trader: 1 }, { sendVictim: false });
      const user = await fetch(devnet.manifest.mevBlocker.rpcUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_sendRawTransaction', params: [victim.raw] }) });
      expect(((await user.json()) as RpcAnswer).result).toBe(victim.hash);
      await waitFor((message) => message.params?.result?.hash === victim.hash);
      expect(await publicPoolHashes()).not.toContain(victim.hash.toLowerCase());

      const ours = await signBackrun(devnet, candidate, target);
      socket.send(JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'eth_sendBundle', params: [{ txs: [victim.hash, ours.raw], blockNumber: `0x${target.toString(16)}` }] }));
      const bid = await waitFor((message) => message.id === 2);
      expect(bid.error).toBeUndefined();
      const report = await devnet.builder.buildBlock();
      expect(report.included.map((bundle) => bundle.bundleHash)).toEqual([bid.result.bundleHash]);
      const block = await devnet.client.getBlock({ blockNumber: target });
      expect(block.transactions.slice(0, 2)).toEqual([victim.hash, ours.hash]);
    } finally {
      socket.close();
    }
  });

  it('keeps a public transaction queued behind the private target out of the bundle; it lands in the next block', async () => {
    const { victim, candidate, target } = await privateVictim(0);
    // The same user's next transaction goes public: it waits in anvil's queue for the private nonce.
    const trader = devAccount(devnet.manifest.accounts.traders[0]!.index);
    const pending = await devnet.client.getBlock({ blockTag: 'pending' });
    const follow = await trader.signTransaction({ chainId: devnet.manifest.chainId, type: 'eip1559', nonce: Number(victim.pending.tx.nonce) + 1, to: trader.address, value: 1n, gas: 21_000n, maxPriorityFeePerGas: 50n * 10n ** 9n, maxFeePerGas: pending.baseFeePerGas! * 2n + 50n * 10n ** 9n });
    const followHash = await devnet.client.sendRawTransaction({ serializedTransaction: follow });
    const ours = await signBackrun(devnet, candidate, target);
    const sent = await relayRpc('eth_sendBundle', [{ txs: [victim.hash, ours.raw], blockNumber: `0x${target.toString(16)}` }]);
    expect(sent.json.error).toBeUndefined();

    const report = await devnet.builder.buildBlock();
    expect(report.orderVerified).toBe(true);
    const block = await devnet.client.getBlock({ blockNumber: target });
    expect(block.transactions.slice(0, 2)).toEqual([victim.hash, ours.hash]);
    expect(block.transactions).not.toContain(followHash);
    const next = await devnet.builder.buildBlock();
    expect(next.publicTxHashes).toContain(followHash);
    expect((await devnet.client.getTransactionReceipt({ hash: followHash })).blockNumber).toBe(target + 1n);
  });

  it('does not let another searcher replace a bid by reusing its replacementUuid', async () => {
    const { victim, candidateWith, target } = await privateVictim(2);
    const blockNumber = `0x${target.toString(16)}`;
    const replacementUuid = '2c0e8d9f-4c2b-4a8f-8d66-1b6d2e3f4a51';
    const mine = await signBackrun(devnet, candidateWith(8000n), target, { builderShareBps: 8000n });
    const sentMine = await relayRpc('eth_sendBundle', [{ txs: [victim.hash, mine.raw], blockNumber, replacementUuid }]);
    expect(sentMine.json.error).toBeUndefined();
    // The other searcher's copy pays less (2000 bps) with the same searcher account nonce: only one can land.
    const theirs = await signBackrun(devnet, candidateWith(2000n), target, { builderShareBps: 2000n });
    const sentTheirs = await relayRpc('eth_sendBundle', [{ txs: [victim.hash, theirs.raw], blockNumber, replacementUuid }], undefined, otherSearcher);
    expect(sentTheirs.json.error).toBeUndefined();

    const report = await devnet.builder.buildBlock();
    expect(report.included.map((bundle) => bundle.bundleHash)).toEqual([sentMine.json.result.bundleHash]);
    const theirsExcluded = report.excluded.find((bundle) => bundle.bundleHash === sentTheirs.json.result.bundleHash);
    expect(theirsExcluded).toBeDefined();
    expect(theirsExcluded!.reason).not.toBe('cancelled');
    expect(report.excluded.some((bundle) => bundle.reason === 'cancelled')).toBe(false);
  });

  it('refuses a bid with a forged Flashbots signature (401) and keeps serving', async () => {
    const forged = await relayRpc('eth_sendBundle', [{ txs: [`0x${'ef'.repeat(32)}`, '0x02'], blockNumber: '0x1' }], undefined, 'forged');
    expect(forged.status).toBe(401);
    expect(forged.json.error?.code).toBe(-32001);
    const unsigned = await relayRpc('eth_sendBundle', [{ txs: [`0x${'ef'.repeat(32)}`, '0x02'], blockNumber: '0x1' }], undefined, 'none');
    expect(unsigned.json.error?.message).toMatch(/unknown target/);
    const garbageTx = await relayRpc('eth_sendRawTransaction', ['0x1234']);
    expect(garbageTx.json.error?.code).toBe(-32602);
    expect(garbageTx.json.error?.message).toMatch(/not a signed transaction/);
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
