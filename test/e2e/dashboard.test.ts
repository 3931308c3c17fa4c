import { timingSafeEqual } from 'node:crypto';
import { accessSync, constants, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { formatEther, formatGwei, type Hash } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDashboardServer, type DashboardServer } from '../../src/monitor/dashboard/server.ts';
import { storeDashboardSource } from '../../src/monitor/dashboard/storeSource.ts';
import type { BlockSummary, BundleRow, DashboardSnapshot, DashboardSource, HaltState } from '../../src/monitor/dashboard/types.ts';
import { Store } from '../../src/monitor/store.ts';
import { parseRiskConfig } from '../../src/risk/config.ts';
import { RiskGate } from '../../src/risk/gate.ts';
import { createKillSwitchHandler } from '../../src/risk/killSwitch.ts';
import { openRiskGate, type RiskGateShell } from '../../src/risk/persistence.ts';
import { ensureChromium } from '../../scripts/ensure-chromium.mjs';
import { browserSetupTimeoutMs, launchBrowser, watchPageErrors } from '../helpers/browser.ts';

const gwei = 10n ** 9n;

/** What the test reads from the page's global scope (the project compiles without DOM types). */
type PageGlobals = {
  searcherDashboard: { charts(): { profit: { data: number[][] } }; formatAmount(wei: string): string };
  __xss?: number;
  __sameDocument?: boolean;
  sessionStorage: { getItem(key: string): string | null };
  localStorage: { length: number };
  document: { cookie: string };
};

const token = 'correct horse battery staple';
const pool = '0x0000000000000000000000000000000000000001';
const hostile = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>';

/**
 * Plain-object data for the HTTP-level checks (the browser tests below read a real store and risk gate):
 * a fake clock, and a halt flag the small control handler flips.
 */
class MemorySource implements DashboardSource {
  private clock = 1_700_000_000_000;
  readonly blocks: BlockSummary[] = [];
  readonly bundles: BundleRow[] = [];
  halt: HaltState = { halted: false };

  addBlock(number: number, netWei: bigint): void {
    const before = BigInt(this.blocks.at(-1)?.cumulativeNetWei ?? '0');
    this.blocks.push({ number, seen: 40, candidates: 5, sent: 2, included: netWei > 0n ? 1 : 0, netWei: netWei.toString(), cumulativeNetWei: (before + netWei).toString() });
  }

  snapshot(): DashboardSnapshot {
    this.clock += 1_000;
    return {
      generatedAtMs: this.clock,
      halted: { ...this.halt },
      blocks: this.blocks.map((block) => ({ ...block })),
      bundles: this.bundles.map((bundle) => ({ ...bundle, builders: [...bundle.builders] })),
      builders: [
        { name: 'local-builder', sent: 12, accepted: 11, included: 4, inclusionRate: 4 / 12, p50LatencyMs: 18 },
        { name: 'titan', sent: 12, accepted: 12, included: 1, inclusionRate: 1 / 12, p50LatencyMs: 41 },
      ],
      breakers: [
        this.halt.halted
          ? { name: 'kill-switch', state: 'tripped', reason: this.halt.reason, sinceMs: this.halt.sinceMs }
          : { name: 'kill-switch', state: 'ok' },
        { name: 'daily-loss', state: 'ok' },
      ],
      latency: { stage: 'pending->sent', bucketsUs: [250, 500, 1_000, 2_500, 5_000, 10_000], counts: [3, 14, 30, 9, 2, 1] },
    };
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    req.setEncoding('utf8').on('data', (chunk) => (body += chunk)).on('end', () => resolve(body)).on('error', reject);
  });
}

/** A bearer-token halt/resume handler: enough to see the server route POSTs to it and push the change. */
function controlFor(source: MemorySource) {
  const expected = Buffer.from(token);
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const action = new URL(req.url ?? '/', 'http://x').pathname === '/api/halt' ? 'halt' : 'resume';
    const header = req.headers.authorization ?? '';
    const given = Buffer.from(header.startsWith('Bearer ') ? header.slice('Bearer '.length) : '');
    const body = await readBody(req);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      res.writeHead(401, { 'content-type': 'application/json', 'www-authenticate': 'Bearer' }).end(JSON.stringify({ error: 'unauthorized' }));
      return true;
    }
    const { reason } = JSON.parse(body || '{}') as { reason?: string };
    source.halt = action === 'halt' ? { halted: true, reason: reason ?? 'operator', by: 'dashboard', sinceMs: 1_700_000_000_000 } : { halted: false };
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: true, halted: source.halt.halted }));
    return true;
  };
}

function seededSource(): MemorySource {
  const source = new MemorySource();
  const nets = [3_000_000n, -1_200_000n, 0n, 7_500_000n, 2_250_000n];
  nets.forEach((net, i) => source.addBlock(19_000_000 + i, net * gwei));
  source.bundles.push(
    { id: '0xb1', targetBlock: 19_000_004, status: 'included', netWei: (2_250_000n * gwei).toString(), builders: ['local-builder', 'titan'] },
    { id: '0xb2', targetBlock: 19_000_003, status: 'outbid', reason: hostile, builders: ['titan'] },
    { id: '0xb3', targetBlock: 19_000_002, status: 'refused', reason: 'breaker daily-loss is tripped', builders: [] },
  );
  return source;
}

/** One raw GET, returning status, headers and body (for routes where fetch would hide the details). */
function get(url: string, path: string, method = 'GET', headers: Record<string, string> = {}): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${url}${path}`, { method, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk) => (body += chunk)).on('end', () => resolve({ status: res.statusCode!, type: String(res.headers['content-type']), body }));
    });
    req.on('error', reject).end();
  });
}

describe('dashboard server over real HTTP', () => {
  let server: DashboardServer;
  const source = seededSource();
  beforeAll(async () => {
    server = await startDashboardServer({ host: '127.0.0.1', port: 0, source, metricsText: async () => 'searcher_up 1\n', control: controlFor(source) });
  });
  afterAll(async () => server?.close());

  it('serves the page, the uPlot assets from node_modules, the snapshot and metrics; 404 otherwise', async () => {
    const page = await get(server.url, '/');
    expect(page.status).toBe(200);
    expect(page.type).toMatch(/^text\/html/);
    expect(page.body).toContain('/assets/uplot.js');
    const js = await get(server.url, '/assets/uplot.js');
    expect(js.status).toBe(200);
    expect(js.body).toContain('uPlot');
    expect((await get(server.url, '/assets/uplot.css')).body).toContain('.uplot');
    const snapshot = await get(server.url, '/api/snapshot?fresh=1');
    expect(snapshot.type).toMatch(/^application\/json/);
    expect((JSON.parse(snapshot.body) as DashboardSnapshot).blocks).toEqual(source.blocks);
    const metrics = await get(server.url, '/metrics');
    expect(metrics.type).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(metrics.body).toBe('searcher_up 1\n');
    expect((await get(server.url, '/nope')).status).toBe(404);
    expect((await get(server.url, '/assets/../package.json')).status).toBe(404);
    expect((await get(server.url, '/api/snapshot', 'POST')).status).toBe(405);
    expect((await get(server.url, '/api/halt', 'GET')).status).toBe(405);
    // DNS rebinding: a page served as evil.example that resolves to 127.0.0.1 gets nothing.
    expect((await get(server.url, '/api/snapshot', 'GET', { host: `evil.example:${server.port}` })).status).toBe(403);
    expect((await get(server.url, '/api/snapshot', 'GET', { host: `localhost:${server.port}` })).status).toBe(200);
  });

  it('routes POST /api/halt and /api/resume to the control handler', async () => {
    const post = (path: string, bearer: string) =>
      fetch(`${server.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${bearer}` }, body: JSON.stringify({ reason: 'test' }) });
    expect((await post('/api/halt', 'wrong')).status).toBe(401);
    expect(source.halt.halted).toBe(false);
    expect((await post('/api/halt', token)).status).toBe(200);
    expect((JSON.parse((await get(server.url, '/api/snapshot')).body) as DashboardSnapshot).halted).toMatchObject({ halted: true, reason: 'test' });
    expect((await post('/api/resume', token)).status).toBe(200);
    expect(source.halt.halted).toBe(false);
  });

  it('answers 404 on /metrics without a metrics source, and survives a malformed request', async () => {
    const bare = await startDashboardServer({ port: 0, source });
    try {
      expect((await get(bare.url, '/metrics')).status).toBe(404);
      expect((await get(bare.url, '/api/halt', 'POST')).status).toBe(404);
      const answer = await new Promise<string>((resolve, reject) => {
        const socket = connect(bare.port, '127.0.0.1', () => socket.write('GARBAGE / HTTP/9\r\n\x00\r\n\r\n'));
        let text = '';
        socket.on('data', (chunk) => (text += chunk)).on('close', () => resolve(text)).on('error', reject);
      });
      expect(answer).toMatch(/^HTTP\/1\.1 400/);
      expect((await get(bare.url, '/api/snapshot')).status).toBe(200);
    } finally {
      await bare.close();
    }
  });

  it('streams a snapshot on connect and on notify(), and close() ends the stream', async () => {
    const local = seededSource();
    const live = await startDashboardServer({ port: 0, source: local, heartbeatMs: 20 });
    const events: DashboardSnapshot[] = [];
    let heartbeats = 0;
    let ended = false;
    const res = await new Promise<IncomingMessage>((resolve, reject) => httpRequest(`${live.url}/events`, resolve).on('error', reject).end());
    expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
    let buffer = '';
    res.setEncoding('utf8').on('data', (chunk: string) => {
      buffer += chunk;
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = frame.split('\n').find((line) => line.startsWith('data: '));
        if (frame.includes('event: snapshot') && data) events.push(JSON.parse(data.slice('data: '.length)) as DashboardSnapshot);
        if (frame.startsWith(': hb')) heartbeats++;
      }
    });
    res.on('end', () => (ended = true));
    await expect.poll(() => events.length).toBe(1);
    expect(events[0]!.blocks).toHaveLength(5);
    local.addBlock(19_000_005, 1n);
    live.notify();
    await expect.poll(() => events.at(-1)?.blocks.length).toBe(6);
    await expect.poll(() => heartbeats).toBeGreaterThan(0);
    expect(live.clients()).toBe(1);
    await live.close();
    await expect.poll(() => ended).toBe(true);
  });
});

describe('ensure-chromium', () => {
  it('finds an executable Chromium (installing it on a fresh Debian machine)', () => {
    const path = ensureChromium();
    expect(() => accessSync(path, constants.X_OK)).not.toThrow();
  }, browserSetupTimeoutMs);

  it('says what to do when the Chromium it was pointed at is not there', () => {
    expect(() => ensureChromium({ env: { CHROMIUM_PATH: '/nonexistent/chromium' } })).toThrow(/CHROMIUM_PATH=\/nonexistent\/chromium is not an executable file/);
  });
});

describe('dashboard in a real browser, fed by a real store and risk gate', () => {
  let browser: Browser;
  let server: DashboardServer;
  let page: Page;
  let problems: string[];
  let dir: string;
  let store: Store;
  let gate: RiskGate;
  let shell: RiskGateShell;
  const clock = 1_700_000_000_000;
  // What the chart must show, kept apart from the store so the test checks the store's arithmetic too.
  const planned: Array<{ number: number; netWei: bigint }> = [];
  /** Per order-flow source, what was recorded (the per-source panel must show exactly this). */
  type Planned = { opportunities: number; sent: number; landed: number; gross: bigint; refunds: bigint; net: bigint };
  const plannedSources: Record<'public' | 'mevBlocker' | 'mevShare', Planned> = {
    public: { opportunities: 0, sent: 0, landed: 0, gross: 0n, refunds: 0n, net: 0n },
    mevBlocker: { opportunities: 0, sent: 0, landed: 0, gross: 0n, refunds: 0n, net: 0n },
    mevShare: { opportunities: 0, sent: 0, landed: 0, gross: 0n, refunds: 0n, net: 0n },
  };

  /** One block as the pipeline records it: swaps seen, an opportunity, and when it made or lost money, a landed bundle. */
  const recordBlock = (number: number, netWei: bigint, source: 'public' | 'mevBlocker' | 'mevShare' = 'public', refundWei = 0n) => {
    planned.push({ number, netWei });
    const bySource = plannedSources[source];
    bySource.opportunities++;
    const ours = `0x${number.toString(16).padStart(64, 'a')}` as Hash;
    const victim = `0x${number.toString(16).padStart(64, 'b')}` as Hash;
    store.recordBlock({ number, timestamp: Math.floor(clock / 1000) });
    store.countSeen(number, 40);
    const opportunityId = store.recordOpportunity({
      block: number, victim, path: [pool, pool], amountInWei: 10n ** 18n, grossWei: netWei, gasWei: 0n, bribeWei: 0n, netWei,
      decision: 'send', reason: 'profitable', latencyUs: 180 + (number % 7) * 400, source,
    });
    if (netWei === 0n) return;
    bySource.sent++;
    const id = `bundle-${number}`;
    store.recordBundle({ id, opportunityId, targetBlock: number, ourTxHash: ours, txHashes: [victim, ours], predictedNetWei: netWei });
    store.recordSubmission({ bundleId: id, builder: 'local-builder', outcome: 'accepted', latencyMs: 12 });
    store.recordSubmission({ bundleId: id, builder: 'titan', outcome: 'accepted', latencyMs: 40 });
    // A win pays 0.0001 ETH of gas and no bribe; a loss is a reverted landing that burnt exactly |net| in gas.
    const gasUsed = 100_000n;
    const effectiveGasPrice = netWei > 0n ? gwei : -netWei / gasUsed;
    const gasPaid = gasUsed * effectiveGasPrice;
    const gross = netWei > 0n ? netWei + gasPaid : 0n;
    store.recordInclusion({
      bundleId: id,
      execution: { txHash: ours, blockNumber: BigInt(number), status: netWei > 0n ? 'success' : 'reverted', gasUsed, effectiveGasPrice, gross, builderPayment: 0n, gasPaid, net: netWei },
      expectedRefundWei: refundWei,
    });
    if (netWei > 0n) bySource.landed++;
    bySource.gross += gross;
    bySource.refunds += refundWei;
    bySource.net += netWei;
  };

  beforeAll(async () => {
    browser = await launchBrowser();
    dir = mkdtempSync(join(tmpdir(), 'searcher-dashboard-'));
    store = Store.open(join(dir, 'searcher.db'), { now: () => clock });
    shell = openRiskGate({ store, config: parseRiskConfig({}), now: () => clock, timer: false });
    gate = shell.gate;
    const sources = ['public', 'mevBlocker', 'mevShare', 'mevShare', 'mevBlocker'] as const;
    const refunds = [0n, 0n, 0n, 900_000n * gwei, 0n];
    [3_000_000n, -1_200_000n, 0n, 7_500_000n, 2_250_000n].forEach((net, i) => recordBlock(19_000_000 + i, net * gwei, sources[i], refunds[i]));
    // Two bundles that did not land: outbid (with a builder's words that look like markup) and refused by every builder.
    for (const [id, target] of [['bundle-outbid', 19_000_003], ['bundle-refused', 19_000_004]] as const) {
      store.recordBundle({ id, targetBlock: target, ourTxHash: `0x${'c'.repeat(64)}`, txHashes: [], predictedNetWei: 10n ** 15n });
      plannedSources.public.sent++; // no candidate row: counted as public
    }
    store.recordSubmission({ bundleId: 'bundle-outbid', builder: 'titan', outcome: 'accepted', latencyMs: 40 });
    store.recordMiss({ bundleId: 'bundle-outbid', block: 19_000_003, reason: 'outbid', detail: hostile });
    store.recordSubmission({ bundleId: 'bundle-refused', builder: 'titan', outcome: 'refused', latencyMs: 40, error: 'bundle already known' });
    // Two bids: the landed first block's at 93% (won), the outbid one's at 50%.
    store.recordBid({ bundleId: 'bundle-19000000', block: 19_000_000, pools: [pool], shareBps: 9300, bidWei: 10n ** 15n, grossWei: 2n * 10n ** 15n, gasWei: 0n, policy: 'adaptive' });
    store.resolveBid({ bundleId: 'bundle-19000000', outcome: 'won' });
    store.recordBid({ bundleId: 'bundle-outbid', block: 19_000_003, pools: [pool], shareBps: 5000, bidWei: 10n ** 15n, grossWei: 2n * 10n ** 15n, gasWei: 0n, policy: 'adaptive' });
    store.resolveBid({ bundleId: 'bundle-outbid', outcome: 'outbid', builder: 'titan', winningBidWei: 15n * 10n ** 14n });

    const source = storeDashboardSource({ store, risk: gate, now: () => clock });
    const control = createKillSwitchHandler({ gate: shell, token });
    server = await startDashboardServer({ host: '127.0.0.1', port: 0, source, control });
    page = await browser.newPage({ viewport: { width: 1280, height: 1100 } });
    page.setDefaultTimeout(20_000);
    problems = watchPageErrors(page);
    await page.goto(`${server.url}/`);
    await page.waitForSelector('body[data-ready="true"]');
  }, browserSetupTimeoutMs);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    shell?.close();
    store?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const attr = (testid: string, name: string) => page.getAttribute(`[data-testid="${testid}"]`, name);

  it('draws one bar per block, from the data uPlot was given', async () => {
    expect(await attr('profit-chart', 'data-bars')).toBe(String(planned.length));
    const data = await page.evaluate(() => (globalThis as unknown as PageGlobals).searcherDashboard.charts().profit.data);
    expect(data[0]).toEqual(planned.map((b) => b.number));
    // ETH for display: compare against the planned wei (float only here, at the edge).
    expect(data[1]).toEqual(planned.map((b) => Number(b.netWei) / 1e18));
    expect(data[2]!.at(-1)).toBeCloseTo(Number(planned.reduce((sum, b) => sum + b.netWei, 0n)) / 1e18, 12);
    expect(await page.locator('[data-testid="profit-chart"] canvas').count()).toBeGreaterThan(0);
    // 3 - 1.2 + 0 + 7.5 + 2.25 = 11.55 mETH, exact from the store's wei.
    expect(await page.textContent('[data-testid="cumulative-eth"]')).toBe('0.011550 ETH');
    expect(Number(await attr('latency-chart', 'data-buckets'))).toBeGreaterThan(0);
    const builders = await page.locator('[data-testid="builders-table"] tbody tr td:first-child').allTextContents();
    expect(builders).toEqual(['local-builder', 'titan']);
  });

  it('lists bundles with status and reason, the reasons as text, never as markup', async () => {
    const rows = page.locator('[data-testid="bundles-table"] tbody tr');
    const statuses = await rows.evaluateAll((trs) => trs.map((tr) => (tr as unknown as { dataset: { status: string } }).dataset.status));
    expect(statuses.sort()).toEqual(['included', 'included', 'included', 'outbid', 'refused', 'reverted']);
    const outbid = page.locator('[data-testid="bundles-table"] tbody tr[data-status="outbid"] td').last();
    expect(await outbid.textContent()).toBe(`outbid: ${hostile}`);
    const refused = page.locator('[data-testid="bundles-table"] tbody tr[data-status="refused"] td').last();
    expect(await refused.textContent()).toBe('titan: refused (bundle already known)');
    expect(await page.locator('[data-testid="bundles-table"] img').count()).toBe(0);
    expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).__xss)).toBeUndefined();
  });

  it('shows a panel per order-flow source (public, MEV Blocker, MEV-Share): candidates, sent, landed, gross, expected refunds, net, exact from the store', async () => {
    const rows = page.locator('[data-testid="sources-table"] tbody tr');
    expect(await rows.evaluateAll((trs) => trs.map((tr) => (tr as unknown as { dataset: { source: string } }).dataset.source))).toEqual(['public', 'mevBlocker', 'mevShare']);
    expect(plannedSources.mevShare.refunds).toBeGreaterThan(0n);
    expect(plannedSources.mevBlocker.landed).toBe(1);
    const shown = (wei: bigint) => `${formatEther(wei)} ETH`;
    for (const [source, name] of [['public', 'public'], ['mevBlocker', 'MEV Blocker'], ['mevShare', 'MEV-Share']] as const) {
      const plan = plannedSources[source];
      const cells = await page.locator(`[data-testid="sources-table"] tbody tr[data-source="${source}"] td`).allTextContents();
      expect(cells).toEqual([name, String(plan.opportunities), String(plan.sent), String(plan.landed), shown(plan.gross), shown(plan.refunds), shown(plan.net)]);
      // The exact wei on hover.
      expect(await page.getAttribute(`[data-testid="sources-table"] tbody tr[data-source="${source}"] td:nth-child(7)`, 'title')).toBe(`${plan.net} wei`);
    }
  });

  it('shows the bids panel: bid share vs win rate, and the net of the won ones exact from the store', async () => {
    const rows = await page.locator('[data-testid="bids-table"] tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
    expect(rows).toEqual([
      ['50-60 %', '1', '0', '1', '0', '0', '0.0 %', `${formatEther(0n)} ETH`],
      ['90-100 %', '1', '1', '0', '0', '0', '100.0 %', `${formatEther(3_000_000n * gwei)} ETH`],
    ]);
  });

  it('shows a new block live (SSE), without a reload', async () => {
    await page.evaluate(() => ((globalThis as unknown as PageGlobals).__sameDocument = true));
    recordBlock(19_000_005, 4_000_000n * gwei);
    server.notify();
    await page.waitForSelector(`[data-testid="profit-chart"][data-bars="${planned.length}"]`);
    expect(await attr('profit-chart', 'data-blocks')).toBe(planned.map((b) => b.number).join(','));
    expect(await attr('connection', 'data-state')).toBe('live');
    // Without notify() the periodic push still brings the change.
    recordBlock(19_000_006, -500_000n * gwei);
    await page.waitForSelector(`[data-testid="profit-chart"][data-bars="${planned.length}"]`);
    expect(await page.textContent('[data-testid="cumulative-eth"]')).toBe('0.015050 ETH');
    expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).__sameDocument)).toBe(true);
  });

  it('refuses a halt with the wrong token and leaves the bot running', async () => {
    await page.fill('[data-testid="token"]', 'not the operator token at all');
    await page.fill('[data-testid="reason"]', 'manual check');
    await page.click('[data-testid="halt-button"]');
    await page.waitForSelector('[data-testid="control-result"][data-state="refused"]');
    expect(await page.textContent('[data-testid="control-result"]')).toBe('refused: wrong token');
    expect(gate.halted).toBeUndefined();
    expect(await attr('halt-state', 'data-halted')).toBe('false');
    expect(await page.getAttribute('[data-testid="breaker-row"][data-name="killSwitch"]', 'data-state')).toBe('ok');
  });

  it('halts with the right token, then resumes', async () => {
    const reason = 'gas spike <b>investigating</b>';
    await page.fill('[data-testid="token"]', token);
    await page.fill('[data-testid="reason"]', reason);
    await page.click('[data-testid="halt-button"]');
    await page.waitForSelector('[data-testid="halt-state"][data-halted="true"]');
    expect(gate.halted).toMatchObject({ reason, breaker: 'killSwitch' });
    expect(await page.textContent('[data-testid="halt-state"]')).toContain(reason);
    await page.waitForSelector('[data-testid="breaker-row"][data-name="killSwitch"][data-state="tripped"]');
    expect(await page.textContent('[data-testid="control-result"]')).toBe(`halted: ${reason}`);
    // The token lives in this tab's sessionStorage only.
    expect(
      await page.evaluate(() => {
        const g = globalThis as unknown as PageGlobals;
        return [g.sessionStorage.getItem('searcher.dashboard.token'), g.localStorage.length, g.document.cookie];
      }),
    ).toEqual([token, 0, '']);

    mkdirSync('test-output', { recursive: true });
    rmSync('test-output/dashboard.png', { force: true });
    await page.screenshot({ path: 'test-output/dashboard.png', fullPage: true });
    expect(readFileSync('test-output/dashboard.png').subarray(1, 4).toString()).toBe('PNG');

    await page.click('[data-testid="resume-button"]');
    await page.waitForSelector('[data-testid="halt-state"][data-halted="false"]');
    await page.waitForSelector('[data-testid="breaker-row"][data-name="killSwitch"][data-state="ok"]');
    expect(gate.halted).toBeUndefined();
    expect(await page.textContent('[data-testid="control-result"]')).toBe('resumed');
  });

  it('shows amounts and breaker limits in ETH/gwei with units, the exact wei on hover', async () => {
    // An equity the loss caps are a share of; every limit's expected text comes from viem's formatEther/formatGwei.
    const equity = 123_456_789_012_345_678_901n;
    gate.setEquity(equity);
    const config = parseRiskConfig({});
    await page.reload();
    await page.waitForSelector('body[data-ready="true"]');
    const level = (name: string) => page.locator(`[data-testid="breakers-table"] tr[data-name="${name}"] td`).nth(2);
    const gasPerBlock = level('gas.perBlock');
    expect(await gasPerBlock.textContent()).toBe(`0 ETH / ${formatEther(config.gas.maxSpendPerBlockWei)} ETH`);
    expect(await gasPerBlock.getAttribute('title')).toBe(`0 wei / ${config.gas.maxSpendPerBlockWei} wei`);
    const gasPerWindow = level('gas.perWindow');
    expect(await gasPerWindow.textContent()).toBe(`0 ETH / ${formatEther(config.gas.maxSpendPerWindowWei)} ETH`);
    const perDay = level('loss.perDay');
    const dayCap = (equity * BigInt(config.loss.maxDailyLossBps)) / 10_000n;
    const dayText = (await perDay.textContent())!;
    expect(dayText).toMatch(/ ETH \/ .* ETH$/);
    expect(dayText.endsWith(` / ${formatEther(dayCap)} ETH`)).toBe(true);
    expect(await perDay.getAttribute('title')).toMatch(new RegExp(` / ${dayCap} wei$`));
    expect(await level('gas.perBundle').textContent()).toBe(`0 gas / ${config.gas.maxGasPerBundle} gas`);
    expect(await level('connectivity.headSilence').textContent()).toMatch(new RegExp(` ms / ${config.connectivity.maxHeadSilenceMs} ms$`));
    // Header and bundle amounts: units in the text, the exact wei as the title.
    const cumulative = planned.reduce((sum, b) => sum + b.netWei, 0n);
    expect(await attr('cumulative-eth', 'title')).toBe(`${cumulative} wei`);
    const included = page.locator('[data-testid="bundles-table"] tbody tr[data-status="included"] td.num');
    const titles = await included.evaluateAll((tds) => tds.map((td) => (td as unknown as { title: string }).title));
    const texts = await included.allTextContents();
    expect(titles.length).toBeGreaterThan(0);
    const wins = planned.filter((b) => b.netWei > 0n).map((b) => `${b.netWei} wei`);
    expect(titles.sort()).toEqual(wins.sort());
    for (const text of texts) expect(text).toMatch(/^-?\d+\.\d{6} ETH$/);
    // A fee-sized amount reads in gwei, exactly.
    const small = await page.evaluate(() => (globalThis as unknown as PageGlobals).searcherDashboard.formatAmount('1234567890'));
    expect(small).toBe(`${formatGwei(1_234_567_890n)} gwei`);
  });

  it('renders a bot with no history yet (empty charts and tables) without errors', async () => {
    const emptyStore = Store.open(':memory:');
    const bare = await startDashboardServer({ port: 0, source: storeDashboardSource({ store: emptyStore }) });
    const fresh = await browser.newPage();
    const freshProblems = watchPageErrors(fresh);
    try {
      await fresh.goto(`${bare.url}/`);
      await fresh.waitForSelector('body[data-ready="true"]');
      expect(await fresh.getAttribute('[data-testid="profit-chart"]', 'data-bars')).toBe('0');
      expect(await fresh.textContent('[data-testid="bundles-table"] tbody')).toBe('no bundles yet');
      expect(await fresh.getAttribute('[data-testid="halt-state"]', 'data-halted')).toBe('false');
      expect(freshProblems).toEqual([]);
    } finally {
      await fresh.close();
      await bare.close();
      emptyStore.close();
    }
  });

  it('ran without page errors, and the stream goes away with the page', async () => {
    // The refused halt is a 401 on purpose; the browser reports every failed load as a console error.
    expect(problems.filter((problem) => !/status of 401/.test(problem))).toEqual([]);
    expect(server.clients()).toBeGreaterThan(0);
    await page.close();
    await expect.poll(() => server.clients()).toBe(0);
  });
});
