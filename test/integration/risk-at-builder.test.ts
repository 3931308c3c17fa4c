import { afterEach, describe, expect, it } from 'vitest';
import type { Devnet } from '../../src/devnet/devnet.ts';
import type { SearcherApp } from '../../src/searcher.ts';
import { startTestBot, stepBlock } from '../helpers/bot.ts';
import { runCli } from '../helpers/cli.ts';
import { startTestDevnet } from '../helpers/devnet.ts';

let devnet: Devnet | undefined;
let app: SearcherApp | undefined;
afterEach(async () => {
  await app?.stop();
  await devnet?.stop();
  app = undefined;
  devnet = undefined;
});

async function until(condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Steps blocks until the bot has bundles outstanding at the builder for the coming block (not yet sealed). */
async function untilOutstanding(running: { devnet: Devnet; app: SearcherApp }): Promise<number> {
  for (let block = 0; block < 10; block++) {
    const before = running.devnet.builder.counts.bundles;
    const head = await running.devnet.client.getBlockNumber({ cacheTime: 0 });
    while (running.devnet.traffic!.handledHead < head) await new Promise((resolve) => setTimeout(resolve, 10));
    const sent = await new Promise<boolean>((resolve) => {
      const deadline = Date.now() + 1_500;
      const poll = () => (running.devnet.builder.counts.bundles > before ? resolve(true) : Date.now() > deadline ? resolve(false) : setTimeout(poll, 10));
      poll();
    });
    if (sent) return running.devnet.builder.counts.bundles;
    await stepBlock(running.devnet, running.app);
  }
  throw new Error('the bot sent nothing in 10 blocks');
}

describe('risk gate, asserted at the builder', () => {
  it('a gas cap below any bundle: the bot still finds and simulates candidates, but no bundle reaches the builder', async () => {
    devnet = await startTestDevnet({ traffic: true });
    ({ app } = await startTestBot(devnet, { risk: { gas: { maxGasPerBundle: '50000' } } }));
    for (let block = 0; block < 5; block++) await stepBlock(devnet, app);
    expect(app.engine.stats.candidates).toBeGreaterThan(0);
    expect(devnet.builder.counts.bundles).toBe(0);
    const refused = app.store.recentOpportunities(1_000).filter((opportunity) => /^risk gas: /.test(opportunity.reason));
    expect(refused.length).toBeGreaterThan(0);
    expect(app.risk.gate.status().counters.refused.gas).toBe(refused.length);
  }, 120_000);

  it('`searcher halt` in another process stops new bundles at once and cancels outstanding ones; `searcher resume` lets them flow again', async () => {
    devnet = await startTestDevnet({ traffic: true });
    const bot = await startTestBot(devnet);
    app = bot.app;
    await untilOutstanding({ devnet, app });
    const cancelledBefore = devnet.builder.counts.cancelled;
    const halted = await runCli(['halt', '--db', bot.dbFile, '--reason', 'test: stop now']);
    expect(halted.code, halted.stderr).toBe(0);
    await until(() => devnet!.builder.counts.cancelled > cancelledBefore, 'the outstanding bundles to be cancelled at the builder');
    const report = await devnet.builder.buildBlock();
    expect(report.included).toEqual([]);
    expect(report.excluded.length).toBeGreaterThan(0);
    for (const entry of report.excluded) expect(entry.reason).toBe('cancelled');

    // Halted: blocks of traffic go by and nothing reaches the builder.
    const received = devnet.builder.counts.bundles;
    const candidates = app.engine.stats.candidates;
    for (let block = 0; block < 4; block++) await stepBlock(devnet, app);
    expect(app.engine.stats.candidates).toBeGreaterThan(candidates);
    expect(devnet.builder.counts.bundles).toBe(received);
    expect(app.risk.gate.halted?.reason).toBe('test: stop now');

    const resumed = await runCli(['resume', '--db', bot.dbFile]);
    expect(resumed.code, resumed.stderr).toBe(0);
    await until(() => app!.risk.gate.halted === undefined, 'the bot to see the resume');
    await untilOutstanding({ devnet, app });
    expect(devnet.builder.counts.bundles).toBeGreaterThan(received);
  }, 180_000);

  it('the HTTP kill switch refuses a missing or wrong token; with the token it halts and cancels what is outstanding', async () => {
    process.env.SEARCHER_RISK_TOKEN = 'a-test-token-of-32-characters-00';
    try {
      devnet = await startTestDevnet({ traffic: true });
      ({ app } = await startTestBot(devnet, {}, { dashboard: true }));
      await untilOutstanding({ devnet, app });
      const url = `${app.dashboardUrl}/api/halt`;
      const body = JSON.stringify({ reason: 'operator pressed halt' });
      const anonymous = await fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
      expect(anonymous.status).toBe(401);
      const wrong = await fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json', authorization: 'Bearer not-the-token-not-the-token-xx' } });
      expect(wrong.status).toBe(401);
      expect(app.risk.gate.halted).toBeUndefined();
      expect(devnet.builder.counts.cancelled).toBe(0);

      const right = await fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json', authorization: `Bearer ${process.env.SEARCHER_RISK_TOKEN}` } });
      expect(right.status).toBe(200);
      expect(app.risk.gate.halted?.reason).toBe('operator pressed halt');
      await until(() => devnet!.builder.counts.cancelled > 0, 'the outstanding bundles to be cancelled at the builder');
      const report = await devnet.builder.buildBlock();
      expect(report.included).toEqual([]);
    } finally {
      delete process.env.SEARCHER_RISK_TOKEN;
    }
  }, 120_000);
});
