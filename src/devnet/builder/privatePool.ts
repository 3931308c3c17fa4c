import type { SignedTx } from './simulate.ts';

/** How many blocks a private transaction waits by default (Flashbots' eth_sendPrivateTransaction default). */
export const privateTxDefaultBlocks = 25n;

/**
 * Transactions sent to the builder privately (`eth_sendPrivateTransaction`): the builder includes them like public
 * ones (by fee, after the bundles) but they never enter the node's public pool before the block that holds them
 * is sealed. A transaction leaves the pool when its sender's nonce has moved past it (it landed, or another
 * transaction took its nonce) or after its last block.
 */
export class PrivatePool {
  private readonly held = new Map<string, { tx: SignedTx; maxBlock: bigint }>();
  /** Hashes that left the pool lately (a node's announcement of them may still be on its way). */
  private readonly gone = new Set<string>();

  add(tx: SignedTx, maxBlock: bigint): void {
    this.held.set(tx.hash.toLowerCase(), { tx, maxBlock });
  }

  has(hash: string): boolean {
    return this.held.has(hash.toLowerCase());
  }

  /** Held now, or among the last 10,000 that left. */
  wasPrivate(hash: string): boolean {
    return this.held.has(hash.toLowerCase()) || this.gone.has(hash.toLowerCase());
  }

  /** The transactions that may go into this block. */
  pending(blockNumber: bigint): SignedTx[] {
    return [...this.held.values()].filter((entry) => entry.maxBlock >= blockNumber).map((entry) => entry.tx);
  }

  /** After a block: forget what landed, what can no longer land, and what expired. */
  async settle(blockNumber: bigint, chainNonce: (sender: string) => Promise<number>): Promise<void> {
    for (const [hash, entry] of [...this.held]) {
      if (entry.maxBlock <= blockNumber || entry.tx.nonce < (await chainNonce(entry.tx.from))) {
        this.held.delete(hash);
        this.gone.add(hash);
        if (this.gone.size > 10_000) this.gone.delete(this.gone.values().next().value!);
      }
    }
  }
}
