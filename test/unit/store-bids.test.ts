import { describe, expect, it } from 'vitest';
import { Store } from '../../src/monitor/store.ts';
import { storeBackends, storeSuite } from '../helpers/storeBackends.ts';
import { clock, execution, hash, now, opportunity, pool, sendBundle } from '../helpers/storeFixtures.ts';

const ether = 10n ** 18n;
// Above 2^63: amounts only an exact column keeps.
const big = 2n ** 64n + 3n;

/** Every bid with its outcome (table bids), written and read back on SQLite and PostgreSQL, and bucketed by share. */
describe.each(storeBackends)('store bids on $name', (backend) => {
  const suite = storeSuite(backend);

  it('keeps each bid (bundle, pools, builders, share, wei) with its outcome and the winning bid, and buckets win rates by share', () => {
    const store = Store.open(suite.target, { now, instance: 'host-a' });
    suite.open.push(store);
    const bid = (id: string, block: number, shareBps: number, bidWei: bigint) => {
      sendBundle(store, id, block);
      store.recordBid({ bundleId: id, block, pools: [pool(1), pool(2)], shareBps, bidWei, grossWei: ether, gasWei: ether / 100n, policy: 'adaptive' });
      store.recordBidBuilders(id, ['local', 'titan']);
    };
    bid('b1', 10, 5000, ether / 2n);
    bid('b2', 11, 9100, big);
    bid('b3', 12, 9150, (ether * 9n) / 10n);
    bid('b4', 13, 5100, ether / 2n);
    bid('b5', 14, 10_000, ether);
    store.resolveBid({ bundleId: 'b1', outcome: 'outbid', builder: 'local', winningBidWei: big });
    store.resolveBid({ bundleId: 'b2', outcome: 'won' });
    store.recordInclusion({ bundleId: 'b2', execution: execution(11, ether, ether / 2n), simulatedNetWei: null, expectedRefundWei: 0n });
    store.resolveBid({ bundleId: 'b3', outcome: 'missed', builder: 'local', missKind: 'nonce' });
    clock.ms += 1000;

    const recent = store.recentBids(10);
    expect(recent.map((row) => row.bundleId)).toEqual(['b5', 'b4', 'b3', 'b2', 'b1']);
    expect(recent.find((row) => row.bundleId === 'b1')).toEqual({
      bundleId: 'b1',
      block: 10,
      pools: [pool(1), pool(2)].map((address) => address.toLowerCase()),
      builders: ['local', 'titan'],
      policy: 'adaptive',
      shareBps: 5000,
      bidWei: ether / 2n,
      grossWei: ether,
      gasWei: ether / 100n,
      outcome: 'outbid',
      outcomeBuilder: 'local',
      missKind: null,
      winningBidWei: big,
    });
    expect(recent.find((row) => row.bundleId === 'b2')).toMatchObject({ bidWei: big, outcome: 'won', winningBidWei: null });
    expect(recent.find((row) => row.bundleId === 'b3')).toMatchObject({ outcome: 'missed', missKind: 'nonce' });
    expect(recent.find((row) => row.bundleId === 'b4')).toMatchObject({ outcome: 'pending' });

    // Buckets of 10%: 50-60% had one outbid and one pending; 90-100% one won (its net from the receipt), one
    // missed for a nonce, and the full 100% bid pending.
    const buckets = store.bidBuckets();
    expect(buckets).toEqual([
      { fromBps: 5000, toBps: 6000, bids: 2, won: 0, outbid: 1, missed: 0, pending: 0 + 1, netWei: 0n },
      { fromBps: 9000, toBps: 10_000, bids: 3, won: 1, outbid: 0, missed: 1, pending: 1, netWei: ether - ether / 2n - 150_000n * 2_000_000_000n },
    ]);
    // Another instance's bids are its own; null reads every instance.
    const other = Store.open(suite.target, { now, instance: 'host-b' });
    suite.open.push(other);
    expect(other.recentBids(10)).toEqual([]);
    expect(store.bidBuckets(null).reduce((sum, bucket) => sum + bucket.bids, 0)).toBe(5);
  });

  it('gives the resolved bids oldest first for the policy to learn from again at start', () => {
    const store = Store.open(suite.target, { now, instance: 'host-a' });
    suite.open.push(store);
    for (const [i, id] of ['l1', 'l2', 'l3'].entries()) {
      sendBundle(store, id, 20 + i);
      store.recordBid({ bundleId: id, block: 20 + i, pools: [pool(7)], shareBps: 6000 + i, bidWei: ether, grossWei: 2n * ether, gasWei: 0n, policy: 'adaptive' });
      clock.ms += 10;
    }
    store.resolveBid({ bundleId: 'l1', outcome: 'outbid', builder: 'local', winningBidWei: ether + 1n });
    store.resolveBid({ bundleId: 'l3', outcome: 'won' });
    const learned = store.resolvedBids(100);
    expect(learned.map((row) => [row.bundleId, row.outcome])).toEqual([['l1', 'outbid'], ['l3', 'won']]);
    expect(learned[0]!.winningBidWei).toBe(ether + 1n);
    expect(typeof learned[0]!.at).toBe('number');
    // Each with its route (its victim's source): the policy learns each route's auction apart.
    expect(learned.map((row) => row.route)).toEqual(['public', 'public']);
  });

  it("gives each resolved bid its victim's route, so a restarted policy learns MEV Blocker and MEV-Share apart from public", () => {
    const store = Store.open(suite.target, { now, instance: 'host-a' });
    suite.open.push(store);
    const routes = ['mevBlocker', 'mevShare', 'public'] as const;
    for (const [i, source] of routes.entries()) {
      const id = `r${i}`;
      const opportunityId = store.recordOpportunity(opportunity(30 + i, { source }));
      store.recordBundle({ id, opportunityId, targetBlock: 30 + i, ourTxHash: hash(20_000 + i), txHashes: [hash(30 + i), hash(20_000 + i)], predictedNetWei: 1n, simulatedNetWei: 1n });
      store.recordBid({ bundleId: id, block: 30 + i, pools: [pool(8)], shareBps: 5000, bidWei: ether, grossWei: 2n * ether, gasWei: 0n, policy: 'adaptive' });
      store.resolveBid({ bundleId: id, outcome: 'won' });
      clock.ms += 10;
    }
    expect(store.resolvedBids(100).map((row) => [row.bundleId, row.route])).toEqual([['r0', 'mevBlocker'], ['r1', 'mevShare'], ['r2', 'public']]);
  });
});
