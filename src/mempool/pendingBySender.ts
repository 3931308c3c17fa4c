import type { PendingSwaps } from './watcher.ts';

/**
 * The pending swaps we have seen, by sender and nonce. A victim whose sender has an earlier swap still pending
 * cannot land before it: the backrun must be judged (and bundled) after that one too.
 */
export class PendingBySender {
  private readonly bySender = new Map<string, Map<bigint, { event: PendingSwaps; head: bigint }>>();

  constructor(private readonly maxAgeBlocks = 8n) {}

  add(event: PendingSwaps, head: bigint): void {
    const sender = event.tx.from.toLowerCase();
    const entries = this.bySender.get(sender) ?? new Map();
    entries.set(event.tx.nonce, { event, head });
    this.bySender.set(sender, entries);
  }

  /** The sender's pending swaps with a lower nonce than this one, lowest first. */
  before(event: PendingSwaps): PendingSwaps[] {
    const entries = this.bySender.get(event.tx.from.toLowerCase());
    if (!entries) return [];
    return [...entries.values()]
      .map((entry) => entry.event)
      .filter((earlier) => earlier.tx.nonce < event.tx.nonce)
      .sort((a, b) => (a.tx.nonce < b.tx.nonce ? -1 : 1));
  }

  /** A new head: forget what it mined and what is too old to still be pending. */
  onBlock(minedHashes: ReadonlySet<string>, head: bigint): void {
    for (const [sender, entries] of this.bySender) {
      for (const [nonce, entry] of entries) {
        if (minedHashes.has(entry.event.tx.hash.toLowerCase()) || entry.head + this.maxAgeBlocks < head) entries.delete(nonce);
      }
      if (entries.size === 0) this.bySender.delete(sender);
    }
  }
}
