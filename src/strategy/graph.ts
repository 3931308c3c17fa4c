import type { Address } from 'viem';
import type { Pool } from '../state/types.ts';
import type { Cycle, CycleHop } from './cycle.ts';

const key = (a: string, b: string) => (a.toLowerCase() < b.toLowerCase() ? `${a.toLowerCase()}|${b.toLowerCase()}` : `${b.toLowerCase()}|${a.toLowerCase()}`);

/**
 * The token graph of the market: pools by token pair and each token's neighbours. Cycle search starts at a
 * pool that moved (a victim's, or one a block changed) and finds the two- and three-hop cycles from the start
 * token (WETH) through it, without walking the whole graph.
 */
export class PoolGraph {
  private readonly byPair = new Map<string, Pool[]>();
  private readonly neighbours = new Map<string, Set<Address>>();

  constructor(pools: Iterable<Pool>, private readonly excluded: (pool: Pool) => boolean = () => false) {
    for (const pool of pools) this.add(pool);
  }

  add(pool: Pool): void {
    if (this.excluded(pool)) return;
    const pair = key(pool.token0, pool.token1);
    const list = this.byPair.get(pair) ?? [];
    list.push(pool);
    this.byPair.set(pair, list);
    for (const [a, b] of [[pool.token0, pool.token1], [pool.token1, pool.token0]] as const) {
      const set = this.neighbours.get(a.toLowerCase()) ?? new Set<Address>();
      set.add(b);
      this.neighbours.set(a.toLowerCase(), set);
    }
  }

  pools(a: string, b: string): readonly Pool[] {
    return this.byPair.get(key(a, b)) ?? [];
  }

  private hop(pool: Pool, tokenIn: Address): CycleHop {
    const tokenOut = pool.token0.toLowerCase() === tokenIn.toLowerCase() ? pool.token1 : pool.token0;
    return { pool, tokenIn, tokenOut, zeroForOne: pool.token0.toLowerCase() === tokenIn.toLowerCase() };
  }

  /** Every 2- and 3-hop cycle from `start` that uses `pool` exactly once and no pool twice (at most `limit`). */
  cyclesThrough(pool: Pool, start: Address, limit = 256): Cycle[] {
    if (this.excluded(pool)) return [];
    const cycles: Cycle[] = [];
    // Exclusion is checked again here, not only when pools are added: a token found unsafe later drops out.
    const push = (hops: CycleHop[]) => {
      if (cycles.length >= limit || new Set(hops.map((hop) => hop.pool.address)).size !== hops.length) return;
      if (hops.some((hop) => this.excluded(hop.pool))) return;
      cycles.push({ startToken: start, hops });
    };
    const s = start.toLowerCase();
    const [t0, t1] = [pool.token0, pool.token1];
    const containsStart = t0.toLowerCase() === s || t1.toLowerCase() === s;
    if (containsStart) {
      const other = t0.toLowerCase() === s ? t1 : t0;
      // two hops: start -> other -> start, the pool first or second
      for (const back of this.pools(other, start)) {
        if (back.address === pool.address) continue;
        push([this.hop(pool, start), this.hop(back, other)]);
        push([this.hop(back, start), this.hop(pool, other)]);
      }
      // three hops with the pool first (start -> other -> y -> start) or last (start -> y -> other -> start)
      for (const y of this.neighbours.get(other.toLowerCase()) ?? []) {
        if (y.toLowerCase() === s) continue;
        for (const middle of this.pools(other, y)) {
          for (const end of this.pools(y, start)) {
            push([this.hop(pool, start), this.hop(middle, other), this.hop(end, y)]);
            push([this.hop(end, start), this.hop(middle, y), this.hop(pool, other)]);
          }
        }
      }
    } else {
      // three hops with the pool in the middle, both directions
      for (const [x, y] of [[t0, t1], [t1, t0]] as const) {
        for (const first of this.pools(start, x)) {
          for (const last of this.pools(y, start)) push([this.hop(first, start), this.hop(pool, x), this.hop(last, y)]);
        }
      }
    }
    return cycles;
  }
}
