import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { migrationsFor } from '../../src/monitor/migrations.ts';
import { Store } from '../../src/monitor/store.ts';
import { postgresSetupTimeoutMs } from '../helpers/postgres.ts';
import { storeBackends } from '../helpers/storeBackends.ts';
import { execution, hash, now, opportunity } from '../helpers/storeFixtures.ts';

const gwei = 10n ** 9n;

/** Per order-flow source (public, MEV Blocker, MEV-Share): the source of each candidate and bundle, the refund of each landed bundle; on SQLite and PostgreSQL. */
describe.each(storeBackends)('store per source on $name', (backend) => {
  const open: Store[] = [];
  let target = '';
  beforeAll(() => backend.setup(), postgresSetupTimeoutMs);
  afterAll(() => backend.teardown());
  beforeEach(async () => {
    target = await backend.fresh();
  });
  afterEach(() => {
    for (const store of open.splice(0)) if (store.db.open) store.close();
  });

  it('upgrades a version-6 store: its candidates and bundles count as public, with no refund', () => {
    const old = backend.raw(target);
    old.exec('CREATE TABLE schema_version (version INTEGER NOT NULL)');
    for (const sql of migrationsFor(backend.name, 'old-host').slice(0, 6)) old.exec(sql);
    old.prepare('INSERT INTO schema_version (version) VALUES (6)').run();
    old.prepare("INSERT INTO blocks (instance, number, seen, candidates, bundles_sent, included) VALUES ('old-host', 9, 5, 2, 1, 1)").run();
    old.prepare("INSERT INTO opportunities (id, instance, block, path, amount_in_wei, gross_wei, gas_wei, bribe_wei, net_wei, decision, reason, latency_us, at) VALUES (3, 'old-host', 9, '[]', '1', '700', '100', '200', '400', 'send', 'r', 1, 1)").run();
    old.prepare("INSERT INTO opportunities (id, instance, block, path, amount_in_wei, gross_wei, gas_wei, bribe_wei, net_wei, decision, reason, latency_us, at) VALUES (4, 'old-host', 9, '[]', '1', '1', '1', '0', '0', 'reject', 'r', 1, 1)").run();
    old.prepare("INSERT INTO bundles (instance, id, opportunity_id, target_block, our_tx, txs, predicted_net_wei, sent_at) VALUES ('old-host', 'b9', 3, 9, '0x1', '[]', '5', 1)").run();
    old.prepare(
      "INSERT INTO inclusions (instance, bundle_id, block, tx_hash, status, gas_used, effective_gas_price_wei, gross_wei, gas_paid_wei, builder_payment_wei, net_wei, mismatch, at) VALUES ('old-host', 'b9', 9, '0x1', 'success', 1, '100', '700', '100', '200', '400', 0, 1)",
    ).run();
    old.close();
    const store = Store.open(target, { now, instance: 'old-host' });
    open.push(store);
    const sources = store.sourceTotals();
    expect(sources.public).toEqual({ opportunities: 2, sent: 1, landed: 1, reverted: 0, grossWei: 700n, gasWei: 100n, bribeWei: 200n, expectedRefundsWei: 0n, netWei: 400n });
    for (const source of ['mevBlocker', 'mevShare'] as const) {
      expect(sources[source]).toEqual({ opportunities: 0, sent: 0, landed: 0, reverted: 0, grossWei: 0n, gasWei: 0n, bribeWei: 0n, expectedRefundsWei: 0n, netWei: 0n });
    }
    expect(store.inconsistencies()).toEqual([]);
    // New rows name their source.
    store.recordOpportunity(opportunity(10, { source: 'mevShare' }));
    expect(store.sourceTotals().mevShare.opportunities).toBe(1);
  });

  it('records each candidate\'s source and each landed bundle\'s expected refund, and sums opportunities, sent, landed, gross, refunds and net per source', () => {
    const store = Store.open(target, { now, instance: 'host-a' });
    open.push(store);
    const land = (id: string, block: number, source: 'public' | 'mevBlocker' | 'mevShare' | undefined, gross: bigint, payment: bigint, refund?: bigint, status: 'success' | 'reverted' = 'success') => {
      const opportunityId = store.recordOpportunity(opportunity(block, source ? { source } : {}));
      store.recordBundle({ id, opportunityId, targetBlock: block, ourTxHash: hash(10_000 + block), txHashes: [hash(block), hash(10_000 + block)], predictedNetWei: 1n, simulatedNetWei: 1n });
      store.recordInclusion({ bundleId: id, execution: execution(block, gross, payment, 100_000n, 2n * gwei, status), ...(refund !== undefined ? { expectedRefundWei: refund } : {}) });
    };
    land('p1', 1, undefined, 9_000_000n * gwei, 3_000_000n * gwei); // no source: public
    land('b1', 2, 'mevBlocker', 8_000_000n * gwei, 4_000_000n * gwei);
    land('b2', 3, 'mevBlocker', 7_000_000n * gwei, 1_000_000n * gwei, 0n, 'reverted');
    land('s1', 4, 'mevShare', 6_000_000n * gwei, 2_000_000n * gwei, 1_980_000n * gwei);
    land('s2', 5, 'mevShare', 5_000_000n * gwei, 1_000_000n * gwei, 990_000n * gwei);
    // Sent, not landed; and a rejected candidate.
    const sentOnly = store.recordOpportunity(opportunity(6, { source: 'mevShare' }));
    store.recordBundle({ id: 's3', opportunityId: sentOnly, targetBlock: 6, ourTxHash: hash(10_006), txHashes: [hash(6), hash(10_006)], predictedNetWei: 1n });
    store.recordMiss({ bundleId: 's3', block: 6, reason: 'outbid' });
    store.recordOpportunity(opportunity(7, { source: 'mevBlocker', decision: 'reject', reason: 'below the minimum' }));

    const gas = 100_000n * 2n * gwei;
    const sources = store.sourceTotals();
    expect(sources.public).toEqual({ opportunities: 1, sent: 1, landed: 1, reverted: 0, grossWei: 9_000_000n * gwei, gasWei: gas, bribeWei: 3_000_000n * gwei, expectedRefundsWei: 0n, netWei: 6_000_000n * gwei - gas });
    expect(sources.mevBlocker).toEqual({ opportunities: 3, sent: 2, landed: 1, reverted: 1, grossWei: 15_000_000n * gwei, gasWei: 2n * gas, bribeWei: 5_000_000n * gwei, expectedRefundsWei: 0n, netWei: 10_000_000n * gwei - 2n * gas });
    expect(sources.mevShare).toEqual({ opportunities: 3, sent: 3, landed: 2, reverted: 0, grossWei: 11_000_000n * gwei, gasWei: 2n * gas, bribeWei: 3_000_000n * gwei, expectedRefundsWei: 2_970_000n * gwei, netWei: 8_000_000n * gwei - 2n * gas });
    // The sources add up to the store's totals.
    const totals = store.totals();
    const all = Object.values(sources);
    expect(all.reduce((sum, source) => sum + source.opportunities, 0)).toBe(totals.candidates);
    expect(all.reduce((sum, source) => sum + source.sent, 0)).toBe(totals.sent);
    expect(all.reduce((sum, source) => sum + source.landed, 0)).toBe(totals.included);
    expect(all.reduce((sum, source) => sum + source.netWei, 0n)).toBe(totals.netWei);
    expect(store.recentOpportunities(1)[0]!.source).toBe('mevBlocker');
    // Another instance's rows are its own; null reads the fleet.
    const other = Store.open(target, { now, instance: 'host-b' });
    open.push(other);
    other.recordOpportunity(opportunity(8, { source: 'mevShare' }));
    expect(store.sourceTotals().mevShare.opportunities).toBe(3);
    expect(store.sourceTotals(null).mevShare.opportunities).toBe(4);
  });

  it('refuses a source that is not one of the three (the store keeps only what the accounting can name)', () => {
    const store = Store.open(target, { now, instance: 'host-a' });
    open.push(store);
    expect(() => store.recordOpportunity(opportunity(1, { source: 'flashbots' as never }))).toThrow(/cannot record an opportunity/);
    expect(store.totals().candidates).toBe(0);
  });
});
