import type { AdaptivePolicy } from './schema.ts';

/** What one block told a rival about its own bundles (as its builder reports them). */
export type BlockOutcome = { won: number; outbid: number };

/**
 * The adaptive rival's rule, a pure step: outbid in a block -> raise the share by `stepUpBps`; won without being
 * outbid -> lower it by `stepDownBps` (slowly: a win says the bid was enough, not by how much); nothing sent ->
 * unchanged. Always within [minBps, maxBps]. A devnet rival's rule, not the bot's bidding policy.
 */
export function nextAdaptiveShare(policy: AdaptivePolicy, currentBps: number, outcome: BlockOutcome): number {
  if (outcome.outbid > 0) return Math.min(policy.maxBps, currentBps + policy.stepUpBps);
  if (outcome.won > 0) return Math.max(policy.minBps, currentBps - policy.stepDownBps);
  return currentBps;
}
