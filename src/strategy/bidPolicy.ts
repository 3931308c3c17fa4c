/**
 * How much of an opportunity we bid to the builder (the share of what it leaves after gas, in bps), chosen per
 * opportunity from what earlier bids on its pools met: won, outbid (and by how much), or missed for a reason that
 * is not the price. A pure core: no I/O, and no clock but the `nowMs` each call is given.
 *
 * `fixed` bids the configured share every time (the bot's behaviour before there was a policy). `adaptive` starts
 * at `startShareBps` and, per pool:
 * - after an outbid whose winning bid the builder exposed, moves to just above it: the winner's payment as a share
 *   of what OUR bundle would have left after gas (that is the basis our payment is a share of, so bidding that
 *   share plus `marginBps` pays more wei than the winner did on the same opportunity), and remembers that rival
 *   level for `rivalMemoryMs`;
 * - after an outbid with no winning bid exposed, steps up by `outbidStepBps`;
 * - after every `probeAfterWins` wins in a row, steps down by `probeDownBps` (a slower or cheaper rival is not
 *   overpaid for ever), never below `floorShareBps` nor, while it is remembered, below the rival level that beat us
 *   (a rival at the same level that beats us again after we probed under it is remembered twice as long, up to 64
 *   times); an uncontested pool so drifts down to the floor;
 * - a miss where the victim landed without us and no builder said why (a relay's bundle: `lostUnexplained`), right
 *   after a step down, is taken as a rival living between the level that last won and the one that lost: back to
 *   the last winning level, and no probing under it while remembered;
 * - a miss for any other reason (nonce, reverted, late, cancelled, other) says nothing about the price: no change.
 * A cycle through several pools bids what its most contested pool needs.
 *
 * Hard limits, for both policies: never above the operator's ceiling (`maxBidShareBps`) nor the executor's on-chain
 * cap (a share above it reverts every plan); for `adaptive`, never above break-even: the bid plus gas leaves at least
 * `minNetProfitWei` (and never a loss) when the opportunity's gross and gas are known. Without them (a blind backrun,
 * sized on chain) the executor's profit floor holds the same line on chain.
 */

export type BiddingSettings = {
  policy: 'fixed' | 'adaptive';
  /** The operator's ceiling on any bid (bps of the profit after gas). */
  maxBidShareBps: number;
  /** Where an adaptive pool starts. */
  startShareBps: number;
  /** The least an adaptive pool drifts down to. */
  floorShareBps: number;
  /** How far above a rival's observed share an adaptive bid goes after losing to it. */
  marginBps: number;
  /** The raise after an outbid whose winning bid the builder did not expose. */
  outbidStepBps: number;
  /** The step down after `probeAfterWins` wins in a row. */
  probeDownBps: number;
  probeAfterWins: number;
  /** How long a rival's level holds the bid up after it beat us (ms of the clock the caller gives). */
  rivalMemoryMs: number;
};

export type BidInput = {
  /** The pools the opportunity trades. */
  pools: readonly string[];
  /** What it makes before gas and the builder, and its gas cost, when known (exact backruns); absent for blind ones. */
  grossWei?: bigint;
  gasCostWei?: bigint;
  minNetProfitWei: bigint;
  /**
   * Where the victim was seen (public, mevBlocker, mevShare): each is its own auction (who sees the flow, who can
   * bid), so what a pool is worth there is learned apart. Absent: public.
   */
  route?: string;
  /** Our latency from first sighting to send, when known: recorded with the bid, not (yet) used by the rule. */
  latencyMs?: number;
  nowMs: number;
};

export type Bid = { shareBps: number; reason: string };

export type MissKind = 'nonce' | 'reverted' | 'late' | 'cancelled' | 'other';

export type BidOutcome = {
  pools: readonly string[];
  /** The builder that reported it (absent: not known which). */
  builder?: string;
  /** The share we bid on it. */
  shareBps: number;
  /** Our opportunity's gross and gas cost, the basis the winner's bid is compared on. */
  grossWei: bigint;
  gasCostWei: bigint;
  outcome: 'won' | 'outbid' | 'missed';
  /** For an outbid: what the winning bundle paid the builder, if the builder exposed it. */
  winnerBidWei?: bigint;
  missKind?: MissKind;
  /** The bid's route (see BidInput.route); absent: public. */
  route?: string;
  /** A miss where the victim landed without our bundle and no builder said why (the bot's own "outbid" guess). */
  lostUnexplained?: true;
  nowMs: number;
};

export type BuilderCounts = { won: number; outbid: number; missed: number };

/** `times`: how often a rival at about this level beat us in a row of memories; each return doubles how long it is remembered. */
type PoolState = { shareBps: number; winStreak: number; lastWonBps?: number; rival?: { shareBps: number; atMs: number; times: number } };

/** Where a pool's learned share is kept: per route, since each route is its own auction. */
const poolKey = (pool: string, route: string | undefined) => `${route ?? 'public'}:${pool.toLowerCase()}`;

/** A rival that keeps coming back is remembered up to this many times `rivalMemoryMs`. */
const maxMemoryFactor = 64;

/** Pools remembered at most (the least recently bid on are forgotten first). */
const maxPools = 20_000;

/** The largest share (bps) of what is left after gas that still leaves `minNetProfitWei`; 0 when nothing is left. */
export function breakEvenShareBps(grossWei: bigint, gasCostWei: bigint, minNetProfitWei: bigint): number {
  const afterGas = grossWei - gasCostWei;
  const floor = minNetProfitWei > 0n ? minNetProfitWei : 0n;
  if (afterGas <= floor) return 0;
  return Number(((afterGas - floor) * 10_000n) / afterGas);
}

/** A winner's payment as a share of what our bundle left after gas, rounded up (bps; above 10,000 when it paid more). */
export function observedShareBps(winnerBidWei: bigint, grossWei: bigint, gasCostWei: bigint): number | undefined {
  const afterGas = grossWei - gasCostWei;
  if (afterGas <= 0n || winnerBidWei < 0n) return undefined;
  return Number((winnerBidWei * 10_000n + afterGas - 1n) / afterGas);
}

export type BidPolicyParameters = {
  settings: BiddingSettings;
  /** The fixed policy's share (strategy.builderShareBps). */
  fixedShareBps: number;
  /** The executor's on-chain maxBuilderShareBps. */
  executorCapBps: number;
};

export class BidPolicy {
  private readonly pools = new Map<string, PoolState>();
  private readonly perBuilder = new Map<string, BuilderCounts>();

  constructor(private parameters: BidPolicyParameters) {}

  /** Moves the fixed policy's share (an operator's change at run time; the devnet's adaptive rivals). */
  setFixedShareBps(bps: number): void {
    if (!Number.isInteger(bps) || bps < 0 || bps > 10_000) throw new RangeError(`a fixed share is an integer 0..10000 bps (got ${bps})`);
    this.parameters = { ...this.parameters, fixedShareBps: bps };
  }

  get policy(): BiddingSettings['policy'] {
    return this.parameters.settings.policy;
  }

  /** The ceiling every bid is held under: the operator's and the executor's, the lower. */
  get ceilingBps(): number {
    return Math.max(0, Math.min(this.parameters.settings.maxBidShareBps, this.parameters.executorCapBps, 10_000));
  }

  bid(input: BidInput): Bid {
    const { settings, fixedShareBps } = this.parameters;
    if (settings.policy === 'fixed') {
      const share = Math.min(fixedShareBps, this.ceilingBps);
      return { shareBps: share, reason: share < fixedShareBps ? `fixed ${fixedShareBps} bps held to the ceiling ${share}` : `fixed ${share} bps` };
    }
    let share = settings.startShareBps;
    let why = 'start';
    for (const pool of input.pools) {
      const state = this.pools.get(poolKey(pool, input.route));
      if (state && (why === 'start' || state.shareBps > share)) {
        share = state.shareBps;
        why = `learned on ${pool}`;
      }
    }
    const ceiling = this.ceilingBps;
    if (share > ceiling) {
      share = ceiling;
      why = `${why}, held to the ceiling`;
    }
    if (input.grossWei !== undefined && input.gasCostWei !== undefined) {
      const breakEven = breakEvenShareBps(input.grossWei, input.gasCostWei, input.minNetProfitWei);
      if (share > breakEven) {
        share = breakEven;
        why = `${why}, held to break-even`;
      }
    }
    return { shareBps: Math.max(0, share), reason: `adaptive ${share} bps (${why})` };
  }

  learn(outcome: BidOutcome): void {
    const counts = this.counts(outcome.builder ?? 'unknown');
    counts[outcome.outcome === 'won' ? 'won' : outcome.outcome === 'outbid' ? 'outbid' : 'missed']++;
    if (this.parameters.settings.policy !== 'adaptive' || (outcome.outcome === 'missed' && !outcome.lostUnexplained)) return;
    for (const pool of outcome.pools) this.learnPool(poolKey(pool, outcome.route), outcome);
  }

  /** What each builder's outcomes were, as learned. */
  builders(): Record<string, BuilderCounts> {
    return Object.fromEntries([...this.perBuilder].map(([name, counts]) => [name, { ...counts }]));
  }

  /** The learned share of a pool on a route (default public), if it has one. */
  poolShareBps(pool: string, route?: string): number | undefined {
    return this.pools.get(poolKey(pool, route))?.shareBps;
  }

  private learnPool(pool: string, outcome: BidOutcome): void {
    const { settings } = this.parameters;
    const state = this.pools.get(pool) ?? { shareBps: settings.startShareBps, winStreak: 0 };
    this.pools.delete(pool); // re-inserted last: the least recently learned is forgotten first
    const remembers = (rival: NonNullable<PoolState['rival']>) => outcome.nowMs - rival.atMs <= settings.rivalMemoryMs * Math.min(maxMemoryFactor, 2 ** (rival.times - 1));
    const top = Math.min(settings.maxBidShareBps, 10_000);
    if (outcome.outcome === 'outbid') {
      state.winStreak = 0;
      const observed = outcome.winnerBidWei !== undefined ? observedShareBps(outcome.winnerBidWei, outcome.grossWei, outcome.gasCostWei) : undefined;
      // The winning bid a builder exposes is the whole bundle's payment, the victim's and the winner's priority fees
      // included: above all of what our trade leaves after gas, it says more about those fees than about the
      // winner's share (a small backrun read as 130%), so it is no level to jump to; a step up is.
      if (observed !== undefined && observed <= 10_000) {
        const above = Math.min(top, observed + settings.marginBps);
        state.shareBps = Math.max(state.shareBps, above);
        // The same level beating us again once we probed under it: a standing rival, remembered twice as long.
        const again = state.rival !== undefined && Math.abs(state.rival.shareBps - above) <= 2 * settings.marginBps;
        state.rival = { shareBps: above, atMs: outcome.nowMs, times: again ? state.rival!.times + 1 : 1 };
      } else {
        state.shareBps = Math.min(top, Math.max(state.shareBps, outcome.shareBps) + settings.outbidStepBps);
      }
    } else if (outcome.outcome === 'missed') {
      // Lost under the level that last won, with nobody saying why: the probe went under a rival. Back up to that
      // level, and remember it as the rival's so the probing stops there.
      if (outcome.lostUnexplained && state.lastWonBps !== undefined && outcome.shareBps < state.lastWonBps) {
        state.winStreak = 0;
        state.shareBps = Math.max(state.shareBps, state.lastWonBps);
        const again = state.rival !== undefined && state.rival.shareBps === state.lastWonBps;
        state.rival = { shareBps: state.lastWonBps, atMs: outcome.nowMs, times: again ? state.rival!.times + 1 : 1 };
      }
    } else {
      state.lastWonBps = outcome.shareBps;
      state.winStreak++;
      if (state.winStreak >= settings.probeAfterWins) {
        state.winStreak = 0;
        const lowest = Math.max(settings.floorShareBps, state.rival && remembers(state.rival) ? state.rival.shareBps : 0);
        state.shareBps = Math.max(Math.min(state.shareBps, lowest), state.shareBps - settings.probeDownBps);
      }
    }
    this.pools.set(pool, state);
    if (this.pools.size > maxPools) this.pools.delete(this.pools.keys().next().value!);
  }

  private counts(builder: string): BuilderCounts {
    let counts = this.perBuilder.get(builder);
    if (!counts) this.perBuilder.set(builder, (counts = { won: 0, outbid: 0, missed: 0 }));
    return counts;
  }
}
