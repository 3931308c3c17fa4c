import { zeroAddress, type Hash } from 'viem';
import { describe, expect, it } from 'vitest';
import { mainnet, mainnetTokens } from '../../src/chain/addresses.ts';
import { createLogger } from '../../src/log.ts';
import { hopRecord } from '../../src/monitor/hops.ts';
import { Ledger } from '../../src/monitor/ledger.ts';
import { Store } from '../../src/monitor/store.ts';
import { parseRiskConfig } from '../../src/risk/config.ts';
import { RiskGate } from '../../src/risk/gate.ts';
import { MarketState } from '../../src/state/market.ts';
import { formatUnitsExact } from '../../src/units/decimal.ts';
import { runCli } from '../helpers/cli.ts';
import { storeBackends, storeSuite } from '../helpers/storeBackends.ts';
import { candidate, dynamicHook, v2WethUsdc, v3WethUsdc, v4DynamicEthUsdc, v4EthUsdc } from '../helpers/v4MonitorPools.ts';

const logger = createLogger('test');
const gwei = 10n ** 9n;
const usdc = mainnetTokens.USDC!;

/**
 * A V4 trade through the monitor as the bot records it: the engine's candidate (path = the pools' market keys, a
 * V4 pool's 32-byte id among them) goes through the ledger, which names each pool from the real market; the store
 * keeps it (SQLite and PostgreSQL), and the reads, `searcher report` and its --json name the V4 pools like the others.
 */
describe.each(storeBackends)('V4 pools and trades in the store ($name)', (backend) => {
  const suite = storeSuite(backend);

  /** Records: a landed V2 -> V4 backrun, a rejected V4 (dynamic-fee hook) -> V3 one. Returns the store. */
  async function recordTrades(): Promise<{ store: Store; netWei: bigint }> {
    const store = Store.open(suite.target, { instance: 'bot', now: () => 1_700_000_000_000 });
    suite.open.push(store);
    const market = new MarketState(64);
    market.reset([v2WethUsdc, v3WethUsdc, v4EthUsdc, v4DynamicEthUsdc], { number: 99n, hash: `0x${'ab'.repeat(32)}`, parentHash: `0x${'cd'.repeat(32)}` });
    const ledger = new Ledger({
      store,
      risk: new RiskGate({ config: parseRiskConfig(), logger }),
      client: { getTransactionReceipt: async () => { throw new Error('no receipts in this test'); } },
      executor: mainnet.weth,
      startToken: mainnet.weth,
      logger,
      poolOf: (address) => market.get(address as Hash),
    });
    const netWei = 1_234_567n * gwei;
    ledger.onCandidate(candidate('landed-v4', 1, [v2WethUsdc, v4EthUsdc], netWei));
    ledger.onCandidate(candidate(null, 2, [v4DynamicEthUsdc, v3WethUsdc], 10n));
    await ledger.settled();
    store.recordSubmission({ bundleId: 'landed-v4', builder: 'local', outcome: 'accepted', latencyMs: 12 });
    const gasUsed = 180_000n;
    const gasPaid = gasUsed * gwei;
    const tx = `0x${'0f'.repeat(32)}` as Hash;
    store.recordInclusion({ bundleId: 'landed-v4', execution: { txHash: tx, blockNumber: 101n, status: 'success', gasUsed, effectiveGasPrice: gwei, gross: netWei + gasPaid + 5n, builderPayment: 5n, gasPaid, net: netWei } });
    return { store, netWei };
  }

  it('keeps the V4 pool ids whole and each hop named by protocol, venue, fee, tick spacing, hooks and native ETH', async () => {
    const { store } = await recordTrades();
    expect(v4EthUsdc.address).toMatch(/^0x[0-9a-f]{64}$/);
    const raw = store.db.prepare('SELECT path FROM opportunities ORDER BY id').all() as Array<{ path: string }>;
    expect(raw.map((row) => JSON.parse(row.path))).toEqual([[v2WethUsdc.address, v4EthUsdc.address], [v4DynamicEthUsdc.address, v3WethUsdc.address]]);

    const [rejected, landed] = store.recentOpportunities(10);
    expect(landed!.path).toEqual([v2WethUsdc.address, v4EthUsdc.address]);
    expect(landed!.hops).toEqual([
      { pool: v2WethUsdc.address, protocol: 'v2', venue: 'uniswapV2', feePips: 3000, token0: usdc, token1: mainnet.weth },
      { pool: v4EthUsdc.address, protocol: 'v4', venue: 'uniswapV4', feePips: 3000, tickSpacing: 60, hooks: zeroAddress, simulateOnly: false, token0: zeroAddress, token1: usdc },
    ]);
    expect(rejected!.hops).toEqual([
      { pool: v4DynamicEthUsdc.address, protocol: 'v4', venue: 'uniswapV4', feePips: 0x800000, tickSpacing: 60, hooks: dynamicHook, simulateOnly: true, token0: zeroAddress, token1: usdc },
      { pool: v3WethUsdc.address, protocol: 'v3', venue: 'uniswapV3', feePips: 500, tickSpacing: 10, token0: usdc, token1: mainnet.weth },
    ]);

    const [bundle] = store.recentBundles(10);
    expect(bundle).toMatchObject({ id: 'landed-v4', status: 'included', path: [v2WethUsdc.address, v4EthUsdc.address] });
    expect(bundle!.hops!.map((hop) => [hop.pool, hop.protocol])).toEqual([[v2WethUsdc.address, 'v2'], [v4EthUsdc.address, 'v4']]);
    // The bid's pools (what the bidding policy learns per pool) keep the 32-byte id.
    expect(store.recentBids(10)[0]!.pools).toEqual([v2WethUsdc.address.toLowerCase(), v4EthUsdc.address]);
  });

  it('counts V4 pools and the V4 venue like the others: candidates, sent, landed and the net of what landed', async () => {
    const { store, netWei } = await recordTrades();
    const { pools, venues } = store.poolStats();
    const byId = new Map(pools.map((pool) => [pool.pool, pool]));
    expect(byId.get(v4EthUsdc.address)).toMatchObject({ protocol: 'v4', venue: 'uniswapV4', feePips: 3000, tickSpacing: 60, candidates: 1, sent: 1, landed: 1, netWei });
    expect(byId.get(v4DynamicEthUsdc.address)).toMatchObject({ protocol: 'v4', hooks: dynamicHook, candidates: 1, sent: 0, landed: 0, netWei: 0n });
    expect(byId.get(v2WethUsdc.address)).toMatchObject({ protocol: 'v2', candidates: 1, sent: 1, landed: 1, netWei });
    expect(byId.get(v3WethUsdc.address)).toMatchObject({ protocol: 'v3', candidates: 1, sent: 0 });
    expect(venues.find((venue) => venue.protocol === 'v4')).toEqual({ protocol: 'v4', venue: 'uniswapV4', pools: 2, candidates: 2, sent: 1, landed: 1, netWei });
  });

  it('migration 11 keeps older rows: a pool recorded by its id alone is still told V4 by its 32 bytes, and no hops never break a read', async () => {
    const first = Store.open(suite.target, { instance: 'bot' });
    first.db.exec('ALTER TABLE opportunities DROP COLUMN hops');
    first.db.prepare('UPDATE schema_version SET version = 10').run();
    first.db.prepare(
      `INSERT INTO opportunities (instance, block, victim, path, amount_in_wei, gross_wei, gas_wei, bribe_wei, net_wei, decision, reason, latency_us, at, source)
       VALUES ('bot', 7, NULL, ?, '1', '2', '0', '0', '2', 'reject', 'old', 5, 1, 'public')`,
    ).run(JSON.stringify([v3WethUsdc.address, v4EthUsdc.address]));
    first.close();
    const store = Store.open(suite.target, { instance: 'bot' });
    suite.open.push(store);
    expect((store.db.prepare('SELECT version FROM schema_version').get() as { version: number }).version).toBe(11);
    expect(store.recentOpportunities(1)[0]).toMatchObject({ path: [v3WethUsdc.address, v4EthUsdc.address], hops: null });
    const { pools } = store.poolStats();
    expect(pools.map((pool) => [pool.pool, pool.protocol, pool.candidates])).toEqual(expect.arrayContaining([[v4EthUsdc.address, 'v4', 1], [v3WethUsdc.address, null, 1]]));
    // A candidate recorded since by id alone (no market at hand) and one with its hops: the pool takes the hops' name.
    store.recordOpportunity({ block: 8, victim: null, path: [v4EthUsdc.address], amountInWei: 1n, grossWei: 0n, gasWei: 0n, bribeWei: 0n, netWei: 0n, decision: 'reject', reason: 'x', latencyUs: 1 });
    expect(() => store.recordOpportunity({ block: 9, victim: null, path: [v4EthUsdc.address], hops: [hopRecord(v4DynamicEthUsdc)], amountInWei: 1n, grossWei: 0n, gasWei: 0n, bribeWei: 0n, netWei: 0n, decision: 'reject', reason: 'x', latencyUs: 1 })).toThrow(/hops do not name the pools of its path/);
    store.recordOpportunity({ block: 9, victim: null, path: [v3WethUsdc.address], hops: [hopRecord(v3WethUsdc)], amountInWei: 1n, grossWei: 0n, gasWei: 0n, bribeWei: 0n, netWei: 0n, decision: 'reject', reason: 'x', latencyUs: 1 });
    const again = new Map(store.poolStats().pools.map((pool) => [pool.pool, pool]));
    expect(again.get(v3WethUsdc.address)).toMatchObject({ protocol: 'v3', feePips: 500, candidates: 2 });
    expect(again.get(v4EthUsdc.address)).toMatchObject({ protocol: 'v4', candidates: 2 });
  });

  it('`searcher report` lists the V4 pools and venue: short ids, v4, fee, tick spacing, hooks, ETH; --json with the full ids', async () => {
    const { store, netWei } = await recordTrades();
    store.close();
    const child = backend.forChild(suite.target);
    const text = await runCli(['report', '--db', child.target], child.env);
    expect(text.stderr).toBe('');
    expect(text.code).toBe(0);
    const lines = text.stdout.split('\n');
    const line = (id: string) => lines.find((l) => l.trimStart().startsWith(`${id.slice(0, 8)}…${id.slice(-4)} `));
    expect(line(v4EthUsdc.address)?.split(/\s{2,}/).map((cell) => cell.trim())).toEqual([
      `${v4EthUsdc.address.slice(0, 8)}…${v4EthUsdc.address.slice(-4)}`, 'v4', 'uniswapV4', '0.3% ts 60', 'ETH/USDC', '1', '1', '1', formatUnitsExact(netWei, 18),
    ]);
    expect(line(v4DynamicEthUsdc.address)).toContain(`dynamic ts 60 hooks ${dynamicHook.slice(0, 8)}…${dynamicHook.slice(-4)}`);
    expect(line(v3WethUsdc.address)).toContain('0.05% ts 10');
    expect(line(v2WethUsdc.address)).toContain('USDC/WETH');
    const venue = lines.slice(lines.indexOf('by venue:')).find((l) => /^\s*uniswapV4\s/.test(l));
    expect(venue?.trim().split(/\s+/)).toEqual(['uniswapV4', 'v4', '2', '2', '1', '1', formatUnitsExact(netWei, 18)]);

    const json = await runCli(['report', '--db', child.target, '--json'], child.env);
    expect(json.code).toBe(0);
    const doc = JSON.parse(json.stdout) as { pools: Array<Record<string, unknown>>; venues: Array<Record<string, unknown>> };
    expect(doc.pools.find((pool) => pool.pool === v4EthUsdc.address)).toEqual({
      pool: v4EthUsdc.address, protocol: 'v4', venue: 'uniswapV4', feePips: 3000, tickSpacing: 60, hooks: zeroAddress, simulateOnly: false, token0: zeroAddress, token1: usdc,
      candidates: 1, sent: 1, landed: 1, netWei: netWei.toString(),
    });
    expect(doc.venues).toContainEqual({ protocol: 'v4', venue: 'uniswapV4', pools: 2, candidates: 2, sent: 1, landed: 1, netWei: netWei.toString() });
  }, 60_000);
});
