import { join } from 'node:path';
import { decodeFunctionData, parseAbi, parseTransaction, type Hex } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executorAbi } from '../../src/abi/executor.generated.ts';
import { decodePlan } from '../../src/bundle/plan.ts';
import { signExecutorTransaction } from '../../src/bundle/signTransaction.ts';
import { nextBaseFee } from '../../src/chain/baseFee.ts';
import { devAccount } from '../../src/devnet/accounts.ts';
import { mainnet } from '../../src/chain/addresses.ts';
import type { Devnet } from '../../src/devnet/devnet.ts';
import { loadScenario } from '../../src/devnet/scenario/load.ts';
import { projectRoot } from '../../src/paths.ts';
import type { SearcherApp } from '../../src/searcher.ts';
import type { resolveRoute } from '../../src/devnet/traffic/route.ts';
import { pendingBundleTx } from '../../src/sim/bundleTxs.ts';
import { ForkSimulator } from '../../src/sim/fork.ts';
import { SimulateV1Simulator } from '../../src/sim/simulateV1.ts';
import { backrunCandidates, type EngineConfig } from '../../src/strategy/candidates.ts';
import { planFor } from '../../src/bundle/toPlan.ts';
import { engineConfig, loadMarket, signVictim } from '../helpers/backrun.ts';
import { startTestBot, stepBlock } from '../helpers/bot.ts';
import { startTestDevnet } from '../helpers/devnet.ts';
import { FaultyBuilder } from '../helpers/faultyBuilder.ts';
import { planWithPools } from '../helpers/planPools.ts';

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
});

describe("the bot against the executor's builder-share cap", () => {
  it('refuses to start when strategy.builderShareBps is above the cap the owner set on the executor', async () => {
    // The devnet's executor is deployed with a cap of 9,900 bps; 9,901 could only build plans it reverts.
    await expect(startTestBot(devnet, { strategy: { builderShareBps: 9901 } })).rejects.toThrow(
      /strategy\.builderShareBps \(9901\) is above the executor's cap .*maxBuilderShareBps\(\) = 9900/,
    );
  });
});

/**
 * The whole bot on the poisoned scenario: the fee-on-transfer, honeypot and salmonella tokens each have two pools
 * 20% apart, and nothing tells the bot they are poisoned (its graph starts with every pool, its verdict store is
 * empty). Its own token probe must find them unsafe before a bundle through them leaves. Every bundle the bot
 * sends is recorded by a second builder it fans out to, and the local builder's count must match.
 */
describe('the bot on the poisoned scenario', () => {
  let poisoned: Devnet;
  let app: SearcherApp;
  const recorder = new FaultyBuilder('ok');

  beforeAll(async () => {
    poisoned = await startTestDevnet({ scenario: loadScenario(join(projectRoot(), 'scenarios', 'poisoned.json')) });
    await recorder.start();
    ({ app } = await startTestBot(poisoned, {
      builders: [
        { name: 'local', url: poisoned.manifest.builderUrl, kind: 'json-rpc', stats: true },
        { name: 'recorder', url: recorder.url, kind: 'json-rpc' },
      ],
    }));
  }, 120_000);
  afterAll(async () => {
    await app?.stop();
    await poisoned?.stop();
    await recorder.stop();
  });

  it('probes the poisoned tokens itself, rejects every candidate through them for that reason, and sends none of them to a builder', async () => {
    const kinds = ['feeOnTransfer', 'honeypot', 'salmonella'];
    const poisonedTokens = poisoned.manifest.tokens.filter((token) => kinds.includes(token.kind));
    expect(poisonedTokens.map((token) => token.symbol).sort()).toEqual(['FOT', 'HONEY', 'SALMON']);
    const poisonedAddresses = new Set(poisonedTokens.map((token) => token.address.toLowerCase()));
    const poolsOf = (token: string) => poisoned.manifest.pools.filter((pool) => [pool.token0, pool.token1].some((t) => t.toLowerCase() === token.toLowerCase())).map((pool) => pool.address.toLowerCase());
    const poisonedPools = new Set(poisonedTokens.flatMap((token) => poolsOf(token.address)));
    expect(poisonedPools.size).toBe(6);

    // A safe victim (its backrun must reach the builders: the recorder then provably sees what the bot sends),
    // and one victim buying each poisoned token, each from its own trader so none leads another.
    await signVictim(poisoned, { router: 'sushiswapRouter', path: ['WETH', 'USDC'], amount: 8n * 10n ** 18n, trader: 2 });
    for (const [i, token] of poisonedTokens.entries()) {
      await signVictim(poisoned, { router: 'uniswapV2Router02', path: ['WETH', token.symbol], amount: 2n * 10n ** 18n, trader: 3 + i });
    }
    await stepBlock(poisoned, app);
    expect(app.engine.stats.victims).toBeGreaterThanOrEqual(4);

    const opportunities = app.store.recentOpportunities(1_000);
    const through = (token: string) => opportunities.filter((opportunity) => opportunity.path.some((pool) => poolsOf(token).includes(pool.toLowerCase())));
    for (const token of poisonedTokens) {
      // The bot considered a cycle through this token's pools (the standing 20% gap) and refused it for the token.
      const considered = through(token.address);
      expect(considered.length, `no candidate through ${token.symbol}: the test would prove nothing about it`).toBeGreaterThan(0);
      for (const opportunity of considered) {
        expect(opportunity.decision).toBe('reject');
        expect(opportunity.reason).toMatch(/^token (0x[0-9a-fA-F]{40}) is unsafe: /);
        expect(poisonedAddresses.has(opportunity.reason.slice(6, 48).toLowerCase()), opportunity.reason).toBe(true);
      }
    }

    // What reached the builders: the safe backrun did, and no bundle names a poisoned pool or token.
    const sent = recorder.requests.filter((request) => request.method === 'eth_sendBundle');
    expect(sent.length).toBeGreaterThan(0);
    expect(poisoned.builder.counts.bundles).toBe(sent.length);
    const executor = poisoned.manifest.executor.address;
    const ours = await Promise.all(
      sent.map((request) => {
        const txs = (request.params as Array<{ txs: Hex[] }>)[0]!.txs.map((raw) => parseTransaction(raw));
        const tx = txs.find((candidate) => candidate.to?.toLowerCase() === executor.toLowerCase());
        expect(tx, 'every bundle carries our executor transaction').toBeDefined();
        const { args } = decodeFunctionData({ abi: executorAbi, data: tx!.data! });
        // The plan names factories; the pools are the ones the executor derives from them on chain.
        return planWithPools(poisoned.client as never, executor, decodePlan(args![0] as Hex));
      }),
    );
    const named = ours.map((plan) => ({ pools: plan.hops.map((hop) => hop.pool.toLowerCase()), tokens: [plan.startToken, ...plan.hops.map((hop) => hop.tokenOut)].map((token) => token.toLowerCase()) }));
    const sentPaths = opportunities.filter((opportunity) => opportunity.decision === 'send').map((opportunity) => opportunity.path.map((pool) => pool.toLowerCase()));
    expect(sentPaths.length).toBeGreaterThan(0);
    // Each sent decision is found among the plans the builders got (so finding no poisoned pool means something).
    for (const path of sentPaths) expect(named.some((plan) => plan.pools.join() === path.join())).toBe(true);
    for (const plan of named) {
      for (const address of [...plan.pools, ...plan.tokens]) expect(poisonedPools.has(address) || poisonedAddresses.has(address), `a bundle names ${address}`).toBe(false);
    }
  }, 120_000);
});
