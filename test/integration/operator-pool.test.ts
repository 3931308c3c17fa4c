import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { formatEther, parseEther, type Address } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRunConfig } from '../../src/config/runConfig.ts';
import { loadOperatorKeys } from '../../src/config/operatorKeys.ts';
import { devAccount } from '../../src/devnet/accounts.ts';
import type { Devnet } from '../../src/devnet/devnet.ts';
import { writeManifest } from '../../src/devnet/manifest.ts';
import { newLogger } from '../../src/log.ts';
import { SearcherApp } from '../../src/searcher.ts';
import { startTestDevnet } from '../helpers/devnet.ts';

/**
 * The operator pool as `searcher run` gets it (keys from SEARCHER_OPERATOR_KEYS), on the real devnet: the treasury
 * tops up an operator below the minimum from the main account within its caps (balances read from the chain), stops
 * one the day's cap cannot fund, records both; and an account that is not an executor operator stops the start.
 * No key appears in a log line or an error.
 */

let devnet: Devnet;
const lines: string[] = [];
const logger = newLogger(new Writable({ write: (chunk, _encoding, done) => (lines.push(String(chunk)), done()) }), 'debug');

beforeAll(async () => {
  devnet = await startTestDevnet();
}, 120_000);

afterAll(async () => {
  await devnet?.stop();
});

function config(extra: Record<string, unknown>) {
  const dir = mkdtempSync(join(tmpdir(), 'pool-'));
  writeManifest(join(dir, 'manifest.json'), devnet.manifest);
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ chain: { manifest: 'manifest.json' }, ...extra }));
  return { ...loadRunConfig(join(dir, 'config.json')), dbFile: join(dir, 'searcher.db') };
}

/** Starts the bot while the devnet seals blocks (a top-up at start waits for its transfer to land). */
async function startSealing(parameters: Parameters<typeof SearcherApp.start>[0]): Promise<SearcherApp> {
  let done = false;
  const started = SearcherApp.start(parameters).finally(() => (done = true));
  while (!done) {
    await new Promise((resolve) => setTimeout(resolve, 150));
    if (!done) await devnet.builder.buildBlock();
  }
  return started;
}

const balance = (address: Address, blockNumber?: bigint) => devnet.client.getBalance({ address, ...(blockNumber !== undefined ? { blockNumber } : {}) });

describe('the operator pool of searcher run', () => {
  it('tops up an operator below the minimum within the caps, stops one the caps cannot fund, and records both', async () => {
    const pool = devnet.manifest.accounts.operators.slice(0, 3).map((operator) => devAccount(operator.index));
    const keys = pool.map((account) => `0x${Buffer.from(account.getHdKey().privateKey!).toString('hex')}`);
    const env = { SEARCHER_OPERATOR_KEYS: keys.join(',') };
    const laneSigners = loadOperatorKeys({ envVar: 'SEARCHER_OPERATOR_KEYS', env, main: devAccount(devnet.manifest.accounts.searcher.index).address });
    expect(laneSigners.map((account) => account.address)).toEqual(pool.map((account) => account.address));
    const [low, empty, rich] = laneSigners as [typeof laneSigners[0], typeof laneSigners[0], typeof laneSigners[0]];
    await devnet.client.setBalance({ address: low.address, value: parseEther('0.01') });
    await devnet.client.setBalance({ address: empty.address, value: 0n });
    const richBefore = await balance(rich.address);
    const main = devAccount(devnet.manifest.accounts.searcher.index);
    const mainBefore = await balance(main.address);
    const headBefore = await devnet.client.getBlockNumber({ cacheTime: 0 });

    const treasury = { minBalanceWei: String(parseEther('0.1')), topUpToWei: String(parseEther('0.5')), maxPerTopUpWei: String(parseEther('0.4')), maxPerDayWei: String(parseEther('0.45')) };
    const app = await startSealing({ ...config({ treasury }), dryRun: false, signer: main, laneSigners, authAccount: devAccount(devnet.manifest.accounts.searcher.index + 100), dashboard: false, logger });
    try {
      // From the chain: the low one got min(0.5 - 0.01, 0.4 per top-up, 0.45 per day) = 0.4 ETH from the main account.
      expect(formatEther(await balance(low.address))).toBe('0.41');
      expect(await balance(empty.address)).toBe(0n);
      expect(await balance(rich.address)).toBe(richBefore);
      const record = JSON.parse(app.store.riskValue('treasury')!) as { spentWei: string; topUps: Array<{ operator: string; amountWei: string; txHash?: `0x${string}`; status: string; detail?: string }> };
      const landed = record.topUps.find((entry) => entry.operator === low.address);
      expect(landed).toMatchObject({ amountWei: String(parseEther('0.4')), status: 'landed' });
      const tx = await devnet.client.getTransaction({ hash: landed!.txHash! });
      const receipt = await devnet.client.getTransactionReceipt({ hash: landed!.txHash! });
      expect(tx.from.toLowerCase()).toBe(main.address.toLowerCase());
      expect(tx.to?.toLowerCase()).toBe(low.address.toLowerCase());
      expect(tx.value).toBe(parseEther('0.4'));
      expect(receipt.blockNumber).toBeGreaterThan(headBefore);
      // The main account paid the transfer and its gas, nothing else (no bundle went out at start).
      expect(await balance(main.address, receipt.blockNumber)).toBe(mainBefore - parseEther('0.4') - receipt.gasUsed * receipt.effectiveGasPrice);
      // The empty one: the day's cap leaves 0.05 ETH, which would not lift it to the minimum: stopped, not underfunded.
      const stopped = record.topUps.find((entry) => entry.operator === empty.address);
      expect(stopped).toMatchObject({ status: 'stopped', amountWei: '0' });
      expect(stopped!.detail).toMatch(/below the minimum/);
      expect(record.spentWei).toBe(String(parseEther('0.4')));
      const emptyLane = app.operatorLanes.find((lane) => lane.account.address === empty.address)!;
      expect(emptyLane.submitter.stopped).toMatch(/treasury: operator .* below the minimum/);
      expect(app.operatorLanes.find((lane) => lane.account.address === low.address)!.submitter.stopped).toBeUndefined();
      expect(lines.some((line) => line.includes('treasury: topping up an operator') && line.includes(landed!.txHash!))).toBe(true);
      expect(lines.some((line) => line.includes('treasury: operator stopped'))).toBe(true);
    } finally {
      await app.stop();
    }
    expect(lines.length).toBeGreaterThan(0);
    for (const key of keys) expect(lines.join('\n')).not.toContain(key.slice(2, 42));
  }, 120_000);

  it('refuses to start with an account that is not an executor operator, naming its address and never its key', async () => {
    const stranger = generatePrivateKey();
    const [account] = loadOperatorKeys({ envVar: 'SEARCHER_OPERATOR_KEYS', env: { SEARCHER_OPERATOR_KEYS: stranger } });
    let error: Error | undefined;
    try {
      await SearcherApp.start({ ...config({}), dryRun: false, signer: devAccount(devnet.manifest.accounts.searcher.index), laneSigners: [account!], authAccount: devAccount(devnet.manifest.accounts.searcher.index + 100), dashboard: false, logger });
    } catch (caught) {
      error = caught as Error;
    }
    expect(error?.message).toMatch(new RegExp(`extra operator ${account!.address} is not an operator of the executor`));
    expect(`${error?.message}${error?.stack}${lines.join('\n')}`).not.toContain(stranger.slice(2, 42));
  }, 120_000);
});
