import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Devnet } from '../../src/devnet/devnet.ts';
import { Store } from '../../src/monitor/store.ts';
import type { SearcherApp } from '../../src/searcher.ts';
import { startTestBot } from '../helpers/bot.ts';
import { runSourceCli } from '../helpers/cli.ts';
import { startTestDevnet } from '../helpers/devnet.ts';

let devnet: Devnet;
let app: SearcherApp | undefined;
beforeAll(async () => {
  devnet = await startTestDevnet();
});
afterAll(async () => {
  await app?.stop();
  await devnet?.stop();
});

const dir = mkdtempSync(join(tmpdir(), 'halt-ack-'));

describe('searcher halt tells whether a bot heard it', () => {
  it('a running bot acknowledges the halt (pid and how fast); once it has stopped, halt warns that no bot uses the store', async () => {
    const bot = await startTestBot(devnet);
    app = bot.app;
    const halted = await runSourceCli('halt', ['--db', bot.dbFile, '--reason', 'incident: ack test']);
    expect(halted.code, halted.stderr).toBe(0);
    const ack = /acknowledged by the bot \(pid (\d+)[^)]*\) (\d+) ms after the halt was written/.exec(halted.stdout);
    expect(ack, halted.stdout).not.toBeNull();
    expect(Number(ack![1])).toBe(process.pid);
    expect(halted.stderr).not.toMatch(/no bot/);
    expect(app.risk.gate.halted?.reason).toBe('incident: ack test');
    // the bot can no longer send
    expect(app.risk.gate.status().ok).toBe(false);

    const resumed = await runSourceCli('resume', ['--db', bot.dbFile]);
    expect(resumed.code, resumed.stderr).toBe(0);
    for (let waited = 0; app.risk.gate.halted && waited < 10_000; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(app.risk.gate.halted).toBeUndefined();

    await app.stop();
    app = undefined;
    const afterStop = await runSourceCli('halt', ['--db', bot.dbFile, '--reason', 'bot is gone']);
    expect(afterStop.code, afterStop.stderr).toBe(0);
    expect(afterStop.stdout).not.toMatch(/acknowledged/);
    expect(afterStop.stderr).toMatch(/no bot has used this store in the last 10 s/);
  }, 120_000);

  it('with no bot ever on the store, halt still latches and warns that no bot has used it', async () => {
    const db = join(dir, 'idle.db');
    Store.open(db).close();
    const halted = await runSourceCli('halt', ['--db', db, '--reason', 'nobody home']);
    expect(halted.code, halted.stderr).toBe(0);
    expect(halted.stdout).toMatch(/^halted: nobody home/);
    expect(halted.stdout).not.toMatch(/acknowledged/);
    expect(halted.stderr).toMatch(/^searcher halt: warning: no bot has used this store in the last 10 s/m);
    const store = Store.open(db);
    expect(JSON.parse(store.riskValue('halt')!)).toMatchObject({ reason: 'nobody home' });
    store.close();
  });
});
