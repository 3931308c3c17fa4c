import { describe, expect, it } from 'vitest';
import { formatBidsTable, formatReportTable, reportJson } from '../../src/cli/profitReport.ts';
import type { BidBucket } from '../../src/monitor/bidQueries.ts';
import type { Totals } from '../../src/monitor/store.ts';

const totals: Totals = { blocks: 0, seen: 0, candidates: 0, sent: 0, included: 0, reverted: 0, missed: 0, grossWei: 0n, gasWei: 0n, bribeWei: 0n, netWei: 0n, simulatedNetWei: 0n, mismatches: 0 };
const bids: BidBucket[] = [
  { fromBps: 5000, toBps: 6000, bids: 4, won: 1, outbid: 2, missed: 0, pending: 1, netWei: 10n ** 16n },
  { fromBps: 9000, toBps: 10_000, bids: 3, won: 3, outbid: 0, missed: 0, pending: 0, netWei: 3n * 10n ** 16n },
];

describe('searcher report: bid share vs win rate', () => {
  it('a row per share bucket: bids, outcomes, win rate over the resolved, net of the won (ETH)', () => {
    expect(formatBidsTable(bids)).toEqual([
      '   share  bids  won  outbid  missed  pending  win rate  net of won (ETH)',
      ' 50-60 %     4    1       2       0        1    33.3 %              0.01',
      '90-100 %     3    3       0       0        0   100.0 %              0.03',
    ]);
    expect(formatReportTable([], totals, [], undefined, undefined, bids)).toContain('bids by share of the profit after gas:');
    expect(formatReportTable([], totals, [], undefined, undefined, [])).not.toContain('bids by share');
  });

  it('--json: "bids" buckets with decimal wei', () => {
    const json = JSON.parse(reportJson([], totals, [], undefined, undefined, bids));
    expect(json.bids).toEqual([
      { fromBps: 5000, toBps: 6000, bids: 4, won: 1, outbid: 2, missed: 0, pending: 1, netWei: '10000000000000000' },
      { fromBps: 9000, toBps: 10_000, bids: 3, won: 3, outbid: 0, missed: 0, pending: 0, netWei: '30000000000000000' },
    ]);
  });
});
