import type { ExecutorPlan, PlanHop } from './plan.ts';
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

/**
 * The plan for `executeSized` (a victim whose size is hidden): inventory mode, amountIn the ceiling the table's
 * input is capped at, no fixed builder payment (the table's share of the realised profit is paid instead).
 */
export function sizedPlanFor(parameters: SizedPlanParameters): ExecutorPlan {
  const { cycle, targetBlock, ceiling, minProfit, maxBuilderShareBps } = parameters;
  return { flash: false, targetBlock, amountIn: ceiling, minProfit, builderPayment: 0n, maxBuilderShareBps, startToken: cycle.startToken, hops: planHops(cycle) };
}

function planHops(cycle: Cycle): PlanHop[] {
  return cycle.hops.map((hop) => ({
    pool: hop.pool.address,
    ...(hop.pool.factory ? { factory: hop.pool.factory } : {}),
    tokenOut: hop.tokenOut,
    // The executor has no V4 leg yet, and the graph never walks a V4 pool: a cycle with one is a bug, not a trade.
    protocol: hop.pool.kind === 'v4' ? unplannable(hop.pool.address) : hop.pool.kind,
    zeroForOne: hop.zeroForOne,
    ...(hop.pool.kind === 'v2' ? { v2FeeBps: Number(hop.pool.feeBps) } : { v3Fee: hop.pool.fee }),
  }));
}

function unplannable(pool: string): never {
  throw new RangeError(`V4 pool ${pool} in a cycle: the executor has no V4 leg yet`);
}
