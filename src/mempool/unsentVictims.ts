import type { PendingSwaps } from './watcher.ts';

/**
 * The victims of the coming block that no bundle of ours carries, with what they trade (the caller's keys: tokens,
 * lowercase). A bundle of ours sent after one of them lands ahead of it (bundles come before the public
 * transactions), so its earlier search ran on a state that will not be there: it is due for another search when
 * such a bundle trades what it trades (our backrun leaves its pools at the edge of the no-arbitrage band, where a
 * victim too small to pay alone may push them past). A new target block starts empty.
 */
export class UnsentVictims {
  private target = -1n;
  private victims = new Map<string, { event: PendingSwaps; keys: ReadonlySet<string> }>();

  private of(target: bigint) {
    if (this.target !== target) {
      this.target = target;
      this.victims = new Map();
    }
    return this.victims;
  }

  remember(target: bigint, event: PendingSwaps, keys: Iterable<string>): void {
    this.of(target).set(event.tx.hash.toLowerCase(), { event, keys: new Set(keys) });
  }

  /** Victims a bundle of ours now carries (lowercase hashes). */
  forget(target: bigint, hashes: Iterable<string>): void {
    const victims = this.of(target);
    for (const hash of hashes) victims.delete(hash);
  }

  /** The remembered victims of `target` with one of `keys`, in the order they were seen. */
  touching(target: bigint, keys: ReadonlySet<string>): PendingSwaps[] {
    return [...this.of(target).values()].filter((victim) => [...victim.keys].some((key) => keys.has(key))).map((victim) => victim.event);
  }
}
