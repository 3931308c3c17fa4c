import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hex } from 'viem';
import { mainnet } from '../../src/chain/addresses.ts';
import type { Devnet } from '../../src/devnet/devnet.ts';
import { measureCaptureBySource, type SourceCaptures } from '../../src/devnet/truth.ts';
import { readSwapRoutes } from '../../src/devnet/truth/routes.ts';
import type { Capture } from '../../src/devnet/truth.ts';
import type { LandedBundle } from '../../src/monitor/ledger.ts';
import { exposureCaps } from '../../src/risk/config.ts';
import type { SearcherApp } from '../../src/searcher.ts';
import { startTestBot, stepBlock } from '../helpers/bot.ts';
import { startTestDevnet } from '../helpers/devnet.ts';
import { defaultScenarioPath, loadScenario } from '../../src/devnet/scenario/load.ts';

// The default scenario: 30% of the users' swaps through MEV Blocker, 40% through MEV-Share with its default hints
// (the pools touched, no amounts), the rest public. The bot runs with its extra operators (one nonce chain each).
let devnet: Devnet;
let app: SearcherApp;
const landed: LandedBundle[] = [];
let capture: Capture;
let sources: SourceCaptures;

beforeAll(async () => {
  devnet = await startTestDevnet({ scenario: loadScenario(defaultScenarioPath()), traffic: true });
  ({ app } = await startTestBot(devnet, {}, { onLanded: (bundle) => landed.push(bundle) }));
  // The traffic of the block the bot started in was streamed before it subscribed (a relay sends no backlog).
  await stepBlock(devnet, app);
  const startBlock = await devnet.client.getBlockNumber({ cacheTime: 0 });
  for (let block = 0; block < 16; block++) await stepBlock(devnet, app);
  const toBlock = await devnet.client.getBlockNumber({ cacheTime: 0 });
  const routes = await readSwapRoutes(devnet.manifest);
  ({ capture, sources } = await measureCaptureBySource({ devnet, landed, fromBlock: startBlock + 1n, toBlock, maxAmountInWei: exposureCaps(app.risk.gate.config, mainnet.weth).maxInventoryAmountIn, maxSwaps: 200, routes }));
}, 600_000);

afterAll(async () => {
  await app?.stop();
  await devnet?.stop();
});

describe('private order flow, default mix: backruns of public, MEV Blocker and MEV-Share victims against the independent truth', () => {
  it('every source has victims, and the sources add up to the whole', () => {
    for (const source of ['public', 'mevBlocker', 'mevShare'] as const) expect(sources[source].victims, source).toBeGreaterThan(2);
    expect(sources.public.victims + sources.mevBlocker.victims + sources.mevShare.victims).toBe(capture.victims);
    expect(BigInt(sources.public.capturedGrossWei) + BigInt(sources.mevBlocker.capturedGrossWei) + BigInt(sources.mevShare.capturedGrossWei)).toBe(BigInt(capture.capturedGrossWei));
  });

  it('captures at least 90% of the value in all, 97% behind MEV Blocker victims, 70% behind MEV-Share victims (default hints)', () => {
    console.info(`[private-mix] capture: all ${capture.ratio} (${capture.victims} victims), public ${sources.public.ratio}, MEV Blocker ${sources.mevBlocker.ratio}, MEV-Share ${sources.mevShare.ratio}`);
    expect(capture.ratio!).toBeGreaterThanOrEqual(0.9);
    expect(sources.mevBlocker.ratio!).toBeGreaterThanOrEqual(0.97);
    expect(sources.mevShare.ratio!).toBeGreaterThanOrEqual(0.7);
    expect(sources.public.ratio!).toBeGreaterThanOrEqual(0.97);
  });

  it('loses nothing; every backrun whose state could be simulated realised exactly its simulated net; blind ones landed from the extra operators', async () => {
    expect(landed.length).toBeGreaterThan(10);
    expect(landed.filter((bundle) => bundle.execution.net < 0n)).toEqual([]);
    const compared = landed.filter((bundle) => bundle.uncompared === undefined);
    expect(compared.length).toBeGreaterThan(5);
    for (const bundle of compared) expect(bundle.execution.net, bundle.uuid).toBe(bundle.simulatedNetWei);
    const blind = landed.filter((bundle) => bundle.source === 'mevShare');
    expect(blind.length).toBeGreaterThan(0);
    const lanes = new Set(devnet.manifest.accounts.operators.map((operator) => operator.address.toLowerCase()));
    for (const bundle of blind) {
      const receipt = await devnet.client.getTransactionReceipt({ hash: bundle.execution.txHash as Hex });
      expect(lanes.has(receipt.from.toLowerCase()), `blind backrun ${bundle.uuid} from ${receipt.from}`).toBe(true);
    }
    // The builder paid the MEV-Share users their refunds out of our blind backruns' payments.
    expect(BigInt(sources.mevShare.refundsWei)).toBeGreaterThan(0n);
  });
});
