import type { Address, Log } from 'viem';
import { V3RangeError } from '../amm/v3/pool.ts';
import { V3QuotePaths } from '../amm/v3/quotePath.ts';
import type { PendingSwaps } from '../mempool/watcher.ts';
import type { SwapIntent, SwapProtocol } from '../mempool/types.ts';
import { PendingOverlay } from '../state/overlay.ts';
import { applySimulatedLogs } from '../state/simulatedLogs.ts';
import type { MarketState } from '../state/market.ts';
import type { Pool } from '../state/types.ts';
import { sizeWithinCaps, type ExposureLimits } from './capSizing.ts';
import { applyCosts, estimateGas, type CostPolicy } from './costs.ts';
import type { Cycle, PoolView } from './cycle.ts';
import type { PoolGraph } from './graph.ts';
import { rankCycles, type RankSource } from './rank.ts';
import { approximateProfit, sizeCycle } from './sizing.ts';

export type Candidate = {
  victim: string | null;
  cycle: Cycle;
  amountIn: bigint;
  amountOut: bigint;
  grossProfitWei: bigint;
  gas: bigint;
  gasCostWei: bigint;
  bribeWei: bigint;
  netProfitWei: bigint;
  ticksCrossed: number;
  /** The view the cycle was sized on (the victim's overlay, or the canonical market). */
  view: PoolView;
  /**
   * The net if the transaction burns only the low gas estimate (netProfitWei prices the high one): below the
   * minimum even so, the candidate is not worth simulating.
   */
  maxNetProfitWei?: bigint;
  /** Borrow the first leg from its pool (flash swap) instead of taking amountIn from inventory. */
  flash?: boolean;
  /** The input that maximises the cycle's profit, when the exposure caps held amountIn below it. */
  optimalAmountIn?: bigint;
  /** The optimum against the exposure caps, when they held amountIn below it. */
  capNote?: string;
  /** Why no allowed size can be sent (the decision rejects the candidate with this). */
  sizeRefusal?: string;
  /** The share of the profit after gas bid to the builder (bps): what bribeWei was priced at (unset: the policy's). */
  builderShareBps?: bigint;
  /**
   * A victim priced by simulation: the pool states its simulated logs set (by market key). Later searches for the
   * block apply these after it is sent, since our math cannot replay its swaps through a hook pool.
   */
  victimStates?: ReadonlyMap<string, Pool>;
};

export type EngineConfig = {
  startToken: Address;
  /** Decoded protocol -> the venue name pools carry (set at bootstrap from the factory list). */
  venues: Partial<Record<SwapProtocol, string>>;
  policy: CostPolicy;
  /** The exposure caps to size within (unset: every cycle at its optimum). */
  exposure?: ExposureLimits;
  /**
   * No longer bounds the search (kept so existing configs still load): every cycle through the moved pools is
   * estimated, and maxSizedPerSearch bounds the exact work.
   */
  maxCyclesPerPool?: number;
  /** Cycles sized exactly per search: the best-ranked by their estimate after the victim (rank.ts). */
  maxSizedPerSearch?: number;
  /**
   * The share to bid on one opportunity (bps; strategy/bidPolicy.ts), from its pools and, for an exact backrun, its
   * gross and gas cost. Unset: policy.builderShareBps for every one.
   */
  bid?: (input: { pools: readonly string[]; grossWei?: bigint; gasCostWei?: bigint; route?: string }) => bigint;
  /**
   * The Uniswap V4 PoolManager of the config (factories.v4, listed once: the one the executor swaps in). V4 victims
   * are priced only in its pools; unset, every V4 victim is refused.
   */
  v4PoolManager?: Address;
};

/** A candidate's costs with the bid share the policy picks for it (the search prices every cycle at the default first). */
function withBid<T extends { gas: bigint; gasCostWei: bigint; bribeWei: bigint; netProfitWei: bigint; maxNetProfitWei: bigint }>(sized: T, cycle: Cycle, grossWei: bigint, nextBaseFeeWei: bigint, config: EngineConfig): T & { builderShareBps: bigint } {
  const { policy } = config;
  const share = config.bid ? config.bid({ pools: cycle.hops.map((hop) => hop.pool.address), grossWei, gasCostWei: sized.gasCostWei }) : policy.builderShareBps;
  if (share === policy.builderShareBps) return { ...sized, builderShareBps: share };
  const costs = applyCosts(grossWei, sized.gas, nextBaseFeeWei, { ...policy, builderShareBps: share });
  // The low-gas figure moves by the same change of payment (the share is of the high estimate's profit after gas).
  return { ...sized, ...costs, maxNetProfitWei: sized.maxNetProfitWei + sized.bribeWei - costs.bribeWei, builderShareBps: share };
}

export type Rejection = { victim: string | null; reason: string };

/** The pool a decoded V2/V3 hop swaps in: same venue, same pair, same V3 fee. */
function poolFor(graph: PoolGraph, config: EngineConfig, swap: SwapIntent, hop: number): Pool | undefined {
  const tokenIn = swap.path[hop]!;
  const tokenOut = swap.path[hop + 1]!;
  // The graph also links V4 pools (native ETH under WETH's name): a V2/V3 router's hop never trades one.
  if (swap.protocol === 'v2-pair') return graph.pools(tokenIn, tokenOut).find((pool) => pool.kind !== 'v4' && pool.address.toLowerCase() === swap.router);
  const venue = config.venues[swap.protocol];
  const fee = swap.fees[hop];
  return graph
    .pools(tokenIn, tokenOut)
    .find((pool) => pool.kind !== 'v4' && pool.venue === venue && (pool.kind === 'v2' ? fee === null : pool.fee === fee));
}

/** One swap's pools in travel order, each with the direction the victim trades it. */
type ResolvedSwap = { swap: SwapIntent; pools: Pool[]; zeroForOne: boolean[] };

/**
 * A V4 swap's pools, by pool id in the view (the market keys V4 pools by id; the graph may not hold them), in the
 * decoded direction. Refused, never guessed: V4 not configured, an unknown id, a pool of another PoolManager than the
 * one configured (the id alone does not name the manager), a hooked pool (simulate-only: its hook may change the
 * amounts), or a hop whose currencies are not the pool's.
 */
function resolveV4(view: PoolView, config: EngineConfig, swap: SwapIntent): ResolvedSwap | { reason: string } {
  const hops = swap.pools ?? [];
  if (hops.length === 0 || hops.length !== swap.path.length - 1) return { reason: 'a Uniswap V4 swap without one pool key per hop' };
  if (!config.v4PoolManager) return { reason: 'the victim makes a Uniswap V4 swap and no V4 PoolManager is configured (factories.v4)' };
  // A per-hop bound (2.1.1's price word, maxHopSlippage) may revert the victim where its own limit would not.
  if (swap.v4HopBound) return { reason: "the victim's Uniswap V4 swap sets a per-hop price bound the engine does not check" };
  const pools: Pool[] = [];
  const zeroForOne: boolean[] = [];
  for (const [index, hop] of hops.entries()) {
    const pool = view.get(hop.poolId as Address);
    if (!pool || pool.kind !== 'v4') return { reason: `unknown Uniswap V4 pool ${hop.poolId}` };
    if (pool.poolManager.toLowerCase() !== config.v4PoolManager.toLowerCase()) {
      return { reason: `Uniswap V4 pool ${hop.poolId} is in PoolManager ${pool.poolManager}, not the configured ${config.v4PoolManager}` };
    }
    if (pool.simulateOnly) return { reason: `Uniswap V4 pool ${hop.poolId} has a swap hook (simulate only): not priced by our math` };
    const [tokenIn, tokenOut] = [swap.path[index]!.toLowerCase(), swap.path[index + 1]!.toLowerCase()];
    const [currencyIn, currencyOut] = hop.zeroForOne ? [pool.token0, pool.token1] : [pool.token1, pool.token0];
    if (currencyIn.toLowerCase() !== tokenIn || currencyOut.toLowerCase() !== tokenOut) {
      return { reason: `Uniswap V4 hop ${index} trades ${tokenIn} -> ${tokenOut}, not pool ${hop.poolId}'s currencies in that direction` };
    }
    pools.push(pool);
    zeroForOne.push(hop.zeroForOne);
  }
  return { swap, pools, zeroForOne };
}

/** Every swap's pools, resolved before any of them moves the overlay (a later swap may ride on an earlier one's output). */
function resolveSwaps(view: PoolView, graph: PoolGraph, config: EngineConfig, swaps: readonly SwapIntent[]): ResolvedSwap[] | { reason: string } {
  const resolved: ResolvedSwap[] = [];
  for (const swap of swaps) {
    // An amount the plan leaves to an earlier step's output (V4 OPEN_DELTA, a settle or spend of the router's
    // balance) is only bounded by the calldata: the intent does not say which steps fed it, so it is not recomputed.
    if (swap.openAmount) return { reason: `the victim's ${swap.protocol} swap leaves its ${swap.openAmount === 'in' ? 'input' : 'output'} to an earlier step's result, which the transaction alone does not fix` };
    if (swap.protocol === 'v4') {
      const v4 = resolveV4(view, config, swap);
      if ('reason' in v4) return v4;
      resolved.push(v4);
      continue;
    }
    const pools: Pool[] = [];
    for (let hop = 0; hop + 1 < swap.path.length; hop++) {
      const pool = poolFor(graph, config, swap, hop);
      if (!pool) return { reason: `no tracked pool for ${swap.protocol} ${swap.path[hop]} -> ${swap.path[hop + 1]}` };
      pools.push(pool);
    }
    resolved.push({ swap, pools, zeroForOne: pools.map((pool, hop) => pool.token0.toLowerCase() === swap.path[hop]!.toLowerCase()) });
  }
  return resolved;
}

/**
 * Applies a victim's swaps to a pending overlay, exactly as the routers would execute them: V2/V3 hops by the graph's
 * pools, V4 hops by pool id in the overlay, exact in (forward) and exact out (from the last hop back, as Router02's
 * getAmountsIn, V3's exactOutput and V4Router's exact-output loop do). Returns the pools it moved, or why it cannot
 * (a pool we cannot price, an amount the transaction does not fix, a V4 swap the PoolManager reverts, a swap past the
 * ticks loaded for its pool, or the victim would revert on its own limits). A V4 swap that reaches the price limit
 * fills in part, as V4Router lets it, and is applied so.
 */
export function applyVictim(overlay: PendingOverlay, graph: PoolGraph, config: EngineConfig, swaps: readonly SwapIntent[]): { moved: Pool[] } | { reason: string } {
  const resolved = resolveSwaps(overlay, graph, config, swaps);
  if ('reason' in resolved) return resolved;
  try {
    return applyResolved(overlay, resolved);
  } catch (error) {
    // A swap that runs past the ticks loaded for its pool: what it does there is unknown, so it is not priced.
    if (error instanceof V3RangeError) return { reason: `the victim's swap runs past the ticks loaded for its pool (${error.message})` };
    throw error;
  }
}

function applyResolved(overlay: PendingOverlay, resolved: readonly ResolvedSwap[]): { moved: Pool[] } | { reason: string } {
  const moved: Pool[] = [];
  for (const { swap, pools, zeroForOne } of resolved) {
    const v4 = swap.protocol === 'v4';
    // The overlay answers 0 for a swap the PoolManager itself reverts (a zero amount, exact output at a 100% fee, a
    // price already at its limit) or one that pays nothing. A partial fill at the price limit is not that: V4Router
    // takes it, and so do we.
    const refused = { reason: "the victim's Uniswap V4 swap reverts in the PoolManager or pays nothing (zero amount, exact output at a 100% fee, or a price at its limit)" };
    if (swap.kind === 'exactIn') {
      let amount = swap.amountIn;
      for (let hop = 0; hop < pools.length; hop++) {
        amount = overlay.applySwap({ pool: pools[hop]!.address, zeroForOne: zeroForOne[hop]!, amountIn: amount });
        if (v4 && amount === 0n) return refused;
      }
      if (amount < swap.amountOut) return { reason: 'the victim would revert (output below its minimum)' };
    } else {
      let amount = swap.amountOut;
      for (let hop = pools.length - 1; hop >= 0; hop--) {
        amount = overlay.applyExactOutput({ pool: pools[hop]!.address, zeroForOne: zeroForOne[hop]!, amountOut: amount });
        if (v4 && amount === 0n) return refused;
      }
      // V4Router checks its maximum always (0 admits nothing); the V2/V3 decoders give 0 where no maximum is known.
      if ((v4 || swap.amountIn > 0n) && amount > swap.amountIn) return { reason: 'the victim would revert (input above its maximum)' };
    }
    moved.push(...pools);
  }
  return { moved };
}

/** Whether the executor can trade every hop: a V4 hop only in the configured PoolManager. */
function plannable(cycle: Cycle, config: EngineConfig): boolean {
  const manager = config.v4PoolManager?.toLowerCase();
  return cycle.hops.every((hop) => hop.pool.kind !== 'v4' || hop.pool.poolManager.toLowerCase() === manager);
}

/** Cycles sized exactly per search, best-ranked first: bounds the worst case when a token has many routes. */
export const DEFAULT_MAX_SIZED_PER_SEARCH = 4;

/**
 * The candidates of one search: the cycles through the moved pools ranked by their estimate after the victim
 * (rankCycles: every cycle looked at, the best `maxSized` kept, never the first found), then those sized
 * exactly and priced, best net first.
 */
function evaluate(source: RankSource, graph: PoolGraph, moved: readonly Pool[], victim: string | null, nextBaseFeeWei: bigint, config: EngineConfig): Candidate[] {
  const { policy, exposure } = config;
  const view: PoolView = source.overlay ?? source.market;
  const maxSized = config.maxSizedPerSearch ?? DEFAULT_MAX_SIZED_PER_SEARCH;
  const out: Candidate[] = [];
  // The exact pre-filter on the ranked few: the in-range estimate (bigint) must pay half the gas.
  const promising: Array<{ cycle: Cycle; estimate: bigint }> = [];
  for (const { cycle } of rankCycles(source, graph, moved, config.startToken, maxSized, nextBaseFeeWei + policy.priorityFeeWei)) {
    // The executor swaps in one PoolManager only: a cycle through a V4 pool of any other (or with V4 off) cannot be sent.
    if (!plannable(cycle, config)) continue;
    const estimate = approximateProfit(view, cycle);
    if (estimate * 2n < estimateGas(cycle, 0) * (nextBaseFeeWei + policy.priorityFeeWei)) continue;
    promising.push({ cycle, estimate });
  }
  // The V3 pools' whole-range steps on this view, shared by the cycles sized here (they often share a pool).
  const paths = new V3QuotePaths();
  for (const { cycle } of promising) {
    const optimum = sizeCycle(view, cycle, undefined, paths);
    if (!optimum) continue;
    const { evaluations: _, profit, optimalAmountIn, capNote, sizeRefusal, ...capped } = sizeWithinCaps(view, cycle, optimum, exposure, nextBaseFeeWei, policy);
    const sized = withBid(capped, cycle, profit, nextBaseFeeWei, config);
    out.push({
      victim,
      cycle,
      view,
      ...sized,
      grossProfitWei: profit,
      ...(optimalAmountIn !== sized.amountIn ? { optimalAmountIn } : {}),
      ...(capNote ? { capNote } : {}),
      ...(sizeRefusal ? { sizeRefusal } : {}),
    });
  }
  return out.sort((a, b) => (b.netProfitWei > a.netProfitWei ? 1 : b.netProfitWei < a.netProfitWei ? -1 : 0));
}

/** The candidates through `moved` on a view the caller prepared (a blind backrun's assumed victim applied to it). */
export function candidatesOnOverlay(market: MarketState, overlay: PendingOverlay, graph: PoolGraph, moved: readonly Pool[], nextBaseFeeWei: bigint, config: EngineConfig): Candidate[] {
  return evaluate({ market, overlay }, graph, moved, null, nextBaseFeeWei, config);
}

/** Something we already sent for the target block: its victim's swaps (if any), then our cycle. */
export type PriorTrade = {
  swaps?: readonly SwapIntent[];
  cycle?: Cycle;
  amountIn?: bigint;
  /** Every pool it and its victim trade (lowercase): a later bundle touching none of them does not depend on it. */
  pools?: ReadonlySet<string>;
  /** The operator lane it went out on. */
  lane?: number;
  /** The states a victim priced by simulation left (Candidate.victimStates): applied instead of its swaps. */
  victimStates?: ReadonlyMap<string, Pool>;
  /** The bundle it went out in (the submitter's uuid). */
  uuid?: string;
  /** Why its victim may not run in the block (its sender's nonce not reached): nothing of ours waits behind it. */
  mayNotRun?: string;
};

/**
 * The pools a victim's swaps trade in (lowercase), resolved as applyVictim resolves them (unknown V2/V3 hops left
 * out; a V4 hop's pool id is the market's key for it, tracked or not).
 */
export function victimPools(graph: PoolGraph, config: EngineConfig, swaps: readonly SwapIntent[]): string[] {
  const pools: string[] = [];
  for (const swap of swaps) {
    if (swap.protocol === 'v4') {
      for (const hop of swap.pools ?? []) pools.push(hop.poolId.toLowerCase());
      continue;
    }
    for (let hop = 0; hop + 1 < swap.path.length; hop++) {
      const pool = poolFor(graph, config, swap, hop);
      if (pool) pools.push(pool.address.toLowerCase());
    }
  }
  return pools;
}

/**
 * Our bundles already at the builders for the same block land first (their nonces come first), so a new
 * opportunity is judged on the state they leave: each prior victim's swaps, then our cycle, hop by hop.
 */
export function applyPriorTrades(overlay: PendingOverlay, graph: PoolGraph, config: EngineConfig, prior: readonly PriorTrade[]): void {
  for (const trade of prior) {
    if (trade.victimStates) for (const [key, pool] of trade.victimStates) overlay.setPool(key, pool);
    else if (trade.swaps) applyVictim(overlay, graph, config, trade.swaps);
    if (!trade.cycle || trade.amountIn === undefined) continue;
    let amount = trade.amountIn;
    for (const hop of trade.cycle.hops) amount = overlay.applySwap({ pool: hop.pool.address, zeroForOne: hop.zeroForOne, amountIn: amount });
  }
}

export function backrunCandidates(market: MarketState, graph: PoolGraph, victim: PendingSwaps, nextBaseFeeWei: bigint, config: EngineConfig, prior: readonly PriorTrade[] = []): Candidate[] | Rejection {
  const overlay = new PendingOverlay(market);
  applyPriorTrades(overlay, graph, config, prior);
  const applied = applyVictim(overlay, graph, config, victim.swaps);
  if ('reason' in applied) return { victim: victim.tx.hash, reason: applied.reason };
  return evaluate({ market, overlay }, graph, applied.moved, victim.tx.hash, nextBaseFeeWei, config);
}

/**
 * Whether a victim trades a simulate-only pool (a V4 pool with a swap hook): our math cannot say what it does there,
 * so its effect on the market is read from a simulation of it instead (simulatedBackrunCandidates).
 */
export function tradesSimulateOnly(market: MarketState, swaps: readonly SwapIntent[]): boolean {
  return swaps.some((swap) => swap.protocol === 'v4' && (swap.pools ?? []).some((hop) => {
    const pool = market.get(hop.poolId as Address);
    return pool?.kind === 'v4' && pool.simulateOnly;
  }));
}

/** One simulated transaction as the search reads it: its status and its logs. */
export type SimulatedVictimTx = { ok: boolean; logs: readonly Log[] };

/**
 * The backruns of a victim priced by its simulation instead of our math: `simulated` holds the sender's earlier
 * pending transactions bundled ahead of it, then the victim, run after our earlier sends for the block. Their pool
 * logs set the moved pools' states on the overlay (after `prior`, our earlier sends), and the cycles through the
 * moved pools our math may quote are searched. Refused when a transaction reverts or a log does not map exactly.
 */
export function simulatedBackrunCandidates(market: MarketState, graph: PoolGraph, victim: PendingSwaps, simulated: readonly SimulatedVictimTx[], nextBaseFeeWei: bigint, config: EngineConfig, prior: readonly PriorTrade[] = []): Candidate[] | Rejection {
  const reject = (reason: string): Rejection => ({ victim: victim.tx.hash, reason });
  if (simulated.length === 0) return reject('the simulation returned no transaction');
  const failed = simulated.findIndex((tx) => !tx.ok);
  if (failed === simulated.length - 1) return reject('the victim reverts in simulation');
  if (failed >= 0) return reject("an earlier pending transaction of the victim's sender reverts in simulation");
  const overlay = new PendingOverlay(market);
  applyPriorTrades(overlay, graph, config, prior);
  const managers = new Set(config.v4PoolManager ? [config.v4PoolManager.toLowerCase()] : []);
  const applied = applySimulatedLogs(overlay, simulated.flatMap((tx) => tx.logs), managers);
  if ('reason' in applied) return reject(applied.reason);
  if (applied.moved.length === 0) return reject('the simulated victim moves no pool our math may quote');
  return evaluate({ market, overlay }, graph, applied.moved, victim.tx.hash, nextBaseFeeWei, config).map((candidate) => ({ ...candidate, victimStates: applied.states }));
}

/** Block arbitrage: cycles through the pools a block changed, on the canonical state. */
export function blockCandidates(market: MarketState, graph: PoolGraph, changed: readonly Address[], nextBaseFeeWei: bigint, config: EngineConfig, prior: readonly PriorTrade[] = []): Candidate[] {
  const pools = changed.map((address) => market.get(address)).filter((pool): pool is Pool => pool !== undefined);
  if (prior.length === 0) return evaluate({ market }, graph, pools, null, nextBaseFeeWei, config);
  const overlay = new PendingOverlay(market);
  applyPriorTrades(overlay, graph, config, prior);
  return evaluate({ market, overlay }, graph, pools, null, nextBaseFeeWei, config);
}

/**
 * Keeps the best candidates that can all be sent together: highest net first, at most one per victim, and no
 * two sharing a pool (the second would run on a state the first has already moved).
 */
export function resolveConflicts(candidates: readonly Candidate[], minNetProfitWei: bigint): Candidate[] {
  const chosen: Candidate[] = [];
  const usedPools = new Set<string>();
  const usedVictims = new Set<string>();
  const ordered = [...candidates].sort((a, b) => (b.netProfitWei > a.netProfitWei ? 1 : b.netProfitWei < a.netProfitWei ? -1 : 0));
  for (const candidate of ordered) {
    if (candidate.netProfitWei < minNetProfitWei) continue;
    if (candidate.victim && usedVictims.has(candidate.victim)) continue;
    if (candidate.cycle.hops.some((hop) => usedPools.has(hop.pool.address))) continue;
    chosen.push(candidate);
    if (candidate.victim) usedVictims.add(candidate.victim);
    for (const hop of candidate.cycle.hops) usedPools.add(hop.pool.address);
  }
  return chosen;
}
