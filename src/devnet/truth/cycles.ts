import type { Address } from 'viem';

/**
 * The truth's own view of the market: the pools the devnet says it built (its manifest), not the bot's state
 * follower. Written apart from src/strategy on purpose: a grader that shares the search's code shares its bugs.
 */
export type TruthPool = {
  address: Address;
  venue: 'uniswapV2' | 'sushiswap' | 'uniswapV3';
  token0: Address;
  token1: Address;
  /** V3 fee in hundredths of a bip; absent for the V2-style venues. */
  fee?: number;
};

export type TruthHop = { pool: TruthPool; tokenIn: Address; tokenOut: Address };

/** WETH -> ... -> WETH, two or three hops, no pool twice. */
export type TruthCycle = TruthHop[];

const lower = (address: string) => address.toLowerCase();

/**
 * Every two- and three-hop cycle from `start` back to it that goes through at least one of the pools the victim
 * moved, over every pool whose tokens are all allowed: start -> x -> start across two different pools of the
 * pair (any venues and fees), and start -> x -> y -> start with any middle token (not only hubs), the moved pool
 * at any position. That is at least the set the bot's search draws from (its graph's cycles through a moved
 * pool), enumerated here from scratch.
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
    if (new Set(path.map((pool) => lower(pool.address))).size !== path.length) return;
    const hops: TruthHop[] = [];
    let token: Address = start;
    for (const pool of path) {
      if (lower(pool.token0) !== lower(token) && lower(pool.token1) !== lower(token)) return;
      const next = other(pool, token);
      hops.push({ pool, tokenIn: token, tokenOut: next });
      token = next;
    }
    if (lower(token) !== s) return;
    cycles.set(hops.map((hop) => `${lower(hop.pool.address)}:${lower(hop.tokenIn)}`).join('>'), hops);
  };
  for (const pool of usable) {
    if (!moved.has(lower(pool.address))) continue;
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
