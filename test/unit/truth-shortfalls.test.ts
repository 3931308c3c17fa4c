import { describe, expect, it } from 'vitest';
import type { CycleSize, GradedRecord } from '../../src/devnet/truth/gradedRecord.ts';
import { classifyShortfall, shortfallTable, type SentBackrun } from '../../src/devnet/truth/shortfalls.ts';

const WETH = '0xc02aaa39b223fe8d0a0e5c4f27ead9083c756cc2';
const USDC = '0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48';
const V2 = '0xb4e16d0168e52d35cacd2c6185b44281ec28c9dc';
const V3 = '0x88e6a0c2ddd26feeb64f039a2c41296fcb3f5640';
const V4 = `0x${'21'.repeat(32)}`;
const label = (first: string, second: string) => `${first}:${WETH}>${second}:${USDC}`;
const size = (cycle: string, grossWei: bigint): CycleSize => ({ cycle, amountInWei: '1000', grossWei: String(grossWei) });
const victim = `0x${'de'.repeat(32)}` as const;

/** The victim's best is V3 -> V2 (after 100, before 0); our backrun traded `oursCycle`, got `ours`, its cycle worth `oursAfter` after the victim. */
function record(overrides: Partial<Omit<GradedRecord, 'oursAfter'>> & { oursCycle?: string; ours?: bigint; oursAfter?: bigint; oursGain?: bigint; credited?: bigint }): GradedRecord {
  const best = label(V3, V2);
  const oursCycle = overrides.oursCycle ?? best;
  return {
    victim,
    block: '452',
    index: 4,
    protocol: 'v4',
    route: 'public',
    afterOnly: size(best, 100n),
    marginalWei: '100',
    marginalAfter: size(best, 100n),
    marginalBefore: null,
    oursWei: overrides.ours === undefined ? null : String(overrides.ours),
    creditedWei: String(overrides.credited ?? overrides.ours ?? 0n),
    oursTx: overrides.ours === undefined ? null : `0x${'0a'.repeat(32)}`,
    oursHops: overrides.ours === undefined ? null : oursCycle,
    oursKind: overrides.ours === undefined ? null : 'cycle',
    oursGainWei: overrides.ours === undefined ? null : String(overrides.oursGain ?? overrides.oursAfter ?? 100n),
    oursAfter: overrides.ours === undefined ? null : size(oursCycle, overrides.oursAfter ?? 100n),
    oursBefore: null,
    ...Object.fromEntries(Object.entries(overrides).filter(([key]) => !['oursCycle', 'ours', 'oursAfter', 'oursGain', 'credited'].includes(key))),
  };
}
const landed = (predicted: bigint, realised: bigint, pools: string[], order = 10): SentBackrun => ({ victim, order, targetBlock: 452n, pools, predictedGrossWei: predicted, realisedGrossWei: realised });

describe('why a victim was credited less than its own value', () => {
  it('a victim we never backran is a miss, all of its value short', () => {
    expect(classifyShortfall(record({}), [])).toMatchObject({ class: 'miss', shortWei: 100n, cycleWei: 0n, sizeWei: 0n });
  });

  it("our backrun on the victim's best cycle that realised its prediction and still got less: the size", () => {
    expect(classifyShortfall(record({ ours: 90n }), [landed(90n, 90n, [V3, V2])])).toMatchObject({ class: 'size', shortWei: 10n, cycleWei: 0n, sizeWei: 10n });
  });

  it('a worse cycle on the state it predicted, nothing of ours ahead on the best pools: the cycle, split into what the cycle and the size cost', () => {
    const row = classifyShortfall(record({ oursCycle: label(V4, '0x' + '99'.repeat(20)), ours: 70n, oursAfter: 80n }), [landed(70n, 70n, [V4, '0x' + '99'.repeat(20)])]);
    expect(row).toMatchObject({ class: 'cycle', shortWei: 30n, cycleWei: 20n, sizeWei: 10n });
  });

  it('the same worse cycle after an earlier bundle of ours for the block on a pool of the best cycle: assumed ahead', () => {
    const blockArb: SentBackrun = { victim: null, order: 9, targetBlock: 452n, pools: [V2.toUpperCase().replace('0X', '0x'), V4], predictedGrossWei: 5n, realisedGrossWei: 5n };
    const row = classifyShortfall(record({ oursCycle: label(V4, V3), ours: 70n, oursAfter: 70n }), [blockArb, landed(70n, 70n, [V4, V3])]);
    expect(row).toMatchObject({ class: 'assumedAhead', shortWei: 30n });
    // Sent after ours, or for another block, it was not assumed ahead.
    expect(classifyShortfall(record({ oursCycle: label(V4, V3), ours: 70n, oursAfter: 70n }), [{ ...blockArb, order: 11 }, landed(70n, 70n, [V4, V3])])).toMatchObject({ class: 'cycle' });
    expect(classifyShortfall(record({ oursCycle: label(V4, V3), ours: 70n, oursAfter: 70n }), [{ ...blockArb, targetBlock: 451n }, landed(70n, 70n, [V4, V3])])).toMatchObject({ class: 'cycle' });
  });

  it('a backrun that landed with another gross than predicted met a state that moved, whatever its cycle', () => {
    expect(classifyShortfall(record({ ours: 90n }), [landed(80n, 90n, [V3, V2])])).toMatchObject({ class: 'stateMoved', shortWei: 10n });
    expect(classifyShortfall(record({ oursCycle: label(V4, V2), ours: 70n, oursAfter: 72n }), [landed(60n, 70n, [V4, V2])])).toMatchObject({ class: 'stateMoved', cycleWei: 28n, sizeWei: 2n });
  });

  it("the after-best cycle taken in full, credited less for the gap that stood on it: the grading's standing gap", () => {
    const row = classifyShortfall(record({ oursCycle: label(V4, V2), ours: 150n, oursAfter: 150n, oursGain: 90n, credited: 90n, afterOnly: size(label(V4, V2), 150n) }), [landed(150n, 150n, [V4, V2])]);
    expect(row).toMatchObject({ class: 'standingGap', shortWei: 10n, cycleWei: 10n, sizeWei: 0n });
  });

  it('leaves out victims credited in full or worth nothing, and sums the rest per class', () => {
    const table = shortfallTable(
      [record({ ours: 100n }), record({ marginalWei: '0' }), record({}), record({ victim: `0x${'ab'.repeat(32)}` })],
      [landed(100n, 100n, [V3, V2])],
    );
    expect(table.rows).toHaveLength(2);
    expect(table.byClass.miss).toEqual({ victims: 2, shortWei: 200n });
    expect(table.totalWei).toBe(200n);
  });
});
