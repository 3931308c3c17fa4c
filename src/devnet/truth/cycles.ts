import type { Address, Hex } from 'viem';

/**
 * The truth's own view of the market: the pools the devnet says it built (its manifest), not the bot's state
 * follower. Written apart from src/strategy on purpose: a grader that shares the search's code shares its bugs.
 */
export type TruthPool = {
  /** The pool's contract; for a V4 pool, the PoolManager that holds it (its id is `v4.poolId`). */
  address: Address;
  venue: 'uniswapV2' | 'sushiswap' | 'uniswapV3' | 'uniswapV4';
  /**
   * The pool's tokens as the cycles trade them. A V4 pool with native ETH (currency0 = address(0)) lists WETH in
   * its place: the executor unwraps and wraps, so WETH -> X through a WETH pool and X -> ETH through a native one
   * is a real cycle (`v4.key` keeps the real currencies).
   */
  token0: Address;
  token1: Address;
  /** V3 fee in hundredths of a bip; absent for the V2-style venues. */
  fee?: number;
  /** V4 pools only: the pool id (what the PoolManager's Swap event carries in topic 1), the key, and whether it is simulate-only. */
  v4?: TruthV4;
};

/** A V4 pool key, as the truth reads it from the manifest (the same fields as the PoolManager's PoolKey). */
export type TruthV4Key = { currency0: Address; currency1: Address; fee: number; tickSpacing: number; hooks: Address };

export type TruthV4 = {
  poolId: Hex;
  key: TruthV4Key;
  /**
   * Its hook runs code around a swap (beforeSwap, afterSwap or a returns-delta permission in the hook address's
   * low bits): the bot never prices such a pool by its own math, and the devnet's executor is not allowed its hook.
   * The truth keeps these out of the headline and reports their value apart (see truth.ts).
   */
  simulateOnly: boolean;
};

/** What names a pool in a victim's logs and in a cycle: its address, or for a V4 pool its id (lower case). */
export const poolIdOf = (pool: TruthPool): string => (pool.v4 ? pool.v4.poolId : pool.address).toLowerCase();

export type TruthHop = { pool: TruthPool; tokenIn: Address; tokenOut: Address };

/** WETH -> ... -> WETH, two or three hops, no pool twice. */
export type TruthCycle = TruthHop[];

const lower = (address: string) => address.toLowerCase();

/**
 * Every two- and three-hop cycle from `start` back to it that goes through at least one of the pools the victim
 * moved, over every pool whose tokens are all allowed: start -> x -> start across two different pools of the
 * pair (any venues and fees), and start -> x -> y -> start with any middle token (not only hubs), the moved pool
 * at any position. That is at least the set the bot's search draws from (its graph's cycles through a moved
 * pool), enumerated here from scratch. `moved` names pools by `poolIdOf` (a V4 pool by its id).
 */
export function cyclesThrough(pools: readonly TruthPool[], moved: ReadonlySet<string>, start: Address, excludedTokens: ReadonlySet<string>): TruthCycle[] {
  const usable = pools.filter((pool) => !excludedTokens.has(lower(pool.token0)) && !excludedTokens.has(lower(pool.token1)));
  const pairKey = (a: string, b: string) => (lower(a) < lower(b) ? `${lower(a)}|${lower(b)}` : `${lower(b)}|${lower(a)}`);
  const byPair = new Map<string, TruthPool[]>();
  const neighbours = new Map<string, Set<Address>>();
  for (const pool of usable) {
    const key = pairKey(pool.token0, pool.token1);
    byPair.set(key, [...(byPair.get(key) ?? []), pool]);
    for (const [a, b] of [[pool.token0, pool.token1], [pool.token1, pool.token0]] as const) {
      const set = neighbours.get(lower(a)) ?? new Set<Address>();
      set.add(b);
      neighbours.set(lower(a), set);
    }
  }
  const between = (a: string, b: string) => byPair.get(pairKey(a, b)) ?? [];
  const other = (pool: TruthPool, token: string): Address => (lower(pool.token0) === lower(token) ? pool.token1 : pool.token0);
  const s = lower(start);
  const cycles = new Map<string, TruthCycle>();
  // A path of pools from the start token; kept when it closes at the start and uses no pool twice.
  const add = (path: TruthPool[]) => {
    if (new Set(path.map(poolIdOf)).size !== path.length) return;
    const hops: TruthHop[] = [];
    let token: Address = start;
    for (const pool of path) {
      if (lower(pool.token0) !== lower(token) && lower(pool.token1) !== lower(token)) return;
      const next = other(pool, token);
      hops.push({ pool, tokenIn: token, tokenOut: next });
      token = next;
    }
    if (lower(token) !== s) return;
    cycles.set(hops.map((hop) => `${poolIdOf(hop.pool)}:${lower(hop.tokenIn)}`).join('>'), hops);
  };
  for (const pool of usable) {
    if (!moved.has(poolIdOf(pool))) continue;
    const [a, b] = [pool.token0, pool.token1];
    if (lower(a) === s || lower(b) === s) {
      const x = lower(a) === s ? b : a;
      // start -> x -> start: the moved pool first or last, any other pool of the pair.
      for (const back of between(x, start)) {
        add([pool, back]);
        add([back, pool]);
      }
      // start -> x -> y -> start through the moved pool first, and start -> y -> x -> start through it last.
      for (const y of neighbours.get(lower(x)) ?? []) {
        if (lower(y) === s) continue;
        for (const middle of between(x, y)) {
          for (const end of between(y, start)) {
            add([pool, middle, end]);
            add([end, middle, pool]);
          }
        }
      }
    } else {
      // start -> a -> b -> start and start -> b -> a -> start with the moved pool in the middle.
      for (const [x, y] of [[a, b], [b, a]] as const) {
        for (const first of between(start, x)) for (const last of between(y, start)) add([first, pool, last]);
      }
    }
  }
  return [...cycles.values()];
}

/** The pools of a devnet manifest, as the truth reads them. */
export function poolsOfManifest(pools: ReadonlyArray<{ dex: string; address: Address; token0: Address; token1: Address; fee?: number }>): TruthPool[] {
  return pools.map((pool) => {
    if (pool.dex !== 'uniswapV2' && pool.dex !== 'sushiswap' && pool.dex !== 'uniswapV3') throw new Error(`the truth does not know the venue ${pool.dex}`);
    return { address: pool.address, venue: pool.dex, token0: pool.token0, token1: pool.token1, ...(pool.dex === 'uniswapV3' ? { fee: pool.fee } : {}) };
  });
}

/** Hooks.sol's permission bits that run code around a swap: beforeSwap, afterSwap, and the two returns-delta flags. */
const SWAP_HOOK_BITS = (1n << 7n) | (1n << 6n) | (1n << 3n) | (1n << 2n);
const NATIVE = '0x0000000000000000000000000000000000000000';

/**
 * The V4 pools of a devnet manifest (`v4.pools`), held in `poolManager`; native ETH stands as `weth` in the cycles.
 * Whether a pool is simulate-only is read from its hook's address (the permissions the PoolManager itself reads),
 * not from the bot's code.
 */
export function v4PoolsOfManifest(pools: ReadonlyArray<{ poolId: Hex; key: TruthV4Key }>, poolManager: Address, weth: Address): TruthPool[] {
  return pools.map((pool) => {
    const { key } = pool;
    const asToken = (currency: Address): Address => (lower(currency) === NATIVE ? weth : currency);
    return {
      address: poolManager,
      venue: 'uniswapV4' as const,
      token0: asToken(key.currency0),
      token1: asToken(key.currency1),
      fee: key.fee,
      v4: { poolId: pool.poolId, key, simulateOnly: (BigInt(key.hooks) & SWAP_HOOK_BITS) !== 0n },
    };
  });
}
