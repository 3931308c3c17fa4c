import type { Hex } from 'viem';
import { poolIdOf, type TruthPool } from './cycles.ts';
import { emptyVictimTally, tallyFigures, type VictimTally } from './baseline.ts';
import type { SwapRoute } from '../traffic/privateRoute.ts';

/** The protocol a victim is graded under: the newest one its swap touched (V4 over V3 over V2-style pairs). */
export type TruthProtocol = 'v2' | 'v3' | 'v4';

/**
 * The capture of one protocol's victims, against the same independent truth. Amounts are decimal wei strings. The
 * headline figures grade each victim by its own value (truth/baseline.ts); the `afterOnly*` ones are the old rule.
 */
export type ProtocolCapture = {
  /**
   * Victims counted under this protocol: `v4` when any pool its swap moved is a V4 pool, else `v3` when any is a
   * V3 pool, else `v2` (Uniswap V2 and SushiSwap pairs). The three split the victims: they add up to the capture.
   */
  victims: number;
  /** Of those, backrun by us. */
  captured: number;
  /** The victims' own values (within the input cap), summed. */
  bestGrossWei: string;
  /** Our backruns' gross, each held to its victim's own value. */
  capturedGrossWei: string;
  /** capturedGross / bestGross, 4 decimals; null when there was nothing to take. */
  ratio: number | null;
  /** The victims' own values with no input cap, summed over the same victims. */
  uncappedBestGrossWei: string;
  /** Router swaps of this protocol the truth measured (victims or not). */
  analyzed: number;
  /** The old rule's figures (the best on the state after the swap alone, standing gaps included; our gross in full). */
  afterOnlyVictims: number;
  afterOnlyCaptured: number;
  afterOnlyBestGrossWei: string;
  afterOnlyCapturedGrossWei: string;
  afterOnlyRatio: number | null;
  afterOnlyUncappedBestGrossWei: string;
  /** What our backruns of these victims took above each victim's own value: gaps that stood before the victim. */
  standingGapBackrunGrossWei: string;
  /**
   * The same victims split by the route each user's swap took (public, MEV Blocker, MEV-Share): a route can hide a
   * protocol's swaps from every searcher (MEV-Share's default hints carry no Uniswap V4 Swap log), so a protocol's
   * capture is read per route to tell what the bot missed from what nobody could see.
   */
  bySource: Record<SwapRoute, ReturnType<typeof tallyFigures>>;
};

export type ProtocolCaptures = Record<TruthProtocol, ProtocolCapture>;

/**
 * What the V4 pools whose hooks run code around a swap (simulate-only: the bot never prices them by its own math,
 * and the devnet's executor is not allowed their hooks) would add over the headline truth. They are kept out of
 * `capture` on purpose: a backrun through them cannot be sent by this executor, so counting it would grade the bot
 * on trades it may not make. Their value is searched the same way (V4Quoter runs the hooks) and reported here, so
 * the reader sees how much sits there. Gross only: these trades are not run through the executor (it refuses them).
 */
export type SimulateOnlyTruth = {
  /** The manifest's simulate-only V4 pools (their ids). */
  pools: Hex[];
  /** Why they are out of the headline ratio. */
  reason: string;
  /** Measured router swaps where a cycle through a simulate-only pool beats the headline best (and gains). */
  swaps: number;
  /** Those cycles' best gross (within the input cap), summed over those swaps. */
  bestGrossWei: string;
  /** What they add over the headline best of the same swaps (best through them minus the headline best, or 0), summed. */
  extraGrossWei: string;
};

export const simulateOnlyReason =
  "hooks that run around a swap (beforeSwap/afterSwap/returns-delta): the bot never prices these pools by its own math and the executor is not allowed their hooks; searched with V4Quoter and reported apart, not in the capture ratio";

/** Running sums of one protocol while the truth grades the run, in all and per route. */
export type ProtocolTally = VictimTally & { analyzed: number; bySource: Record<SwapRoute, VictimTally> };

const emptyProtocolTally = (): ProtocolTally => ({
  ...emptyVictimTally(),
  analyzed: 0,
  bySource: { public: emptyVictimTally(), mevBlocker: emptyVictimTally(), mevShare: emptyVictimTally() },
});

export const emptyProtocolTallies = (): Record<TruthProtocol, ProtocolTally> => ({ v2: emptyProtocolTally(), v3: emptyProtocolTally(), v4: emptyProtocolTally() });

/** The protocol of a swap from the pools it moved (by `poolIdOf`). */
export function protocolOf(pools: readonly TruthPool[], moved: ReadonlySet<string>): TruthProtocol {
  const venues = new Set(pools.filter((pool) => moved.has(poolIdOf(pool))).map((pool) => pool.venue));
  return venues.has('uniswapV4') ? 'v4' : venues.has('uniswapV3') ? 'v3' : 'v2';
}


export function protocolCaptures(tallies: Record<TruthProtocol, ProtocolTally>): ProtocolCaptures {
  const one = (protocol: TruthProtocol): ProtocolCapture => {
    const tally = tallies[protocol];
    return {
      ...tallyFigures(tally),
      uncappedBestGrossWei: String(tally.uncapped),
      analyzed: tally.analyzed,
      afterOnlyUncappedBestGrossWei: String(tally.afterOnlyUncapped),
      bySource: { public: tallyFigures(tally.bySource.public), mevBlocker: tallyFigures(tally.bySource.mevBlocker), mevShare: tallyFigures(tally.bySource.mevShare) },
    };
  };
  return { v2: one('v2'), v3: one('v3'), v4: one('v4') };
}
