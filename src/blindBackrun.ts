import type { Address, Hex } from 'viem';
import type { LocalAccount } from 'viem/accounts';
import type { Logger } from './log.ts';
import type { LatencyHistogram } from './histogram.ts';
import type { PrivateHint } from './mempool/mevShareHint.ts';
import type { CandidateReport } from './monitor/candidateReport.ts';
import type { Opportunity, Submitter } from './bundle/submitter.ts';
import { feesForTargetBlock } from './bundle/fees.ts';
import { gasLimitFor } from './bundle/dispatch.ts';
import { signSizedLegsTransaction, type SizedLeg } from './bundle/sizedPlan.ts';
import { planContext } from './bundle/toPlan.ts';
import type { RiskGate } from './risk/gate.ts';
import type { BundleProposal } from './risk/types.ts';
import type { MarketState } from './state/market.ts';
import type { Pool } from './state/types.ts';
import { blindLegs, defaultGridPpm, type BlindLeg } from './strategy/blindSizing.ts';
import { MAX_SIZED_LEGS, sizedLegsExtraGas } from './bundle/sizing.ts';
import type { EngineConfig, PriorTrade } from './strategy/candidates.ts';
import { estimateGas } from './strategy/costs.ts';
import type { PoolGraph } from './strategy/graph.ts';

/** Pools a hint may name and still be searched (two directions each, a grid of sizes each). */
const maxPoolsPerHint = 4;

/**
 * Which way the victim traded `pool`, when the hint's full logs tell its state after the victim (undefined when
 * hidden): a V2 pair's reserve0 grows, a V3 or V4 pool's price falls, when token0 went in.
 */
export function victimDirection(hint: PrivateHint, pool: string, before: Pool | undefined): boolean | undefined {
  const after = hint.after.find((state) => state.pool.toLowerCase() === pool);
  if (!after || !before) return undefined;
  if (after.protocol === 'v2' && before.kind === 'v2') return after.reserve0 === before.reserve0 ? undefined : after.reserve0 > before.reserve0;
  if ((after.protocol === 'v3' && before.kind === 'v3') || (after.protocol === 'v4' && before.kind === 'v4')) return after.sqrtPriceX96 === before.sqrtPriceX96 ? undefined : after.sqrtPriceX96 < before.sqrtPriceX96;
  return undefined;
}

/**
 * Why a tracked pool the hint names cannot be backrun blind, if it cannot: a V4 pool whose hook acts around swaps
 * (our math does not price it), one of another PoolManager than the executor's, or one named by a Swap log that
 * another contract than its PoolManager emitted (anyone can log a pool id).
 */
export function blindRefusal(hint: PrivateHint, pool: Pool, v4PoolManager: string | undefined): string | undefined {
  if (pool.kind !== 'v4') return undefined;
  if (pool.simulateOnly) return 'a simulate-only (swap hook) Uniswap V4 pool';
  const manager = pool.poolManager.toLowerCase();
  if (v4PoolManager === undefined || manager !== v4PoolManager.toLowerCase()) return 'a Uniswap V4 pool of another PoolManager than the executor\'s';
  const id = pool.address.toLowerCase();
  const logged = [...hint.swaps, ...hint.after].filter((entry) => entry.pool.toLowerCase() === id);
  if (logged.some((entry) => entry.protocol !== 'v4' || entry.manager.toLowerCase() !== manager)) return 'a Uniswap V4 pool id logged by another contract than its PoolManager';
  return undefined;
}


export type BlindBackrunsParameters = {
  market: MarketState;
  graph: () => PoolGraph;
  engineConfig: EngineConfig;
  head: () => { number: bigint; nextBaseFeePerGas: bigint };
  /** Our sends for the target block so far (the decider's), which land before this one. */
  prior: (target: bigint) => { trades: PriorTrade[]; victims: Set<string>; hiddenPools: Set<string> };
  /**
   * The operators to send from, each with its submitter (its nonce chain), indexed as the dispatcher's lanes: 0 the
   * main operator, then the extra ones.
   */
  lanes: ReadonlyArray<{ account: LocalAccount; submitter: Submitter }>;
  risk: Pick<RiskGate, 'check' | 'recheck' | 'onBundleSent'>;
  chainId: number;
  executor: Address;
  startToken: Address;
  logger: Logger;
  onCandidate: (report: CandidateReport) => void;
  /**
   * Bundles of ours already sent for the block whose pools the hint's transaction trades: it may run before them, by
   * amounts nobody knows, so their realised net can no longer be compared with their simulation.
   */
  onStateHidden?: (uuids: readonly string[], target: bigint, reason: string) => void;
  /**
   * Holds a bundle of ours already sent for `target` (by uuid, on its operator's lane) to the executor's floor
   * instead of its prediction, in place (Submitter.relax): a hint-only transaction, or our blind backrun of it, may
   * run before it.
   */
  relax?: (uuid: string, lane: number, target: bigint) => Promise<boolean>;
  /** The engine's latency histograms: a blind decision is counted in them like any other. */
  latency?: Record<'decode' | 'search' | 'simulate' | 'send' | 'total' | 'seenToSent', LatencyHistogram>;
};

/**
 * Backruns of MEV-Share transactions whose amounts are hidden (default hints: the pools a swap touched, not what it
 * swapped): for every touched pool we track, a sizing table per direction the victim may have traded (blindSizing.ts);
 * all of them go in one executor transaction that, on chain, reads each pool's state after the victim, trades the
 * table's input for it (nothing where it does not pay) and reverts unless the whole makes at least its floor: gas at
 * this block's price plus the minimum net. The builder's share is a share of what it realises. Nothing is simulated
 * (the victim's body is the relay's): the chain's own profit check is the guard, and a bundle that reverts is
 * dropped by the builder at no cost to us.
 */
export class BlindBackruns {
  /** `v4`: hints naming a V4 pool that cannot be backrun blind (blindRefusal). */
  readonly stats = { hints: 0, stale: 0, tooManyPools: 0, untracked: 0, v4: 0, unprofitable: 0, noFreeLane: 0, sent: 0, refused: 0 };

  constructor(private readonly parameters: BlindBackrunsParameters) {}

  /** `firstSeenMs`: performance.now() when the hint arrived; `headAtHint`: the newest head then. */
  async onHint(hint: PrivateHint, firstSeenMs: number, headAtHint: bigint): Promise<void> {
    const { market, engineConfig, logger } = this.parameters;
    this.stats.hints++;
    const started = performance.now();
    const head = this.parameters.head();
    const target = head.number + 1n;
    if (head.number !== headAtHint) {
      // A new head came while the hint waited: it may have landed, and the tables would be for a past block.
      this.stats.stale++;
      logger.debug({ victim: hint.hash }, 'blind: hint older than the newest head, not backrun');
      return;
    }
    const named = [...new Set([...hint.swaps, ...hint.after].map((swap) => swap.pool.toLowerCase()))];
    // Anyone can send a hint naming every pool (it need not land): at most a few pools are searched, or none.
    if (named.length > maxPoolsPerHint) {
      this.stats.tooManyPools++;
      logger.debug({ victim: hint.hash, pools: named.length }, 'blind: the hint names too many pools, not backrun');
      return;
    }
    const tracked = named.filter((pool) => market.get(pool as Address));
    // A V4 pool is sized on chain from its slot0 in the PoolManager (the market keys it by id, as the hint names it);
    // one our math cannot price, or whose naming we cannot trust, is not backrun blind.
    const refusals = tracked.map((pool) => [pool, blindRefusal(hint, market.get(pool as Address)!, engineConfig.v4PoolManager)] as const).filter(([, reason]) => reason !== undefined);
    const touched = tracked.filter((pool) => !refusals.some(([refused]) => refused === pool));
    if (refusals.length > 0) {
      this.stats.v4++;
      for (const [pool, reason] of refusals) logger.debug({ victim: hint.hash, pool }, `blind: ${reason} is not backrun blind`);
    }
    if (touched.length === 0) {
      this.stats.untracked++;
      logger.debug({ victim: hint.hash }, 'blind: the hint names no pool we track');
      return;
    }
    const sends = this.parameters.prior(target);
    // Whatever we do with it, this transaction moves these pools in the block, by amounts nobody can know.
    for (const pool of touched) sends.hiddenPools.add(pool);
    const prior = sends.trades;
    const legs: BlindLeg[] = [];
    // One share for the whole call (the executor pays it of what every leg realises), bid for the pools the hint names.
    const builderShareBps = engineConfig.bid?.({ pools: touched, route: 'mevShare' }) ?? engineConfig.policy.builderShareBps;
    for (const pool of touched) {
      const excluded = new Set(touched.filter((other) => other !== pool));
      // On the state at the top of the block, as the relay simulates it before any builder sees it (Flashbots'
      // mev-share-node forwards only bundles whose simulation there succeeds): tables that assume our earlier bundles
      // of the block first would fail there, and a nonce that follows theirs cannot run there at all.
      const found = blindLegs({ market, graph: this.parameters.graph(), pool: pool as Address, excluded, prior: [], nextBaseFeeWei: head.nextBaseFeePerGas, config: engineConfig, floorWei: (cycle, ticks) => this.floor(gasLimitFor(estimateGas(cycle, ticks) + sizedLegsExtraGas(2, defaultGridPpm.length + 3))), builderShareBps });
      // Full logs tell the state after the victim, so its direction: only that side's table can trade.
      const direction = victimDirection(hint, pool, found[0]?.pool);
      legs.push(...found.filter((leg) => direction === undefined || leg.victimZeroForOne === direction));
    }
    const searchedUs = Math.round((performance.now() - started) * 1000);
    // The legs that may earn most first; a leg of another pool whose cycle shares a pool with one kept is dropped
    // (its input is read before any swap, on a state the kept one may move), and at most MAX_SIZED_LEGS stay.
    legs.sort((a, b) => (b.bestGrossWei > a.bestGrossWei ? 1 : b.bestGrossWei < a.bestGrossWei ? -1 : 0));
    const kept: BlindLeg[] = [];
    for (const leg of legs) {
      const pools = leg.cycle.hops.map((hop) => hop.pool.address.toLowerCase());
      const clash = kept.some((other) => other.pool.address.toLowerCase() !== leg.pool.address.toLowerCase() && other.cycle.hops.some((hop) => pools.includes(hop.pool.address.toLowerCase())));
      if (!clash && kept.length < MAX_SIZED_LEGS) kept.push(leg);
    }
    legs.splice(0, legs.length, ...kept);
    // The hint's transaction lands in this block whatever we do, anywhere the builder puts it: our exact bundles of
    // the block on its pools (or on our blind backrun's) are held to their floor, so they
    // land on the state they meet rather than revert.
    const backrun = legs.length > 0 && (await this.send(hint, legs, target, firstSeenMs, searchedUs, builderShareBps));
    const moved = new Set([...touched, ...(backrun ? legs.flatMap((leg) => leg.cycle.hops.map((hop) => hop.pool.address.toLowerCase())) : [])]);
    // In the order they were sent: one that meets a moved pool realises an amount nobody knows, so the pools it
    // trades are moved for those after it too.
    const overtaken: PriorTrade[] = [];
    for (const trade of prior) {
      if (trade.uuid === undefined || trade.lane === undefined || trade.amountIn === 0n || ![...(trade.pools ?? [])].some((pool) => moved.has(pool))) continue;
      overtaken.push(trade);
      for (const pool of trade.pools ?? []) moved.add(pool);
    }
    // Our later sends of the block on these pools meet states nobody can simulate either.
    for (const pool of moved) sends.hiddenPools.add(pool);
    if (overtaken.length > 0) {
      this.parameters.onStateHidden?.(overtaken.map((trade) => trade.uuid!), target, `a MEV-Share transaction known only by its hint (${hint.hash}) or our blind backrun of it trades its pools in the block and may run first`);
      for (const trade of overtaken) await this.parameters.relax?.(trade.uuid!, trade.lane!, target);
    }
    if (legs.length === 0) {
      this.stats.unprofitable++;
      logger.debug({ victim: hint.hash, pools: touched }, 'blind: no size of the victim makes a backrun pay');
    }
  }

  /** An extra operator (never the main one, whose chain carries the exact bundles) with nothing live, if any. */
  private freeLane(): number | undefined {
    const index = this.parameters.lanes.findIndex((lane, i) => i > 0 && lane.submitter.outstanding === 0 && !lane.submitter.stopped);
    return index > 0 ? index : undefined;
  }

  /** What a call with this gas limit must leave us after the builder: its gas at the block's price, plus the minimum net. */
  private floor(gasLimit: bigint): bigint {
    const { policy } = this.parameters.engineConfig;
    return gasLimit * (this.parameters.head().nextBaseFeePerGas + policy.priorityFeeWei) + policy.minNetProfitWei;
  }

  /** Sends the blind backrun from a free extra operator; true when it went out. */
  private async send(hint: PrivateHint, legs: readonly BlindLeg[], target: bigint, firstSeenMs: number, searchedUs: number, builderShareBps: bigint): Promise<boolean> {
    const { engineConfig, risk, chainId, executor, startToken, logger } = this.parameters;
    // An extra operator with nothing live: no bundle of ours depends on it, none it depends on.
    const laneIndex = this.freeLane();
    if (laneIndex === undefined) {
      // A blind bundle reverts by design when its victim turns out too small: ahead of others in a nonce chain it
      // would drop them. With no extra operator free, it is not sent.
      this.stats.noFreeLane++;
      logger.debug({ victim: hint.hash }, 'blind: no free extra operator, not sent');
      return false;
    }
    const { account, submitter } = this.parameters.lanes[laneIndex]!;
    const context = planContext(startToken, engineConfig.v4PoolManager);
    const policy = engineConfig.policy;
    const sizedLegs: SizedLeg[] = legs.map((leg) => ({ cycle: leg.cycle, pool: leg.pool, entries: leg.entries }));
    // At most one leg per pool trades (its two directions' tables do not overlap), but every table is read.
    const pools = new Set(legs.map((leg) => leg.pool.address.toLowerCase()));
    const swapsGas = [...pools].reduce((sum, pool) => sum + legs.filter((leg) => leg.pool.address.toLowerCase() === pool).reduce((max, leg) => { const gas = estimateGas(leg.cycle, leg.ticksCrossed); return gas > max ? gas : max; }, 0n), 0n);
    const gas = gasLimitFor(swapsGas + sizedLegsExtraGas(sizedLegs.length, Math.max(...sizedLegs.map((leg) => leg.entries.length))));
    const fees = () => feesForTargetBlock({ nextBaseFee: this.parameters.head().nextBaseFeePerGas, blocksAfterNext: 0, priorityFee: policy.priorityFeeWei });
    // Legs run one after another from inventory and each returns more than it took: the largest is what is at risk.
    const amountIn = legs.reduce((max, leg) => (leg.maxAmountIn > max ? leg.maxAmountIn : max), 0n);
    const proposal: BundleProposal & { source?: 'mevShare' } = {
      targetBlock: target,
      gasLimit: gas,
      maxGasCostWei: gas * fees().maxFeePerGas,
      pools: [...new Set(legs.flatMap((leg) => leg.cycle.hops.map((hop) => hop.pool.address)))],
      startToken,
      amountIn,
      flash: false,
      source: 'mevShare',
    };
    const bestGross = legs.reduce((max, leg) => (leg.bestGrossWei > max ? leg.bestGrossWei : max), 0n);
    let sendUs = 0;
    const report = (decision: 'send' | 'reject', reason: string, bundle?: CandidateReport['bundle']) => {
      const latencyUs = { decode: 0, search: searchedUs, simulate: 0, send: sendUs, total: Math.round((performance.now() - firstSeenMs) * 1000) };
      const latency = this.parameters.latency;
      if (latency) {
        latency.decode.record(latencyUs.decode);
        latency.search.record(latencyUs.search);
        latency.simulate.record(latencyUs.simulate);
        if (bundle) latency.send.record(latencyUs.send);
        latency.total.record(latencyUs.total);
      }
      this.parameters.onCandidate({
        block: target,
        victim: hint.hash,
        path: legs[0]!.cycle.hops.map((hop) => hop.pool.address),
        amountIn,
        grossProfitWei: bestGross,
        gasCostWei: gas * (this.parameters.head().nextBaseFeePerGas + policy.priorityFeeWei),
        bribeWei: 0n,
        netProfitWei: 0n,
        simulatedNetProfitWei: null,
        simulatedGainWei: null,
        decision,
        reason,
        ...(bundle ? { bundle } : {}),
        firstSeenMs,
        latencyUs,
        source: 'mevShare',
        bidShareBps: Number(builderShareBps),
        uncompared: 'sized on chain (a blind MEV-Share backrun)',
      });
    };
    const verdict = risk.check(proposal);
    if (!verdict.ok) {
      this.stats.refused++;
      report('reject', `risk ${verdict.breaker}: ${verdict.reason}`);
      return false;
    }
    
    const opportunity: Opportunity = {
      key: hint.hash,
      victim: { hash: hint.hash as Hex },
      route: 'mevShare',
      sizedOnChain: true,
      allowed: (block) => {
        const again = block === proposal.targetBlock ? risk.recheck(proposal) : risk.check({ ...proposal, targetBlock: block, maxGasCostWei: gas * fees().maxFeePerGas });
        return again.ok ? { ok: true } : { ok: false, reason: `risk ${again.breaker}: ${again.reason}` };
      },
      sign: async (block, nonce) => {
        const price = fees();
        // The floor: this block's gas at what we pay per gas, plus the minimum net; the builder is paid on top of it.
        const minProfit = this.floor(gas);
        const signed = await signSizedLegsTransaction({ account, chainId, executor, targetBlock: block, legs: sizedLegs, ...(context ? { context } : {}), minProfit, builderShareBps: Number(builderShareBps), maxAmountIn: amountIn, nonce, gas, ...price });
        return { raw: signed.raw, hash: signed.hash };
      },
    };
    const sendStarted = performance.now();
    const latency = this.parameters.latency;
    if (latency) opportunity.onSent = (at) => latency.seenToSent.record(Math.max(0, Math.round((at - firstSeenMs) * 1000)));
    const result = await submitter.submit(opportunity, target).catch((error: Error) => ({ refused: `send failed: ${error.message.split('\n')[0]}`, uuid: '', ourHash: '0x' as Hex }));
    if (result.refused) {
      this.stats.refused++;
      report('reject', result.refused);
      return false;
    }
    sendUs = Math.round((performance.now() - sendStarted) * 1000);
    risk.onBundleSent(result.uuid, proposal);
    this.stats.sent++;
    const sent = this.parameters.prior(target);
    sent.victims.add(hint.hash.toLowerCase());
    for (const leg of legs) for (const hop of leg.cycle.hops) sent.hiddenPools.add(hop.pool.address.toLowerCase());
    // On the main operator's chain our later transactions of the block come after this one (their nonces follow);
    // what it trades is decided on chain, so it moves no pool in their view: counted, at size 0.
    sent.trades.push({ cycle: legs[0]!.cycle, amountIn: 0n, lane: laneIndex, pools: new Set(legs.flatMap((leg) => leg.cycle.hops.map((hop) => hop.pool.address.toLowerCase()))) });
    logger.info({ victim: hint.hash, legs: legs.length, amountIn: String(amountIn), sendUs }, 'blind: backrun sent to MEV-Share');
    report('send', `blind: ${legs.length} sized leg(s), sized on chain from the pools' state after the victim`, { uuid: result.uuid, ourTxHash: result.ourHash });
    return true;
  }
}
