import { describe, expect, it } from 'vitest';
import { migrationsFor } from '../../src/monitor/migrations.ts';
import { Store } from '../../src/monitor/store.ts';
import { storeBackends, storeSuite } from '../helpers/storeBackends.ts';
import { hash, now, sendBundle } from '../helpers/storeFixtures.ts';

const signer = '0x00000000000000000000000000000000000000AA' as const;
// Above 2^63: a bid that only an exact column keeps.
const bigBid = 2n ** 64n + 7n;

/** Misses as the builders reported them (misses.builder_reason and friends), written and read back on SQLite and PostgreSQL. */
describe.each(storeBackends)('store misses by builder reason on $name', (backend) => {
  const suite = storeSuite(backend);
  const open = suite.open;

  it('keeps each miss\'s builder verdict (kind, builder, words, winner and its bid, guess or not) and counts them per builder', () => {
    const store = Store.open(suite.target, { now, instance: 'host-a' });
    open.push(store);
    for (const [i, id] of ['m1', 'm2', 'm3', 'm4', 'm5', 'm6'].entries()) sendBundle(store, id, 10 + i);
    store.recordMiss({ bundleId: 'm1', block: 10, reason: 'outbid', detail: 'builder: local: outbid', verdict: { kind: 'outbid', builder: 'local', detail: 'outbid: shares tx', winner: { bundleHash: hash(99), signer, bidWei: bigBid, gasPriceWei: 20n * 10n ** 9n } } });
    store.recordMiss({ bundleId: 'm2', block: 11, reason: 'not_included', detail: 'x', verdict: { kind: 'nonce', builder: 'local', detail: "reverted: a transaction's nonce is ahead of its sender's" } });
    store.recordMiss({ bundleId: 'm3', block: 12, reason: 'not_included', detail: 'y', verdict: { kind: 'other', detail: 'guessed: outbid: the victim landed without our backrun', guessed: true } });
    store.recordMiss({ bundleId: 'm4', block: 13, reason: 'cancelled', detail: 'z', verdict: { kind: 'cancelled', detail: 'superseded: replaced' } });
    store.recordMiss({ bundleId: 'm5', block: 14, reason: 'reverted', detail: 'w', verdict: { kind: 'reverted', builder: 'titan', detail: 'refused: bundle reverts' } });
    store.recordMiss({ bundleId: 'm6', block: 15, reason: 'not_included', detail: 'no verdict' });

    const misses = store.recentMisses(10);
    expect(misses.map((miss) => miss.bundleId)).toEqual(['m6', 'm5', 'm4', 'm3', 'm2', 'm1']);
    expect(misses.find((miss) => miss.bundleId === 'm1')).toEqual({
      bundleId: 'm1',
      block: 10,
      reason: 'outbid',
      detail: 'builder: local: outbid',
      verdict: { kind: 'outbid', builder: 'local', detail: 'outbid: shares tx', winner: { bundleHash: hash(99), signer, bidWei: bigBid, gasPriceWei: 20n * 10n ** 9n } },
    });
    expect(misses.find((miss) => miss.bundleId === 'm3')!.verdict).toEqual({ kind: 'other', detail: 'guessed: outbid: the victim landed without our backrun', guessed: true });
    expect(misses.find((miss) => miss.bundleId === 'm4')!.verdict).toEqual({ kind: 'cancelled', detail: 'superseded: replaced' });
    expect(misses.find((miss) => miss.bundleId === 'm6')!.verdict).toBeNull();

    expect(store.missKinds()).toEqual({ outbid: 1, reverted: 1, nonce: 1, late: 0, cancelled: 1, other: 1 });
    expect(store.missesByBuilder()).toEqual([
      { builder: null, outbid: 0, reverted: 0, nonce: 0, late: 0, cancelled: 1, other: 1, guessed: 1 },
      { builder: 'local', outbid: 1, reverted: 0, nonce: 1, late: 0, cancelled: 0, other: 0, guessed: 0 },
      { builder: 'titan', outbid: 0, reverted: 1, nonce: 0, late: 0, cancelled: 0, other: 0, guessed: 0 },
    ]);
    // Another instance's misses are its own.
    const other = Store.open(suite.target, { now, instance: 'host-b' });
    open.push(other);
    expect(other.missKinds()).toEqual({ outbid: 0, reverted: 0, nonce: 0, late: 0, cancelled: 0, other: 0 });
    expect(store.missKinds(null).outbid).toBe(1);
  });

  it('refuses a kind outside the builder kinds', () => {
    const store = Store.open(suite.target, { now, instance: 'host-a' });
    open.push(store);
    sendBundle(store, 'm1', 10);
    expect(() => store.recordMiss({ bundleId: 'm1', block: 10, reason: 'outbid', detail: null, verdict: { kind: 'lost' as 'other', builder: 'x', detail: 'y' } })).toThrow();
  });

  it('upgrades a version-7 store: its misses keep their reason and have no builder verdict', () => {
    const old = backend.raw(suite.target);
    old.exec('CREATE TABLE schema_version (version INTEGER NOT NULL)');
    for (const sql of migrationsFor(backend.name, 'old-host').slice(0, 7)) old.exec(sql);
    old.prepare('INSERT INTO schema_version (version) VALUES (7)').run();
    old.prepare("INSERT INTO bundles (instance, id, target_block, our_tx, txs, predicted_net_wei, sent_at) VALUES ('old-host', 'b9', 9, '0x1', '[]', '5', 1)").run();
    old.prepare("INSERT INTO misses (instance, bundle_id, block, reason, detail, at) VALUES ('old-host', 'b9', 9, 'outbid', 'the victim landed without our backrun', 1)").run();
    old.close();
    const store = Store.open(suite.target, { now, instance: 'old-host' });
    open.push(store);
    expect(store.recentMisses(5)).toEqual([{ bundleId: 'b9', block: 9, reason: 'outbid', detail: 'the victim landed without our backrun', verdict: null }]);
    expect(store.missKinds()).toEqual({ outbid: 0, reverted: 0, nonce: 0, late: 0, cancelled: 0, other: 0 });
  });
});
