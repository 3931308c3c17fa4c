import type { OrderFlowSource } from '../mempool/types.ts';

/**
 * The refund a relay has its builder pay the victim's user, in percent of what the backrun paid the builder:
 * MEV-Share's default is 90 (mev-share-node's refund config; Protect users may choose otherwise). MEV Blocker pays
 * its users out of the winning bid by its own rules, not per bundle from what we can see, and the devnet's relay
 * pays none: 0. Public bundles have no user to refund.
 */
export const defaultRefundPercent: Readonly<Record<OrderFlowSource, number>> = { public: 0, mevBlocker: 0, mevShare: 90 };

/**
 * What the builder is expected to refund out of one landed backrun: `percent` of its payment to the builder, the
 * coinbase transfer plus the priority fees (gas above the block's base fee), rounded down as the builder rounds.
 * The bot cannot see the refund itself; this is its own expectation. Pure.
 */
export function expectedRefundWei(execution: { gasUsed: bigint; effectiveGasPrice: bigint; builderPayment: bigint }, baseFeeWei: bigint, percent: number): bigint {
  if (!Number.isInteger(percent) || percent < 0 || percent > 100) throw new RangeError(`a refund percent is an integer 0..100 (got ${percent})`);
  const tip = execution.effectiveGasPrice > baseFeeWei ? execution.effectiveGasPrice - baseFeeWei : 0n;
  return ((execution.builderPayment + execution.gasUsed * tip) * BigInt(percent)) / 100n;
}
