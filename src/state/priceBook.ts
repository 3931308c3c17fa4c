import type { Address } from 'viem';
import { sideAmounts, type Price, type PriceLookup } from './liquidityFloor.ts';
import type { Pool } from './types.ts';

/**
 * A token's price as the book keeps it: the pool it is read off (`source`), the token nearer WETH it is read
 * against (`via`), and the pool's two amounts as of the pool's last move. The price itself is worked out when
 * asked, from `via`'s price then: a move of `via` reaches every token read against it without touching them.
 */
type Entry = { source: string; via: string; viaAmount: bigint; amount: bigint };

const WETH_PRICE: Price = { num: 1n, den: 1n, depth: 2n ** 255n };

/**
 * Every token's WETH price for the liquidity floor, kept with the blocks at the cost of the blocks' events: built
 * once over the market (start-up, or a re-read after a deep reorg), exactly as `wethPrices` prices it (each token off
 * its deepest pool to a token one step nearer WETH, at most `maxRounds` steps), then moved pool by pool as pools
 * change. A pool that moves re-prices the token it is the source of, and becomes the source of a token it now
 * prices nearer WETH, or as near and deeper. Nothing walks the market after the start: a source that got shallower
 * stays the source until a deeper pool of the token moves (on mainnet, deep pools trade every few blocks).
 */
export class WethPriceBook implements PriceLookup {
  private readonly entries = new Map<string, Entry>();
  private readonly weth: string;

  constructor(
    pools: Iterable<Pool>,
    weth: Address,
    private readonly maxRounds = 3,
  ) {
    this.weth = weth.toLowerCase();
    this.rebuild(pools);
  }

  /** Tokens priced (WETH aside). */
  get size(): number {
    return this.entries.size;
  }

  /** The token's price now (lowercase address), or undefined when no route of at most `maxRounds` pools leads to WETH. */
  get(token: string, hops = 0): Price | undefined {
    if (token === this.weth) return WETH_PRICE;
    const entry = this.entries.get(token);
    if (!entry || hops >= this.maxRounds) return undefined;
    const via = this.get(entry.via, hops + 1);
    if (!via) return undefined;
    return { num: entry.viaAmount * via.num, den: entry.amount * via.den, depth: (entry.viaAmount * via.num) / via.den };
  }

  /** Prices every token again from these pools (start-up, a re-read of the market): never per block. */
  rebuild(pools: Iterable<Pool>): void {
    this.entries.clear();
    const list = [...pools];
    for (let round = 0; round < this.maxRounds; round++) {
      // Tokens priced in this round are read off tokens priced in earlier ones only (as wethPrices does).
      const next = new Map<string, Entry & { depth: bigint }>();
      for (const pool of list) {
        for (const side of sides(pool)) {
          if (side.knownAmount === 0n || side.unknownAmount === 0n) continue;
          if (side.unknown === this.weth || this.entries.has(side.unknown)) continue;
          const price = this.get(side.known);
          if (!price) continue;
          const depth = (side.knownAmount * price.num) / price.den;
          const best = next.get(side.unknown);
          if (best && best.depth >= depth) continue;
          next.set(side.unknown, { source: side.pool, via: side.known, viaAmount: side.knownAmount, amount: side.unknownAmount, depth });
        }
      }
      if (next.size === 0) break;
      for (const [token, { depth: _, ...entry }] of next) this.entries.set(token, entry);
    }
  }

  /** Pools whose state changed (a block's, pools that joined the market): the work is theirs, not the market's. */
  move(pools: Iterable<Pool>): void {
    for (const pool of pools) {
      for (const side of sides(pool)) this.moveSide(side);
    }
  }

  private moveSide(side: Side): void {
    if (side.unknown === this.weth) return;
    const current = this.entries.get(side.unknown);
    const following = current !== undefined && current.source === side.pool && current.via === side.known;
    if (side.knownAmount === 0n || side.unknownAmount === 0n) {
      // An emptied source prices nothing: the token waits for another of its pools to move.
      if (following) this.entries.delete(side.unknown);
      return;
    }
    const level = this.levelOf(side.known);
    if (level === undefined || level + 1 > this.maxRounds) return;
    // Never read a token off one that is itself read off it (a loop has no price).
    if (this.reads(side.known, side.unknown)) return;
    if (current && !following) {
      const currentLevel = this.levelOf(side.unknown);
      if (currentLevel !== undefined && currentLevel < level + 1) return;
      if (currentLevel === level + 1) {
        const price = this.get(side.known)!;
        const currentVia = this.get(current.via);
        if (currentVia && (current.viaAmount * currentVia.num) / currentVia.den >= (side.knownAmount * price.num) / price.den) return;
      }
    }
    this.entries.set(side.unknown, { source: side.pool, via: side.known, viaAmount: side.knownAmount, amount: side.unknownAmount });
  }

  /** Steps from the token to WETH along its `via`s, or undefined when it has no price. */
  private levelOf(token: string): number | undefined {
    let at = token;
    for (let steps = 0; steps <= this.maxRounds; steps++) {
      if (at === this.weth) return steps;
      const entry = this.entries.get(at);
      if (!entry) return undefined;
      at = entry.via;
    }
    return undefined;
  }

  /** Whether `token`'s price is read, step by step, off `other`. */
  private reads(token: string, other: string): boolean {
    let at = token;
    for (let steps = 0; steps <= this.maxRounds; steps++) {
      const entry = this.entries.get(at);
      if (!entry) return false;
      if (entry.via === other) return true;
      at = entry.via;
    }
    return false;
  }
}

type Side = { pool: string; known: string; unknown: string; knownAmount: bigint; unknownAmount: bigint };

/** A pool read both ways: token1 priced off token0, and token0 off token1. */
function sides(pool: Pool): [Side, Side] {
  const [amount0, amount1] = sideAmounts(pool);
  const key = pool.address.toLowerCase();
  const token0 = pool.token0.toLowerCase();
  const token1 = pool.token1.toLowerCase();
  return [
    { pool: key, known: token0, unknown: token1, knownAmount: amount0, unknownAmount: amount1 },
    { pool: key, known: token1, unknown: token0, knownAmount: amount1, unknownAmount: amount0 },
  ];
}
