import { SearcherError } from '../../errors.ts';
import type { DevnetPool } from '../seed/pools.ts';
import type { RouterKind } from '../scenario/schema.ts';
import { tokenBySymbol, type DevnetToken } from '../tokens.ts';

export type Hop = { pool: DevnetPool; tokenIn: DevnetToken; tokenOut: DevnetToken };

/** Which pools a router can swap through. All hops of one swap use one protocol (V2 or V3). */
export function routerCanUse(router: RouterKind, pool: DevnetPool): boolean {
  switch (router) {
    case 'uniswapV2Router02':
      return pool.dex === 'uniswapV2';
    case 'sushiswapRouter':
      return pool.dex === 'sushiswap';
    case 'swapRouter':
      return pool.dex === 'uniswapV3';
    case 'swapRouter02':
    case 'universalRouter':
      return pool.dex === 'uniswapV2' || pool.dex === 'uniswapV3';
  }
}

export const isV3 = (pool: DevnetPool): boolean => pool.dex === 'uniswapV3';

export class RouteError extends SearcherError {}

function joins(pool: DevnetPool, a: string, b: string): boolean {
  return (pool.pair[0] === a && pool.pair[1] === b) || (pool.pair[0] === b && pool.pair[1] === a);
}

/**
 * The pools a swap along `path` goes through on `router`: V2 first where the router offers both (what the
 * Uniswap interface picks for simple pairs), otherwise V3, with the given fee per hop or the first V3 pool listed.
 */
export function resolveRoute(
  router: RouterKind,
  path: readonly string[],
  fees: readonly number[] | undefined,
  pools: readonly DevnetPool[],
  tokens: readonly DevnetToken[],
): Hop[] {
  const protocols: Array<'v2' | 'v3'> = fees ? ['v3'] : ['v2', 'v3'];
  for (const protocol of protocols) {
    const hops: Hop[] = [];
    for (let index = 0; index + 1 < path.length; index++) {
      const [a, b] = [path[index]!, path[index + 1]!];
      const pool = pools.find(
        (candidate) =>
          routerCanUse(router, candidate) &&
          isV3(candidate) === (protocol === 'v3') &&
          joins(candidate, a, b) &&
          (fees === undefined || candidate.fee === fees[index]),
      );
      if (!pool) break;
      hops.push({ pool, tokenIn: tokenBySymbol(tokens, a), tokenOut: tokenBySymbol(tokens, b) });
    }
    if (hops.length === path.length - 1) return hops;
  }
  throw new RouteError('NO_ROUTE', `no ${router} route for ${path.join(' -> ')}${fees ? ` with fees ${fees.join(',')}` : ''}`);
}
