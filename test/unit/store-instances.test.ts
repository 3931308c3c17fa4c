import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { migrationsFor } from '../../src/monitor/migrations.ts';
import { Store } from '../../src/monitor/store.ts';
import { defaultInstance } from '../../src/monitor/storeOpen.ts';
import { postgresSetupTimeoutMs } from '../helpers/postgres.ts';
import { storeBackends } from '../helpers/storeBackends.ts';
import { execution, now, opportunity, sendBundle } from '../helpers/storeFixtures.ts';

/** Several instances on one store (a fleet), and the migration that tagged every row with its instance; on SQLite and PostgreSQL. */
describe.each(storeBackends)('store instances on $name', (backend) => {
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

  describe('store schema', () => {
    it('upgrades a version-5 store with rows in every table, tagging them with the instance that opens it', () => {
      const old = backend.raw(target);
      old.exec('CREATE TABLE schema_version (version INTEGER NOT NULL)');
      for (const sql of migrationsFor(backend.name, 'unused').slice(0, 5)) old.exec(sql);
      old.prepare('INSERT INTO schema_version (version) VALUES (5)').run();
      const huge = (2n ** 64n + 7n).toString();
      old.prepare("INSERT INTO blocks (number, seen, candidates, bundles_sent, included) VALUES (9, 5, 1, 1, 1)").run();
      old.prepare("INSERT INTO opportunities (id, block, path, amount_in_wei, gross_wei, gas_wei, bribe_wei, net_wei, decision, reason, latency_us, at) VALUES (3, 9, '[]', ?, ?, '1', '0', ?, 'send', 'r', 1, 1)").run(huge, huge, huge);
      old.prepare("INSERT INTO bundles (id, opportunity_id, target_block, our_tx, txs, predicted_net_wei, sent_at) VALUES ('b9', 3, 9, '0x1', '[]', '5', 1)").run();
      old.prepare("INSERT INTO submissions (bundle_id, builder, outcome, latency_ms, at) VALUES ('b9', 'alpha', 'accepted', 1.5, 1)").run();
      old.prepare(
        "INSERT INTO inclusions (bundle_id, block, tx_hash, status, gas_used, effective_gas_price_wei, gross_wei, gas_paid_wei, builder_payment_wei, net_wei, mismatch, at) VALUES ('b9', 9, '0x1', 'success', 1, '1', ?, '1', '0', ?, 0, 1)",
      ).run(huge, huge);
      old.prepare("INSERT INTO risk_state (key, value) VALUES ('halt', '{}')").run();
      old.close();
      const store = Store.open(target, { now, instance: 'old-host' });
      open.push(store);
      expect(store.totals()).toMatchObject({ blocks: 1, seen: 5, candidates: 1, sent: 1, included: 1, netWei: 2n ** 64n + 7n });
      expect(store.recentBundles(1)[0]).toMatchObject({ instance: 'old-host', id: 'b9', status: 'included', submissions: [{ builder: 'alpha', outcome: 'accepted' }] });
      expect(store.riskValue('halt')).toBe('{}');
      expect(store.inconsistencies()).toEqual([]);
      // Ids go on after the copied ones.
      expect(store.recordOpportunity(opportunity(10))).toBeGreaterThan(3);
    });

  });

  describe('store instances (a fleet on one store)', () => {
    it('tags every row with its instance: reads default to their own, null reads them all', () => {
      const east = Store.open(target, { now, instance: 'east' });
      const west = Store.open(target, { now, instance: 'west' });
      open.push(east, west);
      // One chain, one block, one bundle id in both: neither instance sees or counts the other's rows.
      sendBundle(east, 'same-id', 500);
      sendBundle(west, 'same-id', 500);
      sendBundle(west, 'w2', 501);
      east.countSeen(500, 4);
      west.countSeen(500, 6);
      const e = execution(500, 3n * 10n ** 18n, 10n ** 18n);
      const w = execution(500, 5n * 10n ** 18n, 10n ** 18n);
      east.recordInclusion({ bundleId: 'same-id', execution: e });
      west.recordInclusion({ bundleId: 'same-id', execution: w });
      west.recordMiss({ bundleId: 'w2', block: 501, reason: 'outbid' });
      east.setRiskValue('halt', '{"by":"east"}');

      expect(east.totals()).toMatchObject({ blocks: 1, seen: 4, candidates: 1, sent: 1, included: 1, missed: 0, netWei: e.net });
      expect(west.totals()).toMatchObject({ blocks: 2, seen: 6, candidates: 2, sent: 2, included: 1, missed: 1, netWei: w.net });
      expect(east.totals(null)).toMatchObject({ blocks: 2, seen: 10, candidates: 3, sent: 3, included: 2, missed: 1, netWei: e.net + w.net });
      expect(east.totals('west')).toEqual(west.totals());
      expect(east.blockSummaries({ instance: null })[0]).toMatchObject({ number: 500, seen: 10, candidates: 2, sent: 2, included: 2, netWei: e.net + w.net });
      expect(east.recentBundles(10, null).map((b) => `${b.instance}/${b.id}/${b.status}`).sort()).toEqual(['east/same-id/included', 'west/same-id/included', 'west/w2/missed']);
      expect(east.recentBundles(10).map((b) => b.instance)).toEqual(['east']);
      expect(east.builderStats(null)).toEqual([]);
      expect(west.riskValue('halt')).toBeUndefined();
      expect(east.riskValue('halt')).toBe('{"by":"east"}');
      expect(east.instances()).toEqual(['east', 'west']);
      expect(east.inconsistencies(null)).toEqual([]);
    });

    it('without --instance: a SQLite file keeps the instance that first wrote it, a shared PostgreSQL store uses the host name', () => {
      const first = Store.open(target, { now, instance: 'alpha' });
      first.setRiskValue('halt', '{"by":"alpha"}');
      first.close();
      const again = Store.open(target, { now });
      open.push(again);
      if (backend.name === 'sqlite') {
        // A renamed host still finds its own halt latch.
        expect(again.instance).toBe('alpha');
        expect(again.riskValue('halt')).toBe('{"by":"alpha"}');
      } else {
        expect(again.instance).toBe(defaultInstance());
        expect(again.riskValue('halt')).toBeUndefined();
      }
    });

    it('refuses an instance name that could not be shown or labelled', () => {
      expect(() => Store.open(target, { instance: 'two words' })).toThrow(expect.objectContaining({ code: 'USAGE' }));
      expect(() => Store.open(target, { instance: '' })).toThrow(/--instance/);
      expect(() => Store.open(target, { instance: 'all' })).toThrow(/not "all"/);
    });
  });
});
