/**
 * A victim through a simulate-only V4 pool (a swap hook) is priced by simulating it, against the devnet's real
 * PoolManager, hooks and UniversalRouter: a split route (a V2 leg beside a V4 swap through the hook pool) is refused
 * by our math, simulated with eth_simulateV1 instead, and the pools it moved (read from the simulation's logs) are
 * searched. The state the search applied must equal the chain's after the victim is mined (getReserves, StateView),
 * and a victim that reverts in the simulation is refused.
 */
import { join } from 'node:path';
import { getAddress, type Address, type Hex } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mainnet, mainnetV4 } from '../../src/chain/addresses.ts';
import { demoFactoriesWithV4 } from '../../src/cli/demo.ts';
import { devAccount } from '../../src/devnet/accounts.ts';
import type { Devnet } from '../../src/devnet/devnet.ts';
import { loadScenario } from '../../src/devnet/scenario/load.ts';
import type { DevnetPool } from '../../src/devnet/seed/pools.ts';
import type { DevnetToken } from '../../src/devnet/tokens.ts';
import { buildV4SwapCall } from '../../src/devnet/traffic/v4Calldata.ts';
import { v4Currency } from '../../src/devnet/traffic/v4Plan.ts';
import { decodeTransaction, mainnetRouters } from '../../src/mempool/decode.ts';
import type { PendingSwaps } from '../../src/mempool/watcher.ts';
import { pendingBundleTx } from '../../src/sim/bundleTxs.ts';
import { SimulateV1Simulator } from '../../src/sim/simulateV1.ts';
import { PendingOverlay } from '../../src/state/overlay.ts';
import { venueOfProtocol } from '../../src/state/venues.ts';
import { applyPriorTrades, backrunCandidates, simulatedBackrunCandidates, tradesSimulateOnly, type EngineConfig } from '../../src/strategy/candidates.ts';
import { PoolGraph } from '../../src/strategy/graph.ts';
import { startTestBot, stepBlock, victimsHandled } from '../helpers/bot.ts';
import { startTestDevnet } from '../helpers/devnet.ts';
import { chainState, marketAt, predictedState, touchedKeys } from '../helpers/v4MarketReads.ts';

const policy = { priorityFeeWei: 10n ** 9n, builderShareBps: 0n, minNetProfitWei: 0n };
const config: EngineConfig = { startToken: mainnet.weth, venues: venueOfProtocol, policy, v4PoolManager: mainnetV4.poolManager };
let devnet: Devnet;

/** A split route: `classicEth` ETH -> USDC in the V2 WETH/USDC pair (wrapped by the router), 5 ETH -> USDC in the hook pool. */
function splitRoute(recipient: Address, classicEth: bigint, minClassicOut: bigint) {
  const tokens = devnet.manifest.tokens as unknown as DevnetToken[];
  const hookPool = devnet.manifest.v4.pools.find((pool) => pool.hook === 'dynamicFee' && pool.pair.includes('ETH') && pool.pair.includes('USDC'))!;
  const pair = devnet.manifest.pools.find((pool) => pool.dex === 'uniswapV2' && pool.pair.includes('WETH') && pool.pair.includes('USDC'))! as DevnetPool;
  const weth = tokens.find((token) => token.symbol === 'WETH')!;
  const usdc = tokens.find((token) => token.symbol === 'USDC')!;
  const call = buildV4SwapCall({
    v4: { kind: 'exactInSingle', hops: [{ pool: hookPool, currencyIn: v4Currency(tokens, 'ETH'), currencyOut: v4Currency(tokens, 'USDC') }], exactAmount: 5n * 10n ** 18n, limit: 0n },
    classic: { hops: [{ pool: pair, tokenIn: weth, tokenOut: usdc }], amountIn: classicEth, minAmountOut: minClassicOut },
    recipient,
    deadline: 2n ** 40n,
  });
  return { call, hookPool, pair };
}

/** The pending transaction as the mempool watcher hands it on (decoded by the bot's own decoder). */
function pendingSwaps(tx: { hash: Hex; from: Address; to: Address; value: bigint; input: Hex; nonce: number; gas: bigint; maxFeePerGas: bigint }): PendingSwaps {
  const decoded = decodeTransaction({ hash: tx.hash, from: tx.from.toLowerCase(), to: tx.to.toLowerCase(), value: tx.value, input: tx.input }, { routers: mainnetRouters });
  if (!('swaps' in decoded)) throw new Error('the split route did not decode');
  return { tx: { hash: tx.hash, from: tx.from.toLowerCase(), to: tx.to.toLowerCase(), value: tx.value, input: tx.input, nonce: BigInt(tx.nonce), gas: tx.gas, maxFeePerGas: tx.maxFeePerGas }, swaps: decoded.swaps, firstSeenMs: 0, decodedMs: 0 };
}

beforeAll(async () => {
  const base = loadScenario(join(process.cwd(), 'scenarios', 'v4.json'));
  devnet = await startTestDevnet({ scenario: { ...base, privateFlow: null } });
}, 300_000);

afterAll(async () => {
  await devnet?.stop();
});

describe('a victim through a hook pool is priced by simulation', () => {
  it('searches the quotable pool the victim moved, on the state the chain has after the victim', async () => {
    const { client } = devnet;
    const trader = devAccount(devnet.manifest.accounts.traders[0]!.index);
    await client.setBalance({ address: trader.address, value: 10n ** 24n });
    const head = await client.getBlockNumber({ cacheTime: 0 });
    const market = await marketAt(devnet.client, head);
    const graph = new PoolGraph(market.all());
    const { call, hookPool, pair } = splitRoute(trader.address, 60n * 10n ** 18n, 0n);
    expect(market.get(hookPool.poolId as Address)).toMatchObject({ kind: 'v4', simulateOnly: true });

    await client.setAutomine(false);
    const hash = await client.sendTransaction({ account: trader, to: call.to, data: call.data, value: call.value, gas: 2_000_000n });
    const tx = await client.getTransaction({ hash });
    const victim = pendingSwaps({ ...tx, to: tx.to!, maxFeePerGas: tx.maxFeePerGas! });
    expect(tradesSimulateOnly(market, victim.swaps)).toBe(true);
    // Our math alone refuses it whole (the hook pool cannot be quoted).
    expect(backrunCandidates(market, graph, victim, 10n ** 9n, config)).toMatchObject({ reason: expect.stringContaining('simulate only') });

    const header = await client.getBlock({ blockNumber: head });
    const simulated = await new SimulateV1Simulator(client as never).simulateLogs({ txs: [pendingBundleTx(victim.tx)], targetBlock: head + 1n, timestamp: header.timestamp + 1n });
    const result = simulatedBackrunCandidates(market, graph, victim, simulated, header.baseFeePerGas ?? 0n, config);
    if (!Array.isArray(result)) throw new Error(`refused: ${result.reason}`);
    expect(result.length).toBeGreaterThan(0);
    const best = result[0]!;
    expect(best.victim).toBe(hash);
    expect(best.cycle.hops.map((hop) => hop.pool.address.toLowerCase())).toContain(pair.address.toLowerCase());
    expect(best.cycle.hops.every((hop) => hop.pool.kind !== 'v4' || !hop.pool.simulateOnly)).toBe(true);
    expect(best.grossProfitWei).toBeGreaterThan(0n);

    await client.mine({ blocks: 1 });
    await client.setAutomine(true);
    const receipt = await client.getTransactionReceipt({ hash });
    expect(receipt.status).toBe('success');
    expect(receipt.blockNumber).toBe(head + 1n);
    // The pools the search put a state on are exactly the tracked pools the mined victim's logs name, and each
    // reads back from the chain as the search had it.
    const overlay = best.view as PendingOverlay;
    const applied = overlay.touched().map((key) => key.toLowerCase()).sort();
    const tracked = [...new Set(touchedKeys(receipt))].filter((key) => market.get(key as Address)).sort();
    expect(applied).toEqual(tracked);
    expect(applied).toContain(pair.address.toLowerCase());
    expect(applied).toContain(hookPool.poolId.toLowerCase());
    for (const key of applied) {
      const pool = overlay.get(key as Address)!;
      expect(predictedState(pool), key).toEqual(await chainState(client, pool, head + 1n));
      // and it did move: the search's state is not the state before the victim
      expect(predictedState(pool), key).not.toEqual(predictedState(market.get(key as Address)!));
    }
    // Once sent, a later search for the block starts from the states it left (our math cannot replay its swaps).
    const later = new PendingOverlay(market);
    applyPriorTrades(later, graph, config, [{ swaps: victim.swaps, ...(best.victimStates ? { victimStates: best.victimStates } : {}) }]);
    for (const key of applied) expect(predictedState(later.get(key as Address)!), key).toEqual(await chainState(client, market.get(key as Address)!, head + 1n));
  }, 120_000);

  it('refuses a victim that reverts in the simulation', async () => {
    const { client } = devnet;
    const trader = devAccount(devnet.manifest.accounts.traders[1]!.index);
    await client.setBalance({ address: trader.address, value: 10n ** 24n });
    const head = await client.getBlockNumber({ cacheTime: 0 });
    const market = await marketAt(devnet.client, head);
    const graph = new PoolGraph(market.all());
    // No pair pays 10^30 USDC units for 60 ETH: the V2 leg reverts, and with it the whole transaction.
    const { call } = splitRoute(trader.address, 60n * 10n ** 18n, 10n ** 30n);
    const nonce = await client.getTransactionCount({ address: trader.address });
    const victim = pendingSwaps({ hash: `0x${'ab'.repeat(32)}`, from: getAddress(trader.address), to: call.to, value: call.value, input: call.data, nonce, gas: 2_000_000n, maxFeePerGas: 10n ** 11n });
    expect(tradesSimulateOnly(market, victim.swaps)).toBe(true);
    const header = await client.getBlock({ blockNumber: head });
    const simulated = await new SimulateV1Simulator(client as never).simulateLogs({ txs: [pendingBundleTx(victim.tx)], targetBlock: head + 1n, timestamp: header.timestamp + 1n });
    expect(simulated.map((tx) => tx.ok)).toEqual([false]);
    expect(simulatedBackrunCandidates(market, graph, victim, simulated, header.baseFeePerGas ?? 0n, config)).toEqual({ victim: victim.tx.hash, reason: 'the victim reverts in simulation' });
  }, 120_000);

  it('the whole bot backruns such a victim through the quotable pool, and the bundle lands with the victim', async () => {
    const { client } = devnet;
    const trader = devAccount(devnet.manifest.accounts.traders[2]!.index);
    await client.setBalance({ address: trader.address, value: 10n ** 24n });
    await client.setAutomine(false);
    const { app } = await startTestBot(devnet, { factories: demoFactoriesWithV4(mainnetV4.poolManager) });
    try {
      const { call, pair } = splitRoute(trader.address, 60n * 10n ** 18n, 0n);
      const hash = await client.sendTransaction({ account: trader, to: call.to, data: call.data, value: call.value, gas: 2_000_000n });
      await victimsHandled(app, 1);
      // The victim is decided (its search simulates it first) before the builder seals the block.
      for (let waited = 0; app.engine.stats.sendDecisions + app.engine.stats.rejects === 0 && waited < 20_000; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
      await stepBlock(devnet, app);
      const opportunity = app.store.recentOpportunities(50).find((row) => row.victim?.toLowerCase() === hash.toLowerCase());
      expect(opportunity, 'an opportunity for the victim').toBeDefined();
      expect(opportunity!.decision).toBe('send');
      expect(opportunity!.path.map((pool) => pool.toLowerCase())).toContain(pair.address.toLowerCase());
      const bundle = app.store.recentBundles(50).find((row) => row.opportunityId === opportunity!.id)!;
      const [victimReceipt, ourReceipt] = await Promise.all([client.getTransactionReceipt({ hash }), client.getTransactionReceipt({ hash: bundle.ourTxHash })]);
      expect(victimReceipt.status).toBe('success');
      expect(ourReceipt.status).toBe('success');
      expect(ourReceipt.blockNumber).toBe(victimReceipt.blockNumber);
      expect(ourReceipt.transactionIndex).toBe(victimReceipt.transactionIndex + 1);
    } finally {
      await app.stop();
      await client.setAutomine(true);
    }
  }, 180_000);
});
