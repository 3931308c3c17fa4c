import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Devnet } from '../../src/devnet/devnet.ts';
import { loadScenario } from '../../src/devnet/scenario/load.ts';
import { Store } from '../../src/monitor/store.ts';
import type { SearcherApp } from '../../src/searcher.ts';
import { startTestBot, stepBlock } from '../helpers/bot.ts';
import { startTestDevnet } from '../helpers/devnet.ts';
import { RpcProxy } from '../helpers/rpcProxy.ts';

let devnet: Devnet;
let proxy: RpcProxy;
let app: SearcherApp | undefined;

beforeAll(async () => {
  devnet = await startTestDevnet({ scenario: loadScenario(resolve('scenarios/poisoned.json')), traffic: true });
  proxy = RpcProxy.for(devnet.manifest.rpcUrl);
  await proxy.start();
}, 120_000);
afterAll(async () => {
  await app?.stop();
  await proxy?.stop();
  await devnet?.stop();
});

describe('the bot while the node fails its token probes', () => {
  it('skips candidates as "unknown, retry later" (never "unsafe"), then finds the poisoned tokens unsafe once the node answers', async () => {
    // The whole bot, its HTTP node behind the proxy (the websocket goes straight to anvil).
    const started = await startTestBot({ ...devnet, manifest: { ...devnet.manifest, rpcUrl: proxy.url } } as Devnet);
    app = started.app;
    const opportunities = () => app!.store.recentOpportunities(10_000);
    const poisoned = new Set(devnet.manifest.tokens.filter((t) => ['FOT', 'HONEY', 'SALMON'].includes(t.symbol)).map((t) => t.address.toLowerCase()));

    proxy.fail('http-503', ['eth_call']);
    for (let block = 0; block < 12 && !opportunities().some((o) => /is unknown: retry later/.test(o.reason)); block++) await stepBlock(devnet, app);
    const duringOutage = opportunities();
    expect(duringOutage.some((o) => /is unknown: retry later/.test(o.reason))).toBe(true);
    expect(duringOutage.filter((o) => / is unsafe: /.test(o.reason))).toEqual([]);
    await app.stop();
    // Nothing was condemned for the outage (stopping flushed every verdict there was).
    const store = Store.open(started.dbFile);
    const storedDuring = store.db.prepare('SELECT token, verdict, reason FROM token_verdicts').all() as Array<{ token: string; verdict: string; reason: string }>;
    store.close();
    expect(storedDuring.filter((row) => row.verdict === 'unsafe')).toEqual([]);

    // The node answers again: a new bot probes at once (no backoff carried over), and the poisoned tokens are unsafe.
    proxy.heal();
    const restarted = await startTestBot({ ...devnet, manifest: { ...devnet.manifest, rpcUrl: proxy.url } } as Devnet);
    app = restarted.app;
    const unsafeReason = (o: { reason: string }) => [...poisoned].some((token) => o.reason.toLowerCase().includes(`token ${token} is unsafe: `));
    for (let block = 0; block < 12 && !opportunities().some(unsafeReason); block++) await stepBlock(devnet, app);
    const after = opportunities();
    expect(after.some(unsafeReason)).toBe(true);
    await app.stop();
    const reopened = Store.open(restarted.dbFile);
    const stored = reopened.db.prepare('SELECT lower(token) AS token, verdict FROM token_verdicts').all() as Array<{ token: string; verdict: string }>;
    reopened.close();
    expect(stored.filter((row) => poisoned.has(row.token)).map((row) => row.verdict)).toContain('unsafe');
    expect(stored.filter((row) => poisoned.has(row.token) && row.verdict === 'safe')).toEqual([]);
    expect(after.filter((o) => o.decision === 'send' && o.path.length > 0 && /is unknown|is unsafe/.test(o.reason))).toEqual([]);
  }, 240_000);
});
