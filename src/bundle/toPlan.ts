import type { Address } from 'viem';
import { PlanError, type ExecutorPlan, type PlanContext, type PlanHop } from './plan.ts';
import type { Candidate } from '../strategy/candidates.ts';
import type { Cycle } from '../strategy/cycle.ts';
import type { CostPolicy } from '../strategy/costs.ts';

/**
 * The executor plan for a candidate in `targetBlock`. The minimum profit is the prediction itself (gross
 * minus the builder payment): if the chain does anything but what we computed, the transaction reverts.
 * Each hop names its pool's factory (the executor recomputes the pool from it); a pool of unknown origin is
 * named as itself, which the executor accepts only if its owner listed it. Flash mode is the candidate's (its
 * size was chosen for it).
 */
export function planFor(candidate: Candidate, targetBlock: bigint, policy: CostPolicy, flash = candidate.flash === true): ExecutorPlan {
  return {
    flash,
    targetBlock,
    amountIn: candidate.amountIn,
    minProfit: candidate.grossProfitWei - candidate.bribeWei,
    builderPayment: candidate.bribeWei,
    // The share bid on this opportunity (the executor holds the payment to it of the profit).
    maxBuilderShareBps: Number(candidate.builderShareBps ?? policy.builderShareBps),
    startToken: candidate.cycle.startToken,
    hops: planHops(candidate.cycle),
  };
}

/**
 * What encodePlan checks a plan's V4 hops against: the chain's WETH and the configured PoolManager. Without a
 * PoolManager (V4 off) there is no context, and a plan with a V4 hop is refused rather than guessed.
 */
export function planContext(weth: Address, poolManager: Address | undefined): PlanContext | undefined {
  return poolManager ? { weth, poolManager } : undefined;
}

export type SizedPlanParameters = {
  cycle: Cycle;
  targetBlock: bigint;
  /** The most the sizing table may ask for (the input the risk limits allow): the plan's amountIn. */
  ceiling: bigint;
  /** What must be left after the builder's share, in the start token (at least the transaction's gas cost). */
  minProfit: bigint;
  /** The most the table's builderShareBps may be (at most the executor owner's cap). */
  maxBuilderShareBps: number;
};

/** The index of the cycle's first Uniswap V4 hop, if it has one. */
export function v4HopOf(cycle: Cycle): number | undefined {
  const index = cycle.hops.findIndex((hop) => hop.pool.kind === 'v4');
  return index < 0 ? undefined : index;
}

/**
 * The plan for `executeSized` (a victim whose size is hidden): inventory mode, amountIn the ceiling the table's
 * input is capped at, no fixed builder payment (the table's share of the realised profit is paid instead). A V4 hop
 * is fine (the executor keys a table on its pool's slot0 in the PoolManager); a simulate-only (swap hook) V4 pool is
 * refused: the table's inputs are our math's, which does not price it.
 */
export function sizedPlanFor(parameters: SizedPlanParameters): ExecutorPlan {
  const { cycle, targetBlock, ceiling, minProfit, maxBuilderShareBps } = parameters;
  const hooked = cycle.hops.findIndex((hop) => hop.pool.kind === 'v4' && hop.pool.simulateOnly);
  if (hooked >= 0) throw new PlanError(`executeSized cannot run a cycle through a simulate-only Uniswap V4 pool (hop ${hooked}): its table would be priced by math that does not apply there`);
  return { flash: false, targetBlock, amountIn: ceiling, minProfit, builderPayment: 0n, maxBuilderShareBps, startToken: cycle.startToken, hops: planHops(cycle) };
}

/**
 * A cycle's hops as the executor takes them. A V4 hop names its pool by key, and `pool` is the pool's PoolManager
 * (encodePlan checks it is the executor's); its path tokens are the cycle's, which say WETH where the pool holds
 * native ETH (the executor unwraps and wraps).
 */
function planHops(cycle: Cycle): PlanHop[] {
  return cycle.hops.map((hop) => {
    const pool = hop.pool;
    if (pool.kind === 'v4') return { pool: pool.poolManager, tokenOut: hop.tokenOut, protocol: 'v4', zeroForOne: hop.zeroForOne, v4Key: pool.key };
    return {
      pool: pool.address,
      ...(pool.factory ? { factory: pool.factory } : {}),
      tokenOut: hop.tokenOut,
      protocol: pool.kind,
      zeroForOne: hop.zeroForOne,
      ...(pool.kind === 'v2' ? { v2FeeBps: Number(pool.feeBps) } : { v3Fee: pool.fee }),
    };
  });
}
