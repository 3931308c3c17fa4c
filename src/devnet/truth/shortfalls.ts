import type { GradedRecord } from './gradedRecord.ts';

/**
 * Why a victim's credit fell short of its own value, from the truth's record of it (gradedRecord.ts) and what the
 * bot's store says it sent. A diagnosis aid, not a measure: the headline capture never reads it.
 *
 * - `miss`: no landed backrun of ours.
 * - `size`: our backrun traded the victim's best cycle on the state it predicted, and got less (sizing).
 * - `cycle`: a worse cycle than the victim's best, on the state it predicted, with nothing of ours assumed ahead on
 *   the best cycle's pools (the search's choice).
 * - `assumedAhead`: a worse cycle, on the state it predicted, where an earlier bundle of ours for the same block
 *   trades a pool of the victim's best cycle: the search judged the victim after that bundle, which the builder
 *   may place after the victim (the truth grades the state right after the victim).
 * - `stateMoved`: what landed differs from the prediction (the state it met was not the one it was sized on: a
 *   transaction nobody showed us, or ours assumed ahead, ran otherwise), same cycle or not.
 * - `standingGap`: we traded the best cycle after the victim, but a gap stood on it before, so the victim's own
 *   gain there is less than on another cycle (the per-cycle credit rule: grading, not a lost wei).
 */
export type ShortfallClass = 'miss' | 'size' | 'cycle' | 'assumedAhead' | 'stateMoved' | 'standingGap';

/** What the store says about one bundle of ours: its opportunity's pools and prediction, and whether it landed. */
export type SentBackrun = {
  victim: string | null;
  /** The opportunity's id: a smaller one was decided earlier. */
  order: number;
  targetBlock: bigint;
  /** The pools it trades (a V4 pool by its id), any case. */
  pools: readonly string[];
  predictedGrossWei: bigint;
  /** The gross its receipt booked, when it landed. */
  realisedGrossWei: bigint | undefined;
};

export type Shortfall = {
  victim: string;
  block: string;
  route: string;
  class: ShortfallClass;
  shortWei: bigint;
  /** Of shortWei: what the victim's best cycle gives over ours (0 on its own cycle), and what we got below our cycle's own gain. */
  cycleWei: bigint;
  sizeWei: bigint;
};

const poolsOfLabel = (label: string): string[] => label.split('>').map((hop) => hop.split(':')[0]!.toLowerCase());

export function classifyShortfall(record: GradedRecord, sent: readonly SentBackrun[]): Shortfall | undefined {
  const marginal = BigInt(record.marginalWei);
  const credited = BigInt(record.creditedWei);
  if (marginal === 0n || credited >= marginal) return undefined;
  const base = { victim: record.victim, block: record.block, route: record.route, shortWei: marginal - credited };
  if (record.oursWei === null) return { ...base, class: 'miss', cycleWei: 0n, sizeWei: 0n };
  const ours = BigInt(record.oursWei);
  const gain = record.oursGainWei === null ? marginal : BigInt(record.oursGainWei);
  const cycleWei = marginal > gain ? marginal - gain : 0n;
  const sizeWei = base.shortWei - cycleWei;
  const mine = sent.find((bundle) => bundle.victim?.toLowerCase() === record.victim.toLowerCase() && bundle.realisedGrossWei !== undefined);
  const split = { cycleWei, sizeWei };
  // Not found landed in the store, or landed with another gross than predicted: the state it met was not the one it was sized on.
  if (!mine || mine.realisedGrossWei !== mine.predictedGrossWei) return { ...base, class: 'stateMoved', ...split };
  const best = record.marginalAfter?.cycle;
  const sameCycle = best !== undefined && record.oursHops === best;
  if (sameCycle) return { ...base, class: 'size', ...split };
  if (record.afterOnly && record.oursAfter && BigInt(record.oursAfter.grossWei) >= BigInt(record.afterOnly.grossWei) && ours > 0n) return { ...base, class: 'standingGap', ...split };
  const bestPools = new Set(best ? poolsOfLabel(best) : []);
  const ahead = sent.some((bundle) => bundle.order < mine.order && bundle.targetBlock === mine.targetBlock && bundle.pools.some((pool) => bestPools.has(pool.toLowerCase())));
  return { ...base, class: ahead ? 'assumedAhead' : 'cycle', ...split };
}

/** The shortfalls of some records, and their sums per class. */
export function shortfallTable(records: readonly GradedRecord[], sent: readonly SentBackrun[]): { rows: Shortfall[]; byClass: Record<ShortfallClass, { victims: number; shortWei: bigint }>; totalWei: bigint } {
  const byClass = Object.fromEntries((['miss', 'size', 'cycle', 'assumedAhead', 'stateMoved', 'standingGap'] as const).map((name) => [name, { victims: 0, shortWei: 0n }])) as Record<ShortfallClass, { victims: number; shortWei: bigint }>;
  const rows: Shortfall[] = [];
  let totalWei = 0n;
  for (const record of records) {
    const row = classifyShortfall(record, sent);
    if (!row) continue;
    rows.push(row);
    byClass[row.class].victims++;
    byClass[row.class].shortWei += row.shortWei;
    totalWei += row.shortWei;
  }
  return { rows, byClass, totalWei };
}
