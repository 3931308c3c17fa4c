import type { Address, PublicClient } from 'viem';
import type { Logger } from '../log.ts';
import { readMarket } from './bootstrap.ts';
import type { PoolLog } from './events.ts';
import { depthInWeth, sideAmounts, type PriceLookup } from './liquidityFloor.ts';
import type { BlockRef, MarketState } from './market.ts';
import { toDiscovered } from './marketLoader.ts';
import type { RegisteredPool } from './poolCheckpoint.ts';
import { WethPriceBook } from './priceBook.ts';
import type { TickWindows } from './reader.ts';
import type { Pool } from './types.ts';

export type PoolPromoterParameters = {
  client: PublicClient;
  market: MarketState;
  logger: Logger;
  floor: { weth: Address; minLiquidityWei: bigint };
  windows?: TickWindows;
  /** Pools read and joined to the market (at the block their event came in). */
  onPromoted: (pools: readonly Pool[]) => void;
};

/**
 * Pools below the liquidity floor are not tracked, but they may not stay below it: a new token's pair gets its
 * liquidity after creation, a dust pool gets deposits. Their events still arrive with every block; the promoter
 * looks only at those (work in proportion to the block's events): a V2 Sync carries the reserves, valued at once
 * against cached token prices; a V3 Mint may have deepened the pool, which is read to know. A pool above the floor
 * is read in full at that block and joins the market, if no newer block has come meanwhile (else its next event
 * brings it). The token prices it values pools with move with the tracked pools a block changed (a price book),
 * never by a walk over the market.
 */
export class PoolPromoter {
  private readonly untracked = new Map<string, RegisteredPool>();
  /** Token prices in WETH from the tracked market, moved with each block's changed pools (the floor's yardstick). */
  readonly prices: WethPriceBook;
  /** The block whose changed pools last moved the prices (each block moves them once). */
  private pricedAt: string | undefined;
  private work: Promise<unknown> = Promise.resolve();
  promoted = 0;

  constructor(
    private readonly parameters: PoolPromoterParameters,
    untracked: readonly RegisteredPool[],
  ) {
    for (const entry of untracked) this.untracked.set(entry.address.toLowerCase(), entry);
    this.prices = new WethPriceBook(parameters.market.all(), parameters.floor.weth);
  }

  get watching(): number {
    return this.untracked.size;
  }

  /** Pools registered but not tracked (found below the floor at creation or on a later read). */
  watch(entries: readonly RegisteredPool[]): void {
    for (const entry of entries) this.untracked.set(entry.address.toLowerCase(), entry);
  }

  /** The tracked pools a block changed move the prices (before its untracked events are valued, if given with them). */
  onBlock(block: BlockRef, changed: Iterable<Address>): void {
    if (this.pricedAt === block.hash) return;
    this.pricedAt = block.hash;
    this.prices.move(tracked(this.parameters.market, changed));
  }

  /** Pools that joined the market (created above the floor): they may price tokens. */
  joined(pools: readonly Pool[]): void {
    this.prices.move(pools);
  }

  /**
   * The market was read again whole (after a reorg deeper than the journal): prices from it, and the pools to
   * watch are the registry's untracked ones now (a walk, as the re-read itself is: never per block).
   */
  reset(untracked: readonly RegisteredPool[]): void {
    this.untracked.clear();
    this.watch(untracked);
    this.prices.rebuild(this.parameters.market.all());
    this.pricedAt = this.parameters.market.head?.hash;
  }

  /** Resolves when every promotion started so far has landed or been dropped. */
  settled(): Promise<unknown> {
    return this.work;
  }

  /**
   * One block's events of pools the market does not track (the follower hands them over), with the tracked pools
   * the block changed: the prices move with those first, so the events are valued at the block's prices.
   */
  onLogs(block: BlockRef, logs: readonly PoolLog[], changed?: Iterable<Address>): void {
    if (changed) this.onBlock(block, changed);
    const candidates = new Map<string, RegisteredPool>();
    for (const log of logs) {
      const key = log.address.toLowerCase();
      const entry = this.untracked.get(key);
      if (!entry || candidates.has(key)) continue;
      if (log.event.kind === 'sync') {
        if (entry.kind === 'v2' && this.syncAboveFloor(entry, log.event.reserve0, log.event.reserve1)) candidates.set(key, entry);
      } else if (log.event.kind === 'v3mint') {
        candidates.set(key, entry);
      }
    }
    if (candidates.size === 0) return;
    const read = this.promote(block, [...candidates.values()]).catch((error: Error) => this.parameters.logger.warn({ err: error.message }, 'state: reading pools to promote failed'));
    this.work = this.work.then(() => read);
  }

  /** The reserves a Sync reports, valued like the floor values pools (a pair with one unpriced token priced off itself). */
  private syncAboveFloor(entry: RegisteredPool, reserve0: bigint, reserve1: bigint): boolean {
    if (!entry.token0 || !entry.token1) return true; // tokens unknown: read it to know
    const pool: Pool = { kind: 'v2', address: entry.address, token0: entry.token0, token1: entry.token1, reserve0, reserve1, feeBps: entry.feeBps ?? 30n };
    const floor = this.parameters.floor.minLiquidityWei;
    const depth = depthInWeth(pool, this.prices);
    if (depth !== undefined) return depth >= floor;
    return (selfPricedDepth(pool, this.prices) ?? 0n) >= floor;
  }

  private async promote(block: BlockRef, entries: RegisteredPool[]): Promise<void> {
    const { client, market, floor, windows, onPromoted, logger } = this.parameters;
    const result = await readMarket(client, toDiscovered(entries), block.number, { floor: { ...floor, knownPrices: this.prices }, ...(windows ? { windows } : {}) });
    if (market.head?.hash !== block.hash) return; // a newer block: the pool's next event brings it
    const fresh = result.tracked.filter((pool) => market.get(pool.address) === undefined);
    for (const gone of result.gone) this.untracked.delete(gone.toLowerCase());
    if (fresh.length === 0) return;
    for (const pool of fresh) this.untracked.delete(pool.address.toLowerCase());
    market.replace(fresh);
    this.prices.move(fresh);
    this.promoted += fresh.length;
    logger.info({ block: String(block.number), pools: fresh.map((pool) => pool.address) }, 'state: pools crossed the liquidity floor and are tracked from now on');
    onPromoted(fresh);
  }
}

/** A pool with one priced token: the unpriced one takes its price from this pool, so both sides are worth the priced one. */
function selfPricedDepth(pool: Pool, prices: PriceLookup): bigint | undefined {
  const [amount0, amount1] = sideAmounts(pool);
  const price0 = prices.get(pool.token0.toLowerCase());
  const price1 = prices.get(pool.token1.toLowerCase());
  if (price0 && !price1) return (amount0 * price0.num) / price0.den;
  if (price1 && !price0) return (amount1 * price1.num) / price1.den;
  return undefined;
}

/** The market's state of the changed pools it tracks (lookups, one per changed pool). */
function* tracked(market: MarketState, changed: Iterable<Address>): Iterable<Pool> {
  for (const address of changed) {
    const pool = market.get(address);
    if (pool) yield pool;
  }
}
