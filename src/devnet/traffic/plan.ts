import { parseUnitsExact } from '../../units/decimal.ts';
import type { DevnetPool } from '../seed/pools.ts';
import { routerKinds, type RouterKind, type Scenario } from '../scenario/schema.ts';
import type { DevnetToken } from '../tokens.ts';
import { normal, pickOne, pickWeighted, poisson, type Random } from './random.ts';
import { resolveRoute, routerCanUse, type Hop } from './route.ts';
import type { V4Leg } from './v4Plan.ts';

/** One user swap to send: who, through which router and pools, how much, with what tolerance. */
export type SwapOrder = {
  trader: number;
  router: RouterKind;
  hops: Hop[];
  /** Exact input in base units, or a size relative to what the first pool holds of the input token. */
  amountIn: { exact: bigint } | { bpsOfPool: number };
  slippageBps: number;
  /** Pay with ETH instead of WETH (input is WETH). */
  ethIn: boolean;
  /** Receive ETH instead of WETH (output is WETH). */
  ethOut: boolean;
  /** Priority fee in wei. */
  tip: bigint;
  source: 'explicit' | 'random';
  /**
   * A swap through Uniswap V4 pools (UniversalRouter V4_SWAP, see v4Plan.ts). Then `hops` are only a V2/V3 leg
   * sent in the same `execute` (often none), and `ethIn` / `ethOut` say whether the V4 leg pays / takes native ETH.
   */
  v4?: V4Leg;
};

const poisonedKinds = new Set(['feeOnTransfer', 'honeypot', 'salmonella']);
const gwei = 1_000_000_000;

function drawTip(random: Random): bigint {
  return BigInt(Math.round((1 + random() * 2) * gwei));
}

/** Random flow trades in the listed pools, or else in every pool whose tokens all behave. */
export function randomFlowPools(scenario: Scenario, pools: readonly DevnetPool[], tokens: readonly DevnetToken[]): DevnetPool[] {
  const listed = scenario.traffic.random?.pools;
  if (listed) return listed.map((index) => pools[index]!);
  const poisoned = new Set(tokens.filter((token) => poisonedKinds.has(token.kind)).map((token) => token.symbol));
  return pools.filter((pool) => !pool.pair.some((symbol) => poisoned.has(symbol)));
}

/** Resolves the scenario's explicit swaps once, at start-up, so a bad route fails before any traffic. */
export function planExplicitSwaps(
  scenario: Scenario,
  pools: readonly DevnetPool[],
  tokens: readonly DevnetToken[],
): Map<number, SwapOrder[]> {
  const byBlock = new Map<number, SwapOrder[]>();
  for (const swap of scenario.traffic.swaps) {
    const hops = resolveRoute(swap.router, swap.path, swap.fees, pools, tokens);
    const first = hops[0]!;
    const order: SwapOrder = {
      trader: swap.trader,
      router: swap.router,
      hops,
      amountIn: { exact: parseUnitsExact(swap.amountIn, first.tokenIn.decimals) },
      slippageBps: swap.slippageBps ?? scenario.traffic.random?.slippageBps ?? 100,
      ethIn: first.tokenIn.kind === 'weth',
      ethOut: false,
      tip: BigInt(2 * gwei),
      source: 'explicit',
    };
    byBlock.set(swap.block, [...(byBlock.get(swap.block) ?? []), order]);
  }
  return byBlock;
}

/** Draws one block of random flow: a Poisson count of single-pool swaps, router by weight, size by distribution. */
export function planRandomSwaps(
  random: Random,
  config: NonNullable<Scenario['traffic']['random']>,
  traderCount: number,
  flowPools: readonly DevnetPool[],
  tokens: readonly DevnetToken[],
  /** Symbols the traders hold: when given, a swap sells one of them (the drawn direction flips if needed). */
  held?: ReadonlySet<string>,
): SwapOrder[] {
  const orders: SwapOrder[] = [];
  const count = poisson(random, config.swapsPerBlock);
  const usable = (router: RouterKind) =>
    flowPools.filter((pool) => routerCanUse(router, pool) && (router !== 'universalRouter' || pool.pair.includes('WETH')));
  const routers = routerKinds.filter((router) => (config.routers[router] ?? 0) > 0 && usable(router).length > 0);
  for (let i = 0; i < count; i++) {
    const router = pickWeighted(random, routers, (kind) => config.routers[kind] ?? 0);
    if (!router) break;
    const pool = pickOne(random, usable(router))!;
    let [inSymbol, outSymbol] = random() < 0.5 ? pool.pair : [pool.pair[1], pool.pair[0]];
    if (held && !held.has(inSymbol)) [inSymbol, outSymbol] = [outSymbol, inSymbol];
    // The devnet has no Permit2, so UniversalRouter users pay in ETH.
    if (router === 'universalRouter' && inSymbol !== 'WETH') [inSymbol, outSymbol] = [outSymbol, inSymbol];
    const tokenIn = tokens.find((token) => token.symbol === inSymbol)!;
    const tokenOut = tokens.find((token) => token.symbol === outSymbol)!;
    const { distribution, medianBps, sigma, maxBps } = config.size;
    const drawn = distribution === 'lognormal' ? medianBps * Math.exp(sigma * normal(random)) : random() * 2 * medianBps;
    orders.push({
      trader: Math.floor(random() * traderCount),
      router,
      hops: [{ pool, tokenIn, tokenOut }],
      amountIn: { bpsOfPool: Math.min(maxBps, Math.max(0.01, drawn)) },
      slippageBps: config.slippageBps,
      ethIn: tokenIn.kind === 'weth' && (router === 'universalRouter' || random() < 0.7),
      ethOut: tokenOut.kind === 'weth' && router !== 'universalRouter' && random() < 0.5,
      tip: drawTip(random),
      source: 'random',
    });
  }
  return orders;
}
