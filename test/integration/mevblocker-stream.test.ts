import { readFileSync } from 'node:fs';
import { parseTransaction } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Devnet } from '../../src/devnet/devnet.ts';
import { defaultScenarioPath, parseScenario } from '../../src/devnet/scenario/load.ts';
import { routerAddress } from '../../src/devnet/traffic/calldata.ts';
import type { SentSwap } from '../../src/devnet/traffic/sender.ts';
import { createLogger } from '../../src/log.ts';
import { mainnetRouters } from '../../src/mempool/decode.ts';
import { MevBlockerStream } from '../../src/mempool/mevBlockerStream.ts';
import type { PendingSwaps } from '../../src/mempool/watcher.ts';
import { signVictim } from '../helpers/backrun.ts';
import { startTestDevnet } from '../helpers/devnet.ts';
import { TcpProxy } from '../helpers/tcpProxy.ts';
import { WsRelay } from '../helpers/wsRelay.ts';

// Every user swap goes through the MEV Blocker relay.
const scenario = parseScenario({ ...JSON.parse(readFileSync(defaultScenarioPath(), 'utf8')), privateFlow: { mevBlockerShare: 1, mevShareShare: 0, hints: [] } });
const topic = 'mevblocker_partialPendingTransactions';

let devnet: Devnet;
const sent: SentSwap[] = [];
/** Traders the traffic does not use, for the swaps the tests send themselves (their nonces stay ours). */
let trader = 0;

beforeAll(async () => {
  devnet = await startTestDevnet({ scenario, traffic: true, onSwapSent: (swap) => sent.push(swap) });
  trader = devnet.manifest.accounts.traders.length - 1;
});
afterAll(async () => {
  await devnet?.stop();
});

async function until(condition: () => boolean, what: string, ms = 15_000): Promise<void> {
  const deadline = performance.now() + ms;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function collect(url: string) {
  const stream = new MevBlockerStream({ url, logger: createLogger('test'), decoder: { routers: mainnetRouters }, chainId: devnet.manifest.chainId, silenceMs: 1_000, backoffBaseMs: 50, backoffMaxMs: 300 });
  const seen = new Map<string, PendingSwaps>();
  const events: PendingSwaps[] = [];
  const blind: boolean[] = [];
  stream.on('swaps', (event: PendingSwaps) => {
    events.push(event);
    seen.set(event.tx.hash, event);
  });
  stream.on('blind', (value: boolean) => blind.push(value));
  return { stream, seen, events, blind };
}

/** A swap of our own handed to the relay (never to anvil). */
async function privateSwap() {
  const victim = await signVictim(devnet, { router: 'sushiswapRouter', path: ['WETH', 'USDC'], amount: 10n ** 18n, trader: trader-- }, false);
  await devnet.mevBlocker.submit(victim.raw);
  return victim;
}

describe('MEV Blocker stream collector on the devnet relay', () => {
  it('decodes every private swap the traffic sends through the relay, as the generator built it, with source mevBlocker and no signature', async () => {
    const { stream, seen, blind } = collect(devnet.manifest.mevBlocker.wsUrl);
    expect(stream.blind).toBe(true);
    await stream.start();
    expect(stream.blind).toBe(false);
    expect(blind).toEqual([false]);
    const from = sent.length;
    for (let block = 0; block < 4; block++) {
      const head = await devnet.client.getBlockNumber({ cacheTime: 0 });
      while (devnet.traffic!.handledHead < head) await new Promise((resolve) => setTimeout(resolve, 10));
      await devnet.builder.buildBlock();
    }
    await devnet.traffic!.stop();
    // Whatever the traffic sent on the last head lands now: the later tests' own swaps start from settled nonces.
    await devnet.builder.buildBlock();
    const ours = sent.slice(from);
    expect(ours.length).toBeGreaterThan(4);
    expect(ours.every((swap) => swap.route === 'mevBlocker')).toBe(true);
    await until(() => ours.every((swap) => seen.has(swap.hash)), 'every private swap');
    for (const swap of ours) {
      const event = seen.get(swap.hash)!;
      expect(event.source).toBe('mevBlocker');
      expect(event.tx.signed).toBeUndefined();
      expect(event.tx.from).toBe(devnet.manifest.accounts.traders[swap.order.trader]!.address.toLowerCase());
      const first = swap.order.hops[0]!;
      const last = swap.order.hops.at(-1)!;
      expect(event.swaps[0]).toMatchObject({
        router: routerAddress[swap.order.router].toLowerCase(),
        kind: 'exactIn',
        tokenIn: first.tokenIn.address.toLowerCase(),
        tokenOut: last.tokenOut.address.toLowerCase(),
        amountIn: swap.amountIn,
        amountOut: swap.minAmountOut,
        recipient: devnet.manifest.accounts.traders[swap.order.trader]!.address.toLowerCase(),
      });
    }
    expect(stream.stats.swaps).toBe(ours.length);
    // The nonce, gas and fees are the signed transaction's (what a backrun bundle is built against).
    expect(stream.malformed.totals().size).toBe(0);
    stream.stop();
  }, 60_000);

  it('counts garbage notifications (and frames) by kind, ignores a repeat, and keeps delivering the next good transaction', async () => {
    const relay = new WsRelay(devnet.manifest.mevBlocker.wsUrl);
    await relay.start();
    const { stream, seen, events } = collect(relay.url);
    try {
      await stream.start();
      const good = await privateSwap();
      await until(() => seen.has(good.hash), 'the first good transaction');
      const signed = parseTransaction(good.raw);
      const partial = { hash: good.hash, from: good.pending.tx.from, to: signed.to, value: `0x${signed.value!.toString(16)}`, data: signed.data, nonce: `0x${signed.nonce!.toString(16)}`, gas: `0x${signed.gas!.toString(16)}`, maxFeePerGas: `0x${signed.maxFeePerGas!.toString(16)}`, maxPriorityFeePerGas: `0x1`, chainId: `0x${devnet.manifest.chainId.toString(16)}`, type: '0x2' };
      relay.send('{"jsonrpc":"2.0","method":"eth_subscription","params":');
      relay.notify(topic, { ...partial, hash: '0xnothex' });
      relay.notify(topic, { ...partial, hash: `0x${'12'.repeat(32)}`, nonce: 7 });
      relay.notify(topic, { ...partial, hash: `0x${'13'.repeat(32)}`, gas: undefined });
      relay.notify(topic, { ...partial, hash: `0x${'14'.repeat(32)}`, chainId: '0x1' });
      relay.notify(topic, partial); // the same transaction again
      const next = await privateSwap();
      await until(() => seen.has(next.hash), 'the good transaction after the garbage');
      expect(Object.fromEntries(stream.malformed.totals())).toEqual({ 'not-json': 1, 'bad-pending-tx': 4 });
      expect(stream.malformed.source).toBe('mevBlocker');
      expect(stream.stats.duplicates).toBe(1);
      expect(events.map((event) => event.tx.hash)).toEqual([good.hash, next.hash]);
      const event = seen.get(next.hash)!;
      const nextSigned = parseTransaction(next.raw);
      expect(event.tx).toMatchObject({ nonce: BigInt(nextSigned.nonce!), gas: nextSigned.gas, maxFeePerGas: nextSigned.maxFeePerGas, maxPriorityFeePerGas: nextSigned.maxPriorityFeePerGas, value: nextSigned.value, input: nextSigned.data });
    } finally {
      stream.stop();
      await relay.stop();
      await devnet.builder.buildBlock();
    }
  });

  it('stays blind (and says why in the log) when the endpoint refuses the subscription: a node that is not MEV Blocker', async () => {
    const lines: string[] = [];
    const logger = createLogger('test');
    const error = logger.error.bind(logger);
    logger.error = ((...args: unknown[]) => {
      lines.push(String(args.find((arg) => typeof arg === 'string')));
      return (error as (...a: unknown[]) => void)(...args);
    }) as typeof logger.error;
    const stream = new MevBlockerStream({ url: devnet.manifest.wsUrl, logger, decoder: { routers: mainnetRouters }, silenceMs: 1_000 });
    const blind: boolean[] = [];
    stream.on('blind', (value: boolean) => blind.push(value));
    try {
      await stream.start();
      expect(stream.connection.connected).toBe(true);
      expect(stream.blind).toBe(true);
      expect(blind).toEqual([]);
      expect(lines.join('\n')).toMatch(/cannot subscribe to mevblocker_partialPendingTransactions/);
    } finally {
      stream.stop();
    }
  });

  it('goes blind when the socket is cut and when it goes silent, resubscribes, and sees the next private transaction each time', async () => {
    const proxy = new TcpProxy(Number(new URL(devnet.manifest.mevBlocker.wsUrl).port));
    await proxy.start();
    const { stream, seen, blind } = collect(`ws://127.0.0.1:${proxy.port}`);
    try {
      await stream.start();
      proxy.sever();
      await until(() => blind.length >= 3 && !stream.blind, 'blind, then subscribed again');
      expect(blind).toEqual([false, true, false]);
      const afterCut = await privateSwap();
      await until(() => seen.has(afterCut.hash), 'the transaction after the cut');

      proxy.blackhole();
      await until(() => stream.blind, 'blind after the silence');
      expect(stream.connection.stats.deadSockets).toBeGreaterThanOrEqual(1);
      proxy.restore();
      await until(() => !stream.blind, 'subscribed again after the silence');
      expect(blind.slice(0, 5)).toEqual([false, true, false, true, false]);
      const afterSilence = await privateSwap();
      await until(() => seen.has(afterSilence.hash), 'the transaction after the silence');
    } finally {
      stream.stop();
      await proxy.stop();
    }
  });
});
