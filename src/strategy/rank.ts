import type { Address } from 'viem';
import { quotableByMath, type Pool } from '../state/types.ts';
import { estimateGas } from './costs.ts';
import type { MarketState } from '../state/market.ts';
import type { PendingOverlay } from '../state/overlay.ts';
import { v4SwapFee, type Cycle } from './cycle.ts';
import { PoolGraph, type AllowedInWalk, type CycleFan, type GraphPool } from './graph.ts';

/**
 * Ranking the cycles through the pools a victim (or a block) moved, so that the bounded exact sizing goes to
 * the best of them whatever order the pools were added in: a hub token has thousands of neighbours, and the
 * search cannot size every cycle through it.
 *
 * FLOATING POINT, FOR RANKING ONLY. The estimate is a double: each hop as constant-product reserves (a pair's
 * own, a V3 pool's virtual reserves at its current price), composed into out(x) = A·x / (B + C·x). Its slope
 * at zero, A/B, is the cycle's marginal rate after the victim (the product of the hops' marginal prices after
 * fees): at most 1, no input profits and the cycle is dropped. Above 1 the best profit of that curve is
 * (sqrt(A) - sqrt(B))^2 / C, and the rank is that minus the cycle's gas cost. Ranking by the rate alone would
 * pick dust pools (a wild price, nothing behind it). No amount is ever taken from the estimate: the chosen
 * cycles are sized and priced exactly, in bigint, as before.
 */

/**
 * A hop's constant-product shape as doubles: reserves in pool token order and the fee factor (0 when empty). A V4
 * pool's fee may differ by direction (the protocol fee is per direction): the shape takes the larger, so the
 * estimate never flatters a cycle (it only ranks; the sizing charges each direction's own fee exactly).
 */
type Shape = { r0: number; r1: number; g: number };

const Q96 = 2 ** 96;
const EMPTY: Shape = { r0: 0, r1: 0, g: 0 };

function shapeOf(pool: Pool): Shape {
  let shape: Shape;
  if (pool.kind === 'v2') {
    shape = pool.reserve0 === 0n || pool.reserve1 === 0n ? EMPTY : { r0: Number(pool.reserve0), r1: Number(pool.reserve1), g: 1 - Number(pool.feeBps) / 10_000 };
  } else if (pool.liquidity === 0n || pool.sqrtPriceX96 === 0n || !quotableByMath(pool)) {
    shape = EMPTY;
  } else {
    const sqrtPrice = Number(pool.sqrtPriceX96) / Q96;
    const liquidity = Number(pool.liquidity);
    const fee = pool.kind === 'v4' ? Math.max(v4SwapFee(pool, true), v4SwapFee(pool, false)) : pool.fee;
    shape = { r0: liquidity / sqrtPrice, r1: liquidity * sqrtPrice, g: 1 - fee / 1_000_000 };
  }
  return shape;
}

const KIND_DIGIT = { v2: 0, v3: 1, v4: 2 } as const satisfies Record<Pool['kind'], number>;

export type RankedCycle = { cycle: Cycle; rate: number; estimate: number };

type Kept = { rank: number; rate: number; estimate: number; a: GraphPool; az: boolean; b: GraphPool; bz: boolean; c: GraphPool | undefined; cz: boolean };

/** Stamps the per-search memos on the graph's entries (searches are synchronous: one at a time). */
let searches = 0;

/** What the search reads: the canonical market, and the victim's (and prior trades') overlay over it, if any. */
export type RankSource = { market: MarketState; overlay?: PendingOverlay | undefined };

/**
 * The `limit` best cycles from `start` through any of `moved`, on the overlay (else the market), best first:
 * every cycle is estimated (no cap on how many are looked at, nor taken in the order pools were added), those
 * that cannot profit are dropped, and only the kept ones are built. Each cycle is counted once even when it
 * runs through several moved pools. `gasPriceWei`: what a unit of gas costs us (base fee plus tip).
 */
export function rankCycles(source: RankSource, graph: PoolGraph, moved: readonly Pool[], start: Address, limit: number, gasPriceWei: bigint): RankedCycle[] {
  const { market, overlay } = source;
  const gasPrice = Number(gasPriceWei);
  // Gas by shape (the hops' kinds: the calibration reads nothing else), priced once per search: a code per
  // shape, each hop's kind a base-3 digit (two hops 0..8, three hops 9..35).
  const gasCost: number[] = [];
  const costOf = (a: Pool, b: Pool, c: Pool | undefined) => {
    const code = (c ? 9 * (1 + KIND_DIGIT[c.kind]) : 0) + 3 * KIND_DIGIT[b.kind] + KIND_DIGIT[a.kind];
    let cost = gasCost[code];
    if (cost === undefined) {
      const hops = (c ? [a, b, c] : [a, b]).map((pool) => ({ pool, tokenIn: pool.token0, tokenOut: pool.token1, zeroForOne: true }));
      cost = gasCost[code] = Number(estimateGas({ startToken: start, hops }, 0)) * gasPrice;
    }
    return cost;
  };
  // A graph pool's state as a shape: the overlay's if a pending swap moved it, else the market's, read from
  // the pool's market slot (found once per graph entry, then no lookup at all). Once per search per pool, and
  // shaped again only when the pool's state object changed (states are never mutated). The few pools the
  // overlay changed are stamped on their entries first, so the thousands it did not change cost no lookup; an
  // entry the graph does not hold (t0 undefined: a moved pool added to the market after the graph) asks.
  const search = ++searches;
  if (overlay) {
    for (const address of overlay.touched()) {
      const entry = graph.entry(address);
      if (entry) {
        entry.pendingAt = search;
        entry.pending = overlay.changedPool(entry.key);
      }
    }
  }
  const stateOf = (entry: GraphPool): Shape => {
    if (entry.memoAt !== search) {
      entry.memoAt = search;
      let pool = entry.pendingAt === search ? entry.pending : entry.t0 === undefined ? overlay?.changedPool(entry.key) : undefined;
      if (!pool) {
        if (entry.slotIn !== market) {
          entry.slotIn = market;
          entry.slot = market.slot(entry.key);
        }
        pool = entry.slot?.pool ?? entry.pool;
      }
      if (entry.shapeFor !== pool) {
        entry.shapeFor = pool;
        entry.shape = shapeOf(pool);
      }
      entry.memo = entry.shape;
    }
    return entry.memo as Shape;
  };

  const kept: Kept[] = [];
  let floor = -Infinity; // the worst kept rank once the list is full
  const seen: GraphPool[] = [];
  let earlier: readonly GraphPool[] = [];
  // A cycle whose rate A/B is above 1: its estimate, and a place among the kept if it is good enough.
  const consider = (A: number, B: number, a: GraphPool, az: boolean, b: GraphPool, bz: boolean, c: GraphPool | undefined, cz: boolean) => {
    // The composed map's C: x -> A·x / (B + C·x), hop by hop (a hop is g·rOut·x / (rIn + g·x)).
    const sa = stateOf(a);
    const sb = stateOf(b);
    let C = sa.g * (bz ? sb.r0 : sb.r1) + sa.g * (az ? sa.r1 : sa.r0) * sb.g;
    if (c !== undefined) {
      const sc = stateOf(c);
      C = C * (cz ? sc.r0 : sc.r1) + sa.g * (az ? sa.r1 : sa.r0) * sb.g * (bz ? sb.r1 : sb.r0) * sc.g;
    }
    if (!(C > 0)) return;
    const root = Math.sqrt(A) - Math.sqrt(B);
    const estimate = (root * root) / C;
    const cost = costOf(a.pool, b.pool, c?.pool);
    // The estimate must pay half the gas (the exact pre-filter's bar), and beat the worst kept.
    if (estimate * 2 < cost) return;
    const rank = estimate - cost;
    if (kept.length >= limit && rank <= floor) return;
    const entry: Kept = { rank, rate: A / B, estimate, a, az, b, bz, c, cz };
    let at = kept.length;
    while (at > 0 && kept[at - 1]!.rank < rank) at--;
    kept.splice(at, 0, entry);
    if (kept.length > limit) kept.pop();
    if (kept.length >= limit) floor = kept[kept.length - 1]!.rank;
  };
  const throughEarlier = (a: GraphPool, b: GraphPool, c: GraphPool | undefined) => earlier.length > 0 && (earlier.includes(a) || earlier.includes(b) || (c !== undefined && earlier.includes(c)));
  const visit = (a: GraphPool, az: boolean, b: GraphPool, bz: boolean, c: GraphPool | undefined, cz: boolean) => {
    // A cycle through an earlier moved pool was visited from there already.
    if (throughEarlier(a, b, c)) return;
    // The marginal rate first (most cycles of a market at rest lose their fees: out here, cheaply): the
    // product over hops of g·rOut / rIn, as A / B.
    const sa = stateOf(a);
    const sb = stateOf(b);
    let A = sa.g * (az ? sa.r1 : sa.r0) * sb.g * (bz ? sb.r1 : sb.r0);
    let B = (az ? sa.r0 : sa.r1) * (bz ? sb.r0 : sb.r1);
    if (c !== undefined) {
      const sc = stateOf(c);
      A *= sc.g * (cz ? sc.r1 : sc.r0);
      B *= cz ? sc.r0 : sc.r1;
    }
    // Rate at most 1 (or an empty hop: A = 0): no input can profit.
    if (A > B) consider(A, B, a, az, b, bz, c, cz);
  };
  // The three-hop cycles through `a` first or last, for each route of the fan: the same three pools both ways.
  // The two rates multiply to the product of the fee factors squared (< 1), so at most one direction can be
  // above 1; `a`'s side is read once for the whole fan, each middle once for its ends, each route once for
  // both directions. The products keep the order a, b, c of visit's (the same doubles). The walk left the
  // exclusion of the middle and the end to us: asked only for a cycle whose rate is above 1, a handful of the
  // thousands (a filter drops the same cycles from the kept whenever it is asked).
  const fan = (a: GraphPool, az: boolean, routes: CycleFan, unchecked: AllowedInWalk) => {
    const sa = stateOf(a);
    const ga = sa.g;
    const aIn = az ? sa.r0 : sa.r1;
    const aOut = az ? sa.r1 : sa.r0;
    const { other } = routes;
    const checkEarlier = earlier.length > 0;
    const { neighbours } = routes;
    for (let n = 0; n < neighbours.length; n++) {
      const { y, middles, ends } = neighbours[n]!;
      for (let j = 0; j < middles.length; j++) {
        const b = middles[j]!;
        const sb = stateOf(b);
        const bz = b.t0 === other;
        const gab = ga * sb.g;
        // a then b, out-side and in-side reserves (forward: a, b, c)
        const abOut = aOut * (bz ? sb.r1 : sb.r0);
        const abIn = aIn * (bz ? sb.r0 : sb.r1);
        for (let k = 0; k < ends.length; k++) {
          const c = ends[k]!;
          if (checkEarlier && throughEarlier(a, b, c)) continue;
          const sc = stateOf(c);
          const cz = c.t0 === y;
          const g = gab * sc.g;
          // Backward (c, b, a flipped) trades each pool the other way: its ins are these outs.
          const outs = abOut * (cz ? sc.r1 : sc.r0);
          const ins = abIn * (cz ? sc.r0 : sc.r1);
          if (g * outs > ins) {
            if (unchecked(b) && unchecked(c)) consider(g * outs, ins, a, az, b, bz, c, cz);
          } else if (g * ins > outs) {
            if (unchecked(b) && unchecked(c)) consider(g * ins, outs, c, !cz, b, !bz, a, !az);
          }
        }
      }
    }
  };
  for (const pool of moved) {
    const entry = graph.entry(pool.address);
    if (entry && seen.includes(entry)) continue;
    earlier = seen.slice();
    graph.visitCyclesThrough(pool, start, visit, fan);
    if (entry) seen.push(entry);
  }
  return kept.map((k) => ({ cycle: PoolGraph.cycle(start, k.a, k.az, k.b, k.bz, k.c, k.cz), rate: k.rate, estimate: k.estimate }));
}
