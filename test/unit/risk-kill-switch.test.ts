import { createServer, type Server } from 'node:http';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { parseRiskConfig } from '../../src/risk/config.ts';
import { RiskGate, type HaltNotice } from '../../src/risk/gate.ts';
import { createKillSwitchHandler } from '../../src/risk/killSwitch.ts';
import { registerRiskMetrics } from '../../src/risk/metrics.ts';
import { openRiskGate } from '../../src/risk/persistence.ts';
import { Store } from '../../src/monitor/store.ts';

const token = 'kill-switch-test-token-7f3a9c1e';
const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

/** A real HTTP server that mounts the handler and answers 404 for anything it does not take. */
async function serve(options: { token?: string; env?: NodeJS.ProcessEnv } = { token }) {
  const lines: string[] = [];
  const logger = pino({ level: 'trace' }, { write: (line: string) => lines.push(line) });
  // The gate behind its real shell, over a real (in-memory) store: the handler talks to the shell.
  const store = Store.open(':memory:');
  const shell = openRiskGate({ store, config: parseRiskConfig(), now: () => 1_700_000_000_000, logger, timer: false });
  const gate = shell.gate;
  const halts: HaltNotice[] = [];
  gate.onHalt((notice) => halts.push(notice));
  const handler = createKillSwitchHandler({ gate: shell, logger, ...options });
  const server = createServer((req, res) => {
    void handler(req, res).then((handled) => {
      if (!handled) res.writeHead(404).end('not found');
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  const call = (path: string, init: { method?: string; auth?: string; body?: string } = {}) =>
    fetch(`http://127.0.0.1:${port}${path}`, {
      method: init.method ?? 'POST',
      headers: { ...(init.auth !== undefined ? { authorization: init.auth } : {}), 'content-type': 'application/json' },
      ...(init.body !== undefined ? { body: init.body } : {}),
    });
  return { gate, halts, lines, call, store };
}

describe('kill switch over HTTP', () => {
  it('refuses a missing or wrong token with 401 and changes nothing', async () => {
    const { gate, halts, lines, call } = await serve();
    const attempts = [
      undefined,
      `Bearer ${token.slice(0, -1)}x`, // same length, one character off
      `Bearer ${token}${token}`,
      `Basic ${Buffer.from(`user:${token}`).toString('base64')}`,
      token,
    ];
    for (const auth of attempts) {
      const response = await call('/api/halt', { ...(auth !== undefined ? { auth } : {}), body: JSON.stringify({ reason: 'nope' }) });
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer');
      expect(await response.text()).not.toContain(token);
    }
    expect(gate.halted).toBeUndefined();
    expect(halts).toEqual([]);
    gate.halt('already', 'test');
    expect((await call('/api/resume', { auth: 'Bearer wrong-token-wrong-token' })).status).toBe(401);
    expect(gate.halted?.reason).toBe('already');
    expect(lines.join('')).not.toContain(token.slice(0, 12));
  });

  it('halts with the right token (listeners run) and resumes', async () => {
    const { gate, halts, lines, call } = await serve();
    const response = await call('/api/halt', { auth: `Bearer ${token}`, body: JSON.stringify({ reason: 'builder misbehaving' }) });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ halted: true, reason: 'builder misbehaving', by: 'http:127.0.0.1' });
    expect(gate.halted).toMatchObject({ reason: 'builder misbehaving', breaker: 'killSwitch' });
    expect(halts).toEqual([expect.objectContaining({ breaker: 'killSwitch', reason: 'builder misbehaving', latched: true })]);
    const resumed = await call('/api/resume', { auth: `Bearer ${token}` });
    expect(resumed.status).toBe(200);
    expect(await resumed.json()).toEqual({ halted: false, resumed: true });
    expect(gate.halted).toBeUndefined();
    // an empty body is a halt with a default reason
    expect((await call('/api/halt', { auth: `Bearer ${token}` })).status).toBe(200);
    expect(gate.halted?.reason).toBe('halted over HTTP');
    expect(lines.join('')).toContain('risk: halt over HTTP');
    expect(lines.join('')).not.toContain(token);
  });

  it('a resume whose latch cannot be cleared in the store answers 500 and leaves the bot halted', async () => {
    const { gate, call, store } = await serve();
    expect((await call('/api/halt', { auth: `Bearer ${token}`, body: JSON.stringify({ reason: 'hold' }) })).status).toBe(200);
    store.deleteRiskValue = () => {
      throw new Error('database is locked');
    };
    const resumed = await call('/api/resume', { auth: `Bearer ${token}` });
    expect(resumed.status).toBe(500);
    expect(await resumed.json()).toMatchObject({ halted: true, resumed: false, error: expect.stringContaining('database is locked') });
    expect(gate.halted?.reason).toBe('hold');
  });

  it('answers only its routes, only to POST, and only valid bodies', async () => {
    const { gate, call } = await serve();
    expect((await call('/api/other', { auth: `Bearer ${token}` })).status).toBe(404);
    const get = await call('/api/halt', { method: 'GET', auth: `Bearer ${token}` });
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    expect((await call('/api/halt', { auth: `Bearer ${token}`, body: '{not json' })).status).toBe(400);
    expect((await call('/api/halt', { auth: `Bearer ${token}`, body: JSON.stringify({ reason: 42 }) })).status).toBe(400);
    expect((await call('/api/halt', { auth: `Bearer ${token}`, body: JSON.stringify({ reason: 'x'.repeat(5000) }) })).status).toBe(413);
    expect(gate.halted).toBeUndefined();
  });

  it('is off (503) without a token of a safe length in the environment, and reads it from there', async () => {
    for (const env of [{}, { SEARCHER_RISK_TOKEN: 'short' }]) {
      const { gate, call } = await serve({ env });
      const response = await call('/api/halt', { auth: 'Bearer short' });
      expect(response.status).toBe(503);
      expect(gate.halted).toBeUndefined();
    }
    const { gate, call } = await serve({ env: { SEARCHER_RISK_TOKEN: token } });
    expect((await call('/api/halt', { auth: `Bearer ${token}` })).status).toBe(200);
    expect(gate.halted).toBeDefined();
  });
});

describe('risk metrics', () => {
  it('exposes the halt, the breakers and the decision counts', async () => {
    let now = 1_700_000_000_000;
    const gate = new RiskGate({ config: parseRiskConfig(), now: () => now });
    const registry = new Registry();
    registerRiskMetrics(gate, registry);
    gate.setEquity(10n ** 20n);
    gate.onHead({ number: 1n });
    const proposal = { targetBlock: 2n, gasLimit: 100_000n, maxGasCostWei: 1n, pools: [], startToken: '0x0000000000000000000000000000000000000001' as const, amountIn: 1n, flash: false };
    gate.check(proposal);
    gate.onBlind(true);
    gate.check(proposal);
    gate.halt('test', 'test');
    now += 1;
    const text = await registry.metrics();
    expect(text).toMatch(/^searcher_risk_halted 1$/m);
    expect(text).toMatch(/^searcher_risk_decisions_total\{result="allowed",breaker=""\} 1$/m);
    expect(text).toMatch(/^searcher_risk_decisions_total\{result="refused",breaker="connectivity"\} 1$/m);
    expect(text).toMatch(/^searcher_risk_breaker_tripped\{breaker="connectivity",limit="blind"\} 1$/m);
    expect(text).toMatch(/^searcher_risk_breaker_tripped\{breaker="killSwitch",limit="latch"\} 1$/m);
    expect(text).toMatch(/^searcher_risk_trips_total\{breaker="killSwitch"\} 1$/m);
  });

  it('counters count from 0 in each process, whatever totals the store restored (a restart is a reset to Prometheus, never a drop)', async () => {
    let now = 1_700_000_000_000;
    const config = parseRiskConfig();
    const before = new RiskGate({ config, now: () => now });
    before.setEquity(10n ** 20n);
    before.onHead({ number: 1n });
    const proposal = { targetBlock: 2n, gasLimit: 100_000n, maxGasCostWei: 1n, pools: [], startToken: '0x0000000000000000000000000000000000000001' as const, amountIn: 1n, flash: false };
    before.check(proposal);
    before.onBlind(true);
    before.check(proposal);
    before.onBlind(false);
    const snapshot = before.snapshot();
    expect(snapshot.counters.trips.connectivity).toBe(1);
    expect(snapshot.counters.allowed).toBe(1);

    // The next process restores those totals (the dashboard shows them), and exports what happens in it alone.
    now += 60_000;
    const gate = new RiskGate({ config, now: () => now, restore: { snapshot } });
    expect(gate.status().counters.trips.connectivity).toBe(1);
    const registry = new Registry();
    registerRiskMetrics(gate, registry);
    let text = await registry.metrics();
    expect(text).toMatch(/^searcher_risk_trips_total\{breaker="connectivity"\} 0$/m);
    expect(text).toMatch(/^searcher_risk_decisions_total\{result="allowed",breaker=""\} 0$/m);
    expect(text).toMatch(/^searcher_risk_decisions_total\{result="refused",breaker="connectivity"\} 0$/m);
    gate.setEquity(10n ** 20n);
    gate.onHead({ number: 3n });
    gate.check({ ...proposal, targetBlock: 4n });
    gate.onBlind(true);
    text = await registry.metrics();
    expect(text).toMatch(/^searcher_risk_trips_total\{breaker="connectivity"\} 1$/m);
    expect(text).toMatch(/^searcher_risk_decisions_total\{result="allowed",breaker=""\} 1$/m);
    expect(gate.status().counters.trips.connectivity).toBe(2);
  });
});
