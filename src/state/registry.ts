import type { PublicClient } from 'viem';
import { discoverPools, readMarket, type Factories, type ReadMarketOptions } from './bootstrap.ts';
import type { BlockRef } from './market.ts';
import { registeredPools, toDiscovered } from './marketLoader.ts';
import type { RegisteredPool } from './poolCheckpoint.ts';
import type { Pool } from './types.ts';

/** Blocks below a reorg's new tip whose pool creations are looked at again (deeper than any reorg seen on mainnet). */
const defaultReorgDepth = 256n;

/**
 * Every pool the factories created, tracked or not (the market holds only those above the floor). After a reorg
 * deeper than the journal it re-reads the market without scanning from block 0: pools created in the last blocks
 * are forgotten and discovered again on the new branch, the rest are read at the new tip through the floor.
 */
export class PoolRegistry {
  private entries: RegisteredPool[];
  private readonly known = new Set<string>();

  constructor(
    entries: readonly RegisteredPool[],
    private readonly reorgDepth = defaultReorgDepth,
  ) {
    this.entries = [...entries];
    for (const entry of entries) this.known.add(entry.address.toLowerCase());
  }

  get size(): number {
    return this.entries.length;
  }

  all(): readonly RegisteredPool[] {
    return this.entries;
  }

  /** Pools created in a block just applied (those already registered are skipped); returns the new entries. */
  add(pools: readonly Pool[], createdAt: bigint | undefined): RegisteredPool[] {
    const fresh = pools.filter((pool) => !this.known.has(pool.address.toLowerCase()));
    const added = fresh.map((pool): RegisteredPool => ({
      address: pool.address,
      kind: pool.kind,
      ...(pool.kind === 'v2' ? { feeBps: pool.feeBps } : {}),
      ...(pool.kind === 'v4' ? { v4Key: pool.key, factory: pool.poolManager } : {}),
      ...(pool.venue ? { venue: pool.venue } : {}),
      ...(pool.factory ? { factory: pool.factory } : {}),
      ...(createdAt !== undefined ? { createdAt } : {}),
      token0: pool.token0,
      token1: pool.token1,
    }));
    this.entries.push(...added);
    for (const entry of added) this.known.add(entry.address.toLowerCase());
    return added;
  }

  /** The tracked pools at `block` after a deep reorg; the registry is the new branch's from here on. */
  async reload(client: PublicClient, factories: Factories, block: BlockRef, options: ReadMarketOptions): Promise<Pool[]> {
    const from = block.number > this.reorgDepth ? block.number - this.reorgDepth : 0n;
    // Discovery records every pool's creation block; an entry without one was named by hand and is kept.
    const settled = this.entries.filter((entry) => entry.createdAt === undefined || entry.createdAt < from);
    const found = await discoverPools(client, factories, block.number, { fromBlock: from });
    const wanted = [...settled, ...registeredPools(found)];
    const result = await readMarket(client, toDiscovered(wanted), block.number, options);
    const gone = new Set(result.gone.map((address) => address.toLowerCase()));
    this.entries = wanted.filter((entry) => !gone.has(entry.address.toLowerCase()));
    this.known.clear();
    for (const entry of this.entries) this.known.add(entry.address.toLowerCase());
    return result.tracked;
  }
}
