import { getAddress, type Address } from 'viem';
import { describe, expect, it } from 'vitest';
import { cyclesThrough, type TruthPool } from '../../src/devnet/truth/cycles.ts';
import type { Pool } from '../../src/state/types.ts';
import { PoolGraph } from '../../src/strategy/graph.ts';

const address = (n: number): Address => getAddress(`0x${n.toString(16).padStart(40, '0')}`);
const [W, A, B, C, P] = [address(0xeee1), address(0xaaa1), address(0xbbb1), address(0xccc1), address(0xdead)];

/** A market with every shape a backrun can take: several pools per pair across venues and fees, a non-WETH pair, a poisoned token. */
const market: TruthPool[] = [
  { address: address(1), venue: 'uniswapV2', token0: A, token1: W },
  { address: address(2), venue: 'sushiswap', token0: A, token1: W },
  { address: address(3), venue: 'uniswapV3', token0: A, token1: W, fee: 500 },
  { address: address(4), venue: 'uniswapV3', token0: B, token1: W, fee: 3000 },
  { address: address(5), venue: 'uniswapV2', token0: B, token1: W },
  { address: address(6), venue: 'uniswapV3', token0: A, token1: B, fee: 100 },
  { address: address(7), venue: 'uniswapV2', token0: A, token1: C },
  { address: address(8), venue: 'sushiswap', token0: C, token1: W },
  { address: address(9), venue: 'uniswapV2', token0: P, token1: W },
  { address: address(10), venue: 'sushiswap', token0: P, token1: W },
  { address: address(11), venue: 'uniswapV2', token0: A, token1: P },
];

/** The bot's view of the same pools (only what its graph reads: identity, tokens, kind, venue, fee). */
const asBotPool = (pool: TruthPool): Pool =>
  (pool.venue === 'uniswapV3'
    ? { kind: 'v3', address: pool.address, token0: pool.token0, token1: pool.token1, fee: pool.fee, venue: pool.venue }
    : { kind: 'v2', address: pool.address, token0: pool.token0, token1: pool.token1, feeBps: 30n, venue: pool.venue }) as unknown as Pool;

const key = (pools: ReadonlyArray<{ address: string; tokenIn: string }>) => pools.map((hop) => `${hop.address.toLowerCase()}:${hop.tokenIn.toLowerCase()}`).join('>');
const poisoned = new Set([P.toLowerCase()]);

describe('the truth\'s cycles', () => {
  it('cover every cycle the bot\'s graph searches through a moved pool, for every pool of the market', () => {
    const graph = new PoolGraph(market.map(asBotPool), (pool) => poisoned.has(pool.token0.toLowerCase()) || poisoned.has(pool.token1.toLowerCase()));
    let compared = 0;
    for (const moved of market) {
      const truth = new Set(cyclesThrough(market, new Set([moved.address.toLowerCase()]), W, poisoned).map((cycle) => key(cycle.map((hop) => ({ address: hop.pool.address, tokenIn: hop.tokenIn })))));
      const bot = graph.cyclesThrough(asBotPool(moved), W, 100_000).map((cycle) => key(cycle.hops.map((hop) => ({ address: hop.pool.address, tokenIn: hop.tokenIn }))));
      for (const cycle of bot) expect(truth, `bot cycle ${cycle} through ${moved.address}`).toContain(cycle);
      compared += bot.length;
    }
    expect(compared).toBeGreaterThan(20);
  });

  it('two hops across every other pool of the pair, three hops through any middle token, the moved pool at each place, no pool twice, never a poisoned token', () => {
    const cycles = cyclesThrough(market, new Set([address(1).toLowerCase()]), W, poisoned);
    const keys = cycles.map((cycle) => cycle.map((hop) => hop.pool.address));
    // W -> A on pool 1 and back on 2 or 3, and the reverse.
    for (const other of [2, 3]) {
      expect(keys).toContainEqual([address(1), address(other)]);
      expect(keys).toContainEqual([address(other), address(1)]);
    }
    // W -> A (1) -> B (6) -> W (4 or 5), W -> A (1) -> C (7) -> W (8), and their reverses.
    for (const end of [4, 5]) {
      expect(keys).toContainEqual([address(1), address(6), address(end)]);
      expect(keys).toContainEqual([address(end), address(6), address(1)]);
    }
    expect(keys).toContainEqual([address(1), address(7), address(8)]);
    expect(keys).toContainEqual([address(8), address(7), address(1)]);
    for (const cycle of cycles) {
      expect(new Set(cycle.map((hop) => hop.pool.address)).size).toBe(cycle.length);
      expect(cycle[0]!.tokenIn).toBe(W);
      expect(cycle.at(-1)!.tokenOut).toBe(W);
      for (const hop of cycle) expect([hop.tokenIn, hop.tokenOut]).not.toContain(P);
    }
    // The moved pool in the middle: A/B moved gives W -> A -> B -> W and W -> B -> A -> W.
    const middle = cyclesThrough(market, new Set([address(6).toLowerCase()]), W, poisoned).map((cycle) => cycle.map((hop) => hop.pool.address));
    expect(middle).toContainEqual([address(1), address(6), address(4)]);
    expect(middle).toContainEqual([address(5), address(6), address(3)]);
  });
});
