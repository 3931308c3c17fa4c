import type { ExecutorPlan } from './plan.ts';
import type { Candidate } from '../strategy/candidates.ts';
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
    maxBuilderShareBps: Number(policy.builderShareBps),
    startToken: candidate.cycle.startToken,
    hops: candidate.cycle.hops.map((hop) => ({
      pool: hop.pool.address,
      ...(hop.pool.factory ? { factory: hop.pool.factory } : {}),
      tokenOut: hop.tokenOut,
      protocol: hop.pool.kind,
      zeroForOne: hop.zeroForOne,
      ...(hop.pool.kind === 'v2' ? { v2FeeBps: Number(hop.pool.feeBps) } : { v3Fee: hop.pool.fee }),
    })),
  };
}
