import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Devnet } from '../../src/devnet/devnet.ts';
import type { BreakerName, RiskEvent } from '../../src/risk/types.ts';
import type { SearcherApp } from '../../src/searcher.ts';
import { startTestBot, stepBlock } from '../helpers/bot.ts';
import { startTestDevnet } from '../helpers/devnet.ts';

/**
 * Each breaker that stops every send, tripped through the gate's own inputs while the bot runs on a devnet with
 * traffic: while it is tripped the engine keeps finding candidates but no bundle reaches the local builder;
 * once it resets, bundles reach the builder again.
 */

const cooldownMs = 1_500;

let devnet: Devnet;
let app: SearcherApp;
const events: RiskEvent[] = [];

beforeAll(async () => {
  devnet = await startTestDevnet({ traffic: true });
  ({ app } = await startTestBot(devnet, { risk: { failures: { cooldownMs } } }));
  app.risk.gate.onEvent((event) => events.push(event));
}, 120_000);

afterAll(async () => {
  await app?.stop();
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

/**
 * Right after a trip: every candidate counted so far has been decided (those that passed the gate before the
 * trip are handed to the builders), the builders have answered, and the halt's cancelAll has emptied the
 * submitter. From here on, anything reaching the builder went through the tripped gate.
 */
async function drained(): Promise<void> {
  const { stats } = app.engine;
  await until(() => stats.sendDecisions + stats.rejects >= stats.candidates, 'every candidate to be decided');
  await app.submitter!.settled();
  await until(() => app.submitter!.outstanding === 0, 'the halt to leave no bundle outstanding (a bundle still live would be re-sent on the next head)');
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

const tripsOf = (breaker: BreakerName, kind: RiskEvent['kind']) => events.filter((event) => event.breaker === breaker && event.kind === kind).length;

describe('breakers that stop every send, asserted at the builder', () => {
  it('bundles reach the builder before any breaker trips', async () => {
    expect(app.risk.gate.status().ok).toBe(true);
    expect(await untilBundlesFlow()).toBeGreaterThan(0);
  }, 60_000);

  it('connectivity: the mempool watcher going blind stops sends; seeing again lets them through', async () => {
    const gate = app.risk.gate;
    gate.onBlind(true);
    expect(gate.status().breakers.find((row) => row.breaker === 'connectivity' && row.limit === 'blind')?.state).toBe('tripped');
    await assertNothingReachesTheBuilder('connectivity');
    gate.onBlind(false);
    expect(gate.status().ok).toBe(true);
    await untilBundlesFlow();
  }, 60_000);

  it('integrity: a state drift stops sends; agreement again lets them through', async () => {
    const gate = app.risk.gate;
    gate.onDrift(true);
    expect(gate.status().breakers.find((row) => row.breaker === 'integrity' && row.limit === 'drift')?.state).toBe('tripped');
    await assertNothingReachesTheBuilder('integrity');
    gate.onDrift(false);
    expect(gate.status().ok).toBe(true);
    await untilBundlesFlow();
  }, 60_000);

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
