import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dashboardPage } from '../../src/monitor/dashboard/page.ts';
import { storeDashboardSource, toBidRows } from '../../src/monitor/dashboard/storeSource.ts';
import { Store } from '../../src/monitor/store.ts';
import { execution, now, pool, sendBundle } from '../helpers/storeFixtures.ts';

const ether = 10n ** 18n;

describe('dashboard "bids" panel: bid share vs win rate', () => {
  it('maps share buckets to rows with the win rate over resolved bids and the net of the won ones', () => {
    const rows = toBidRows([
      { fromBps: 5000, toBps: 6000, bids: 4, won: 1, outbid: 2, missed: 0, pending: 1, netWei: 5n },
      { fromBps: 9000, toBps: 10_000, bids: 2, won: 0, outbid: 0, missed: 0, pending: 2, netWei: 0n },
    ]);
    expect(rows).toEqual([
      { fromBps: 5000, toBps: 6000, bids: 4, won: 1, outbid: 2, missed: 0, pending: 1, winRate: 1 / 3, netWei: '5' },
      { fromBps: 9000, toBps: 10_000, bids: 2, won: 0, outbid: 0, missed: 0, pending: 2, winRate: 0, netWei: '0' },
    ]);
  });

  it('is in the snapshot the store-backed source serves, and the page has its table', () => {
    const store = Store.open(join(mkdtempSync(join(tmpdir(), 'dashboard-bids-')), 'store.db'), { now });
    try {
      for (const [i, share] of [5000, 9300].entries()) {
        sendBundle(store, `b${i}`, 10 + i);
        store.recordBid({ bundleId: `b${i}`, block: 10 + i, pools: [pool(1)], shareBps: share, bidWei: ether / 2n, grossWei: ether, gasWei: 0n, policy: 'adaptive' });
      }
      store.resolveBid({ bundleId: 'b0', outcome: 'outbid', builder: 'local', winningBidWei: (ether * 9n) / 10n });
      store.resolveBid({ bundleId: 'b1', outcome: 'won' });
      store.recordInclusion({ bundleId: 'b1', execution: execution(11, ether, ether / 2n), simulatedNetWei: null, expectedRefundWei: 0n });
      const snapshot = storeDashboardSource({ store }).snapshot();
      expect(snapshot.bids).toEqual([
        { fromBps: 5000, toBps: 6000, bids: 1, won: 0, outbid: 1, missed: 0, pending: 0, winRate: 0, netWei: '0' },
        { fromBps: 9000, toBps: 10_000, bids: 1, won: 1, outbid: 0, missed: 0, pending: 0, winRate: 1, netWei: String(ether - ether / 2n - 150_000n * 2_000_000_000n) },
      ]);
    } finally {
      store.close();
    }
    expect(dashboardPage()).toContain('data-testid="bids-table"');
  });
});
