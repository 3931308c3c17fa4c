import type { Address, Hex } from 'viem';
import type { Assembly, IncludedBundle } from './assemble.ts';
import type { TxOutcome } from './protocol.ts';

/**
 * BuilderNet-style refunds, an option of the local builder (off by default). BuilderNet's "flat tax rule"
 * (buildernet.org/docs/refunds): for each identity i (a bundle's signer) with bundles in the block,
 *   b_i   = what its bundles paid the builder (here: less any refundPercent refund the builder pays for them),
 *   mu_i  = min(b_i, v(T) - v(T without i's bundles)), never below 0: its marginal contribution, v being the value
 *           of the best block the builder makes from what it holds (here: its assembly, public transactions included),
 *   c     = what the builder pays the proposer (here: `proposerShareBps` of v; the devnet has no MEV-Boost auction),
 *   refund_i = mu_i / sum(mu) * min(v - c, sum(mu)), rounded down to the wei.
 * Bundles of only public-mempool transactions earn nothing and stay in every counterfactual block; several bundles
 * from one signer count together (non-competing). Not modelled: BuilderNet's identity constraint (a quadratic
 * programme bounding what any set of identities is refunded by its joint contribution), `refundIdentity`, and the
 * delay (BuilderNet pays in later batches; here in the same block, after the bundles, like refundPercent).
 */
export type ContributionRefundOptions = { proposerShareBps?: number };

export type IdentityValue = { signer: Address; paymentWei: bigint; valueWithoutWei: bigint; bundleHashes: Hex[] };

export type ContributionRefund = { signer: Address; recipient: Address; bundleHashes: Hex[]; paymentWei: bigint; contributionWei: bigint; refundWei: bigint };

/** The flat-tax refunds for a block of value `blockValueWei` of which `proposerPaymentWei` goes to the proposer. Pure. */
export function flatTaxRefunds(blockValueWei: bigint, proposerPaymentWei: bigint, identities: readonly IdentityValue[]): ContributionRefund[] {
  const contributions = identities.map((identity) => {
    const marginal = blockValueWei - identity.valueWithoutWei;
    const bounded = marginal < identity.paymentWei ? marginal : identity.paymentWei;
    return { identity, contributionWei: bounded > 0n ? bounded : 0n };
  });
  const total = contributions.reduce((sum, entry) => sum + entry.contributionWei, 0n);
  if (total === 0n) return [];
  const left = blockValueWei - proposerPaymentWei;
  const pool = left < total ? (left > 0n ? left : 0n) : total;
  return contributions
    .map(({ identity, contributionWei }) => ({
      signer: identity.signer,
      recipient: identity.signer,
      bundleHashes: identity.bundleHashes,
      paymentWei: identity.paymentWei,
      contributionWei,
      refundWei: (contributionWei * pool) / total,
    }))
    .filter((refund) => refund.refundWei > 0n);
}

/** What the block pays the coinbase: every transaction's priority fees and direct transfers. */
export const blockValue = (outcomes: readonly TxOutcome[]) => outcomes.reduce((sum, outcome) => sum + outcome.gasFees + outcome.ethSentToCoinbase, 0n);

/**
 * The identities eligible for a refund in this assembly: signers of included bundles with at least one
 * transaction not from the public mempool (`publicHashes`, lowercase). `alreadyRefunded`: refundPercent refunds
 * by bundle hash, netted out of what the bundle paid.
 */
export function eligibleIdentities(included: readonly IncludedBundle[], publicHashes: ReadonlySet<string>, alreadyRefunded: ReadonlyMap<Hex, bigint>): Map<string, { signer: Address; paymentWei: bigint; bundles: IncludedBundle[] }> {
  const bySigner = new Map<string, { signer: Address; paymentWei: bigint; bundles: IncludedBundle[] }>();
  for (const winner of included) {
    if (winner.txs.every((tx) => publicHashes.has(tx.hash.toLowerCase()))) continue;
    const key = winner.bundle.signer.toLowerCase();
    const entry = bySigner.get(key) ?? { signer: winner.bundle.signer, paymentWei: 0n, bundles: [] };
    entry.paymentWei += winner.coinbaseDiff - (alreadyRefunded.get(winner.bundle.bundleHash) ?? 0n);
    entry.bundles.push(winner);
    bySigner.set(key, entry);
  }
  return bySigner;
}

/**
 * The contribution refunds of a built block: re-assembles it without each eligible identity's bundles (`rebuild`
 * assembles from a subset of the bundles) and values every block by simulating its whole order (`value`).
 */
export async function contributionRefunds(parameters: {
  assembly: Assembly;
  options: ContributionRefundOptions;
  publicHashes: ReadonlySet<string>;
  alreadyRefunded: ReadonlyMap<Hex, bigint>;
  rebuild: (without: ReadonlySet<string>) => Promise<Assembly>;
  value: (assembly: Assembly) => Promise<bigint>;
}): Promise<ContributionRefund[]> {
  const identities = eligibleIdentities(parameters.assembly.included, parameters.publicHashes, parameters.alreadyRefunded);
  if (identities.size === 0) return [];
  const blockValueWei = await parameters.value(parameters.assembly);
  const values: IdentityValue[] = [];
  for (const [key, identity] of identities) {
    const without = await parameters.rebuild(new Set([key]));
    values.push({ signer: identity.signer, paymentWei: identity.paymentWei, valueWithoutWei: await parameters.value(without), bundleHashes: identity.bundles.map((winner) => winner.bundle.bundleHash) });
  }
  const proposerPaymentWei = (blockValueWei * BigInt(parameters.options.proposerShareBps ?? 0)) / 10_000n;
  return flatTaxRefunds(blockValueWei, proposerPaymentWei, values);
}
