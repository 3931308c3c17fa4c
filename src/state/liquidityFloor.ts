import { zeroAddress, type Address } from 'viem';
import type { Pool } from './types.ts';

/**
 * Which pools are worth tracking: most of mainnet's pairs are dust that no backrun can profit from, and reading,
 * following and searching them costs time on every block. A pool is kept when each side is worth at least the
 * floor in WETH. Pure (exact bigint; prices are rationals), run on pool headers before any V3 tick is read.
 */

const Q96 = 2n ** 96n;

/** A token's price in WETH as a rational: `wethPerToken = num / den`, from the pool it was read off. */
export type Price = { num: bigint; den: bigint; depth: bigint };

/** Where prices are looked up (by lowercase token): a map, or a book that keeps them with the blocks (priceBook.ts). */
export type PriceLookup = { get(token: string): Price | undefined };

/** The amounts a swap near the current price trades against: V2 reserves, V3 virtual reserves of the active liquidity. */
export function sideAmounts(pool: Pool): [bigint, bigint] {
  if (pool.kind === 'v2') return [pool.reserve0, pool.reserve1];
  if (pool.sqrtPriceX96 === 0n) return [0n, 0n];
  return [(pool.liquidity * Q96) / pool.sqrtPriceX96, (pool.liquidity * pool.sqrtPriceX96) / Q96];
}

const key = (token: Address) => token.toLowerCase();

/**
 * Every token's WETH price, each read off its deepest pool with an already-priced token (WETH first, then one more
 * token away, and so on): a deep pool sets the price, a dust pool with a made-up price never does. Tokens
 * `knownPrices` already has keep that price and are not in the result (it is looked up, never copied: it may be the whole
 * market's, and this runs on a few pools a block).
 */
export function wethPrices(pools: readonly Pool[], weth: Address, maxRounds = 3, knownPrices?: PriceLookup): Map<string, Price> {
  const found = new Map<string, Price>();
  found.set(key(weth), { num: 1n, den: 1n, depth: 2n ** 255n });
  // Native ETH (a V4 pool's currency address(0)) is worth WETH one for one.
  found.set(key(zeroAddress), { num: 1n, den: 1n, depth: 2n ** 255n });
  const prices: PriceLookup & { has(token: string): boolean } = knownPrices
    ? { get: (token) => found.get(token) ?? knownPrices.get(token), has: (token) => found.has(token) || knownPrices.get(token) !== undefined }
    : found;
  for (let round = 0; round < maxRounds; round++) {
    const next = new Map<string, Price>();
    for (const pool of pools) {
      const [amount0, amount1] = sideAmounts(pool);
      if (amount0 === 0n || amount1 === 0n) continue;
      for (const [known, unknown, knownAmount, unknownAmount] of [
        [pool.token0, pool.token1, amount0, amount1],
        [pool.token1, pool.token0, amount1, amount0],
      ] as const) {
        const price = prices.get(key(known));
        if (!price || prices.has(key(unknown))) continue;
        // The pool's depth in WETH: the known side's amount at the known token's price.
        const depth = (knownAmount * price.num) / price.den;
        const best = next.get(key(unknown));
        if (best && best.depth >= depth) continue;
        // wethPerUnknown = (knownAmount / unknownAmount) * wethPerKnown.
        next.set(key(unknown), { num: knownAmount * price.num, den: unknownAmount * price.den, depth });
      }
    }
    if (next.size === 0) break;
    for (const [token, price] of next) found.set(token, price);
  }
  return found;
}

/** The pool's thinner side valued in WETH (wei), or undefined when a token has no price (no route to WETH). */
export function depthInWeth(pool: Pool, prices: PriceLookup): bigint | undefined {
  const price0 = prices.get(key(pool.token0));
  const price1 = prices.get(key(pool.token1));
  if (!price0 || !price1) return undefined;
  const [amount0, amount1] = sideAmounts(pool);
  const value0 = (amount0 * price0.num) / price0.den;
  const value1 = (amount1 * price1.num) / price1.den;
  return value0 < value1 ? value0 : value1;
}

export type FloorResult = { kept: Pool[]; dropped: number };

/**
 * The pools whose both sides are worth at least `floorWei` of WETH (a floor of 0 keeps every pool). Prices come
 * from these pools and `priceReference` (the pools already known, when only some are judged: a warm restart).
 */
export function applyLiquidityFloor(pools: readonly Pool[], weth: Address, floorWei: bigint, priceReference: readonly Pool[] = [], knownPrices?: PriceLookup): FloorResult {
  if (floorWei === 0n) return { kept: [...pools], dropped: 0 };
  const found = wethPrices(priceReference.length > 0 ? [...priceReference, ...pools] : pools, weth, 3, knownPrices);
  const prices: PriceLookup = knownPrices ? { get: (token) => found.get(token) ?? knownPrices.get(token) } : found;
  const kept = pools.filter((pool) => (depthInWeth(pool, prices) ?? 0n) >= floorWei);
  return { kept, dropped: pools.length - kept.length };
}
