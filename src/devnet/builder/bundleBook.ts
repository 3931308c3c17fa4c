import type { Address, Hex } from 'viem';
import { SearcherError } from '../../errors.ts';
import type { ExclusionReason, StoredBundle } from './protocol.ts';

/** A bundle whose replacementNonce is not above the latest accepted for its replacementUuid. */
export class StaleReplacementError extends SearcherError {}

/**
 * The bundles a builder holds, by target block. Replacement and cancellation follow the Flashbots rules: a
 * `replacementUuid` belongs to the signer who used it; a new bundle with the same uuid replaces the old one. With
 * `replacementNonce` (BuilderNet; Titan's replacementSeqNumber) the order of sends is the sender's, not the order
 * of arrival: a bundle whose nonce is not above the latest accepted one for its uuid is not taken (BuilderNet
 * ignores it, Titan drops it; here the sender is told why). One without a nonce replaces by arrival, as before.
 */
export class BundleBook {
  private readonly byBlock = new Map<bigint, StoredBundle[]>();
  /** The latest accepted replacementNonce per signer and uuid, with the block it was sent for (to forget it). */
  private readonly latestNonce = new Map<string, { nonce: number; blockNumber: bigint }>();

  constructor(private readonly keepBlocks = 256) {}

  /** Adds a bundle; returns the bundles it replaced. Throws StaleReplacementError for an old replacementNonce. */
  add(bundle: StoredBundle): StoredBundle[] {
    if (bundle.replacementUuid && bundle.replacementNonce !== undefined) {
      const key = `${bundle.signer.toLowerCase()}/${bundle.replacementUuid.toLowerCase()}`;
      const latest = this.latestNonce.get(key);
      if (latest && bundle.replacementNonce <= latest.nonce) {
        throw new StaleReplacementError('BUNDLE_STALE', `replacementNonce ${bundle.replacementNonce} is not above ${latest.nonce}, the latest accepted for replacementUuid ${bundle.replacementUuid}: not taken`);
      }
      this.latestNonce.set(key, { nonce: bundle.replacementNonce, blockNumber: bundle.blockNumber });
    }
    const replaced = bundle.replacementUuid ? this.cancel(bundle.signer, bundle.replacementUuid, `replaced by ${bundle.bundleHash}`) : [];
    const list = this.byBlock.get(bundle.blockNumber) ?? [];
    list.push(bundle);
    this.byBlock.set(bundle.blockNumber, list);
    return replaced;
  }

  /** Cancels the signer's open bundles with this uuid (every target block); returns them. */
  cancel(signer: Address, replacementUuid: string, why = 'cancelled by eth_cancelBundle'): StoredBundle[] {
    const cancelled: StoredBundle[] = [];
    for (const list of this.byBlock.values()) {
      for (const bundle of list) {
        if (bundle.outcome || bundle.cancelled) continue;
        if (bundle.replacementUuid !== replacementUuid || bundle.signer.toLowerCase() !== signer.toLowerCase()) continue;
        bundle.cancelled = why;
        cancelled.push(bundle);
      }
    }
    return cancelled;
  }

  /** Open bundles targeting this block. */
  open(blockNumber: bigint): StoredBundle[] {
    return (this.byBlock.get(blockNumber) ?? []).filter((bundle) => !bundle.outcome && !bundle.cancelled);
  }

  /** Every bundle that targeted this block. */
  all(blockNumber: bigint): readonly StoredBundle[] {
    return this.byBlock.get(blockNumber) ?? [];
  }

  /** A signer's bundle by hash and target block (stats are private to the signer, as on Flashbots). */
  find(signer: Address, bundleHash: Hex, blockNumber: bigint): StoredBundle | undefined {
    return (this.byBlock.get(blockNumber) ?? []).find(
      (bundle) => bundle.bundleHash.toLowerCase() === bundleHash.toLowerCase() && bundle.signer.toLowerCase() === signer.toLowerCase(),
    );
  }

  /**
   * Closes a block: bundles without an outcome get one (cancelled ones "cancelled", ones that arrived while the
   * block was being sealed "wrong block"); old blocks are forgotten.
   */
  settle(blockNumber: bigint): Array<{ bundle: StoredBundle; reason: ExclusionReason; detail: string }> {
    const late: Array<{ bundle: StoredBundle; reason: ExclusionReason; detail: string }> = [];
    for (const bundle of this.byBlock.get(blockNumber) ?? []) {
      if (bundle.outcome) continue;
      const [reason, detail]: [ExclusionReason, string] = bundle.cancelled
        ? ['cancelled', bundle.cancelled]
        : ['wrong block', `arrived while block ${blockNumber} was being sealed`];
      bundle.outcome = { included: false, reason, detail };
      late.push({ bundle, reason, detail });
    }
    for (const block of this.byBlock.keys()) if (block + BigInt(this.keepBlocks) < blockNumber) this.byBlock.delete(block);
    for (const [key, latest] of this.latestNonce) if (latest.blockNumber + BigInt(this.keepBlocks) < blockNumber) this.latestNonce.delete(key);
    return late;
  }
}
