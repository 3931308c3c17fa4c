import { pino } from 'pino';
import { keccak256, toHex } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MalformedInputs } from '../../src/chain/malformedInputs.ts';
import { WsConnection } from '../../src/chain/wsConnection.ts';
import type { Devnet } from '../../src/devnet/devnet.ts';
import { routerAddress } from '../../src/devnet/traffic/calldata.ts';
import type { SentSwap } from '../../src/devnet/traffic/sender.ts';
import { createLogger } from '../../src/log.ts';
import { mainnetRouters } from '../../src/mempool/decode.ts';
import { MempoolWatcher, type Head, type PendingSwaps } from '../../src/mempool/watcher.ts';
import { Metrics } from '../../src/monitor/metrics.ts';
import { startTestDevnet } from '../helpers/devnet.ts';
import { TcpProxy } from '../helpers/tcpProxy.ts';
import { WsRelay } from '../helpers/wsRelay.ts';

let devnet: Devnet;
const sent: SentSwap[] = [];

beforeAll(async () => {
  devnet = await startTestDevnet({ traffic: true, onSwapSent: (swap) => sent.push(swap) });
});
afterAll(async () => {
  await devnet?.stop();
});

async function mineBlocks(count: number) {
  for (let i = 0; i < count; i++) {
    const head = await devnet.client.getBlockNumber({ cacheTime: 0 });
    while (devnet.traffic!.handledHead < head) await new Promise((resolve) => setTimeout(resolve, 10));
    await new Promise((resolve) => setTimeout(resolve, 150));
    await devnet.client.mine({ blocks: 1 });
  }
}

function watch(url: string, options: Partial<ConstructorParameters<typeof WsConnection>[0]> = {}) {
  const connection = new WsConnection({ url, logger: createLogger('test'), pingIntervalMs: 250, deadAfterMs: 1000, ...options });
  const watcher = new MempoolWatcher({ connection, decoder: { routers: mainnetRouters }, logger: options.logger ?? createLogger('test') });
  const seen = new Map<string, PendingSwaps>();
  const blindEvents: Array<{ blind: boolean; at: number }> = [];
  watcher.on('swaps', (event: PendingSwaps) => seen.set(event.tx.hash, event));
  watcher.on('blind', (blind: boolean) => blindEvents.push({ blind, at: performance.now() }));
  return { connection, watcher, seen, blindEvents };
}

describe('mempool watcher on the devnet', () => {
  it('decodes every router swap the traffic sends, as the generator built it', async () => {
    const { connection, watcher, seen } = watch(devnet.manifest.wsUrl);
    await watcher.start();
    const from = sent.length;
    await mineBlocks(6);
    const ours = sent.slice(from);
    expect(ours.length).toBeGreaterThan(8);
    const routers = new Set<string>();
    for (const swap of ours) {
      const event = seen.get(swap.hash);
      expect(event, `${swap.order.router} ${swap.hash}`).toBeDefined();
      const [intent] = event!.swaps;
      const first = swap.order.hops[0]!;
      const last = swap.order.hops.at(-1)!;
      expect(intent).toMatchObject({
        router: routerAddress[swap.order.router].toLowerCase(),
        kind: 'exactIn',
        tokenIn: first.tokenIn.address.toLowerCase(),
        tokenOut: last.tokenOut.address.toLowerCase(),
        amountIn: swap.amountIn,
        amountOut: swap.minAmountOut,
        recipient: devnet.manifest.accounts.traders[swap.order.trader]!.address.toLowerCase(),
      });
      // Both stamps are set (a monotonic clock makes decoded >= first seen true by construction; not asserted).
      expect(Number.isFinite(event!.firstSeenMs) && Number.isFinite(event!.decodedMs)).toBe(true);
      routers.add(swap.order.router);
    }
    expect(routers.size).toBeGreaterThanOrEqual(4);
    watcher.stop();
    connection.close();
  }, 60_000);

  it('notices a silent socket, turns blind, reconnects, backfills, and misses no swap', async () => {
    const proxy = new TcpProxy(Number(new URL(devnet.manifest.rpcUrl).port));
    await proxy.start();
    const { connection, watcher, seen, blindEvents } = watch(`ws://127.0.0.1:${proxy.port}`);
    await watcher.start();
    const from = sent.length;
    await mineBlocks(2);

    proxy.blackhole(); // bytes stop; the TCP connection stays up, so only the heartbeat can tell
    const cut = performance.now();
    // One more block: the generator then sends the next block's swaps while the watcher hears nothing, and
    // they stay pending (no block is mined until the watcher is back).
    const sentBeforeOutage = sent.length;
    await mineBlocks(1);
    const head = await devnet.client.getBlockNumber({ cacheTime: 0 });
    while (devnet.traffic!.handledHead < head) await new Promise((resolve) => setTimeout(resolve, 10));
    while (!blindEvents.some((event) => event.blind)) await new Promise((resolve) => setTimeout(resolve, 20));
    const sentDuringOutage = sent.slice(sentBeforeOutage).filter((swap) => swap.block === head + 1n);
    expect(sentDuringOutage.length).toBeGreaterThan(0);
    const noticedAfterMs = blindEvents.find((event) => event.blind)!.at - cut;
    proxy.restore();
    while (watcher.blind) await new Promise((resolve) => setTimeout(resolve, 20));
    const missedWhileBlind = sentDuringOutage.filter((swap) => !seen.has(swap.hash));
    const afterReconnect = sent.length;
    await mineBlocks(3);

    console.log(`watcher: silent socket noticed after ${Math.round(noticedAfterMs)} ms; ${watcher.stats.backfilled} transactions backfilled`);
    expect(connection.stats.deadSockets).toBeGreaterThanOrEqual(1);
    expect(connection.stats.connects).toBeGreaterThanOrEqual(2);
    // How fast the heartbeat noticed is printed above, not asserted (no wall-clock bounds in tests); that it was the
    // heartbeat (a dead socket, not a close) is asserted above.
    expect(watcher.stats.backfilled).toBeGreaterThan(0);
    // what was sent during the outage and is still pending came back through the backfill; nothing sent after
    // the reconnect is missed (swaps mined during the outage were never pending for us to see)
    expect(missedWhileBlind.map((swap) => swap.hash)).toEqual([]);
    expect(sent.length).toBeGreaterThan(afterReconnect);
    expect(sent.slice(afterReconnect).filter((swap) => !seen.has(swap.hash)).map((swap) => swap.hash)).toEqual([]);
    expect(sentBeforeOutage).toBeGreaterThan(from);
    expect(sent.slice(from, sentBeforeOutage).filter((swap) => !seen.has(swap.hash)).map((swap) => swap.hash)).toEqual([]);
    watcher.stop();
    connection.close();
    await proxy.stop();
  }, 60_000);

  it('reconnects at once when the server side closes the socket', async () => {
    const proxy = new TcpProxy(Number(new URL(devnet.manifest.rpcUrl).port));
    await proxy.start();
    const { connection, watcher, seen } = watch(`ws://127.0.0.1:${proxy.port}`);
    await watcher.start();
    const from = sent.length;
    proxy.sever();
    while (connection.stats.connects < 2 || watcher.blind) await new Promise((resolve) => setTimeout(resolve, 20));
    await mineBlocks(3);
    expect(connection.stats.disconnects).toBeGreaterThanOrEqual(1);
    expect(sent.length).toBeGreaterThan(from);
    expect(sent.slice(from).filter((swap) => !seen.has(swap.hash)).map((swap) => swap.hash)).toEqual([]);
    watcher.stop();
    connection.close();
    await proxy.stop();
  }, 60_000);
});

/** A distinct, well-formed transaction hash for an injected notification. */
const fakeHash = (n: number) => keccak256(toHex(`garbage ${n}`));

describe('garbage from the node', () => {
  it('counts and warns once per kind for null, non-JSON, ill-typed heads and transactions and a 100 MB frame, and keeps processing good messages', async () => {
    const relay = new WsRelay(devnet.manifest.wsUrl);
    await relay.start();
    const lines: Array<{ level: number; kind?: string; msg: string }> = [];
    const logger = pino({ level: 'warn', base: undefined }, { write: (line: string) => void lines.push(JSON.parse(line)) });
    const malformed = new MalformedInputs({ logger, source: 'node', warnEveryMs: 600_000 });
    const { connection, watcher, seen } = watch(relay.url, { logger, malformed });
    const heads: Head[] = [];
    watcher.on('head', (head: Head) => heads.push(head));
    await mineBlocks(2);
    // A swap mined before the watcher starts: its real signed body, presented as pending, is a good message.
    const minedHead = await devnet.client.getBlockNumber({ cacheTime: 0 });
    const minedSwap = sent.find((swap) => swap.block <= minedHead);
    expect(minedSwap).toBeDefined();
    const body = (await devnet.client.request({ method: 'eth_getTransactionByHash' as never, params: [minedSwap!.hash] as never })) as { hash: string; blockNumber: string | null };
    expect(body.hash).toBe(minedSwap!.hash);
    expect(body.blockNumber).not.toBeNull();
    await watcher.start();
    while (!relay.subscription('newHeads') || !relay.subscription('newPendingTransactions')) await new Promise((resolve) => setTimeout(resolve, 10));

    const [h1, h2] = [fakeHash(1), fakeHash(2)];
    const address = '0x' + '11'.repeat(20);
    const goodShape = { hash: fakeHash(3), from: address, to: address, value: '0x0', input: '0x', nonce: '0x1', gas: '0x5208', maxFeePerGas: '0x3b9aca00', blockNumber: null };
    for (const text of ['null', 'null', '[1,2]']) relay.send(text);
    for (const text of ['{not json', '\u0000\u0001']) relay.send(text);
    for (let i = 0; i < 2; i++) relay.send(JSON.stringify({ jsonrpc: '2.0', method: 'eth_subscription', params: null }));
    for (const head of [null, {}, { number: '0xzz', hash: h1, parentHash: h2 }, { number: 5, hash: 7, parentHash: null }]) relay.notify('newHeads', head);
    for (const tx of [null, 42, 'hello', { hash: 'nothex' }, { ...goodShape, hash: fakeHash(4), from: 42 }, { ...goodShape, hash: fakeHash(5), value: 'lots' }, { ...goodShape, hash: fakeHash(6), maxFeePerGas: 'abc' }]) {
      relay.notify('newPendingTransactions', tx);
    }
    // Replies of the wrong shape to our own requests: a block body whose transactions are not hashes, a
    // transaction that is not one (asked again once), and a txpool that is not one (after the reconnect below).
    relay.corruptNextReply('eth_getBlockByHash', { transactions: 42 });
    relay.corruptNextReply('eth_getTransactionByHash', { hash: 'nothex' });
    relay.corruptNextReply('txpool_content', 'lots of transactions');
    relay.notify('newPendingTransactions', fakeHash(7)); // a bare hash: the watcher asks the node for its body
    // Then good ones: a real signed swap body (still unseen by this watcher), and the devnet's own traffic.
    relay.notify('newPendingTransactions', { ...body, blockNumber: null, blockHash: null, transactionIndex: null });
    const afterGarbage = sent.length;
    const headsBefore = heads.length;
    await mineBlocks(2);
    expect(seen.has(minedSwap!.hash)).toBe(true);
    expect(sent.length).toBeGreaterThan(afterGarbage);
    expect(sent.slice(afterGarbage).filter((swap) => !seen.has(swap.hash)).map((swap) => swap.hash)).toEqual([]);
    const chainHead = await devnet.client.getBlockNumber({ cacheTime: 0 });
    while (heads.at(-1)?.number !== chainHead) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(heads.length - headsBefore).toBeGreaterThanOrEqual(2);

    // 100 MB in one frame: beyond the cap, the socket is closed without buffering it, and a new one takes over.
    relay.send(Buffer.alloc(100_000_000, 0x61));
    while (connection.stats.connects < 2 || watcher.blind) await new Promise((resolve) => setTimeout(resolve, 20));
    const afterOversized = sent.length;
    await mineBlocks(2);
    expect(sent.length).toBeGreaterThan(afterOversized);
    expect(sent.slice(afterOversized).filter((swap) => !seen.has(swap.hash)).map((swap) => swap.hash)).toEqual([]);
    expect(relay.connections).toBe(2);
    expect(relay.corrupted.sort()).toEqual(['eth_getBlockByHash', 'eth_getTransactionByHash', 'txpool_content']);

    const expected = { 'not-object': 3, 'not-json': 2, 'bad-notification': 2, 'bad-head': 4, 'bad-pending-tx': 7, oversized: 1, 'bad-reply': 3 };
    expect(Object.fromEntries(malformed.totals())).toEqual(expected);
    const metrics = new Metrics();
    metrics.countMalformed(malformed);
    const text = await metrics.text();
    for (const [kind, count] of Object.entries(expected)) expect(text).toContain(`searcher_malformed_input_total{source="node",kind="${kind}"} ${count}`);
    // One warn line per kind, however many of that kind came.
    const warned = lines.filter((line) => line.level === 40 && line.kind !== undefined).map((line) => line.kind);
    expect(warned.sort()).toEqual(Object.keys(expected).sort());
    watcher.stop();
    connection.close();
    await relay.stop();
  }, 90_000);
});

describe('searcher watch', () => {
  it('prints the devnet traffic decoded, one JSON line per swap transaction', async () => {
    const { startCli } = await import('../helpers/cli.ts');
    // ready once "watching" is on stderr: the subscription is up
    const { child, output } = await startCli(['watch', '--ws', devnet.manifest.wsUrl, '--json'], /watching/, 'stderr');
    const from = sent.length;
    await mineBlocks(3);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const lines = output().trim().split('\n').filter(Boolean).map((text) => JSON.parse(text));
    const byHash = new Map(lines.map((entry) => [entry.hash, entry]));
    const expected = sent.slice(from);
    expect(expected.length).toBeGreaterThan(3);
    for (const swap of expected) {
      const entry = byHash.get(swap.hash);
      expect(entry, swap.hash).toBeDefined();
      expect(entry.swaps[0]).toMatchObject({ amountIn: swap.amountIn.toString(), amountOut: swap.minAmountOut.toString() });
      expect(entry.latencyUs).toBeGreaterThanOrEqual(0);
    }
    child.kill('SIGINT');
    expect(await new Promise((resolve) => child.once('exit', resolve))).toBe(0);
  }, 60_000);

  it('refuses a URL that is not a websocket', async () => {
    const { runCli } = await import('../helpers/cli.ts');
    const result = await runCli(['watch', '--ws', 'http://127.0.0.1:1']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--ws must be a ws:\/\/ or wss:\/\/ URL/);
  });
});
