import { zeroAddress, type Address } from 'viem';
import type { PoolSlot } from '../state/market.ts';
import { quotableByMath, type Pool } from '../state/types.ts';
import type { Cycle, CycleHop } from './cycle.ts';

/**
 * A pool as the graph holds it: the pool it was added with (its identity; read its state from a view) and
 * its address and tokens lowercased once, so that walking thousands of cycles compares and looks up strings
 * without lowercasing them again. The mutable fields are scratch memos for one search at a time (searches are
 * synchronous): a value is valid only while its stamp is the current search's.
 */
export type GraphPool = {
  readonly pool: Pool;
  readonly key: string;
  /** The pool's currencies as walked, lowercase, in the pool's order (native ETH spelt as the graph's `nativeAs`). */
  readonly token0: string;
  readonly token1: string;
  /** The same as addresses, as a cycle's hops name them (WETH where a V4 pool holds native ETH). */
  readonly address0: Address;
  readonly address1: Address;
  /** The tokens' records (their exclusion memo); undefined for a pool the graph does not hold. */
  readonly t0: TokenMemo | undefined;
  readonly t1: TokenMemo | undefined;
  /** Exclusion as checked in the walk stamped `excludedAt`. */
  excludedAt: number;
  excluded: boolean;
  /** The ranking's memos (rank.ts): the search stamp, the market slot found once, the state last shaped. */
  memoAt: number;
  memo: unknown;
  slotIn: unknown;
  slot: PoolSlot | undefined;
  shapeFor: Pool | undefined;
  shape: unknown;
  /** The pending state (rank.ts): the overlay's for this pool in the search stamped `pendingAt`. */
  pendingAt: number;
  pending: Pool | undefined;
};

/** A token as the graph holds it: lowercase once, as the pools spell it, and its exclusion in the last walk. */
export type TokenMemo = { readonly key: string; readonly token: Address; excludedAt: number; excluded: boolean };

/**
 * Called once per cycle: its two or three pools, and for each whether it is traded token0 -> token1. `c` is
 * undefined for a two-hop cycle.
 */
export type CycleVisitor = (a: GraphPool, aZeroForOne: boolean, b: GraphPool, bZeroForOne: boolean, c: GraphPool | undefined, cZeroForOne: boolean) => void;

/** Whether a pool may be traded in the current walk (its tokens' and its own exclusion, asked once per walk). */
export type AllowedInWalk = (entry: GraphPool) => boolean;

/**
 * The three-hop routes from a token `other` back to the start (other -> y -> start), by neighbour y in the order
 * the neighbours were added: each route is one of `middles` (the other/y pools) then one of `ends` (the y/start
 * pools), in the order the pools were added. Only neighbours with a pool to the start are listed. A middle is
 * traded token0 -> token1 when its `t0` is `other`, an end when its `t0` is `y` (token records: compared by
 * identity, where two addresses as strings would be compared character by character).
 */
export type CycleFan = { readonly other: TokenMemo; readonly neighbours: ReadonlyArray<{ readonly y: TokenMemo; readonly middles: readonly GraphPool[]; readonly ends: readonly GraphPool[] }> };

/**
 * Called once for all the three-hop cycles that start or end with the pool `a` (traded in the direction
 * `aZeroForOne` when first): for each route of the fan, the cycle a, middle, end, and the same pools the other
 * way round (end, middle, a, each direction flipped). A hub's thousands of cycles come this way in one call,
 * and their exclusion is left to the visitor: it must keep a cycle only if `unchecked` allows both its middle
 * and its end (asked for the few it keeps, not the thousands it drops).
 */
export type CycleFanVisitor = (a: GraphPool, aZeroForOne: boolean, fan: CycleFan, unchecked: AllowedInWalk) => void;

/**
 * A CycleFan built once per (token, start), kept until a token pair gets its first pool (`at`: the graph
 * version): its arrays are the links' own, so a pool added on a known pair is in it at once.
 */
type Fan = CycleFan & { at: number };

/** A token's link to one neighbour: the neighbour as the pools spell it, and the pools between them. */
type Link = {
  key: string;
  token: Address;
  pools: GraphPool[];
};

/**
 * Whether the search may walk (and size) a pool: V2/V3, and a V4 pool our math quotes alone (never a simulate-only
 * one: a hook may change its amounts). Whether a native-ETH V4 pool can be walked is the graph's further question
 * (`PoolGraph` links it only with a `nativeAs` token).
 */
export function walkable(pool: Pool): boolean {
  return quotableByMath(pool);
}

/**
 * The pool's two currencies as a cycle trades them: as they are, except native ETH (a V4 currency address(0)),
 * which the executor wraps and unwraps, so that it is walked as `nativeAs` (the chain's WETH). Undefined when the
 * pool cannot be walked: not walkable, native ETH without `nativeAs` (fail closed: no token stands for it), or both
 * currencies standing for the same token (an ETH/WETH pool: a hop from WETH to WETH).
 */
export function walkedTokens(pool: Pool, nativeAs: Address | undefined): readonly [Address, Address] | undefined {
  if (!walkable(pool)) return undefined;
  if (pool.kind !== 'v4') return [pool.token0, pool.token1];
  const as = (token: Address): Address | undefined => (token.toLowerCase() === zeroAddress ? nativeAs : token);
  const token0 = as(pool.token0);
  const token1 = as(pool.token1);
  if (token0 === undefined || token1 === undefined || token0.toLowerCase() === token1.toLowerCase()) return undefined;
  return [token0, token1];
}

const NO_LINKS: ReadonlyMap<string, Link> = new Map();
const NO_POOLS: readonly GraphPool[] = [];

let walks = 0;

/**
 * The token graph of the market: each token's neighbours and the pools between them. Cycle search starts at
 * a pool that moved (a victim's, or one a block changed) and finds the two- and three-hop cycles from the
 * start token (WETH) through it, without walking the whole graph.
 */
export class PoolGraph {
  private readonly byAddress = new Map<string, GraphPool>();
  /** Lowercase token -> lowercase neighbour -> link, in the order pools were added. */
  private readonly links = new Map<string, Map<string, Link>>();
  /** Bumped when a token pair gets its first pool (a fan built before may then miss a neighbour). */
  private version = 0;
  /** Lowercase token + '>' + lowercase start -> its fan (see Fan). */
  private readonly fans = new Map<string, Fan>();

  private readonly excludedPool: ((pool: Pool) => boolean) | undefined;
  private readonly excludedToken: ((token: string) => boolean) | undefined;
  private readonly nativeAs: Address | undefined;

  /**
   * `excluded`: pools never traded (asked again on every walk: a verdict found later takes effect). And/or
   * `options.excludedToken`: a pool is excluded when either token is, and a walk asks once per token rather
   * than once per pool (a hub's walk meets thousands of pools but only half as many tokens). It must accept
   * any case: walks ask with the lowercase address (for native ETH: `nativeAs`'s, the token that stands for it).
   * `options.nativeAs`: the chain's WETH, which a V4 pool's native ETH is walked as (the executor wraps and unwraps
   * it); without it no native-ETH pool is walked.
   */
  constructor(pools: Iterable<Pool>, excluded?: (pool: Pool) => boolean, options: { excludedToken?: (token: string) => boolean; nativeAs?: Address } = {}) {
    this.excludedPool = excluded;
    this.excludedToken = options.excludedToken;
    this.nativeAs = options.nativeAs;
    for (const pool of pools) this.add(pool);
  }

  /**
   * One record per token: its lowercase string (one string object per token, so the walk compares tokens by
   * identity, no character compare) and its exclusion as asked in the walk stamped `excludedAt`.
   */
  private readonly tokens = new Map<string, TokenMemo>();

  private intern(token: Address): TokenMemo {
    const lower = token.toLowerCase();
    let known = this.tokens.get(lower);
    if (!known) this.tokens.set(lower, (known = { key: lower, token, excludedAt: 0, excluded: false }));
    return known;
  }

  add(pool: Pool): void {
    // A simulate-only V4 pool never may be walked by our math alone, nor native ETH that no token stands for.
    const tokens = walkedTokens(pool, this.nativeAs);
    if (!tokens) return;
    if (this.excluded(pool, tokens)) return;
    const t0 = this.intern(tokens[0]);
    const t1 = this.intern(tokens[1]);
    const entry: GraphPool = { pool, key: pool.address.toLowerCase(), token0: t0.key, token1: t1.key, address0: tokens[0], address1: tokens[1], t0, t1, excludedAt: 0, excluded: false, memoAt: 0, memo: undefined, slotIn: undefined, slot: undefined, shapeFor: undefined, shape: undefined, pendingAt: 0, pending: undefined };
    if (this.byAddress.has(entry.key)) return;
    this.byAddress.set(entry.key, entry);
    for (const [a, b, spelt] of [[entry.token0, entry.token1, tokens[1]], [entry.token1, entry.token0, tokens[0]]] as const) {
      let map = this.links.get(a);
      if (!map) this.links.set(a, (map = new Map()));
      const link = map.get(b);
      if (link) link.pools.push(entry);
      else {
        map.set(b, { key: b, token: spelt, pools: [entry] });
        this.version++;
      }
    }
  }

  /**
   * A pool the market no longer holds (a re-read after a deep reorg left it out): no walk meets it from now on,
   * so no search quotes it. Work: the pool's two links. A pair left without pools loses its link (memos of it go
   * stale with the version).
   */
  remove(address: string): void {
    const entry = this.byAddress.get(address.toLowerCase());
    if (!entry) return;
    this.byAddress.delete(entry.key);
    for (const [a, b] of [[entry.token0, entry.token1], [entry.token1, entry.token0]] as const) {
      const map = this.links.get(a);
      const link = map?.get(b);
      if (!map || !link) continue;
      const at = link.pools.indexOf(entry);
      // In place: a memo of this link's pools (another link's `ends`) is this very array.
      if (at >= 0) link.pools.splice(at, 1);
      if (link.pools.length > 0) continue;
      map.delete(b);
      if (map.size === 0) this.links.delete(a);
      this.version++;
    }
  }

  pools(a: string, b: string): readonly Pool[] {
    return this.entries(a.toLowerCase(), b.toLowerCase()).map((entry) => entry.pool);
  }

  /** Excluded by a token (as walked: native ETH is asked as the token that stands for it) or as a pool. */
  private excluded(pool: Pool, tokens: readonly [Address, Address] = [pool.token0, pool.token1]): boolean {
    const byToken = this.excludedToken;
    return (byToken !== undefined && (byToken(tokens[0]) || byToken(tokens[1]))) || (this.excludedPool?.(pool) ?? false);
  }

  /** The graph's entry for a pool address, if the pool is in the graph. */
  entry(address: string): GraphPool | undefined {
    return this.byAddress.get(address.toLowerCase());
  }

  private entries(a: string, b: string): readonly GraphPool[] {
    return this.links.get(a)?.get(b)?.pools ?? NO_POOLS;
  }

  /** The fan of `other` (lowercase) back to `s` (lowercase, as the graph spells it): see Fan. */
  private fan(other: string, s: string): Fan {
    const key = `${other}>${s}`;
    const known = this.fans.get(key);
    if (known !== undefined && known.at === this.version) return known;
    const otherMemo = this.tokens.get(other);
    // A token with no pool in the graph (the moved pool is not in it either): no routes.
    if (otherMemo === undefined) return { other: { key: other, token: other as Address, excludedAt: 0, excluded: false }, neighbours: [], at: this.version };
    const neighbours: Array<CycleFan['neighbours'][number]> = [];
    for (const link of (this.links.get(other) ?? NO_LINKS).values()) {
      const y = link.key;
      if (y === s) continue;
      const ends = this.entries(y, s);
      if (ends.length > 0) neighbours.push({ y: this.tokens.get(y)!, middles: link.pools, ends });
    }
    const fan: Fan = { other: otherMemo, neighbours, at: this.version };
    this.fans.set(key, fan);
    return fan;
  }

  /**
   * Every 2- and 3-hop cycle from `start` that uses `pool` exactly once and no pool twice, each visited once,
   * without building it (the search estimates thousands of cycles and builds only the few it sizes).
   * Excluded pools are skipped (checked here, not only when added: a token found unsafe later drops out).
   * With `fan`, the three-hop cycles with the pool first or last go to it in one call (see CycleFanVisitor).
   */
  visitCyclesThrough(pool: Pool, start: Address, visit: CycleVisitor, fan?: CycleFanVisitor): void {
    // A pool the graph may not hold may still be named (a pool a block moved): no walk through it either.
    const tokens = walkedTokens(pool, this.nativeAs);
    if (!tokens) return;
    const p = this.byAddress.get(pool.address.toLowerCase()) ?? { pool, key: pool.address.toLowerCase(), token0: tokens[0].toLowerCase(), token1: tokens[1].toLowerCase(), address0: tokens[0], address1: tokens[1], t0: undefined, t1: undefined, excludedAt: 0, excluded: false, memoAt: 0, memo: undefined, slotIn: undefined, slot: undefined, shapeFor: undefined, shape: undefined, pendingAt: 0, pending: undefined };
    if (this.excluded(p.pool, tokens)) return;
    // Each pool's exclusion is asked once per walk, however many cycles it is in.
    const walk = ++walks;
    const byToken = this.excludedToken;
    const tokenExcluded = (memo: TokenMemo) => {
      if (memo.excludedAt !== walk) {
        memo.excludedAt = walk;
        memo.excluded = byToken!(memo.key); // lowercase already: the predicate lowercases nothing new
      }
      return memo.excluded;
    };
    const allowed = (entry: GraphPool) => {
      if (entry.excludedAt !== walk) {
        entry.excludedAt = walk;
        entry.excluded =
          entry.key === p.key ||
          (byToken !== undefined && entry.t0 !== undefined && entry.t1 !== undefined
            ? tokenExcluded(entry.t0) || tokenExcluded(entry.t1) || (this.excludedPool?.(entry.pool) ?? false)
            : this.excluded(entry.pool, [entry.address0, entry.address1]));
      }
      return !entry.excluded;
    };
    const s = this.tokens.get(start.toLowerCase())?.key ?? start.toLowerCase();
    if (p.token0 === s || p.token1 === s) {
      const other = p.token0 === s ? p.token1 : p.token0;
      const pFromStart = p.token0 === s;
      // two hops: start -> other -> start, the pool first or second
      for (const back of this.entries(other, s)) {
        if (!allowed(back)) continue;
        const backFromOther = back.token0 === other;
        visit(p, pFromStart, back, backFromOther, undefined, false);
        visit(back, !backFromOther, p, !pFromStart, undefined, false);
      }
      // three hops with the pool first (start -> other -> y -> start) or last (start -> y -> other -> start):
      // the fan of `other` (neither of its pools can be `p`: the middle joins other to y, the end y to start)
      const routes = this.fan(other, s);
      if (fan) {
        fan(p, pFromStart, routes, allowed);
        return;
      }
      for (const { y, middles, ends } of routes.neighbours) {
        for (const middle of middles) {
          if (!allowed(middle)) continue;
          const middleFromOther = middle.t0 === routes.other;
          for (const end of ends) {
            if (!allowed(end)) continue;
            const endFromY = end.t0 === y;
            visit(p, pFromStart, middle, middleFromOther, end, endFromY);
            visit(end, !endFromY, middle, !middleFromOther, p, !pFromStart);
          }
        }
      }
    } else {
      // three hops with the pool in the middle, both directions
      for (const [x, y] of [[p.token0, p.token1], [p.token1, p.token0]] as const) {
        for (const first of this.entries(s, x)) {
          if (!allowed(first)) continue;
          for (const last of this.entries(y, s)) {
            if (allowed(last)) visit(first, first.token0 === s, p, p.token0 === x, last, last.token0 === y);
          }
        }
      }
    }
  }

  /**
   * A cycle's hops from the visitor's pools and directions. The tokens are the walked ones (WETH where a V4 pool
   * holds native ETH: the plan names WETH and the executor wraps/unwraps), the direction the pool's own.
   */
  static cycle(start: Address, a: GraphPool, aZeroForOne: boolean, b: GraphPool, bZeroForOne: boolean, c: GraphPool | undefined, cZeroForOne: boolean): Cycle {
    const hop = (entry: GraphPool, zeroForOne: boolean): CycleHop => ({
      pool: entry.pool,
      tokenIn: zeroForOne ? entry.address0 : entry.address1,
      tokenOut: zeroForOne ? entry.address1 : entry.address0,
      zeroForOne,
    });
    const hops = [hop(a, aZeroForOne), hop(b, bZeroForOne)];
    if (c) hops.push(hop(c, cZeroForOne));
    return { startToken: start, hops };
  }

  /**
   * Every 2- and 3-hop cycle from `start` that uses `pool` exactly once and no pool twice, built, in the order
   * the pools were added (at most `limit`). For tools and tests that want them all; the search ranks them.
   */
  cyclesThrough(pool: Pool, start: Address, limit = 256): Cycle[] {
    const cycles: Cycle[] = [];
    this.visitCyclesThrough(pool, start, (a, az, b, bz, c, cz) => {
      if (cycles.length < limit) cycles.push(PoolGraph.cycle(start, a, az, b, bz, c, cz));
    });
    return cycles;
  }
}
