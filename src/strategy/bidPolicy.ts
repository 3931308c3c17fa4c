/**
 * How much of an opportunity we bid to the builder (the share of what it leaves after gas, in bps), chosen per
 * opportunity from what earlier bids on its pools met: won, outbid (and by how much), or missed for a reason that
 * is not the price. A pure core: no I/O, and no clock but the `nowMs` each call is given.
 *
 * `fixed` bids the configured share every time (the bot's behaviour before there was a policy). `adaptive` learns a
 * level per route (public, MEV Blocker, MEV-Share: each its own auction) and, once something contested it there, per
 * pool of the route; a bid is the route's level, or a contested pool's where that is higher (a cycle through several
 * pools bids what its most contested pool needs). Rivals do not pick pools: one that sees a route's flow backruns
 * every victim on it that it can price, so what one pool meets is news for the whole route. A level starts at
 * `startShareBps` and:
 * - after an outbid whose winning bid the builder exposed, moves to just above it, and remembers that rival level
 *   for `rivalMemoryMs` (the pool's and its route's). The level is the share of what OUR bundle left after gas that
 *   would have outranked the winner as the builder ranks bundles, per gas, our victims' and our tips counted
 *   (shareToOutrankBps), plus `marginBps`; without our bundle's gas or the winner's price, the winner's payment as
 *   that share;
 * - after an outbid with no winning bid exposed, the pool steps up by `outbidStepBps` (not the route: one loss
 *   without a level would overpay on all its other pools);
 * - after every `probeAfterWins` wins in a row, steps down by `probeDownBps` (a slower or cheaper rival is not
 *   overpaid for ever), never below `floorShareBps` nor, while it is remembered, below the rival level that beat us
 *   (a rival at the same level that beats us again after we probed under it is remembered twice as long, up to 64
 *   times); the route counts wins on any of its pools, so an uncontested route (MEV-Share's blind backruns on the
 *   devnet) falls to the floor after a few wins wherever they were;
 * - misses where the victim landed without us and no builder said why (a relay's bundle: `lostUnexplained`) under
 *   the level it last stepped down from, at least two and a higher (smoothed) loss rate than up there, are taken as
 *   a rival living between the two levels: back up, and no probing under it while remembered (losses as frequent
 *   at either level are a rival far above both, which paying a little more would not beat);
 * - a miss for any other reason (nonce, reverted, late, cancelled, other) says nothing about the price: no change.
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
  /** Where an adaptive route starts. */
  startShareBps: number;
  /** The least an adaptive route or pool drifts down to. */
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
  /** For an outbid: the winning bundle's payment per gas (the builder's ranking), if exposed. */
  winnerGasPriceWei?: bigint;
  /**
   * Our bundle's gas (the victims' and ours) and what it gave the builder besides our payment (priority fees), as
   * simulated; with `winnerGasPriceWei`, what we had to pay to rank above the winner follows exactly.
   */
  bundleGasUsed?: bigint;
  bundleTipsWei?: bigint;
  missKind?: MissKind;
  /** The bid's route (see BidInput.route); absent: public. */
  route?: string;
  /** A miss where the victim landed without our bundle and no builder said why (the bot's own "outbid" guess). */
  lostUnexplained?: true;
  nowMs: number;
};

export type BuilderCounts = { won: number; outbid: number; missed: number };

/**
 * A learned level, a pool's or a route's. `times`: how often a rival at about this level beat us in a row of memories;
 * each return doubles how long it is remembered. `here`: wins and unexplained losses at the current level; `above`:
 * the level it last stepped down from, and its tally there.
 */
type Tally = { won: number; lost: number };
type LevelState = { shareBps: number; winStreak: number; here?: Tally; above?: Tally & { shareBps: number }; rival?: { shareBps: number; atMs: number; times: number } };

/** A tally's loss rate, smoothed (one win and one loss assumed), so that a level seen a few times is not judged on them alone. */
const lossRate = (tally: Tally) => (tally.lost + 1) / (tally.won + tally.lost + 2);

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

/**
 * The share (bps) of what our bundle left after gas that, paid, would have ranked it above the winner's: a builder
 * ranks bundles by what they give it (priority fees plus coinbase transfers) per gas, and exposes the winner's as
 * an integer (rounded down), so ours had to give at least (that price + 1) per gas of ours, its victims' gas
 * included; the victims' tips and ours count toward it. Rounded up; above 10,000 when not even all of it would have
 * done. Undefined without those figures, when nothing was left after gas, or when our tips alone outranked the
 * winner (then we lost for something other than the price).
 */
export function shareToOutrankBps(outcome: Pick<BidOutcome, 'grossWei' | 'gasCostWei' | 'winnerGasPriceWei' | 'bundleGasUsed' | 'bundleTipsWei'>): number | undefined {
  const { winnerGasPriceWei, bundleGasUsed, bundleTipsWei } = outcome;
  if (winnerGasPriceWei === undefined || bundleGasUsed === undefined || bundleTipsWei === undefined) return undefined;
  const afterGas = outcome.grossWei - outcome.gasCostWei;
  if (afterGas <= 0n) return undefined;
  const needed = (winnerGasPriceWei + 1n) * bundleGasUsed - bundleTipsWei;
  if (needed <= 0n) return undefined;
  return Number((needed * 10_000n + afterGas - 1n) / afterGas);
}

export type BidPolicyParameters = {
  settings: BiddingSettings;
  /** The fixed policy's share (strategy.builderShareBps). */
  fixedShareBps: number;
  /** The executor's on-chain maxBuilderShareBps. */
  executorCapBps: number;
};

export class BidPolicy {
  private readonly pools = new Map<string, LevelState>();
  private readonly routes = new Map<string, LevelState>();
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
    // The route's level, or a contested pool's above it: the cycle bids what its most contested pool needs.
    const routeShare = this.routes.get(input.route ?? 'public')?.shareBps;
    let share = routeShare ?? settings.startShareBps;
    let why = routeShare !== undefined ? `learned on route ${input.route ?? 'public'}` : 'start';
    for (const pool of input.pools) {
      const state = this.pools.get(poolKey(pool, input.route));
      if (state && state.shareBps > share) {
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
    // A pool new to the policy starts where its route stood when the bid was made.
    const routeShare = this.routes.get(outcome.route ?? 'public')?.shareBps;
    for (const pool of outcome.pools) this.learnPool(poolKey(pool, outcome.route), outcome, routeShare);
    this.learnRoute(outcome);
  }

  /** The learned level of a route (default public): where its pools not yet bid on start. */
  routeShareBps(route?: string): number | undefined {
    return this.routes.get(route ?? 'public')?.shareBps;
  }

  /** What each builder's outcomes were, as learned. */
  builders(): Record<string, BuilderCounts> {
    return Object.fromEntries([...this.perBuilder].map(([name, counts]) => [name, { ...counts }]));
  }

  /** The learned share of a pool on a route (default public), if it has one. */
  poolShareBps(pool: string, route?: string): number | undefined {
    return this.pools.get(poolKey(pool, route))?.shareBps;
  }

  /**
   * A route's level moves with what any of its pools met, by the rules a pool's follows (learnLevel), except that an
   * outbid with no level exposed does not raise it: a step up on every pool of the route for one loss on one pool
   * would overpay all the others.
   */
  private learnRoute(outcome: BidOutcome): void {
    const key = outcome.route ?? 'public';
    const state = this.routes.get(key) ?? { shareBps: this.parameters.settings.startShareBps, winStreak: 0 };
    this.routes.set(key, this.learnLevel(state, outcome, false));
  }

  /**
   * A pool keeps a level of its own only once something contested it there (an outbid); until then it follows its
   * route, whose wins on any pool step it down. Wins on a pool that has a level step that level down too.
   */
  private learnPool(pool: string, outcome: BidOutcome, routeShareBps: number | undefined): void {
    const known = this.pools.get(pool);
    if (!known && outcome.outcome !== 'outbid') return;
    const state = known ?? { shareBps: routeShareBps ?? this.parameters.settings.startShareBps, winStreak: 0 };
    this.pools.delete(pool); // re-inserted last: the least recently learned is forgotten first
    this.pools.set(pool, this.learnLevel(state, outcome, true));
    if (this.pools.size > maxPools) this.pools.delete(this.pools.keys().next().value!);
  }

  /** One outcome applied to a level (a pool's or a route's); `stepUpUnexposed`: an outbid with no level exposed raises it a step. */
  private learnLevel(state: LevelState, outcome: BidOutcome, stepUpUnexposed: boolean): LevelState {
    const { settings } = this.parameters;
    const remembers = (rival: NonNullable<LevelState['rival']>) => outcome.nowMs - rival.atMs <= settings.rivalMemoryMs * Math.min(maxMemoryFactor, 2 ** (rival.times - 1));
    const top = Math.min(settings.maxBidShareBps, 10_000);
    if (outcome.outcome === 'outbid') {
      state.winStreak = 0;
      // Exact where the builder exposed the winner's price per gas and we know our bundle's gas and tips: the share
      // that would have outranked it. Otherwise the winner's payment over what ours left after gas, which counts the
      // victim's and the winner's priority fees as payment: above all of what our trade leaves after gas, it says more
      // about those fees than about the winner's share (a small backrun read as 130%), so it is no level to jump to;
      // a step up is.
      const observed = shareToOutrankBps(outcome) ?? (outcome.winnerBidWei !== undefined ? observedShareBps(outcome.winnerBidWei, outcome.grossWei, outcome.gasCostWei) : undefined);
      if (observed !== undefined && observed <= 10_000) {
        const above = Math.min(top, observed + settings.marginBps);
        if (above > state.shareBps) Object.assign(state, { shareBps: above, here: { won: 0, lost: 0 }, above: undefined });
        // The same level beating us again once we probed under it: a standing rival, remembered twice as long.
        const again = state.rival !== undefined && Math.abs(state.rival.shareBps - above) <= 2 * settings.marginBps;
        state.rival = { shareBps: above, atMs: outcome.nowMs, times: again ? state.rival!.times + 1 : 1 };
      } else if (stepUpUnexposed) {
        Object.assign(state, { shareBps: Math.min(top, Math.max(state.shareBps, outcome.shareBps) + settings.outbidStepBps), here: { won: 0, lost: 0 }, above: undefined });
      }
    } else if (outcome.outcome === 'missed') {
      // Lost under the level it stepped down from, with nobody saying why. A rival between the two levels loses us
      // most bids down here; a rival far above both that shows up now and then (a 90% one on some of MEV-Share's
      // hints) loses us as many up there, and going back up would only pay more. So: back up once this level has
      // lost at least twice and more often than the one above did, and remember that level as a rival's so the
      // probing stops there.
      const above = state.above;
      if (outcome.lostUnexplained && above && outcome.shareBps < above.shareBps) {
        const here = (state.here ??= { won: 0, lost: 0 });
        here.lost++;
        if (here.lost >= 2 && lossRate(here) > lossRate(above)) {
          const again = state.rival !== undefined && state.rival.shareBps === above.shareBps;
          Object.assign(state, { shareBps: Math.max(state.shareBps, above.shareBps), winStreak: 0, here: { won: above.won, lost: above.lost }, above: undefined });
          state.rival = { shareBps: above.shareBps, atMs: outcome.nowMs, times: again ? state.rival!.times + 1 : 1 };
        }
      }
    } else {
      const here = (state.here ??= { won: 0, lost: 0 });
      here.won++;
      state.winStreak++;
      if (state.winStreak >= settings.probeAfterWins) {
        state.winStreak = 0;
        const lowest = Math.max(settings.floorShareBps, state.rival && remembers(state.rival) ? state.rival.shareBps : 0);
        const stepped = Math.max(Math.min(state.shareBps, lowest), state.shareBps - settings.probeDownBps);
        if (stepped < state.shareBps) Object.assign(state, { above: { shareBps: state.shareBps, ...here }, here: { won: 0, lost: 0 }, shareBps: stepped });
      }
    }
    return state;
  }

  private counts(builder: string): BuilderCounts {
    let counts = this.perBuilder.get(builder);
    if (!counts) this.perBuilder.set(builder, (counts = { won: 0, outbid: 0, missed: 0 }));
    return counts;
  }
}
