import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WsConnection } from '../../src/chain/wsConnection.ts';
import type { Devnet } from '../../src/devnet/devnet.ts';
import { routerAddress } from '../../src/devnet/traffic/calldata.ts';
import type { SentSwap } from '../../src/devnet/traffic/sender.ts';
import { createLogger } from '../../src/log.ts';
import { mainnetRouters } from '../../src/mempool/decode.ts';
import { MempoolWatcher, type PendingSwaps } from '../../src/mempool/watcher.ts';
import { startTestDevnet } from '../helpers/devnet.ts';
import { TcpProxy } from '../helpers/tcpProxy.ts';

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
  const watcher = new MempoolWatcher({ connection, decoder: { routers: mainnetRouters }, logger: createLogger('test') });
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
