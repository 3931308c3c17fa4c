import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mainnet } from '../../src/chain/addresses.ts';
import type { Devnet } from '../../src/devnet/devnet.ts';
import { Store, StoreError } from '../../src/monitor/store.ts';
import { parseRiskConfig } from '../../src/risk/config.ts';
import { readHaltLatch } from '../../src/risk/latch.ts';
import { openRiskGate } from '../../src/risk/persistence.ts';
import type { SearcherApp } from '../../src/searcher.ts';
import { startTestBot } from '../helpers/bot.ts';
import { startTestDevnet } from '../helpers/devnet.ts';

const dir = mkdtempSync(join(tmpdir(), 'latch-failure-'));
const proposal = { targetBlock: 2n, gasLimit: 200_000n, maxGasCostWei: 1_000n, pools: [], startToken: mainnet.weth, amountIn: 1n, flash: false };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A real store whose latch writes fail the way a full disk makes SQLite fail. */
function diskFull(store: Store): () => void {
  store.setRiskValue = () => {
    throw new StoreError('STORE', 'cannot record a risk value: database or disk is full');
  };
  return () => {
    delete (store as Partial<Store>).setRiskValue; // back to the prototype's real write
  };
}

describe('a halt whose latch cannot be written fails closed', () => {
  let devnet: Devnet | undefined;
  let app: SearcherApp | undefined;
  beforeAll(async () => {
    devnet = await startTestDevnet();
  });
  afterEach(async () => {
    await app?.stop();
    app = undefined;
    delete process.env.SEARCHER_RISK_TOKEN;
  });
  afterAll(async () => {
    await devnet?.stop();
  });

  it('HTTP halt on a bot whose store throws on write: 5xx (never 200), the bot stays halted and refuses to send; the latch is written once the store heals', async () => {
    process.env.SEARCHER_RISK_TOKEN = 'latch-failure-test-token-0123456789';
    ({ app } = await startTestBot(devnet!, {}, { dashboard: true }));
    expect(app.risk.gate.check(proposal)).toMatchObject({ ok: true });
    const heal = diskFull(app.store);
    const response = await fetch(`${app.dashboardUrl}/api/halt`, {
      method: 'POST',
      headers: { authorization: `Bearer ${process.env.SEARCHER_RISK_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ reason: 'disk full drill' }),
    });
    const body = (await response.json()) as Record<string, unknown>;
    expect(response.status).toBeGreaterThanOrEqual(500);
    expect(body).toMatchObject({ halted: true, persisted: false });
    expect(String(body.error)).toMatch(/disk is full/);
    // Several poll rounds later (the store reads fine, it has no latch): still halted, still refusing.
    await sleep(4 * app.risk.gate.config.killSwitch.pollMs);
    expect(app.risk.gate.halted?.reason).toBe('disk full drill');
    expect(app.risk.gate.check(proposal)).toMatchObject({ ok: false, breaker: 'killSwitch' });
    expect(readHaltLatch(app.store)).toBeUndefined();

    heal();
    await sleep(4 * app.risk.gate.config.killSwitch.pollMs);
    expect(readHaltLatch(app.store)).toMatchObject({ reason: 'disk full drill' });
    expect(app.risk.gate.halted?.reason).toBe('disk full drill');
  }, 120_000);

  it('a real locked SQLite file (another connection holds an exclusive lock): the halt holds in memory, polls do not resume it, the latch lands when the lock goes', async () => {
    const file = join(dir, 'locked.db');
    const store = Store.open(file);
    // Give up on a lock after 50 ms rather than the store's 5 s: the failure is the same, the test quicker.
    store.db.pragma('busy_timeout = 50');
    const risk = openRiskGate({ store, config: parseRiskConfig(), timer: false });
    risk.gate.setEquity(10n ** 18n);
    risk.gate.onHead({ number: 1n });
    expect(risk.gate.check(proposal)).toEqual({ ok: true });

    const other = new Database(file);
    other.pragma('busy_timeout = 0');
    other.exec('BEGIN EXCLUSIVE');
    other.prepare("INSERT INTO breaker_events (instance, at, breaker, kind, reason) VALUES ('lock-holder', 0, 'test', 'trip', 'lock holder')").run();
    try {
      expect(risk.gate.halt('operator halt during a lock', 'test')).toBe(true);
      risk.poll();
      risk.poll();
      expect(risk.gate.halted?.reason).toBe('operator halt during a lock');
      expect(risk.gate.check(proposal)).toMatchObject({ ok: false, breaker: 'killSwitch' });
      expect(readHaltLatch(store)).toBeUndefined(); // the write really did not land
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    risk.poll();
    expect(readHaltLatch(store)).toMatchObject({ reason: 'operator halt during a lock' });
    expect(risk.gate.halted?.reason).toBe('operator halt during a lock');
    risk.close();
    store.close();
  }, 60_000);
});
