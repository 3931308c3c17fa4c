import type { Hex } from 'viem';

/**
 * What the bot captured of what was there to take. Amounts are decimal wei strings. The headline figures (victims,
 * captured, bestGrossWei, capturedGrossWei, ratio, uncapped*, shortfalls) grade each victim by its own value, what
 * it added over the state right before it (truth/baseline.ts); the `afterOnly*` figures are the old rule (the best on
 * the state after the swap alone, gaps that stood before it included), kept beside them.
 */
export type Capture = {
  /**
   * Victims (router swaps that landed) with a profitable backrun: its best gross pays the gas the trade burns
   * when run through the executor at the block's base fee plus the tip, and the swap's own value is above 0.
   */
  victims: number;
  /** Of those, backrun by us. */
  captured: number;
  /** Each victim's own value (its best after, less what stood on the same cycle before it), summed, within the bot's input cap (`capWei`) when one was given. */
  bestGrossWei: string;
  /**
   * Our landed backruns' gross, each held to what its victim added on the cycle the backrun traded (read from its
   * receipt; where the truth cannot place that cycle, to the victim's own value: see creditUnmatched). The rest is in
   * standingGapBackrunGrossWei.
   */
  capturedGrossWei: string;
  /** capturedGross / bestGross, 4 decimals; null when there was nothing to take. */
  ratio: number | null;
  /** Victims where we were credited less than 99% of their own value (at most 20), to see where the rest went. */
  shortfalls: Array<{ victim: Hex; block: string; bestGrossWei: string; capturedGrossWei: string; afterOnlyBestGrossWei: string; afterOnlyCapturedGrossWei: string }>;
  /** How the best was found: by the chain's own quoters on a fork, with no code of the bot's search. */
  truth: 'independent';
  /** The input cap the best was held to (the bot's inventory cap), or null when uncapped. */
  capWei: string | null;
  /** The victims' own values with no cap on the input (up to the pool's depth), summed over the same victims. */
  uncappedBestGrossWei: string;
  /** capturedGross / uncappedBestGross, 4 decimals. */
  uncappedRatio: number | null;
  /** The old rule: swaps with a backrun worth its gas on the state after them (standing gaps included). */
  afterOnlyVictims: number;
  afterOnlyCaptured: number;
  /** The old rule's best: the best gross on the state right after each swap, summed (a standing gap counts for every swap on its pools). */
  afterOnlyBestGrossWei: string;
  /** Our landed backruns' gross in full, over the old rule's victims. */
  afterOnlyCapturedGrossWei: string;
  afterOnlyRatio: number | null;
  afterOnlyUncappedBestGrossWei: string;
  afterOnlyUncappedRatio: number | null;
  /** What our victims' backruns took above what each was credited: gaps that stood before the victim, or on another cycle than the victim's. */
  standingGapBackrunGrossWei: string;
  /**
   * Captured victims whose backrun's cycle the truth could not place (a hook pool, a cycle longer than it
   * enumerates, a pool it does not know, no receipt): credited by the old rule, up to the victim's own value.
   */
  creditUnmatched: number;
  /**
   * The previous credit rule, beside the headline for comparison: our backruns each held to the victim's own value
   * whatever cycle they traded (what capturedGrossWei was before the truth read our cycle from the receipt).
   */
  anyCycleCapturedGrossWei: string;
  /** Our landed bundles in the range with no victim (block arbitrage), and their gross: all of it took gaps that stood. */
  blockArbs: number;
  blockArbGrossWei: string;
  /**
   * Victims where a landed backrun of ours made more than the truth's best after the swap: 0 unless the truth
   * missed a cycle or a size (a check on the truth itself).
   */
  aboveBest: number;
  /** Swaps whose best backrun gains WETH but not its gas: not counted as victims. */
  belowGas: number;
  /**
   * Victims whose best trade ran through the executor on the fork and realised exactly the quoted gross (the
   * rest are listed in `unverified`, at most 20, and still counted at their quoted gross).
   */
  verified: number;
  unverified: Array<{ victim: Hex; reason: string }>;
  /** Router swaps measured (replayed and searched), victims or not. */
  analyzed: number;
  /** Router swaps in the run: when more than the budget (`maxSwaps`), `analyzed` covers an evenly spread sample. */
  sampledFrom: number;
  /** Cycle quotes asked of the chain (after and before each swap), and the time the measurement took. */
  quotes: number;
  ms: number;
  /** The part of `ms` spent on the states right before the victims (their replay and search). */
  baselineMs: number;
};
