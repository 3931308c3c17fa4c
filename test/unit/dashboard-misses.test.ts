import { describe, expect, it } from 'vitest';
import { toBuilderRows } from '../../src/monitor/dashboard/storeSource.ts';
import type { BuilderStats } from '../../src/monitor/store.ts';

const stats = (builder: string): BuilderStats => ({ builder, sent: 4, submissions: 4, accepted: 4, refused: 0, timeout: 0, error: 0, included: 1, inclusionRate: 0.25, meanLatencyMs: 3 });

describe('dashboard builders: misses per builder as the builder reported them', () => {
  it('each builder row carries its misses by kind; a builder with none has zeros, and guesses stay off the builders\' rows', () => {
    const rows = toBuilderRows([stats('local'), stats('titan')], [], [
      { builder: null, outbid: 0, reverted: 0, nonce: 0, late: 0, cancelled: 2, other: 5, guessed: 5 },
      { builder: 'local', outbid: 2, reverted: 1, nonce: 3, late: 0, cancelled: 0, other: 0, guessed: 0 },
    ]);
    expect(rows.map((row) => [row.name, row.misses])).toEqual([
      ['local', { outbid: 2, reverted: 1, nonce: 3, late: 0, cancelled: 0, other: 0 }],
      ['titan', { outbid: 0, reverted: 0, nonce: 0, late: 0, cancelled: 0, other: 0 }],
    ]);
  });
});
