import { getAddress, parseAbi, type Address, type Hex } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Devnet } from '../../src/devnet/devnet.ts';
import { MevShareRelay } from '../../src/devnet/relays/mevShareRelay.ts';
import type { HintName } from '../../src/devnet/relays/mevShareHints.ts';
import { createLogger } from '../../src/log.ts';
import type { PrivateHint } from '../../src/mempool/mevShareHint.ts';
import { MevShareStream } from '../../src/mempool/mevShareStream.ts';
import { signVictim, type VictimOrder } from '../helpers/backrun.ts';
import { startTestDevnet } from '../helpers/devnet.ts';
import { SseProxy } from '../helpers/sseProxy.ts';

const pairAbi = parseAbi(['function getReserves() view returns (uint112, uint112, uint32)']);
const v3PoolAbi = parseAbi(['function slot0() view returns (uint160, int24, uint16, uint16, uint16, uint8, bool)', 'function liquidity() view returns (uint128)']);

let devnet: Devnet;
let relay: MevShareRelay;
let proxy: SseProxy;
let trader = 0;

beforeAll(async () => {
  devnet = await startTestDevnet();
  // The devnet's own relay pings every 10 s like the real one; this one pings every 200 ms so a silence of 1.5 s
  // means the connection is dead, not that nobody sent a hint.
  relay = await MevShareRelay.start({ client: devnet.client, chainId: devnet.manifest.chainId, builderUrl: devnet.manifest.builderUrl, builderCoinbase: devnet.manifest.builderCoinbase, logger: createLogger('test'), pingMs: 200 });
  proxy = new SseProxy(relay.streamUrl);
  await proxy.start();
});
afterAll(async () => {
  await proxy?.stop();
  await relay?.stop();
  await devnet?.stop();
});

async function until(condition: () => boolean, what: string, ms = 15_000): Promise<void> {
  const deadline = performance.now() + ms;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function collect(url: string, options: { silenceMs?: number } = {}) {
  const stream = new MevShareStream({ url, logger: createLogger('test'), silenceMs: options.silenceMs ?? 1_500, backoffBaseMs: 50, backoffMaxMs: 300 });
  const hints = new Map<string, PrivateHint>();
  const blind: boolean[] = [];
  stream.on('hint', (hint: PrivateHint) => hints.set(hint.hash, hint));
  stream.on('blind', (value: boolean) => blind.push(value));
  return { stream, hints, blind };
}

/**
 * A trader's swap handed to the MEV-Share relay privately (never to anvil), with these hints. Traders take turns
 * (the node does not know a private nonce until it lands; each test lands its swaps before the next).
 */
async function privateSwap(order: Omit<VictimOrder, 'trader'>, hints: readonly HintName[]) {
  const victim = await signVictim(devnet, { ...order, trader: trader++ % devnet.manifest.accounts.traders.length }, false);
  await relay.sendPrivateTransaction(victim.raw, { hints });
  return victim;
}

const poolOf = (dex: string, fee?: number): Address =>
  getAddress(devnet.manifest.pools.find((pool) => pool.dex === dex && pool.pair.join('/') === 'WETH/USDC' && (fee === undefined || (pool as { fee?: number }).fee === fee))!.address);

describe('MEV-Share stream collector on the devnet relay', () => {
  it('turns a default hint (hash + scrubbed logs) into the touched pool with hidden amounts, and is blind only until connected', async () => {
    const { stream, hints, blind } = collect(relay.streamUrl);
    expect(stream.blind).toBe(true);
    stream.start();
    await until(() => !stream.blind, 'the stream to open');
    expect(blind).toEqual([false]);
    const victim = await privateSwap({ router: 'sushiswapRouter', path: ['WETH', 'USDC'], amount: 10n ** 18n }, ['hash', 'default_logs']);
    await until(() => hints.has(victim.hash), 'the hint');
    const hint = hints.get(victim.hash)!;
    expect(hint.swaps).toEqual([{ pool: poolOf('sushiswap').toLowerCase(), protocol: 'v2', amounts: 'hidden' }]);
    expect(hint.after).toEqual([]);
    expect(hint.txs).toEqual([]);
    expect(stream.stats.hints).toBe(1);
    stream.stop();
    await devnet.builder.buildBlock();
  });

  it('with the "logs" hint: the V2 Sync reserves and the V3 pool state equal the chain after the transactions land; the swap amounts are the order\'s', async () => {
    const { stream, hints } = collect(relay.streamUrl);
    stream.start();
    await until(() => !stream.blind, 'the stream to open');
    const amount = 2n * 10n ** 18n;
    const v2 = await privateSwap({ router: 'uniswapV2Router02', path: ['WETH', 'USDC'], amount }, ['hash', 'logs']);
    const v3 = await privateSwap({ router: 'swapRouter', path: ['WETH', 'USDC'], fees: [500], amount }, ['hash', 'logs']);
    await until(() => hints.has(v2.hash) && hints.has(v3.hash), 'both hints');
    stream.stop();
    const report = await devnet.builder.buildBlock();
    for (const hash of [v2.hash, v3.hash]) expect((await devnet.client.getTransactionReceipt({ hash })).blockNumber).toBe(BigInt(report.blockNumber));
    const blockNumber = BigInt(report.blockNumber);

    const pair = poolOf('uniswapV2');
    const v2Hint = hints.get(v2.hash)!;
    const [reserve0, reserve1] = await devnet.client.readContract({ address: pair, abi: pairAbi, functionName: 'getReserves', blockNumber });
    expect(v2Hint.after).toEqual([{ pool: pair.toLowerCase(), protocol: 'v2', reserve0, reserve1 }]);
    const wethIsToken0 = getAddress(devnet.manifest.pools.find((pool) => getAddress(pool.address) === pair)!.token0) === getAddress(devnet.manifest.contracts.weth);
    expect(v2Hint.swaps).toHaveLength(1);
    const v2Amounts = v2Hint.swaps[0]!.amounts;
    if (v2Amounts === 'hidden' || !('amount0In' in v2Amounts)) throw new Error('expected full V2 amounts');
    expect(wethIsToken0 ? v2Amounts.amount0In : v2Amounts.amount1In).toBe(amount);

    const pool = poolOf('uniswapV3', 500);
    const v3Hint = hints.get(v3.hash)!;
    const [sqrtPriceX96, tick] = await devnet.client.readContract({ address: pool, abi: v3PoolAbi, functionName: 'slot0', blockNumber });
    const liquidity = await devnet.client.readContract({ address: pool, abi: v3PoolAbi, functionName: 'liquidity', blockNumber });
    expect(v3Hint.after).toEqual([{ pool: pool.toLowerCase(), protocol: 'v3', sqrtPriceX96, liquidity, tick }]);
    const v3Amounts = v3Hint.swaps[0]!.amounts;
    if (v3Amounts === 'hidden' || !('amount0' in v3Amounts)) throw new Error('expected full V3 amounts');
    const wethIn = getAddress(devnet.manifest.pools.find((p) => getAddress(p.address) === pool)!.token0) === getAddress(devnet.manifest.contracts.weth) ? v3Amounts.amount0 : v3Amounts.amount1;
    expect(wethIn).toBe(amount);
  });

  it('counts garbage events by kind and keeps delivering the next good hint', async () => {
    const { stream, hints } = collect(proxy.url);
    stream.start();
    await until(() => !stream.blind && proxy.open > 0, 'the stream to open through the proxy');
    proxy.inject('data: {"hash": "0x12\n\n');
    proxy.inject(`data: ${JSON.stringify({ hash: '0xnothex', logs: null, txs: null })}\n\n`);
    proxy.inject(`data: ${JSON.stringify({ hash: `0x${'11'.repeat(32)}`, logs: 'all of them', txs: null })}\n\n`);
    proxy.inject(`data: ${JSON.stringify({ hash: `0x${'22'.repeat(32)}`, logs: null, txs: [{ to: 12 }] })}\n\n`);
    const victim = await privateSwap({ router: 'sushiswapRouter', path: ['WETH', 'USDC'], amount: 10n ** 18n }, ['hash', 'default_logs']);
    await until(() => hints.has(victim.hash), 'the good hint after the garbage');
    expect(Object.fromEntries(stream.malformed.totals())).toEqual({ 'not-json': 1, 'bad-hash': 1, 'bad-logs': 1, 'bad-txs': 1 });
    expect(stream.malformed.source).toBe('mevShare');
    expect(hints.size).toBe(1);
    expect(stream.blind).toBe(false);
    stream.stop();
    await devnet.builder.buildBlock();
  });

  it('drops an event the stream died in the middle of, goes blind, reconnects and delivers the next hint', async () => {
    const { stream, hints, blind } = collect(proxy.url);
    stream.start();
    await until(() => !stream.blind && proxy.open > 0, 'the stream to open through the proxy');
    const before = proxy.connections;
    proxy.cutMidEvent();
    const cut = await privateSwap({ router: 'sushiswapRouter', path: ['WETH', 'USDC'], amount: 10n ** 18n }, ['hash', 'default_logs']);
    await until(() => proxy.cutEvents.length === 1, 'the proxy to cut an event');
    expect(proxy.cutEvents[0]).toContain(cut.hash);
    await until(() => blind.length >= 3 && !stream.blind, 'blind, then seeing again');
    expect(blind).toEqual([false, true, false]);
    expect(proxy.connections).toBeGreaterThan(before);
    const next = await privateSwap({ router: 'sushiswapRouter', path: ['WETH', 'USDC'], amount: 10n ** 18n }, ['hash', 'default_logs']);
    await until(() => hints.has(next.hash), 'the hint after the reconnect');
    expect(hints.has(cut.hash)).toBe(false);
    expect(stream.malformed.totals().size).toBe(0);
    expect(stream.stats.disconnects).toBe(1);
    stream.stop();
    await devnet.builder.buildBlock();
  });

  it('goes blind when the stream goes silent (no bytes, not even :ping, for silenceMs) and sees again once bytes flow', async () => {
    const { stream, hints, blind } = collect(proxy.url);
    stream.start();
    await until(() => !stream.blind && proxy.open > 0, 'the stream to open through the proxy');
    // Healthy and idle: the relay's pings keep it alive for several silence windows.
    const heartbeats = stream.stats.heartbeats;
    await until(() => stream.stats.heartbeats >= heartbeats + 10, 'ten pings');
    expect(blind).toEqual([false]);
    proxy.blackhole();
    await until(() => stream.blind, 'blind after the silence');
    expect(stream.stats.silences).toBeGreaterThanOrEqual(1);
    proxy.restore();
    await until(() => !stream.blind, 'seeing again');
    expect(blind.slice(0, 3)).toEqual([false, true, false]);
    const next = await privateSwap({ router: 'sushiswapRouter', path: ['WETH', 'USDC'], amount: 10n ** 18n }, ['hash', 'default_logs']);
    await until(() => hints.has(next.hash), 'the hint after the silence');
    stream.stop();
    await devnet.builder.buildBlock();
  });

  it('stays blind and keeps retrying against an endpoint that answers errors instead of an event stream', async () => {
    const { stream, blind } = collect(relay.apiUrl);
    stream.start();
    await until(() => stream.stats.failedConnects >= 3, 'three refused connections');
    expect(stream.blind).toBe(true);
    expect(blind).toEqual([]);
    stream.stop();
  });
});
