import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { Hash } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDashboardServer, type DashboardServer } from '../../src/monitor/dashboard/server.ts';
import { storeDashboardSource } from '../../src/monitor/dashboard/storeSource.ts';
import { Store } from '../../src/monitor/store.ts';
import { browserSetupTimeoutMs, launchBrowser, watchPageErrors } from '../helpers/browser.ts';

const gwei = 10n ** 9n;
const clock = 1_700_000_000_000;

/** A landed bundle of `instance` in `block` that netted `netWei` (gross = net + gas, no bribe). */
function land(store: Store, block: number, netWei: bigint): void {
  const tx = `0x${(block * 16 + store.instance.length).toString(16).padStart(64, '0')}` as Hash;
  const opportunityId = store.recordOpportunity({ block, victim: null, path: [], amountInWei: 1n, grossWei: netWei, gasWei: 0n, bribeWei: 0n, netWei, decision: 'send', reason: 'test', latencyUs: 500 });
  const id = `${store.instance}-${block}`;
  store.recordBundle({ id, opportunityId, targetBlock: block, ourTxHash: tx, txHashes: [tx], predictedNetWei: netWei });
  store.recordSubmission({ bundleId: id, builder: `builder-${store.instance}`, outcome: 'accepted', latencyMs: 10 });
  const gasUsed = 100_000n;
  const gasPaid = gasUsed * gwei;
  store.recordInclusion({
    bundleId: id,
    execution: { txHash: tx, blockNumber: BigInt(block), status: 'success', gasUsed, effectiveGasPrice: gwei, gross: netWei + gasPaid, builderPayment: 0n, gasPaid, net: netWei },
  });
}

describe('dashboard of a fleet store in a real browser: one instance or all', () => {
  let browser: Browser;
  let server: DashboardServer;
  let page: Page;
  let problems: string[];
  let dir: string;
  let east: Store;
  let west: Store;

  beforeAll(async () => {
    browser = await launchBrowser();
    dir = mkdtempSync(join(tmpdir(), 'searcher-fleet-dashboard-'));
    east = Store.open(join(dir, 'fleet.db'), { instance: 'east', now: () => clock });
    west = Store.open(join(dir, 'fleet.db'), { instance: 'west', now: () => clock });
    land(east, 100, 3_000_000n * gwei);
    land(east, 101, 1_000_000n * gwei);
    land(west, 101, 500_000n * gwei);
    server = await startDashboardServer({ host: '127.0.0.1', port: 0, source: storeDashboardSource({ store: east, now: () => clock }) });
    page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    page.setDefaultTimeout(20_000);
    problems = watchPageErrors(page);
    await page.goto(`${server.url}/`);
    await page.waitForSelector('body[data-ready="true"][data-instance="east"]');
  }, browserSetupTimeoutMs);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    east?.close();
    west?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const bundleIds = () => page.locator('[data-testid="bundles-table"] tbody tr td:first-child').allTextContents();
  const choose = async (value: string) => {
    await page.selectOption('[data-testid="instance-select"]', value);
    await page.waitForSelector(`body[data-instance="${value}"]`);
  };

  it("shows the bot's own instance first, and offers every instance and all", async () => {
    const options = await page.locator('[data-testid="instance-select"] option').evaluateAll((els) => els.map((el) => (el as unknown as { value: string }).value));
    expect(options).toEqual(['all', 'east', 'west']);
    expect((await bundleIds()).sort()).toEqual(['east-100', 'east-101']);
    expect(await page.textContent('[data-testid="cumulative-eth"]')).toBe('0.004000 ETH');
  });

  it('switches to all instances and to one other, the address keeping the choice', async () => {
    await choose('all');
    expect((await bundleIds()).sort()).toEqual(['east-100', 'east-101', 'west-101']);
    expect(await page.textContent('[data-testid="cumulative-eth"]')).toBe('0.004500 ETH');
    const builders = await page.locator('[data-testid="builders-table"] tbody tr td:first-child').allTextContents();
    expect(builders).toEqual(['builder-east', 'builder-west']);
    expect(new URL(page.url()).searchParams.get('instance')).toBe('all');

    await choose('west');
    expect(await bundleIds()).toEqual(['west-101']);
    expect(await page.textContent('[data-testid="cumulative-eth"]')).toBe('0.000500 ETH');
    await page.reload();
    await page.waitForSelector('body[data-ready="true"][data-instance="west"]');
    expect(await bundleIds()).toEqual(['west-101']);
  });

  it("pushes the chosen instance's new rows live, without a reload", async () => {
    land(west, 102, 250_000n * gwei);
    server.notify();
    await page.waitForFunction(() => (globalThis as unknown as { document: { querySelectorAll(s: string): { length: number } } }).document.querySelectorAll('[data-testid="bundles-table"] tbody tr').length === 2);
    expect((await bundleIds()).sort()).toEqual(['west-101', 'west-102']);
    expect(await page.textContent('[data-testid="cumulative-eth"]')).toBe('0.000750 ETH');
    expect(problems).toEqual([]);
  });

  it('refuses a malformed instance name', async () => {
    const response = await fetch(`${server.url}/api/snapshot?instance=${encodeURIComponent('<script>')}`);
    expect(response.status).toBe(400);
    const all = (await (await fetch(`${server.url}/api/snapshot?instance=all`)).json()) as { instance: string | null; instances: string[] };
    expect(all).toMatchObject({ instance: null, instances: ['east', 'west'] });
  });
});
