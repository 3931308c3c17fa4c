import { parseAbi, type Hex } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signExecutorTransaction } from '../../src/bundle/signTransaction.ts';
import { nextBaseFee } from '../../src/chain/baseFee.ts';
import { devAccount } from '../../src/devnet/accounts.ts';
import { mainnet } from '../../src/devnet/addresses.ts';
import type { Devnet } from '../../src/devnet/devnet.ts';
import type { resolveRoute } from '../../src/devnet/traffic/route.ts';
import { pendingBundleTx } from '../../src/sim/bundleTxs.ts';
import { ForkSimulator } from '../../src/sim/fork.ts';
import { SimulateV1Simulator } from '../../src/sim/simulateV1.ts';
import { backrunCandidates, type EngineConfig } from '../../src/strategy/candidates.ts';
import { planFor } from '../../src/strategy/toPlan.ts';
import { engineConfig, loadMarket, signVictim } from '../helpers/backrun.ts';
import { startTestDevnet } from '../helpers/devnet.ts';

const wethAbi = parseAbi(['function balanceOf(address) view returns (uint256)']);
const config: EngineConfig = engineConfig();

let devnet: Devnet;
beforeAll(async () => {
  devnet = await startTestDevnet();
});
afterAll(async () => {
  await devnet?.stop();
});

async function runCase(router: Parameters<typeof resolveRoute>[0], path: string[], fees: number[] | undefined, amount: bigint) {
  const { market, graph, head } = await loadMarket(devnet);
  const { raw: victimRaw, pending: victim } = await signVictim(devnet, { router, path, ...(fees ? { fees } : {}), amount });
  const bundleTx = pendingBundleTx(victim.tx, victimRaw);
  const baseFee = nextBaseFee(head.baseFeePerGas!, head.gasUsed, head.gasLimit);
  const result = backrunCandidates(market, graph, victim, baseFee, config);
  if (!Array.isArray(result)) throw new Error(result.reason);
  const best = result[0]!;
  const target = head.number! + 1n;
  const operator = devnet.manifest.accounts.searcher.address;
  const ours = await signExecutorTransaction({
    account: devAccount(devnet.manifest.accounts.searcher.index),
    chainId: devnet.manifest.chainId,
    executor: devnet.manifest.executor.address,
    plan: planFor(best, target, config.policy),
    nonce: await devnet.client.getTransactionCount({ address: operator, blockTag: 'pending' }),
    gas: 1_000_000n,
    maxPriorityFeePerGas: 10n ** 9n,
    maxFeePerGas: baseFee * 2n + 10n ** 9n,
  });
  const ourRaw = ours.raw;
  // One timestamp for every simulation and for the real block: oracle updates (V2 accumulators, V3
  // observations) then cost the same gas everywhere, however long the test takes between them.
  const timestamp = head.timestamp + 1n;
  const bundle = { txs: [bundleTx, ours], executor: devnet.manifest.executor.address, startToken: mainnet.weth, targetBlock: target, timestamp };
  const simulated = await new SimulateV1Simulator(devnet.client as never).simulate(bundle);
  const fork = await ForkSimulator.start({ upstreamRpcUrl: devnet.manifest.rpcUrl, blockNumber: head.number!, chainId: devnet.manifest.chainId, mode: 'mine' });
  const forked = await fork.simulate(bundle).finally(() => fork.stop());
  const quickFork = await ForkSimulator.start({ upstreamRpcUrl: devnet.manifest.rpcUrl, blockNumber: head.number!, chainId: devnet.manifest.chainId });
  const forkSimulated = await quickFork.simulate(bundle).finally(() => quickFork.stop());
  expect(forkSimulated).toMatchObject({ ok: forked.ok, victimsOk: forked.victimsOk, gain: forked.gain });

  // Then the bundle for real: victim first, ours right after, in the target block.
  const before = await devnet.client.readContract({ address: mainnet.weth, abi: wethAbi, functionName: 'balanceOf', args: [devnet.manifest.executor.address] });
  const ourHash = await devnet.client.sendRawTransaction({ serializedTransaction: ourRaw });
  await devnet.client.setNextBlockTimestamp({ timestamp });
  await devnet.client.mine({ blocks: 1 });
  const receipt = await devnet.client.waitForTransactionReceipt({ hash: ourHash });
  const after = await devnet.client.readContract({ address: mainnet.weth, abi: wethAbi, functionName: 'balanceOf', args: [devnet.manifest.executor.address] });
  const victimReceipt = await devnet.client.getTransactionReceipt({ hash: victim.tx.hash as Hex });
  return { best, simulated, forked, receipt, realGain: after - before, victimReceipt };
}


describe('engine + simulation on the devnet', () => {
  it('backruns a V2 victim: prediction, both simulators (eth_simulateV1, anvil fork) and the chain agree to the wei', async () => {
    const { best, simulated, forked, receipt, realGain, victimReceipt } = await runCase('sushiswapRouter', ['WETH', 'USDC'], undefined, 40n * 10n ** 18n);
    const predicted = best.grossProfitWei - best.bribeWei;
    expect(best.netProfitWei).toBeGreaterThan(0n);
    expect(simulated).toMatchObject({ ok: true, victimsOk: true, gain: predicted });
    expect(forked).toMatchObject({ ok: true, victimsOk: true, gain: predicted, gasUsed: receipt.gasUsed });
    expect(victimReceipt.status).toBe('success');
    expect(receipt.status).toBe('success');
    expect(victimReceipt.transactionIndex).toBeLessThan(receipt.transactionIndex); // ordered by fee: victim tipped more
    expect(realGain).toBe(predicted);
  });

  it('backruns a V3 victim through a mixed V2/V3 cycle, to the wei', async () => {
    const { best, simulated, forked, receipt, realGain } = await runCase('swapRouter', ['WETH', 'USDC'], [500], 60n * 10n ** 18n);
    expect(best.cycle.hops.some((hop) => hop.pool.kind === 'v3')).toBe(true);
    const predicted = best.grossProfitWei - best.bribeWei;
    expect(simulated).toMatchObject({ ok: true, gain: predicted });
    expect(forked).toMatchObject({ ok: true, gain: predicted });
    expect(receipt.status).toBe('success');
    expect(realGain).toBe(predicted);
  });

  it('never offers a cycle through a poisoned token', async () => {
    const { market, graph, head } = await loadMarket(devnet);
    const { pending: victim } = await signVictim(devnet, { router: 'uniswapV2Router02', path: ['WETH', 'HONEY'], amount: 5n * 10n ** 18n });
    const result = backrunCandidates(market, graph, victim, head.baseFeePerGas!, config);
    expect(result).toEqual({ victim: victim.tx.hash, reason: expect.stringContaining('no tracked pool') });
    await devnet.client.mine({ blocks: 1 });
  });
});
