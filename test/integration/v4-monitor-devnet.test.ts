/**
 * V4 pools from the real devnet (scenarios/v4.json: the real PoolManager) through the monitor: the market finds them
 * from the PoolManager's Initialize events and reads them from the chain; the ledger records candidates through them
 * as the bot does; the store (SQLite and PostgreSQL) and `searcher report --json` give back each pool by its pool id
 * with the fee, tick spacing, hooks and currencies of the key the devnet placed (its manifest: the reference).
 */
import { join } from 'node:path';
import type { Hash, PublicClient } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mainnet, mainnetV4 } from '../../src/chain/addresses.ts';
import type { Devnet } from '../../src/devnet/devnet.ts';
import { loadScenario } from '../../src/devnet/scenario/load.ts';
import { createLogger } from '../../src/log.ts';
import { Ledger } from '../../src/monitor/ledger.ts';
import { Store } from '../../src/monitor/store.ts';
import { projectRoot } from '../../src/paths.ts';
import { parseRiskConfig } from '../../src/risk/config.ts';
import { RiskGate } from '../../src/risk/gate.ts';
import { bootstrapPools, discoverPools, type Factories } from '../../src/state/bootstrap.ts';
import { MarketState } from '../../src/state/market.ts';
import { runCli } from '../helpers/cli.ts';
import { startTestDevnet } from '../helpers/devnet.ts';
import { storeBackends, storeSuite } from '../helpers/storeBackends.ts';
import { candidate } from '../helpers/v4MonitorPools.ts';

const logger = createLogger('test');
const factories: Factories = { v2: [], v3: [], v4: [{ poolManager: mainnetV4.poolManager, venue: 'uniswapV4' }] };
let devnet: Devnet;
const market = new MarketState(64);

beforeAll(async () => {
  const scenario = loadScenario(join(projectRoot(), 'scenarios', 'v4.json'));
  devnet = await startTestDevnet({ scenario: { ...scenario, privateFlow: null } });
  const client = devnet.client as PublicClient;
  const head = await client.getBlock({ blockTag: 'latest' });
  const found = await discoverPools(client, factories, head.number!);
  market.reset(await bootstrapPools(client, found, head.number!), { number: head.number!, hash: head.hash!, parentHash: head.parentHash });
}, 300_000);

afterAll(async () => {
  await devnet?.stop();
});

describe.each(storeBackends)('V4 pools of the devnet in the store and the report ($name)', (backend) => {
  const suite = storeSuite(backend);

  it('records candidates through every devnet V4 pool and reports each by its pool id with its key (hooks, native ETH)', async () => {
    const placed = devnet.manifest.v4.pools;
    expect(placed.length).toBeGreaterThanOrEqual(8);
    const store = Store.open(suite.target, { instance: 'bot' });
    suite.open.push(store);
    const ledger = new Ledger({
      store,
      risk: new RiskGate({ config: parseRiskConfig(), logger }),
      client: { getTransactionReceipt: async () => { throw new Error('no receipts in this test'); } },
      executor: devnet.manifest.executor.address,
      startToken: mainnet.weth,
      logger,
      poolOf: (address) => market.get(address as Hash),
    });
    // Two-hop cycles through neighbouring pools: each pool in two candidates, one of them sent.
    for (const [i, pool] of placed.entries()) {
      const next = placed[(i + 1) % placed.length]!;
      ledger.onCandidate(candidate(i % 2 === 0 ? `devnet-${i}` : null, i, [{ address: pool.poolId }, { address: next.poolId }], 1_000n + BigInt(i)));
    }
    await ledger.settled();
    store.close();

    const child = backend.forChild(suite.target);
    const json = await runCli(['report', '--db', child.target, '--json'], child.env);
    expect(json.stderr).toBe('');
    expect(json.code).toBe(0);
    const doc = JSON.parse(json.stdout) as { pools: Array<Record<string, unknown>>; venues: Array<Record<string, unknown>> };
    for (const [i, pool] of placed.entries()) {
      const reported = doc.pools.find((row) => row.pool === pool.poolId);
      const sent = (i % 2 === 0 ? 1 : 0) + ((i - 1 + placed.length) % placed.length % 2 === 0 ? 1 : 0);
      const lower = (value: unknown) => String(value).toLowerCase();
      expect(reported, `pool ${pool.poolId} (${pool.pair.join('/')}, hook ${pool.hook})`).toBeDefined();
      expect({ ...reported!, hooks: lower(reported!.hooks), token0: lower(reported!.token0), token1: lower(reported!.token1) }).toMatchObject({
        protocol: 'v4',
        venue: 'uniswapV4',
        feePips: pool.key.fee,
        tickSpacing: pool.key.tickSpacing,
        hooks: pool.key.hooks.toLowerCase(),
        token0: pool.key.currency0.toLowerCase(),
        token1: pool.key.currency1.toLowerCase(),
        candidates: 2,
        sent,
      });
    }
    expect(doc.venues).toEqual([{ protocol: 'v4', venue: 'uniswapV4', pools: placed.length, candidates: placed.length, sent: Math.ceil(placed.length / 2), landed: 0, netWei: '0' }]);

    // The human table: the native-ETH pools' pair starts with ETH, the hook pools name their hooks.
    const text = await runCli(['report', '--db', child.target], child.env);
    expect(text.code).toBe(0);
    const lineOf = (id: string) => text.stdout.split('\n').find((line) => line.trimStart().startsWith(`${id.slice(0, 8)}…${id.slice(-4)} `))!;
    for (const pool of placed) {
      const line = lineOf(pool.poolId);
      expect(line).toMatch(/ v4 +uniswapV4 /);
      if (pool.pair[0] === 'ETH') expect(line).toMatch(/ ETH\//);
      if (BigInt(pool.key.hooks) !== 0n) expect(line.toLowerCase()).toContain(`hooks ${pool.key.hooks.slice(0, 8)}…${pool.key.hooks.slice(-4)}`.toLowerCase());
      else expect(line).toContain(` ts ${pool.key.tickSpacing} `);
    }
  }, 120_000);
});
