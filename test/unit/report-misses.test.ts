import { describe, expect, it } from 'vitest';
import { formatMissesTable, formatReportTable, reportJson } from '../../src/cli/profitReport.ts';
import type { Totals } from '../../src/monitor/store.ts';
import type { BuilderMisses } from '../../src/monitor/missQueries.ts';

const totals: Totals = { blocks: 0, seen: 0, candidates: 0, sent: 0, included: 0, reverted: 0, missed: 4, grossWei: 0n, gasWei: 0n, bribeWei: 0n, netWei: 0n, simulatedNetWei: 0n, mismatches: 0 };
const misses: BuilderMisses[] = [
  { builder: null, outbid: 0, reverted: 0, nonce: 0, late: 0, cancelled: 1, other: 1, guessed: 1 },
  { builder: 'local', outbid: 2, reverted: 0, nonce: 3, late: 1, cancelled: 0, other: 0, guessed: 0 },
];

describe('searcher report: misses per builder, as the builders reported them', () => {
  it('a table row per builder (the unnamed as "(no builder: ours or guessed)"), guesses counted apart', () => {
    expect(formatMissesTable(misses)).toEqual([
      '                      builder  outbid  reverted  nonce  late  cancelled  other  of which guessed',
      '(no builder: ours or guessed)       0         0      0     0          1      1                 1',
      '                        local       2         0      3     1          0      0                 0',
    ]);
    const report = formatReportTable([], totals, [], undefined, misses);
    expect(report).toContain('(no builder: ours or guessed)');
    expect(report).toContain('local       2         0      3');
  });

  it('--json: "misses" per builder and per kind', () => {
    const json = JSON.parse(reportJson([], totals, [], undefined, misses));
    expect(json.misses).toEqual({
      kinds: { outbid: 2, reverted: 0, nonce: 3, late: 1, cancelled: 1, other: 1 },
      byBuilder: misses,
    });
  });
});
