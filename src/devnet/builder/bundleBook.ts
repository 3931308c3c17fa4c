import type { Address, Hex } from 'viem';
import type { ExclusionReason, StoredBundle } from './protocol.ts';

/**
 * The bundles a builder holds, by target block. Replacement and cancellation follow the Flashbots rules: a
 * `replacementUuid` belongs to the signer who used it; a new bundle with the same uuid replaces the old one.
 */
export class BundleBook {
  private readonly byBlock = new Map<bigint, StoredBundle[]>();

  constructor(private readonly keepBlocks = 256) {}

  /** Adds a bundle; returns the bundles it replaced. */
  add(bundle: StoredBundle): StoredBundle[] {
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
    return late;
  }
}
