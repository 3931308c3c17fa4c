import type { PendingSwaps } from './watcher.ts';

/**
 * The victims of the coming block that no bundle of ours carries, with the pools they trade (lowercase). A bundle
 * of ours sent after one of them lands ahead of it (bundles come before the public transactions), so its earlier
 * search ran on a state that will not be there: it is due for another search when such a bundle trades one of its
 * pools (our backrun leaves the pool at the edge of the no-arbitrage band, where a victim too small to pay alone may
 * push it past). A new target block starts empty: what the old one did not mine is searched when seen again.
 */
export class UnsentVictims {
  private target = -1n;
  private victims = new Map<string, { event: PendingSwaps; pools: ReadonlySet<string> }>();

  private of(target: bigint) {
    if (this.target !== target) {
      this.target = target;
      this.victims = new Map();
    }
    return this.victims;
  }

  remember(target: bigint, event: PendingSwaps, pools: Iterable<string>): void {
    this.of(target).set(event.tx.hash.toLowerCase(), { event, pools: new Set(pools) });
  }

  /** Victims a bundle of ours now carries (lowercase hashes). */
  forget(target: bigint, hashes: Iterable<string>): void {
    const victims = this.of(target);
    for (const hash of hashes) victims.delete(hash);
  }

  /** The remembered victims of `target` that trade one of `pools` (lowercase), in the order they were seen. */
  touching(target: bigint, pools: ReadonlySet<string>): PendingSwaps[] {
    return [...this.of(target).values()].filter((victim) => [...victim.pools].some((pool) => pools.has(pool))).map((victim) => victim.event);
  }
}
