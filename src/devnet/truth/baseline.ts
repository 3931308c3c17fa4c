import type { CycleBest } from './best.ts';
import type { OurCycle } from './credit.ts';

/**
 * What a victim itself created: its value against the state right before it, cycle by cycle.
 *
 * A price gap can stand before a swap (left by an earlier swap nobody backran, a hook pool's swap, a previous
 * block). Graded on the state after the swap alone, that gap is credited in full to this victim and again to every
 * later one on the same pools until someone closes it. The victim's own value is what it added:
 *
 *   value = max(0, max over cycles c of (after_c - before_c))
 *
 * where after_c and before_c are cycle c's best gross (a cycle is directed: WETH -> ... -> WETH one way round) on
 * the state right after the victim and right before it, on the same fork, by the same search.
 *
 * Why per cycle and not the overall best after minus the overall best before: a standing gap is only the victim's
 * baseline on the cycle where it stands. A swap that closes a gap one way and overshoots opens a gap on the
 * reverse cycle that did not stand before it (before_c = 0 there): that gap is the victim's own, yet the overall
 * difference (new gap minus the old one it closed) would call it 0, and our backrun taking it would be booked as
 * "standing gap". Per cycle, the value is never below the overall difference (take the cycle of the best after) and
 * never above the best after (before_c >= 0): it takes out what stood on the cycle that gives the victim its value,
 * and is the stricter grade for the bot of the two.
 *
 * Our backrun is credited on the cycle it traded (creditOf): the truth reads that cycle from our transaction's own
 * Swap logs (truth/credit.ts), and credits min(ours, gain_c) for that cycle c, where gain_c = max(0, after_c -
 * before_c) (`gains`; 0 for a cycle that gains nothing after the victim, and for pools the victim did not move). A
 * backrun that only took a gap standing on another cycle than the one the victim created is credited what the
 * victim added there, often 0. Where the truth cannot place our cycle (a hook pool, a longer cycle than it
 * enumerates, no receipt), the old rule stays, credit up to the victim's value, and the victim is counted in
 * `creditUnmatched` (there the headline can still overstate).
 */
export type Marginal = {
  /** The victim's own value within the input cap (0: it added nothing over what stood before it). */
  gross: bigint;
  /** The same, uncapped. */
  uncappedGross: bigint;
  /** The cycle where the capped value is found: its best after the victim, and before (undefined: it gained nothing before). */
  after: CycleBest | undefined;
  before: CycleBest | undefined;
  /** Each cycle's own gain from the victim within the cap, max(0, after_c - before_c), indexed as the cycles searched. */
  gains: bigint[];
};

const grossOf = (best: CycleBest | undefined) => (best ? best.gross : 0n);

/**
 * The marginal value from each cycle's best after and before the victim (arrays indexed alike: undefined means the
 * cycle gains nothing on that state, or was not searched because it gains nothing after).
 */
export function marginalOf(
  after: { capped: ReadonlyArray<CycleBest | undefined>; uncapped: ReadonlyArray<CycleBest | undefined> },
  before: { capped: ReadonlyArray<CycleBest | undefined>; uncapped: ReadonlyArray<CycleBest | undefined> },
): Marginal {
  let gross = 0n;
  let uncappedGross = 0n;
  let at = -1;
  const gains = after.capped.map(() => 0n);
  after.capped.forEach((best, i) => {
    const gain = grossOf(best) - grossOf(before.capped[i]);
    if (gain > 0n) gains[i] = gain;
    if (gain > gross) {
      gross = gain;
      at = i;
    }
  });
  after.uncapped.forEach((best, i) => {
    const gain = grossOf(best) - grossOf(before.uncapped[i]);
    if (gain > uncappedGross) uncappedGross = gain;
  });
  return { gross, uncappedGross, after: at < 0 ? undefined : after.capped[at], before: at < 0 ? undefined : before.capped[at], gains };
}

/** Running sums of a group of victims (all, one route, one protocol), on both rules. */
export type VictimTally = {
  /** After-only victims (a backrun worth its gas after the swap) whose own value is above 0. */
  victims: number;
  /** Of those, backrun by us. */
  captured: number;
  /** Their own values (marginal), capped and uncapped, summed. */
  best: bigint;
  uncapped: bigint;
  /** Our backruns' gross, each held to its victim's own value. */
  capturedGross: bigint;
  /** The old rule: every swap with a backrun worth its gas, graded on the state after it alone. */
  afterOnlyVictims: number;
  afterOnlyCaptured: number;
  afterOnlyBest: bigint;
  afterOnlyUncapped: bigint;
  afterOnlyCapturedGross: bigint;
  /** What our backruns of these victims took above what each was credited: gaps that stood before it, or on another cycle than the victim's. */
  standing: bigint;
  /** Victims (own value above 0) backrun by us where the truth could not place our backrun's cycle: credited by the old rule, up to the victim's value. */
  creditUnmatched: number;
  /** The previous credit rule, for comparison: each backrun held to its victim's own value whatever cycle it traded. */
  anyCycleCredit: bigint;
};

export const emptyVictimTally = (): VictimTally => ({
  victims: 0,
  captured: 0,
  best: 0n,
  uncapped: 0n,
  capturedGross: 0n,
  afterOnlyVictims: 0,
  afterOnlyCaptured: 0,
  afterOnlyBest: 0n,
  afterOnlyUncapped: 0n,
  afterOnlyCapturedGross: 0n,
  standing: 0n,
  creditUnmatched: 0,
  anyCycleCredit: 0n,
});

/**
 * One graded victim: its best after it (old rule), its own value (new rule), our landed backrun's gross if any, and
 * what the victim added on the cycle our backrun traded (`oursCycle`, truth/credit.ts; absent or `unmatched`: the
 * truth could not place it).
 */
export type VictimGrade = { afterOnly: bigint; afterOnlyUncapped: bigint; marginal: Marginal; ours: bigint | undefined; oursCycle?: OurCycle };

/** Whether our backrun's cycle is placed: its gain from the victim is then what bounds the credit. */
const placed = (grade: VictimGrade): grade is VictimGrade & { oursCycle: Exclude<OurCycle, { kind: 'unmatched' }> } =>
  grade.oursCycle !== undefined && grade.oursCycle.kind !== 'unmatched';

/**
 * The part of our backrun credited to the victim: no more than what the victim added on the cycle we traded, and
 * where that cycle is not placed, no more than the victim's own value (the old rule). Never above the victim's value.
 */
export function creditOf(grade: VictimGrade): bigint {
  if (grade.ours === undefined) return 0n;
  const bound = placed(grade) && grade.oursCycle.gain < grade.marginal.gross ? grade.oursCycle.gain : grade.marginal.gross;
  return grade.ours < bound ? grade.ours : bound;
}

export function countVictim(tally: VictimTally, grade: VictimGrade): void {
  const credited = creditOf(grade);
  tally.afterOnlyVictims++;
  tally.afterOnlyBest += grade.afterOnly;
  tally.afterOnlyUncapped += grade.afterOnlyUncapped;
  if (grade.ours !== undefined) {
    tally.afterOnlyCaptured++;
    tally.afterOnlyCapturedGross += grade.ours;
    tally.standing += grade.ours - credited;
  }
  if (grade.marginal.gross === 0n) return;
  tally.victims++;
  tally.best += grade.marginal.gross;
  tally.uncapped += grade.marginal.uncappedGross;
  if (grade.ours !== undefined) {
    tally.captured++;
    tally.capturedGross += credited;
    if (!placed(grade)) tally.creditUnmatched++;
    tally.anyCycleCredit += grade.ours < grade.marginal.gross ? grade.ours : grade.marginal.gross;
  }
}

/** part / whole to 4 decimals; null when there was nothing to take. */
export const ratioOf = (part: bigint, whole: bigint): number | null => (whole === 0n ? null : Number((part * 10_000n) / whole) / 10_000);

/** A tally's figures under the JSON names every capture (all, per source, per protocol) carries. */
export function tallyFigures(tally: VictimTally) {
  return {
    victims: tally.victims,
    captured: tally.captured,
    bestGrossWei: String(tally.best),
    capturedGrossWei: String(tally.capturedGross),
    ratio: ratioOf(tally.capturedGross, tally.best),
    afterOnlyVictims: tally.afterOnlyVictims,
    afterOnlyCaptured: tally.afterOnlyCaptured,
    afterOnlyBestGrossWei: String(tally.afterOnlyBest),
    afterOnlyCapturedGrossWei: String(tally.afterOnlyCapturedGross),
    afterOnlyRatio: ratioOf(tally.afterOnlyCapturedGross, tally.afterOnlyBest),
    standingGapBackrunGrossWei: String(tally.standing),
  };
}
