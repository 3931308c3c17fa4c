import { z } from 'zod';

const bps = z.number().int().min(0).max(10_000);

/** The defaults of strategy.bidding: the fixed policy (strategy.builderShareBps), no ceiling beyond the executor's cap. */
export const defaultBidding = {
  policy: 'fixed' as const,
  maxBidShareBps: 10_000,
  startShareBps: 5000,
  floorShareBps: 1000,
  marginBps: 100,
  outbidStepBps: 500,
  probeDownBps: 500,
  probeAfterWins: 2,
  rivalMemoryMs: 600_000,
};

/**
 * strategy.bidding: which share of a backrun's profit after gas we bid to the builder (strategy/bidPolicy.ts).
 * `fixed` bids strategy.builderShareBps every time; `adaptive` learns per pool from wins and outbids. Every bid is held
 * under maxBidShareBps (the operator's ceiling) and the executor's cap; adaptive bids under break-even too.
 */
export const biddingSchema = z
  .strictObject({
    policy: z.enum(['fixed', 'adaptive']).default(defaultBidding.policy),
    maxBidShareBps: bps.default(defaultBidding.maxBidShareBps),
    startShareBps: bps.default(defaultBidding.startShareBps),
    floorShareBps: bps.default(defaultBidding.floorShareBps),
    marginBps: bps.default(defaultBidding.marginBps),
    outbidStepBps: bps.default(defaultBidding.outbidStepBps),
    probeDownBps: bps.default(defaultBidding.probeDownBps),
    probeAfterWins: z.number().int().min(1).max(1_000).default(defaultBidding.probeAfterWins),
    rivalMemoryMs: z.number().int().min(0).max(7 * 24 * 3_600_000).default(defaultBidding.rivalMemoryMs),
  })
  .superRefine((bidding, context) => {
    if (bidding.startShareBps > bidding.maxBidShareBps) {
      context.addIssue({ code: 'custom', path: ['startShareBps'], message: `${bidding.startShareBps} is above maxBidShareBps ${bidding.maxBidShareBps}` });
    }
    if (bidding.floorShareBps > bidding.startShareBps) {
      context.addIssue({ code: 'custom', path: ['floorShareBps'], message: `${bidding.floorShareBps} is above startShareBps ${bidding.startShareBps}` });
    }
  });

/** A fixed share above the operator's ceiling is a contradiction in the file: refused, not silently lowered. */
export function fixedShareProblem(builderShareBps: number, bidding: z.infer<typeof biddingSchema>): string | undefined {
  if (bidding.policy !== 'fixed' || builderShareBps <= bidding.maxBidShareBps) return undefined;
  return `${builderShareBps} is above strategy.bidding.maxBidShareBps ${bidding.maxBidShareBps}`;
}
