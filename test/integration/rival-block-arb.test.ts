import type { Hex } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountExecution } from '../../src/chain/executionAccount.ts';
import { mainnet } from '../../src/chain/addresses.ts';
import type { Devnet } from '../../src/devnet/devnet.ts';
import { measureContests } from '../../src/devnet/rivals/contest.ts';
import { signVictim } from '../helpers/backrun.ts';
import { publicOnlyDefaultScenario, startTestDevnet } from '../helpers/devnet.ts';
import { until } from '../helpers/until.ts';

/**
 * The classic block-state arbitrageur as a devnet rival: it hears heads only. A large public swap lands unbackrun
 * (no other searcher runs); on the next head the rival arbitrages the state it left, paying the builder 80%, and
 * never sends a bundle with the victim in it (it never saw the victim pending).
 */
let devnet: Devnet;

beforeAll(async () => {
  devnet = await startTestDevnet({ scenario: { ...publicOnlyDefaultScenario(), rivals: [{ name: 'arb80', latencyMs: 0, bidShareBps: 8000, strategy: 'blockArb' }] } });
  await devnet.builder.buildBlock();
}, 180_000);

afterAll(async () => {
  await devnet?.stop();
});

describe('a block-state arbitrageur rival', () => {
  it('arbitrages the state a landed swap left, on the next block, and never sees the swap pending', async () => {
    const rival = devnet.rivals[0]!;
    const info = devnet.manifest.rivals![0]!;
    const fromBlock = (await devnet.client.getBlockNumber({ cacheTime: 0 })) + 1n;
    const victim = await signVictim(devnet, { router: 'uniswapV2Router02', path: ['WETH', 'WBTC'], amount: 30n * 10n ** 18n, trader: 1 });
    const landed = await devnet.builder.buildBlock();
    expect(landed.publicTxHashes.map((hash) => hash.toLowerCase())).toContain(victim.hash.toLowerCase());
    // Sent, and taken by the builder (the store has the bundle from the moment it goes out).
    await until('the rival to arbitrage the new state', () => rival.app.store.recentBundles(10).some((bundle) => bundle.submissions.some((submission) => submission.outcome === 'accepted')));
    const [bundle] = rival.app.store.recentBundles(10);
    expect(bundle!.txHashes.map((hash) => hash.toLowerCase())).toEqual([bundle!.ourTxHash.toLowerCase()]);
    expect(rival.app.engine.stats.victims).toBe(0);
    const report = await devnet.builder.buildBlock();
    const included = report.included.find((entry) => entry.signer.toLowerCase() === info.authSigner.toLowerCase());
    expect(included?.senders.map((sender) => sender.toLowerCase())).toEqual([info.operator.toLowerCase()]);

    const measured = await measureContests({ client: devnet.client, builderUrl: devnet.manifest.builderUrl, ourOperators: [devnet.manifest.accounts.searcher.address], ourExecutor: devnet.manifest.executor.address, rivals: devnet.manifest.rivals!, fromBlock, toBlock: BigInt(report.blockNumber) });
    expect(measured.contested).toEqual({ won: 0, lost: 0, landedBehind: 0, avgBidShareBps: null, rivalsWhenWon: {}, oursWhenLost: {}, lostTo: {} });
    expect(measured.rivals[0]).toMatchObject({ name: 'arb80', won: 1 });
    const receipt = await devnet.client.getTransactionReceipt({ hash: bundle!.ourTxHash as Hex });
    const account = accountExecution({ status: receipt.status, gasUsed: receipt.gasUsed, effectiveGasPrice: receipt.effectiveGasPrice, logs: receipt.logs, executor: info.executor, startToken: mainnet.weth });
    expect(account.net).toBeGreaterThan(0n);
    expect(BigInt(measured.rivals[0]!.netWei)).toBe(account.net);
    // It paid the builder its 80% of the profit after gas (the executor pays on the plan's expected gas: near, not exact).
    const share = Number((account.builderPayment * 10_000n) / (account.gross - account.gasPaid));
    expect(share).toBeGreaterThan(7500);
    expect(share).toBeLessThanOrEqual(8500);
  }, 120_000);
});
