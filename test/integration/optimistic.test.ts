import { numberToHex, parseAbi, type Address, type Hex } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Devnet } from '../../src/devnet/devnet.ts';
import type { SearcherApp } from '../../src/searcher.ts';
import { signVictim } from '../helpers/backrun.ts';
import { startTestBot, stepBlock } from '../helpers/bot.ts';
import { startTestDevnet } from '../helpers/devnet.ts';

/**
 * Optimistic mode (the default): once a simulation agreed with the bot's math on a cycle's pools, the next bundle
 * through them goes out before its simulation, which runs beside it; a simulation that disagrees cancels the bundle
 * at the builder (eth_cancelBundle), and it never lands.
 */

let devnet: Devnet;
let app: SearcherApp;
let trader = 2;

beforeAll(async () => {
  devnet = await startTestDevnet();
  ({ app } = await startTestBot(devnet));
  await stepBlock(devnet, app);
}, 120_000);

afterAll(async () => {
  await app?.stop();
  await devnet?.stop();
});

/** A profitable victim; waits until the bot decided on it; returns the bot's report of it. */
async function victim(amount = 8n * 10n ** 18n) {
  const sent = await signVictim(devnet, { router: 'sushiswapRouter', path: ['WETH', 'USDC'], amount, trader: trader++ });
  const deadline = Date.now() + 20_000;
  for (;;) {
    const report = app.store.recentOpportunities(20).find((row) => row.victim?.toLowerCase() === sent.hash.toLowerCase());
    if (report && (report.decision === 'reject' || /simulation agrees|after its simulation|simulated gain equals/.test(report.reason))) return { ...report, hash: sent.hash };
    if (Date.now() > deadline) throw new Error(`no decision on victim ${sent.hash}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const executorTxIn = async (block: bigint) => {
  const executor = devnet.manifest.executor.address.toLowerCase();
  return (await devnet.client.getBlock({ blockNumber: block, includeTransactions: true })).transactions.filter((tx) => tx.to?.toLowerCase() === executor);
};

describe('optimistic sending', () => {
  let verifiedPath: Address[] = [];

  it('simulates first through unverified pools, then sends before the simulation through verified ones; what lands equals the simulation', async () => {
    const first = await victim();
    expect(first.decision).toBe('send');
    expect(first.reason).not.toMatch(/before its simulation/);
    await stepBlock(devnet, app);
    let optimistic: Awaited<ReturnType<typeof victim>> | undefined;
    for (let round = 0; round < 4 && !optimistic; round++) {
      const next = await victim();
      if (/before its simulation/.test(next.reason)) optimistic = next;
      await stepBlock(devnet, app);
    }
    expect(optimistic, 'no bundle went out before its simulation in 4 rounds').toBeDefined();
    expect(optimistic!.decision).toBe('send');
    expect(optimistic!.reason).toMatch(/sent before its simulation \(verified pools and tokens\).*; the simulation agrees: simulated gain equals the prediction/);
    verifiedPath = optimistic!.path;
    // It landed, and realised what was simulated (the ledger compares them to the wei: no mismatch recorded).
    const receipt = await devnet.client.getTransactionReceipt({ hash: optimistic!.hash });
    expect(await executorTxIn(receipt.blockNumber)).toHaveLength(1);
    await app.ledger.settled();
    expect(app.store.mismatches()).toEqual([]);
  }, 120_000);

  it('a bundle whose simulation disagrees (pool state changed under the bot, no log) is cancelled at the builder and never lands', async () => {
    expect(verifiedPath.length).toBeGreaterThan(0);
    // The cycle's other pool (the victim does not trade it, so no log of the victim's repairs it) made deeper in
    // storage, with no log to tell the bot: a V3 pool's active liquidity (slot 4) or, for a V2 pair, the reserve
    // of the WETH we sell into it (slot 8: reserve0 | reserve1 << 112 | timestamp << 224). It pays more than the
    // bot's math says and still holds the tokens, so nothing reverts: the gain is simply not the prediction.
    const other = devnet.manifest.pools.find((pool) => pool.dex !== 'sushiswap' && verifiedPath.some((address) => address.toLowerCase() === pool.address.toLowerCase()));
    expect(other, 'the verified cycle has a second pool').toBeDefined();
    const pool = other!.address as Address;
    if (other!.dex === 'uniswapV3') {
      const slot = numberToHex(4, { size: 32 });
      const liquidity = BigInt((await devnet.client.getStorageAt({ address: pool, slot })) as Hex);
      await devnet.client.setStorageAt({ address: pool, index: slot, value: numberToHex((liquidity * 101n) / 100n, { size: 32 }) });
      expect(await devnet.client.readContract({ address: pool, abi: parseAbi(['function liquidity() view returns (uint128)']), functionName: 'liquidity' })).toBe((liquidity * 101n) / 100n);
    } else {
      const slot = numberToHex(8, { size: 32 });
      const word = BigInt((await devnet.client.getStorageAt({ address: pool, slot })) as Hex);
      const mask = (1n << 112n) - 1n;
      const token1 = await devnet.client.readContract({ address: pool, abi: parseAbi(['function token1() view returns (address)']), functionName: 'token1' });
      const shift = token1.toLowerCase() === devnet.manifest.tokens.find((token) => token.symbol === 'WETH')!.address.toLowerCase() ? 112n : 0n;
      const shrunk = (((word >> shift) & mask) * 995n) / 1000n;
      await devnet.client.setStorageAt({ address: pool, index: slot, value: numberToHex((word & ~(mask << shift)) | (shrunk << shift), { size: 32 }) });
    }

    const cancelledBefore = devnet.builder.counts.cancelled;
    const mismatchesBefore = app.engine.stats.mismatches;
    const report = await victim();
    expect(report.decision).toBe('send');
    expect(report.reason).toMatch(/sent before its simulation.*cancelled after its simulation: simulation mismatch: predicted \d+, simulated \d+/);
    expect(app.engine.stats.mismatches).toBe(mismatchesBefore + 1);
    expect(devnet.builder.counts.cancelled).toBeGreaterThan(cancelledBefore);
    await stepBlock(devnet, app);
    const receipt = await devnet.client.getTransactionReceipt({ hash: report.hash });
    expect(await executorTxIn(receipt.blockNumber)).toEqual([]);
  }, 120_000);
});

describe('optimistic sending when the simulation cannot run', () => {
  it('a bundle sent before its simulation is withdrawn when that simulation fails (no proof, no bundle)', async () => {
    const { RpcProxy } = await import('../helpers/rpcProxy.ts');
    const own = await startTestDevnet();
    const proxy = await RpcProxy.for(own.manifest.rpcUrl).start();
    const { app: bot } = await startTestBot({ ...own, manifest: { ...own.manifest, rpcUrl: proxy.url } });
    try {
      await stepBlock(own, bot);
      const decide = async (trader: number) => {
        const sent = await signVictim(own, { router: 'sushiswapRouter', path: ['WETH', 'USDC'], amount: 8n * 10n ** 18n, trader });
        const deadline = Date.now() + 20_000;
        for (;;) {
          const report = bot.store.recentOpportunities(20).find((row) => row.victim?.toLowerCase() === sent.hash.toLowerCase());
          if (report && (report.decision === 'reject' || /simulation agrees|simulation failed|after its simulation|simulated gain equals/.test(report.reason))) return { ...report, hash: sent.hash };
          if (Date.now() > deadline) throw new Error(`no decision on victim ${sent.hash}`);
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      };
      // A first round verifies the pools (its simulation agrees); from then on the node fails every simulation, so
      // the next bundle through them goes out on trust and its simulation cannot run.
      const first = await decide(2);
      expect(first.reason).toMatch(/simulated gain equals the prediction/);
      await stepBlock(own, bot);
      proxy.failNext('eth_simulateV1', 1_000);
      let failed: Awaited<ReturnType<typeof decide>> | undefined;
      for (let round = 1; round < 5 && !failed; round++) {
        const report = await decide(2 + round);
        if (/before its simulation/.test(report.reason)) failed = report;
        await stepBlock(own, bot);
      }
      expect(failed, 'no bundle went out before its simulation').toBeDefined();
      expect(failed!.reason).toMatch(/sent before its simulation.*; cancelled: its simulation failed: /);
      expect(own.builder.counts.cancelled).toBeGreaterThan(0);
      const receipt = await own.client.getTransactionReceipt({ hash: failed!.hash });
      const executor = own.manifest.executor.address.toLowerCase();
      const block = await own.client.getBlock({ blockNumber: receipt.blockNumber, includeTransactions: true });
      expect(block.transactions.filter((tx) => tx.to?.toLowerCase() === executor)).toEqual([]);
    } finally {
      await bot.stop();
      await proxy.stop();
      await own.stop();
    }
  }, 180_000);
});
