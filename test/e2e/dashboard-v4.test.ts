import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { Hash } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mainnet } from '../../src/chain/addresses.ts';
import { createLogger } from '../../src/log.ts';
import { startDashboardServer, type DashboardServer } from '../../src/monitor/dashboard/server.ts';
import { storeDashboardSource } from '../../src/monitor/dashboard/storeSource.ts';
import { Ledger } from '../../src/monitor/ledger.ts';
import { Store } from '../../src/monitor/store.ts';
import { parseRiskConfig } from '../../src/risk/config.ts';
import { RiskGate } from '../../src/risk/gate.ts';
import { MarketState } from '../../src/state/market.ts';
import { browserSetupTimeoutMs, launchBrowser, watchPageErrors } from '../helpers/browser.ts';
import { candidate, dynamicHook, v2WethUsdc, v3WethUsdc, v4DynamicEthUsdc, v4EthUsdc } from '../helpers/v4MonitorPools.ts';

const gwei = 10n ** 9n;
const clock = 1_700_000_000_000;
const short = (id: string) => `${id.slice(0, 8)}…${id.slice(-4)}`;

/**
 * The dashboard in a real browser shows V4 pools and trades like the others: a landed V2 -> V4 backrun and a rejected
 * V4 (dynamic-fee hook) -> V3 one, recorded through the ledger from the real market, as the bot records them.
 */
describe('dashboard: V4 pools and trades in a real browser', () => {
  let browser: Browser;
  let server: DashboardServer;
  let page: Page;
  let problems: string[];
  let dir: string;
  let store: Store;
  const netWei = 2_500_000n * gwei;

  beforeAll(async () => {
    browser = await launchBrowser();
    dir = mkdtempSync(join(tmpdir(), 'searcher-v4-dashboard-'));
    store = Store.open(join(dir, 'store.db'), { instance: 'bot', now: () => clock });
    const market = new MarketState(64);
    market.reset([v2WethUsdc, v3WethUsdc, v4EthUsdc, v4DynamicEthUsdc], { number: 99n, hash: `0x${'ab'.repeat(32)}`, parentHash: `0x${'cd'.repeat(32)}` });
    const logger = createLogger('test');
    const ledger = new Ledger({
      store,
      risk: new RiskGate({ config: parseRiskConfig(), logger }),
      client: { getTransactionReceipt: async () => { throw new Error('no receipts in this test'); } },
      executor: mainnet.weth,
      startToken: mainnet.weth,
      logger,
      poolOf: (address) => market.get(address as Hash),
    });
    ledger.onCandidate(candidate('v4-trade', 1, [v2WethUsdc, v4EthUsdc], netWei));
    ledger.onCandidate(candidate(null, 2, [v4DynamicEthUsdc, v3WethUsdc], 10n));
    await ledger.settled();
    store.recordSubmission({ bundleId: 'v4-trade', builder: 'local', outcome: 'accepted', latencyMs: 12 });
    const gasPaid = 150_000n * gwei;
    store.recordInclusion({
      bundleId: 'v4-trade',
      execution: { txHash: `0x${'0e'.repeat(32)}`, blockNumber: 101n, status: 'success', gasUsed: 150_000n, effectiveGasPrice: gwei, gross: netWei + gasPaid, builderPayment: 0n, gasPaid, net: netWei },
    });
    server = await startDashboardServer({ host: '127.0.0.1', port: 0, source: storeDashboardSource({ store, now: () => clock }) });
    page = await browser.newPage({ viewport: { width: 1400, height: 1200 } });
    page.setDefaultTimeout(20_000);
    problems = watchPageErrors(page);
    await page.goto(`${server.url}/`);
    await page.waitForSelector('body[data-ready="true"]');
  }, browserSetupTimeoutMs);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    store?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const row = (pool: string) => page.locator(`[data-testid="pools-table"] tbody tr[data-pool="${pool}"]`);

  it('lists each V4 pool by its short pool id, v4, its fee with tick spacing and hooks, and native ETH as ETH', async () => {
    expect(await row(v4EthUsdc.address).locator('td').allTextContents()).toEqual([short(v4EthUsdc.address), 'v4', 'uniswapV4', '0.3% ts 60', 'ETH/USDC', '1', '1', '1', '0.0025 ETH']);
    expect(await row(v4EthUsdc.address).locator('td').first().getAttribute('title')).toBe(v4EthUsdc.address);
    expect(await row(v4DynamicEthUsdc.address).locator('td').allTextContents()).toEqual([short(v4DynamicEthUsdc.address), 'v4', 'uniswapV4', `dynamic ts 60 hooks ${short(dynamicHook)}`, 'ETH/USDC', '1', '0', '0', '0 ETH']);
    // Beside the V2 and V3 pools, named the same way.
    expect(await row(v2WethUsdc.address).locator('td').allTextContents()).toEqual([short(v2WethUsdc.address), 'v2', 'uniswapV2', '0.3%', 'USDC/WETH', '1', '1', '1', '0.0025 ETH']);
    expect(await row(v3WethUsdc.address).locator('td').allTextContents()).toEqual([short(v3WethUsdc.address), 'v3', 'uniswapV3', '0.05% ts 10', 'USDC/WETH', '1', '0', '0', '0 ETH']);
  });

  it("shows a V4 trade's bundle with its pools, the V4 pool by its short id and the full ids on hover", async () => {
    const cell = page.locator('[data-testid="bundles-table"] tbody tr[data-status="included"] [data-testid="bundle-pools"]');
    expect(await cell.textContent()).toBe(`v2 ${short(v2WethUsdc.address)} → v4 ${short(v4EthUsdc.address)}`);
    expect(await cell.getAttribute('title')).toBe(`${v2WethUsdc.address}\n${v4EthUsdc.address}`);
    expect(problems).toEqual([]);
  });
});
