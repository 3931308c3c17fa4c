import type { Address, Hex } from 'viem';
import { applyPoolEvent } from './apply.ts';
import type { PoolLog } from './events.ts';
import { isDynamicFee } from '../amm/v4/poolKey.ts';
import type { Pool, V4Pool } from './types.ts';

/** What one applied block changed: enough to undo it. */
type JournalEntry = { number: bigint; hash: Hex; parentHash: Hex; previous: Map<string, Pool> };

/** Pools are keyed by lowercase address: checksumming every log's address (a keccak each) would dominate. */
const keyOf = (address: string): string => address.toLowerCase();

export type BlockRef = { number: bigint; hash: Hex; parentHash: Hex };

export class MarketStateError extends Error {}

/**
 * Where the market keeps one pool: `pool` is its state now (replaced, never mutated, as blocks apply and roll
 * back). A slot lives as long as its address is tracked, so a reader that found it once (the strategy's
 * graph) follows the pool's state without looking the address up again.
 */
export type PoolSlot = { readonly pool: Pool; readonly index: number };
type Slot = { pool: Pool; index: number };

/**
 * The market: every tracked pool at the last applied block, and a journal of the last `depth` blocks so a
 * reorg can be undone. Pure (no I/O): the follower feeds it blocks and logs.
 */
export class MarketState {
  private readonly pools = new Map<string, Slot>();
  /** The same slots by index (an address keeps its index while tracked): a sample is drawn without a copy. */
  private readonly list: Slot[] = [];
  private readonly journal: JournalEntry[] = [];
  /** V4 pools whose hook sets the fee (no event tells): the follower reads their slot0 every block. Keys of `pools`. */
  private readonly dynamicFee = new Set<string>();
  head: BlockRef | undefined;

  constructor(private readonly depth = 64) {}

  /** Replaces the whole state (bootstrap, or a resync after drift) at `block`; the journal starts over. */
  reset(pools: readonly Pool[], block: BlockRef): void {
    // Addresses still tracked keep their slots (readers holding one keep following the pool); the rest go.
    const kept = new Map<string, Slot>();
    this.list.length = 0;
    for (const pool of pools) {
      const key = keyOf(pool.address);
      let slot = kept.get(key) ?? this.pools.get(key);
      if (slot) slot.pool = pool;
      else slot = { pool, index: -1 };
      if (!kept.has(key)) {
        slot.index = this.list.length;
        this.list.push(slot);
        kept.set(key, slot);
      }
    }
    this.pools.clear();
    this.dynamicFee.clear();
    for (const [key, slot] of kept) {
      this.pools.set(key, slot);
      if (slot.pool.kind === 'v4' && isDynamicFee(slot.pool.key)) this.dynamicFee.add(key);
    }
    this.journal.length = 0;
    this.head = block;
  }

  /** Swaps in a fresh copy of some pools without touching the journal (drift repair, new pools). */
  replace(pools: readonly Pool[]): void {
    for (const pool of pools) this.put(keyOf(pool.address), pool);
  }

  private put(key: string, pool: Pool): void {
    const slot = this.pools.get(key);
    if (slot) {
      slot.pool = pool;
      return;
    }
    const added: Slot = { pool, index: this.list.length };
    this.list.push(added);
    this.pools.set(key, added);
    if (pool.kind === 'v4' && isDynamicFee(pool.key)) this.dynamicFee.add(key);
  }

  /** The tracked V4 pools with a dynamic fee (their fee must be read each block). */
  dynamicFeePools(): V4Pool[] {
    return [...this.dynamicFee].map((key) => this.pools.get(key)!.pool as V4Pool);
  }

  get(address: Address): Pool | undefined {
    return this.pools.get(keyOf(address))?.pool;
  }

  /** The slot that holds a pool's state as the market changes (see PoolSlot). */
  slot(address: string): PoolSlot | undefined {
    return this.pools.get(keyOf(address));
  }

  /** Every pool (a walk over all of them: for start-up and re-bootstrap, never per block). */
  *all(): IterableIterator<Pool> {
    for (const slot of this.list) yield slot.pool;
  }

  get size(): number {
    return this.list.length;
  }

  /** The pool at an index in [0, size): with `size`, a uniform sample costs what it draws, not the market's size. */
  at(index: number): Pool | undefined {
    return this.list[index]?.pool;
  }

  /** Every address (a copy of all of them: for tools, never per block). */
  addresses(): Address[] {
    return this.list.map((slot) => slot.pool.address);
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
      const slot = this.pools.get(key);
      if (!slot) continue;
      if (!previous.has(key)) previous.set(key, slot.pool);
      slot.pool = applyPoolEvent(slot.pool, log.event);
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
    for (const [address, pool] of entry.previous) this.put(address, pool);
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
