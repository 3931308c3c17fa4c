import { z } from 'zod';

/** Limits mev-share-node applies to `inclusion`. */
export const maxBlockRange = 30;

const hex = z.string().regex(/^0x([0-9a-fA-F]{2})*$/, 'expected 0x-prefixed hex bytes');
const hash = z.string().regex(/^0x[0-9a-fA-F]{64}$/, 'expected a 32-byte hash');
const quantity = z.union([z.string().regex(/^0x[0-9a-fA-F]+$/, 'expected a hex quantity'), z.number().int().nonnegative()]).transform((value) => BigInt(value));

const bodyItem = z.union([
  z.object({ hash }).strict(),
  z.object({ tx: hex, canRevert: z.boolean().optional() }).strict(),
  z.object({ bundle: z.unknown() }).strict(),
]);

/** `mev_sendBundle` / `mev_simBundle` params, spec v0.1 (flashbots/mev-share, `SendMevBundleArgs`). */
export const mevBundle = z.object({
  version: z.string(),
  inclusion: z.object({ block: quantity, maxBlock: quantity.optional() }),
  body: z.array(bodyItem).min(1, 'body needs at least one element'),
  validity: z
    .object({
      refund: z.array(z.object({ bodyIdx: z.number().int(), percent: z.number().int() })).optional(),
      refundConfig: z.array(z.object({ address: z.string(), percent: z.number().int() })).optional(),
    })
    .optional(),
  privacy: z.object({ hints: z.array(z.string()).optional(), builders: z.array(z.string()).optional(), wantRefund: z.number().int().optional() }).optional(),
  metadata: z.unknown().optional(),
});
export type MevBundle = z.infer<typeof mevBundle>;

export const simOptions = z
  .object({
    parentBlock: z.union([quantity, z.literal('latest')]).optional(),
    blockNumber: quantity.optional(),
    coinbase: z.string().optional(),
    timestamp: quantity.optional(),
    gasLimit: quantity.optional(),
    baseFee: quantity.optional(),
    timeout: z.number().optional(),
  })
  .partial();

/** Why a bundle is refused, in words a searcher can act on. */
export class BundleRefusal extends Error {}

/**
 * The shape this relay accepts, after the node's own checks: version `v0.1` (or `beta-1`), a sane inclusion
 * window, and a backrun: `[{hash}, {tx}]` (one backrun per bundle, the rule since 2025). Refunds in a backrun are
 * the user's to set, not the searcher's, so `validity.refund` is refused there, as the node does.
 */
export function checkBackrun(bundle: MevBundle, head: bigint): { targetHash: `0x${string}`; backrun: { tx: `0x${string}`; canRevert: boolean }; block: bigint; maxBlock: bigint } {
  if (bundle.version !== 'v0.1' && bundle.version !== 'beta-1') throw new BundleRefusal(`unsupported bundle version "${bundle.version}": use "v0.1"`);
  const block = bundle.inclusion.block;
  const maxBlock = bundle.inclusion.maxBlock && bundle.inclusion.maxBlock > 0n ? bundle.inclusion.maxBlock : block;
  if (maxBlock < block) throw new BundleRefusal(`invalid inclusion: maxBlock ${maxBlock} is before block ${block}`);
  if (maxBlock - block > BigInt(maxBlockRange)) throw new BundleRefusal(`invalid inclusion: more than ${maxBlockRange} blocks`);
  if (head >= maxBlock) throw new BundleRefusal(`invalid inclusion: maxBlock ${maxBlock} is not after the head ${head}`);
  const [first, ...rest] = bundle.body;
  if (!first || !('hash' in first)) throw new BundleRefusal('invalid body: a backrun starts with {hash} of a MEV-Share transaction');
  if (rest.length === 0) throw new BundleRefusal('invalid body: {hash} alone; add the backrun {tx}');
  if (rest.some((item) => 'hash' in item)) throw new BundleRefusal('invalid body: only one {hash}, and only first');
  if (rest.some((item) => 'bundle' in item)) throw new BundleRefusal('invalid body: nested bundles are not accepted by this relay');
  if (rest.length > 1) throw new BundleRefusal(`invalid body: one backrun transaction per bundle, got ${rest.length}`);
  if ((bundle.validity?.refund?.length ?? 0) > 0) throw new BundleRefusal('invalid validity: refunds are set by the user, not in a backrun bundle');
  if ((bundle.privacy?.hints?.length ?? 0) > 0) throw new BundleRefusal('invalid privacy: a backrun bundle cannot share hints');
  const backrun = rest[0] as { tx: `0x${string}`; canRevert?: boolean };
  return { targetHash: first.hash.toLowerCase() as `0x${string}`, backrun: { tx: backrun.tx, canRevert: backrun.canRevert ?? false }, block, maxBlock };
}
