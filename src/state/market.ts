import type { Address, Hex } from 'viem';
import { applyPoolEvent } from './apply.ts';
import type { PoolLog } from './events.ts';
import type { Pool } from './types.ts';

/** What one applied block changed: enough to undo it. */
type JournalEntry = { number: bigint; hash: Hex; parentHash: Hex; previous: Map<string, Pool> };

/** Pools are keyed by lowercase address: checksumming every log's address (a keccak each) would dominate. */
const keyOf = (address: string): string => address.toLowerCase();

export type BlockRef = { number: bigint; hash: Hex; parentHash: Hex };

export class MarketStateError extends Error {}

/**
 * The market: every tracked pool at the last applied block, and a journal of the last `depth` blocks so a
 * reorg can be undone. Pure (no I/O): the follower feeds it blocks and logs.
 */
export class MarketState {
  private readonly pools = new Map<string, Pool>();
  private readonly journal: JournalEntry[] = [];
  head: BlockRef | undefined;

  constructor(private readonly depth = 64) {}

  /** Replaces the whole state (bootstrap, or a resync after drift) at `block`; the journal starts over. */
  reset(pools: readonly Pool[], block: BlockRef): void {
    this.pools.clear();
    for (const pool of pools) this.pools.set(keyOf(pool.address), pool);
    this.journal.length = 0;
    this.head = block;
  }

  /** Swaps in a fresh copy of some pools without touching the journal (drift repair). */
  replace(pools: readonly Pool[]): void {
    for (const pool of pools) this.pools.set(keyOf(pool.address), pool);
  }

  get(address: Address): Pool | undefined {
    return this.pools.get(keyOf(address));
  }

  all(): IterableIterator<Pool> {
    return this.pools.values();
  }

  get size(): number {
    return this.pools.size;
  }

  addresses(): Address[] {
    return [...this.pools.values()].map((pool) => pool.address);
  }

  /** Applies one block's logs (in log order). The block must extend the current head. Returns the pools it changed. */
  applyBlock(block: BlockRef, logs: readonly PoolLog[]): Set<Address> {
    if (this.head && block.parentHash !== this.head.hash) {
      throw new MarketStateError(`block ${block.number} does not extend ${this.head.number} (${this.head.hash}); roll back first`);
    }
    const previous = new Map<string, Pool>();
    const ordered = [...logs].sort((a, b) => a.logIndex - b.logIndex);
    for (const log of ordered) {
      const key = keyOf(log.address);
      const pool = this.pools.get(key);
      if (!pool) continue;
      if (!previous.has(key)) previous.set(key, pool);
      this.pools.set(key, applyPoolEvent(pool, log.event));
    }
    this.journal.push({ number: block.number, hash: block.hash, parentHash: block.parentHash, previous });
    if (this.journal.length > this.depth) this.journal.shift();
    this.head = block;
    return new Set([...previous.values()].map((pool) => pool.address));
  }

  /** The hash this state recorded for a journaled block, if it still has it. */
  hashAt(number: bigint): Hex | undefined {
    if (this.head?.number === number) return this.head.hash;
    return this.journal.find((entry) => entry.number === number)?.hash;
  }

  /** Undoes the newest block. Throws if the journal is empty (the caller must then re-bootstrap). */
  rollback(): BlockRef {
    const entry = this.journal.pop();
    if (!entry || !this.head || entry.hash !== this.head.hash) throw new MarketStateError('nothing left to roll back: re-bootstrap');
    for (const [address, pool] of entry.previous) this.pools.set(address, pool);
    const last = this.journal[this.journal.length - 1];
    this.head = last
      ? { number: last.number, hash: last.hash, parentHash: last.parentHash }
      : { number: entry.number - 1n, hash: entry.parentHash, parentHash: '0x' };
    return this.head;
  }

  /** How many blocks can still be rolled back. */
  get journalDepth(): number {
    return this.journal.length;
  }
}
