import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { Devnet } from '../../src/devnet/devnet.ts';
import { defaultScenarioPath, parseScenario } from '../../src/devnet/scenario/load.ts';
import type { SentSwap } from '../../src/devnet/traffic/sender.ts';
import { startTestDevnet } from '../helpers/devnet.ts';
import { readSwapRoutes, routeOf } from '../../src/devnet/truth/routes.ts';

const defaultJson = () => JSON.parse(readFileSync(defaultScenarioPath(), 'utf8'));
const scenario = parseScenario({ ...defaultJson(), privateFlow: { mevBlockerShare: 0.35, mevShareShare: 0.35, hints: ['hash', 'default_logs'] } });

let devnet: Devnet;
let stream: WebSocket;
const sent: SentSwap[] = [];
const streamed = new Set<string>();
/** Private swaps found in anvil's public pool before a block was built (must stay empty). */
const leaked: string[] = [];
let builtBlocks = 0;
/** What a bot on the devnet's public websocket saw announced as pending (full bodies, as the watcher asks). */
let publicStream: WebSocket;
const announced = new Set<string>();

beforeAll(async () => {
  devnet = await startTestDevnet({ scenario, traffic: true, onSwapSent: (swap) => sent.push(swap) });
  stream = new WebSocket(devnet.manifest.mevBlocker.wsUrl);
  await new Promise((resolve, reject) => stream.once('open', resolve).once('error', reject));
  stream.on('message', (raw) => {
    const message = JSON.parse(raw.toString());
    if (message.method === 'eth_subscription') streamed.add(message.params.result.hash);
  });
  stream.send(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_subscribe', params: ['mevblocker_partialPendingTransactions'] }));
  await new Promise((resolve) => stream.once('message', resolve));
  publicStream = new WebSocket(devnet.manifest.wsUrl);
  await new Promise((resolve, reject) => publicStream.once('open', resolve).once('error', reject));
  publicStream.on('message', (raw) => {
    const message = JSON.parse(raw.toString());
    if (message.method === 'eth_subscription') announced.add(String(message.params.result.hash).toLowerCase());
  });
  publicStream.send(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_subscribe', params: ['newPendingTransactions', true] }));
  await new Promise((resolve) => publicStream.once('message', resolve));
  const handled = async () => {
    const head = await devnet.client.getBlockNumber({ cacheTime: 0 });
    while (devnet.traffic!.handledHead < head) await new Promise((resolve) => setTimeout(resolve, 10));
  };
  for (let block = 0; block < 8; block++) {
    await handled();
    const content = (await devnet.client.request({ method: 'txpool_content' as never })) as { pending: Record<string, Record<string, { hash: string }>> };
    const pooled = new Set(Object.values(content.pending ?? {}).flatMap((byNonce) => Object.values(byNonce).map((tx) => tx.hash.toLowerCase())));
    for (const swap of sent) if (swap.route !== 'public' && pooled.has(swap.hash.toLowerCase())) leaked.push(swap.hash);
    await devnet.builder.buildBlock();
    builtBlocks++;
  }
  await new Promise((resolve) => setTimeout(resolve, 200)); // let the websockets deliver
});

afterAll(async () => {
  stream?.close();
  publicStream?.close();
  await devnet?.stop();
});

describe('devnet traffic with privateFlow', () => {
  it('sends about mevBlockerShare of the user swaps to the MEV Blocker relay, never to the public pool, and they land', async () => {
    expect(builtBlocks).toBe(8);
    const routed = sent.filter((swap) => swap.route === 'mevBlocker');
    const publicSwaps = sent.filter((swap) => swap.route === 'public');
    expect(routed.length).toBeGreaterThan(0);
    expect(publicSwaps.length).toBeGreaterThan(0);
    expect(routed.length + publicSwaps.length + sent.filter((swap) => swap.route === 'mevShare').length).toBe(sent.length);
    expect(leaked).toEqual([]);
    for (const swap of routed) expect(streamed.has(swap.hash)).toBe(true);
    for (const swap of publicSwaps) expect(streamed.has(swap.hash)).toBe(false);
    // Every private swap sent before the last build has landed (the relay handed it to the builder itself).
    const head = await devnet.client.getBlockNumber({ cacheTime: 0 });
    const settled = routed.filter((swap) => swap.block < head);
    expect(settled.length).toBeGreaterThan(0);
    for (const swap of settled) {
      const receipt = await devnet.client.getTransactionReceipt({ hash: swap.hash });
      expect(receipt.blockNumber).toBeLessThanOrEqual(head);
      const report = devnet.builder.report(receipt.blockNumber)!;
      expect(report.privateTxHashes).toContain(swap.hash);
      expect(report.publicTxHashes).not.toContain(swap.hash);
    }
    expect(devnet.mevBlocker.counts.privateTxs).toBe(routed.length);
  });

  it("never announces a private swap on the devnet's public websocket, not even while the builder seals it", () => {
    const routed = sent.filter((swap) => swap.route === 'mevBlocker');
    const publicSwaps = sent.filter((swap) => swap.route === 'public');
    expect(routed.length).toBeGreaterThan(0);
    expect(publicSwaps.length).toBeGreaterThan(0);
    for (const swap of publicSwaps) expect(announced.has(swap.hash.toLowerCase())).toBe(true);
    expect(routed.filter((swap) => announced.has(swap.hash.toLowerCase())).map((swap) => swap.hash)).toEqual([]);
  });

  it('sends about mevShareShare of the user swaps to the MEV-Share relay, which hints them and hands them to the builder privately; they land', async () => {
    const routed = sent.filter((swap) => swap.route === 'mevShare');
    expect(routed.length).toBeGreaterThan(0);
    expect(leaked).toEqual([]);
    expect(routed.filter((swap) => announced.has(swap.hash.toLowerCase())).map((swap) => swap.hash)).toEqual([]);
    for (const swap of routed) expect(streamed.has(swap.hash)).toBe(false);
    const head = await devnet.client.getBlockNumber({ cacheTime: 0 });
    const settled = routed.filter((swap) => swap.block < head);
    expect(settled.length).toBeGreaterThan(0);
    for (const swap of settled) {
      const receipt = await devnet.client.getTransactionReceipt({ hash: swap.hash });
      expect(devnet.builder.report(receipt.blockNumber)!.privateTxHashes).toContain(swap.hash);
    }
    expect(devnet.mevShare.counts.privateTxs).toBe(routed.length);
    expect(devnet.mevShare.counts.hints).toBe(routed.length);
  });

  it("records each private swap's route at the relay that took it; readSwapRoutes (over the relays' JSON-RPC) gives every sent swap the route the traffic chose, public by default", async () => {
    const routes = await readSwapRoutes(devnet.manifest);
    expect(new Set(sent.map((swap) => swap.route))).toEqual(new Set(['public', 'mevBlocker', 'mevShare']));
    for (const swap of sent) expect(routeOf(routes, swap.hash), swap.hash).toBe(swap.route);
    // The relays' own view: exactly the private swaps, nothing else.
    expect(routes.size).toBe(sent.filter((swap) => swap.route !== 'public').length);
    expect([...routes.values()].filter((route) => route === 'mevBlocker').length).toBe(devnet.mevBlocker.counts.privateTxs);
    expect([...routes.values()].filter((route) => route === 'mevShare').length).toBe(devnet.mevShare.counts.privateTxs);
  });
});

describe('devnet traffic with privateFlow: nonces', () => {
  it('gives a user the next nonce after a private swap that has not landed yet (the node does not know it)', async () => {
    const allPrivate = parseScenario({
      ...defaultJson(),
      traffic: { ...defaultJson().traffic, random: undefined, swaps: [
        { block: 1, trader: 0, router: 'sushiswapRouter', path: ['WETH', 'USDC'], amountIn: '1' },
        { block: 2, trader: 0, router: 'sushiswapRouter', path: ['WETH', 'USDC'], amountIn: '1' },
      ] },
      privateFlow: { mevBlockerShare: 1, mevShareShare: 0, hints: [] },
    });
    const swaps: SentSwap[] = [];
    const net = await startTestDevnet({ scenario: allPrivate, traffic: true, onSwapSent: (swap) => swaps.push(swap) });
    try {
      const handled = async () => {
        const head = await net.client.getBlockNumber({ cacheTime: 0 });
        while (net.traffic!.handledHead < head) await new Promise((resolve) => setTimeout(resolve, 10));
      };
      await handled();
      expect(swaps.length).toBe(1);
      // A block without the builder: the private swap is not in it, and the next swap is sent meanwhile.
      await net.client.mine({ blocks: 1 });
      await handled();
      expect(swaps.length).toBe(2);
      expect(swaps.every((swap) => swap.route === 'mevBlocker')).toBe(true);
      await net.builder.buildBlock();
      await net.builder.buildBlock();
      for (const swap of swaps) expect((await net.client.getTransactionReceipt({ hash: swap.hash })).status).toBe('success');
    } finally {
      await net.stop();
    }
  });
});
