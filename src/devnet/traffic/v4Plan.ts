/**
 * Random user swaps through Uniswap V4 pools, sent via the UniversalRouter's V4_SWAP: exact in and exact out,
 * one pool or two (a PathKey route), native ETH in and out, and now and then a V4 swap split with a V2/V3 pool in
 * one `execute` (how the Uniswap interface splits a large ETH sale). Pure: the draws come from their own seeded
 * stream, so adding V4 pools to a scenario leaves its V2/V3 flow exactly as it was.
 */
import { zeroAddress, type Address } from 'viem';
import type { DevnetPool } from '../seed/pools.ts';
import type { RandomTraffic } from '../scenario/schema.ts';
import type { DevnetToken } from '../tokens.ts';
import type { DevnetV4Pool } from '../v4/pools.ts';
import type { SwapOrder } from './plan.ts';
import { normal, pickOne, pickWeighted, poisson, type Random } from './random.ts';
import { routerCanUse, type Hop } from './route.ts';

/** A V4 currency: a token, or native ETH (address 0). */
export type V4Currency = { symbol: string; address: Address; decimals: number };
export type V4Hop = { pool: DevnetV4Pool; currencyIn: V4Currency; currencyOut: V4Currency };
export const v4SwapKinds = ['exactInSingle', 'exactIn', 'exactOutSingle', 'exactOut'] as const;
export type V4SwapKind = (typeof v4SwapKinds)[number];

/**
 * The V4 part of a user swap. Its size is the order's `amountIn.bpsOfPool`, taken of the first pool's virtual
 * reserve of the input (exact in) or of the last pool's of the output (exact out); the order's `hops`, when
 * present, are a V2/V3 leg in the same transaction, sized by the same bps of that pool.
 */
export type V4Leg = { kind: V4SwapKind; hops: V4Hop[] };

/** Mean V4 swaps per block when the scenario lists V4 pools and does not say. */
export const defaultV4SwapsPerBlock = 2;
const gwei = 1_000_000_000;
const nativeEth: V4Currency = { symbol: 'ETH', address: zeroAddress, decimals: 18 };
/** Shares of the V4 flow: mostly single-pool exact-in, as on mainnet. */
const shapeWeights = { exactInSingle: 30, exactIn: 20, exactOutSingle: 20, exactOut: 15, split: 15 } as const;
type Shape = keyof typeof shapeWeights;

export function v4Currency(tokens: readonly DevnetToken[], symbol: string): V4Currency {
  if (symbol === 'ETH') return nativeEth;
  const token = tokens.find((candidate) => candidate.symbol === symbol);
  if (!token) throw new RangeError(`V4 pool currency ${symbol} is not a devnet token`);
  return { symbol, address: token.address, decimals: token.decimals };
}

const hop = (pool: DevnetV4Pool, tokens: readonly DevnetToken[], inSymbol: string): V4Hop => {
  const outSymbol = pool.pair[0] === inSymbol ? pool.pair[1] : pool.pair[0];
  return { pool, currencyIn: v4Currency(tokens, inSymbol), currencyOut: v4Currency(tokens, outSymbol) };
};

/** Every two-pool route A -> B -> C (A != C) whose input a trader holds. */
export function v4TwoHopRoutes(pools: readonly DevnetV4Pool[], held: ReadonlySet<string>): Array<[DevnetV4Pool, DevnetV4Pool, string]> {
  const routes: Array<[DevnetV4Pool, DevnetV4Pool, string]> = [];
  for (const first of pools) {
    for (const second of pools) {
      if (first === second) continue;
      for (const a of first.pair) {
        if (!held.has(a)) continue;
        const b = first.pair[0] === a ? first.pair[1] : first.pair[0];
        if (!second.pair.includes(b)) continue;
        const c = second.pair[0] === b ? second.pair[1] : second.pair[0];
        if (c !== a) routes.push([first, second, a]);
      }
    }
  }
  return routes;
}

/** V4 pools with native ETH that a V2/V3 WETH pool of the same other token can share an ETH sale with. */
function splitPairs(pools: readonly DevnetV4Pool[], classic: readonly DevnetPool[]): Array<[DevnetV4Pool, DevnetPool]> {
  const pairs: Array<[DevnetV4Pool, DevnetPool]> = [];
  for (const pool of pools) {
    if (!pool.pair.includes('ETH')) continue;
    const other = pool.pair[0] === 'ETH' ? pool.pair[1] : pool.pair[0];
    for (const candidate of classic) {
      if (routerCanUse('universalRouter', candidate) && candidate.pair.includes('WETH') && candidate.pair.includes(other)) pairs.push([pool, candidate]);
    }
  }
  return pairs;
}

export type V4PlanContext = {
  pools: readonly DevnetV4Pool[];
  /** V2/V3 pools the V2/V3 flow trades in (a split's other leg comes from these). */
  classicPools: readonly DevnetPool[];
  tokens: readonly DevnetToken[];
  traderCount: number;
  /** Currencies every trader holds ("ETH" for native): a swap only ever sells one of them. */
  held: ReadonlySet<string>;
};

/** Draws one block of V4 flow: a Poisson count of orders, each a shape by weight and a size by the scenario's distribution. */
export function planV4Swaps(random: Random, config: RandomTraffic, context: V4PlanContext): SwapOrder[] {
  const { pools, tokens, held } = context;
  const singles = pools.filter((pool) => pool.pair.some((symbol) => held.has(symbol)));
  const routes = v4TwoHopRoutes(pools, held);
  const splits = held.has('ETH') ? splitPairs(pools, context.classicPools) : [];
  const available: Record<Shape, boolean> = { exactInSingle: singles.length > 0, exactOutSingle: singles.length > 0, exactIn: routes.length > 0, exactOut: routes.length > 0, split: splits.length > 0 };
  const shapes = (Object.keys(shapeWeights) as Shape[]).filter((shape) => available[shape]);
  const orders: SwapOrder[] = [];
  const count = poisson(random, config.v4SwapsPerBlock ?? defaultV4SwapsPerBlock);
  for (let i = 0; i < count; i++) {
    const shape = pickWeighted(random, shapes, (candidate) => shapeWeights[candidate]);
    if (!shape) break;
    const { distribution, medianBps, sigma, maxBps } = config.size;
    const drawn = distribution === 'lognormal' ? medianBps * Math.exp(sigma * normal(random)) : random() * 2 * medianBps;
    let leg: V4Leg;
    let classic: Hop[] = [];
    if (shape === 'exactIn' || shape === 'exactOut') {
      const [first, second, input] = pickOne(random, routes)!;
      const start = hop(first, tokens, input);
      leg = { kind: shape, hops: [start, hop(second, tokens, start.currencyOut.symbol)] };
    } else if (shape === 'split') {
      const [pool, other] = pickOne(random, splits)!;
      leg = { kind: 'exactInSingle', hops: [hop(pool, tokens, 'ETH')] };
      const weth = tokens.find((token) => token.symbol === 'WETH')!;
      const outSymbol = other.pair[0] === 'WETH' ? other.pair[1] : other.pair[0];
      classic = [{ pool: other, tokenIn: weth, tokenOut: tokens.find((token) => token.symbol === outSymbol)! }];
    } else {
      const pool = pickOne(random, singles)!;
      let input = random() < 0.5 ? pool.pair[0] : pool.pair[1];
      if (!held.has(input)) input = pool.pair[0] === input ? pool.pair[1] : pool.pair[0];
      leg = { kind: shape, hops: [hop(pool, tokens, input)] };
    }
    const first = leg.hops[0]!;
    const last = leg.hops.at(-1)!;
    orders.push({
      trader: Math.floor(random() * context.traderCount),
      router: 'universalRouter',
      hops: classic,
      amountIn: { bpsOfPool: Math.min(maxBps, Math.max(0.01, drawn)) },
      slippageBps: config.slippageBps,
      ethIn: first.currencyIn.address === zeroAddress,
      ethOut: last.currencyOut.address === zeroAddress,
      tip: BigInt(Math.round((1 + random() * 2) * gwei)),
      source: 'random',
      v4: leg,
    });
  }
  return orders;
}
