import type { Hex } from 'viem';
import type { Marginal } from './baseline.ts';
import type { CycleBest } from './best.ts';
import type { OurCycle, OurTrade } from './credit.ts';
import { poolIdOf, type TruthCycle } from './cycles.ts';

/**
 * One graded victim as a flat JSON record, for diagnosing a capture shortfall victim by victim: which cycle and
 * input the truth's best used, which cycle our landed backrun traded (from its receipt) and what that cycle was worth
 * after and before the victim. Joined with the bot's store (opportunities.victim, bundles, inclusions) it tells a
 * worse cycle from a worse size from a state that moved. Amounts are decimal wei strings; a cycle is written as its
 * hops `poolId:tokenIn` joined by `>` (the same spelling the receipt's hops get, so the two compare as strings).
 */
export type GradedRecord = {
  victim: Hex;
  block: string;
  index: number;
  protocol: string;
  route: string;
  /** The best backrun on the state right after the victim (the old rule's figure). */
  afterOnly: CycleSize | null;
  /** The victim's own value (what the headline grades it by) and the cycle it is found on, after and before. */
  marginalWei: string;
  marginalAfter: CycleSize | null;
  marginalBefore: CycleSize | null;
  /** Our landed backrun's gross (null: not captured), and the part of it credited to the victim. */
  oursWei: string | null;
  creditedWei: string;
  oursTx: Hex | null;
  /** Our transaction's swaps in log order, and how the truth placed them (cycle / untouched / unmatched). */
  oursHops: string | null;
  oursKind: OurCycle['kind'] | null;
  oursGainWei: string | null;
  /** The truth's best on our cycle, after and before the victim (null: not one of its cycles, or no gain there). */
  oursAfter: CycleSize | null;
  oursBefore: CycleSize | null;
};

export type CycleSize = { cycle: string; amountInWei: string; grossWei: string };

/** A cycle as `poolId:tokenIn>...`, lower case. */
export const cycleLabel = (cycle: TruthCycle): string => cycle.map((hop) => `${poolIdOf(hop.pool)}:${hop.tokenIn.toLowerCase()}`).join('>');

const sizeOf = (best: CycleBest | undefined): CycleSize | null => (best ? { cycle: cycleLabel(best.cycle), amountInWei: String(best.amountIn), grossWei: String(best.gross) } : null);

export type GradedRecordInput = {
  victim: Hex;
  block: bigint;
  index: number;
  protocol: string;
  route: string;
  afterOnly: CycleBest | undefined;
  marginal: Marginal;
  /** Each searched cycle's best after and before the victim, indexed as the cycles (to find our cycle's). */
  after: ReadonlyArray<CycleBest | undefined>;
  before: ReadonlyArray<CycleBest | undefined>;
  ours: bigint | undefined;
  credited: bigint;
  oursTx: Hex | undefined;
  oursTrade: OurTrade | undefined;
  oursCycle: OurCycle | undefined;
};

export function gradedRecord(input: GradedRecordInput): GradedRecord {
  const placed = input.oursCycle?.kind === 'cycle' ? input.oursCycle.index : -1;
  return {
    victim: input.victim,
    block: String(input.block),
    index: input.index,
    protocol: input.protocol,
    route: input.route,
    afterOnly: sizeOf(input.afterOnly),
    marginalWei: String(input.marginal.gross),
    marginalAfter: sizeOf(input.marginal.after),
    marginalBefore: sizeOf(input.marginal.before),
    oursWei: input.ours === undefined ? null : String(input.ours),
    creditedWei: String(input.credited),
    oursTx: input.oursTx ?? null,
    oursHops: input.oursTrade ? input.oursTrade.hops.map((hop) => `${hop.pool}:${hop.tokenIn}`).join('>') : null,
    oursKind: input.oursCycle?.kind ?? null,
    oursGainWei: input.oursCycle && 'gain' in input.oursCycle ? String(input.oursCycle.gain) : null,
    oursAfter: placed >= 0 ? sizeOf(input.after[placed]) : null,
    oursBefore: placed >= 0 ? sizeOf(input.before[placed]) : null,
  };
}
