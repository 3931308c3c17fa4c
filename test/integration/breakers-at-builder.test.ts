import { encodeAbiParameters, keccak256, numberToHex, parseAbi, type Address, type Hex } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Devnet } from '../../src/devnet/devnet.ts';
import type { BreakerName, RiskEvent } from '../../src/risk/types.ts';
import type { SearcherApp } from '../../src/searcher.ts';
import { startTestBot, stepBlock } from '../helpers/bot.ts';
import { signVictim } from '../helpers/backrun.ts';
import { startTestDevnet } from '../helpers/devnet.ts';
import { TcpProxy } from '../helpers/tcpProxy.ts';

/**
 * Each breaker that stops every send, tripped while the bot runs on a devnet with traffic: while it is tripped no
 * bundle reaches the local builder; once it resets, bundles reach the builder again. Blindness and drift come
 * from the real world (a silenced socket between the bot and its node, pool storage rewritten under the bot),
 * found by the bot's own watcher heartbeat and drift check; only the outcome-fed breakers (failures, loss) are
 * fed their outcomes directly.
 */

const cooldownMs = 1_500;

let devnet: Devnet;
let app: SearcherApp;
/** Between the bot and its node's websocket (pending transactions and heads): silenced on demand. */
let proxy: TcpProxy;
const events: RiskEvent[] = [];

beforeAll(async () => {
  devnet = await startTestDevnet({ traffic: true });
  proxy = new TcpProxy(Number(new URL(devnet.manifest.wsUrl).port));
  await proxy.start();
  const throughProxy = { ...devnet, manifest: { ...devnet.manifest, wsUrl: `ws://127.0.0.1:${proxy.port}` } };
  // Whole V3 bitmaps: the drift below is written into a full-range tick, far outside the default tick window.
  ({ app } = await startTestBot(throughProxy, { risk: { failures: { cooldownMs } }, market: { v3TickWindowPriceFactor: 0 } }));
  app.risk.gate.onEvent((event) => events.push(event));
}, 120_000);

afterAll(async () => {
  await app?.stop();
  await proxy?.stop();
  await devnet?.stop();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

/** Steps blocks until a bundle reaches the builder (at most 10 blocks); returns the builder's count. */
async function untilBundlesFlow(): Promise<number> {
  const before = devnet.builder.counts.bundles;
  for (let block = 0; block < 10; block++) {
    const head = await devnet.client.getBlockNumber({ cacheTime: 0 });
    while (devnet.traffic!.handledHead < head) await sleep(10);
    const deadline = Date.now() + 1_500;
    while (devnet.builder.counts.bundles === before && Date.now() < deadline) await sleep(10);
    if (devnet.builder.counts.bundles > before) return devnet.builder.counts.bundles;
    await stepBlock(devnet, app);
  }
  throw new Error(`no bundle reached the builder in 10 blocks (still ${before})`);
}

/** Every candidate counted so far has been decided, and what was handed to the builders has its answers. */
async function decided(): Promise<void> {
  const { stats } = app.engine;
  await until(() => stats.sendDecisions + stats.rejects >= stats.candidates, 'every candidate to be decided');
  await Promise.all(submitters().map((submitter) => submitter.settled()));
}

/** The main operator's submitter and each extra operator's (every nonce chain the bot sends on). */
const submitters = () => [app.submitter!, ...app.operatorLanes.map((lane) => lane.submitter)];

/**
 * Right after a trip: every candidate counted so far has been decided (those that passed the gate before the
 * trip are handed to the builders), the builders have answered, and the halt's cancelAll has emptied the
 * submitter. From here on, anything reaching the builder went through the tripped gate.
 */
async function drained(): Promise<void> {
  await decided();
  await until(() => submitters().every((submitter) => submitter.outstanding === 0), 'the halt to leave no bundle outstanding on any operator (a bundle still live would be re-sent on the next head)');
}

/** Tripped: blocks of traffic go by, candidates are found, and the builder receives nothing. */
async function assertNothingReachesTheBuilder(breaker: BreakerName, blocks = 3): Promise<void> {
  expect(app.risk.gate.status().ok).toBe(false);
  await drained();
  const bundles = devnet.builder.counts.bundles;
  const candidates = app.engine.stats.candidates;
  const refused = app.risk.gate.status().counters.refused[breaker] ?? 0;
  for (let block = 0; block < blocks; block++) await stepBlock(devnet, app);
  expect(app.engine.stats.candidates).toBeGreaterThan(candidates);
  expect(devnet.builder.counts.bundles).toBe(bundles);
  const status = app.risk.gate.status();
  // Still tripped at the end of the window, so the count above was taken under it.
  expect(status.ok, `${breaker} reset before the blocks were stepped: the window proves nothing`).toBe(false);
  expect(status.counters.refused[breaker] ?? 0).toBeGreaterThan(refused); // the gate refused them, for this breaker
}

/** Seals a block with the traffic for it sent, without waiting for the bot (it may not hear the head). */
async function sealWithTraffic(): Promise<void> {
  const head = await devnet.client.getBlockNumber({ cacheTime: 0 });
  while (devnet.traffic!.handledHead < head) await sleep(10);
  await devnet.builder.buildBlock();
}

/** Seals a block while the traffic is off and waits until the bot has applied it; returns its number. */
async function sealQuiet(): Promise<bigint> {
  await devnet.builder.buildBlock();
  const sealed = await devnet.client.getBlockNumber({ cacheTime: 0 });
  await until(() => app.engine.headNumber >= sealed, 'the bot to apply the sealed block');
  await decided();
  await app.ledger.settled();
  return sealed;
}

/** Nothing pending at the node (our own bundles may still be at the builder: they touch at most a few pools). */
async function quiet(): Promise<boolean> {
  const status = await devnet.client.request({ method: 'txpool_status' as never });
  const { pending, queued } = status as { pending: Hex; queued: Hex };
  return BigInt(pending) === 0n && BigInt(queued) === 0n;
}

/** The tracked pools that emitted a log in this block. */
async function poolsWithLogs(block: bigint): Promise<Set<string>> {
  const pools = new Set(devnet.manifest.pools.map((pool) => pool.address.toLowerCase()));
  const logs = await devnet.client.getLogs({ fromBlock: block, toBlock: block });
  return new Set(logs.map((log) => log.address.toLowerCase()).filter((address) => pools.has(address)));
}

const ticksAbi = parseAbi(['function ticks(int24) view returns (uint128 liquidityGross, int128 liquidityNet, uint256, uint256, int56, uint160, uint32, bool)']);

/**
 * Writes a V3 pool's storage straight into the node, as a change no log reports: the liquidityGross of one of its
 * initialized ticks (the `ticks` mapping, slot 5; liquidityGross is the low 128 bits) one higher. Swaps do not
 * read it (only the next Mint or Burn at that tick would), and a Swap log does not carry it, so the bot's copy
 * stays wrong until its drift check reads the pool. Returns the tick.
 */
async function rewriteTickOf(pool: Address): Promise<number> {
  const read = async (tick: number) => (await devnet.client.readContract({ address: pool, abi: ticksAbi, functionName: 'ticks', args: [tick] }))[0];
  let tick: number | undefined;
  for (const candidate of [-887_220, 887_220, -887_200, 887_200]) if (tick === undefined && (await read(candidate)) > 0n) tick = candidate;
  expect(tick, 'no initialized full-range tick in the pool').toBeDefined();
  const before = await read(tick!);
  const slot = keccak256(encodeAbiParameters([{ type: 'int24' }, { type: 'uint256' }], [tick!, 5n]));
  const word = BigInt((await devnet.client.getStorageAt({ address: pool, slot })) ?? '0x0');
  await devnet.client.setStorageAt({ address: pool, index: slot, value: numberToHex(word + 1n, { size: 32 }) });
  expect(await read(tick!), 'the slot written is the tick\'s liquidityGross').toBe(before + 1n);
  return tick!;
}

const tripsOf = (breaker: BreakerName, kind: RiskEvent['kind']) => events.filter((event) => event.breaker === breaker && event.kind === kind).length;

describe('breakers that stop every send, asserted at the builder', () => {
  it('bundles reach the builder before any breaker trips', async () => {
    expect(app.risk.gate.status().ok).toBe(true);
    expect(await untilBundlesFlow()).toBeGreaterThan(0);
  }, 60_000);

  it('connectivity: a silenced socket to the node turns the watcher blind through its own heartbeat, which stops sends; the socket back lets them through', async () => {
    const gate = app.risk.gate;
    const blindRow = () => gate.status().breakers.find((row) => row.breaker === 'connectivity' && row.limit === 'blind')!;
    expect(blindRow().state).toBe('ok');
    const trips = tripsOf('connectivity', 'trip');
    // The proxy keeps the TCP connection open but stops moving bytes: only the heartbeat can tell.
    proxy.blackhole();
    await until(() => blindRow().state === 'tripped', 'the watcher to notice the silent socket', 20_000);
    expect(tripsOf('connectivity', 'trip')).toBe(trips + 1);
    expect(events.filter((event) => event.breaker === 'connectivity' && event.kind === 'trip').at(-1)?.reason).toMatch(/blind/);
    await drained();
    // Blocks with traffic go by while the bot cannot hear them: nothing reaches the builder, and it stays tripped.
    const bundles = devnet.builder.counts.bundles;
    for (let block = 0; block < 3; block++) await sealWithTraffic();
    expect(devnet.builder.counts.bundles).toBe(bundles);
    expect(blindRow().state).toBe('tripped');
    expect(gate.status().ok).toBe(false);

    const resets = tripsOf('connectivity', 'reset');
    proxy.restore();
    await until(() => blindRow().state === 'ok', 'the watcher to reconnect, backfill and see again', 30_000);
    expect(tripsOf('connectivity', 'reset')).toBe(resets + 1);
    expect(gate.status().ok).toBe(true);
    await untilBundlesFlow();
  }, 90_000);

  it('integrity: pool state rewritten under the bot (anvil_setStorageAt) is found by its own drift check, which stops sends; agreement again lets them through', async () => {
    const gate = app.risk.gate;
    const driftRow = () => gate.status().breakers.find((row) => row.breaker === 'integrity' && row.limit === 'drift')!;
    expect(driftRow().state).toBe('ok');
    const trips = tripsOf('integrity', 'trip');
    // A quiet chain for the block that carries the change: no traffic, nothing pending.
    await devnet.traffic!.stop();
    try {
      for (let flushed = 0; flushed < 10 && !(await quiet()); flushed++) await sealQuiet();
      expect(await quiet(), 'the mempool to empty').toBe(true);
      // One pool's state changes with no log to say so; a small swap through that pool in the same block puts it
      // among the pools the drift check reads first (the changed ones, up to 4; the rest of the sample is random).
      const pool = devnet.manifest.pools.find((candidate) => candidate.dex === 'uniswapV3' && candidate.fee === 3000 && candidate.pair.join('/') === 'WETH/USDC')!.address as Address;
      await rewriteTickOf(pool);
      await signVictim(devnet, { router: 'swapRouter', path: ['WETH', 'USDC'], fees: [3000], amount: 10n ** 17n, trader: 6 });
      const block = await sealQuiet();
      const moved = await poolsWithLogs(block);
      expect(moved.has(pool.toLowerCase())).toBe(true);
      expect(moved.size, 'more than 4 pools moved in the block: the drift sample may leave out the rewritten one').toBeLessThanOrEqual(4);
      await until(() => driftRow().state === 'tripped', "the bot's drift check to find the rewritten state");
      expect(tripsOf('integrity', 'trip')).toBe(trips + 1);
      expect(events.filter((event) => event.breaker === 'integrity' && event.kind === 'trip').at(-1)?.reason).toMatch(/drifted/);
      await drained();
      // While it is tripped a profitable victim arrives, on a quiet chain so its candidate is the only one: the bot
      // finds it, the gate refuses it, the builder gets nothing.
      const bundles = devnet.builder.counts.bundles;
      const candidates = app.engine.stats.candidates;
      const refused = gate.status().counters.refused.integrity ?? 0;
      await signVictim(devnet, { router: 'sushiswapRouter', path: ['WETH', 'USDC'], amount: 8n * 10n ** 18n, trader: 7 });
      await until(() => app.engine.stats.candidates > candidates, 'the bot to find a candidate behind the victim');
      // A block arbitrage candidate from the block just sealed may be counted first (and turned down before the
      // gate as too small): wait for the one the gate refuses for the drift.
      await until(() => (gate.status().counters.refused.integrity ?? 0) > refused, 'the gate to refuse a candidate while the drift holds');
      await decided();
      expect(devnet.builder.counts.bundles).toBe(bundles);
    } finally {
      devnet.traffic!.start(); // the traffic for the next block goes out; the next drift check waits for its seal
    }
    expect(driftRow().state).toBe('tripped');

    // The check repaired the pool from the chain: the next block's check agrees again.
    const resets = tripsOf('integrity', 'reset');
    await stepBlock(devnet, app);
    await until(() => driftRow().state === 'ok', 'the next drift check to agree with the chain');
    expect(driftRow().state).toBe('ok');
    expect(tripsOf('integrity', 'reset')).toBe(resets + 1);
    expect(events.filter((event) => event.breaker === 'integrity' && event.kind === 'reset').at(-1)?.reason).toMatch(/agrees with the chain/);
    expect(gate.status().ok).toBe(true);
    await untilBundlesFlow();
  }, 180_000);

  it('consecutive failures: trips at exactly maxConsecutive, not one before; the cooldown ends it', async () => {
    const gate = app.risk.gate;
    const max = gate.config.failures.maxConsecutive;
    expect(gate.config.failures.cooldownMs).toBe(cooldownMs);
    const failuresRow = () => gate.status().breakers.find((row) => row.breaker === 'failures')!;
    const trips = tripsOf('failures', 'trip');
    // The bot's own bundles resolve too (a profitable inclusion ends a streak, a losing one extends it): start
    // from a streak of zero with a break-even inclusion, then report the failures in one synchronous run.
    gate.onBundleResolved({ id: 'test-break-even', included: true, netWei: 0n, gasPaidWei: 0n, failed: false });
    expect(failuresRow().current).toBe('0');
    for (let failure = 1; failure < max; failure++) {
      gate.onBundleResolved({ id: `test-failure-${failure}`, included: false, netWei: 0n, gasPaidWei: 0n, failed: true });
      expect(failuresRow()).toMatchObject({ state: 'ok', current: String(failure) });
    }
    expect(gate.status().ok).toBe(true);
    gate.onBundleResolved({ id: `test-failure-${max}`, included: false, netWei: 0n, gasPaidWei: 0n, failed: true });
    expect(failuresRow().state).toBe('tripped');
    expect(gate.status().ok).toBe(false);
    expect(tripsOf('failures', 'trip')).toBe(trips + 1);

    // Two blocks fit well inside the 1.5 s cooldown (the helper fails, saying so, if the breaker reset first).
    await assertNothingReachesTheBuilder('failures', 2);
    const resets = tripsOf('failures', 'reset');
    await until(() => gate.status().ok, 'the failures cooldown to elapse');
    expect(tripsOf('failures', 'reset')).toBe(resets + 1);
    expect(events.filter((event) => event.breaker === 'failures' && event.kind === 'reset').at(-1)?.reason).toBe('cooldown elapsed');
    await untilBundlesFlow();
  }, 60_000);

  it('loss cap: a realised loss above the daily cap latches a halt; a resume lets bundles through', async () => {
    const gate = app.risk.gate;
    const equity = BigInt(gate.snapshot().loss.equityWei ?? '0');
    expect(equity).toBeGreaterThan(0n);
    const dailyCap = (equity * BigInt(gate.config.loss.maxDailyLossBps)) / 10_000n;
    const gasPaidWei = 10n ** 15n;
    gate.onBundleResolved({ id: 'test-big-loss', included: true, netWei: -(dailyCap + 1n), gasPaidWei, failed: false });
    expect(gate.halted).toMatchObject({ breaker: 'loss', by: 'risk' });
    expect(gate.halted?.reason).toMatch(/^realised loss \d+ wei in the last (hour|day) reached the cap/);

    await assertNothingReachesTheBuilder('loss');
    expect(gate.halted?.breaker).toBe('loss'); // a latch: blocks and equity refreshes do not clear it
    expect(gate.resume('test')).toBe(true);
    expect(gate.halted).toBeUndefined();
    expect(gate.status().ok).toBe(true);
    await untilBundlesFlow();
  }, 60_000);
});
