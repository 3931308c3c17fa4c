import { readFileSync } from 'node:fs';
import type { Hash } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { Devnet } from '../../src/devnet/devnet.ts';
import { defaultScenarioPath, parseScenario } from '../../src/devnet/scenario/load.ts';
import { routerAddress } from '../../src/devnet/traffic/calldata.ts';
import type { SentSwap } from '../../src/devnet/traffic/sender.ts';
import { startTestDevnet } from '../helpers/devnet.ts';

// The default scenario plus two explicit swaps, so both kinds of traffic are checked; all public (what this file
// checks is the public mempool: private-traffic.test.ts checks the private routes).
const scenario = parseScenario({
  ...JSON.parse(readFileSync(defaultScenarioPath(), 'utf8')),
  privateFlow: null,
  traffic: {
    ...JSON.parse(readFileSync(defaultScenarioPath(), 'utf8')).traffic,
    swaps: [
      { block: 2, trader: 0, router: 'swapRouter02', path: ['WETH', 'USDC', 'DAI'], fees: [500, 100], amountIn: '7' },
      { block: 3, trader: 5, router: 'sushiswapRouter', path: ['WBTC', 'WETH'], amountIn: '0.25' },
    ],
  },
});

let devnet: Devnet;
let socket: WebSocket;
const sent: SentSwap[] = [];
const pendingSeen: Array<{ hash: Hash; minedAtArrival: boolean }> = [];
const routers = new Set(Object.values(routerAddress).map((address) => address.toLowerCase()));

beforeAll(async () => {
  devnet = await startTestDevnet({ scenario, traffic: true, onSwapSent: (swap) => sent.push(swap) });
  socket = new WebSocket(devnet.manifest.wsUrl);
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  socket.on('message', async (raw) => {
    const message = JSON.parse(raw.toString());
    if (message.method !== 'eth_subscription') return;
    const hash = message.params.result as Hash;
    const tx = await devnet.client.getTransaction({ hash });
    pendingSeen.push({ hash, minedAtArrival: tx.blockNumber !== null });
  });
  socket.send(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_subscribe', params: ['newPendingTransactions'] }));
  await new Promise((resolve) => socket.once('message', resolve)); // subscription id
  // Blocks are mined on demand: each head makes the generator send the next block's traffic.
  const handled = async () => {
    const head = await devnet.client.getBlockNumber({ cacheTime: 0 });
    while (devnet.traffic!.handledHead < head) await new Promise((resolve) => setTimeout(resolve, 10));
  };
  for (let block = 0; block < 8; block++) {
    await handled();
    await new Promise((resolve) => setTimeout(resolve, 100)); // let the websocket deliver
    await devnet.client.mine({ blocks: 1 });
  }
  await handled();
  await new Promise((resolve) => setTimeout(resolve, 200));
});

afterAll(async () => {
  socket?.close();
  await devnet?.stop();
});

describe('traffic', () => {
  it('reaches websocket subscribers while still pending', () => {
    const sentHashes = new Set(sent.map((swap) => swap.hash));
    const seen = pendingSeen.filter((entry) => sentHashes.has(entry.hash));
    expect(sent.length).toBeGreaterThan(10);
    // Everything sent after the subscription started (all but the first block's batch) was seen pending.
    const afterSubscribe = sent.filter((swap) => swap.block > BigInt(devnet.manifest.startBlock) + 1n);
    expect(afterSubscribe.length).toBeGreaterThan(0);
    // Each of them by hash (a count could balance a miss with an earlier swap seen).
    const seenHashes = new Set(seen.map((entry) => entry.hash));
    expect(afterSubscribe.filter((swap) => !seenHashes.has(swap.hash)).map((swap) => swap.hash)).toEqual([]);
    expect(seen.filter((entry) => entry.minedAtArrival).map((entry) => entry.hash)).toEqual([]);
  });

  it('is signed user swaps through the real routers, and they execute', async () => {
    const mined = sent.filter((swap) => swap.block <= BigInt(devnet.manifest.startBlock) + 8n);
    const receipts = await Promise.all(mined.map((swap) => devnet.client.getTransactionReceipt({ hash: swap.hash })));
    const traders = new Set(devnet.manifest.accounts.traders.map((t) => t.address.toLowerCase()));
    for (const [i, receipt] of receipts.entries()) {
      expect(receipt.blockNumber).toBe(mined[i]!.block);
      expect(routers.has(receipt.to!.toLowerCase())).toBe(true);
      expect(traders.has(receipt.from.toLowerCase())).toBe(true);
    }
    const succeeded = receipts.filter((receipt) => receipt.status === 'success').length;
    expect(succeeded / receipts.length).toBeGreaterThan(0.9);
    expect(new Set(mined.map((swap) => swap.order.router)).size).toBeGreaterThanOrEqual(4);
  });

  it('has no V4 swaps on a market without V4 pools, and says which protocol each swap used', () => {
    expect(sent.length).toBeGreaterThan(0);
    expect(sent.filter((swap) => swap.v4 !== undefined || swap.order.v4 !== undefined).map((swap) => swap.hash)).toEqual([]);
    for (const swap of sent) expect(swap.protocol).toBe(swap.order.hops[0]!.pool.dex === 'uniswapV3' ? 'v3' : 'v2');
  });

  it('sends explicit swaps for the block the scenario names', async () => {
    const explicit = sent.filter((swap) => swap.order.source === 'explicit');
    expect(explicit.map((swap) => [swap.block - BigInt(devnet.manifest.startBlock), swap.order.router])).toEqual([
      [2n, 'swapRouter02'],
      [3n, 'sushiswapRouter'],
    ]);
    const receipt = await devnet.client.getTransactionReceipt({ hash: explicit[0]!.hash });
    expect(receipt.status).toBe('success');
    expect(receipt.from).toBe(devnet.manifest.accounts.traders[0]!.address.toLowerCase());
    expect(explicit[0]!.amountIn).toBe(7n * 10n ** 18n);
  });
});
