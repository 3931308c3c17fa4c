import { createPublicClient, http, keccak256, toHex, type Log, type PublicClient } from 'viem';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Devnet } from '../../src/devnet/devnet.ts';
import { creationTopics, discoverPools } from '../../src/state/bootstrap.ts';
import { LogScanError, scanLogs } from '../../src/state/logScan.ts';
import { mainnetFactories } from '../../src/state/venues.ts';
import { startTestDevnet } from '../helpers/devnet.ts';
import { RpcProxy } from '../helpers/rpcProxy.ts';

/**
 * eth_getLogs behind a provider that caps its answers (Infura's -32005 "query returned more than N results",
 * Alchemy's "Log response size exceeded ... this block range should work", a block-range limit): the scan splits
 * the ranges and returns exactly the logs the node returns to one uncapped query, in the same order.
 */

const stateTopics = ['Sync(uint112,uint112)', 'Swap(address,address,int256,int256,uint160,uint128,int24)', 'Mint(address,address,int24,int24,uint128,uint256,uint256)'].map((signature) => keccak256(toHex(signature)));
const topics = [...creationTopics, ...stateTopics];

let devnet: Devnet;
let proxy: RpcProxy;
let client: PublicClient;
let head: bigint;
let reference: Log[];

const idOf = (log: Log) => `${log.blockNumber}:${log.logIndex}:${log.transactionHash}`;

beforeAll(async () => {
  devnet = await startTestDevnet();
  proxy = await RpcProxy.for(devnet.manifest.rpcUrl).start();
  client = createPublicClient({ transport: http(proxy.url, { retryCount: 0 }) }) as PublicClient;
  head = await devnet.client.getBlockNumber({ cacheTime: 0 });
  // The reference: one uncapped query straight to the node.
  reference = (await devnet.client.getLogs({ fromBlock: 0n, toBlock: head, topics: [topics] } as never)) as Log[];
}, 120_000);

afterEach(() => proxy.capLogs(undefined));

afterAll(async () => {
  await proxy?.stop();
  await devnet?.stop();
});

describe('scanLogs against a provider that caps eth_getLogs', () => {
  it('the reference has logs across several blocks (so a cap has something to split)', () => {
    expect(reference.length).toBeGreaterThan(40);
    expect(new Set(reference.map((log) => log.blockNumber)).size).toBeGreaterThan(5);
  });

  it('Infura style (-32005, more than N results): split until each answer fits, nothing skipped or repeated', async () => {
    proxy.capLogs({ maxResults: 10, style: 'infura' });
    const before = proxy.logsCapped;
    const scan = await scanLogs(client, { topics, fromBlock: 0n, toBlock: head, initialSpan: 1_000n });
    expect(scan.logs.map(idOf)).toEqual(reference.map(idOf));
    expect(scan.capped).toBeGreaterThan(0);
    expect(proxy.logsCapped - before).toBe(scan.capped);
  });

  it('Alchemy style (response size exceeded, naming a range): the named range is used', async () => {
    proxy.capLogs({ maxResults: 10, style: 'alchemy' });
    const scan = await scanLogs(client, { topics, fromBlock: 0n, toBlock: head, initialSpan: 1_000n });
    expect(scan.logs.map(idOf)).toEqual(reference.map(idOf));
    expect(scan.capped).toBeGreaterThan(0);
    // Halving blindly from 1,000 blocks needs more refusals than jumping to the range the provider names.
    proxy.capLogs({ maxResults: 10, style: 'infura' });
    const halving = await scanLogs(client, { topics, fromBlock: 0n, toBlock: head, initialSpan: 1_000n });
    expect(scan.capped).toBeLessThan(halving.capped);
  });

  it('a block-range limit: ranges shrink to the limit', async () => {
    proxy.capLogs({ maxBlocks: 7 });
    const scan = await scanLogs(client, { topics, fromBlock: 0n, toBlock: head, initialSpan: 100_000n });
    expect(scan.logs.map(idOf)).toEqual(reference.map(idOf));
    expect(scan.capped).toBeGreaterThan(0);
  });

  it('a single block over the cap cannot be split: a clear error naming the block', async () => {
    const byBlock = new Map<bigint, Log[]>();
    for (const log of reference) byBlock.set(log.blockNumber!, [...(byBlock.get(log.blockNumber!) ?? []), log]);
    const busiest = [...byBlock].sort((a, b) => b[1].length - a[1].length)[0]!;
    expect(busiest[1].length).toBeGreaterThan(1);
    proxy.capLogs({ maxResults: busiest[1].length - 1 });
    const failure = await scanLogs(client, { topics, fromBlock: busiest[0], toBlock: busiest[0] }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(LogScanError);
    expect((failure as Error).message).toBe(`the provider caps the logs of block ${busiest[0]} alone: a single block cannot be split further`);
  });

  it('an error that is not a cap (the node fails) is thrown with the range, not split', async () => {
    proxy.failNext('eth_getLogs');
    const requests = proxy.count('eth_getLogs');
    const failure = await scanLogs(client, { topics, fromBlock: 0n, toBlock: head }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(LogScanError);
    expect((failure as Error).message).toMatch(new RegExp(`^eth_getLogs of blocks 0\\.\\.${head} failed: `));
    expect(proxy.count('eth_getLogs') - requests).toBe(1);
  });

  it("discovery through a capped provider finds exactly the devnet's pools", async () => {
    proxy.capLogs({ maxResults: 3, style: 'infura' });
    const found = await discoverPools(client, mainnetFactories, head, { initialSpan: 50_000n });
    expect(found.capped).toBeGreaterThan(0);
    const discovered = [...found.v2.map((pair) => pair.pair), ...found.v3].map((address) => address.toLowerCase()).sort();
    expect(discovered).toEqual(devnet.manifest.pools.map((pool) => pool.address.toLowerCase()).sort());
  });
});
