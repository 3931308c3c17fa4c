import { getAddress, type Address, type Hex } from 'viem';
import { describe, expect, it, vi } from 'vitest';
import type { PoolLog } from '../../src/state/events.ts';
import { driftSample } from '../../src/state/driftSample.ts';
import { LiquidityBreaker } from '../../src/risk/breakers/liquidity.ts';
import { MarketState } from '../../src/state/market.ts';
import type { V2Pair } from '../../src/state/types.ts';

// Per-block work proportional to the block's events: applying a block and drawing its drift sample never walk
// every pool. Counted (calls to the all-pools accessors, and to the index accessor), not timed.

const POOLS = 50_000;
const address = (n: number) => getAddress(`0x${n.toString(16).padStart(40, '0')}`);
const hash = (n: number) => `0x${n.toString(16).padStart(64, '0')}` as Hex;
const TOKEN0 = address(0xa0);
const TOKEN1 = address(0xa1);

function bigMarket(): { market: MarketState; pools: V2Pair[] } {
  const pools: V2Pair[] = Array.from({ length: POOLS }, (_, i) => ({ kind: 'v2', address: address(0x1000 + i), token0: TOKEN0, token1: TOKEN1, reserve0: 10n ** 18n, reserve1: 10n ** 18n, feeBps: 30n }));
  const market = new MarketState(64);
  market.reset(pools, { number: 1n, hash: hash(1), parentHash: hash(0) });
  return { market, pools };
}

describe('per-block work at 50,000 pools', () => {
  it('applies blocks and draws drift samples without touching the all-pools accessors', () => {
    const { market, pools } = bigMarket();
    const all = vi.spyOn(market, 'all');
    const addresses = vi.spyOn(market, 'addresses');
    const at = vi.spyOn(market, 'at');
    let seed = 1;
    const random = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    const SAMPLE = 8;
    const BLOCKS = 50;
    for (let b = 2; b < 2 + BLOCKS; b++) {
      // 3 pools change per block, Syncs in log order.
      const touched = [0, 1, 2].map((k) => pools[(b * 7919 + k * 104729) % POOLS]!);
      const logs: PoolLog[] = touched.map((pool, i) => ({ address: pool.address, event: { kind: 'sync', reserve0: BigInt(b), reserve1: BigInt(i + 1) }, blockNumber: BigInt(b), blockHash: hash(b), logIndex: i, removed: false }));
      const changed = market.applyBlock({ number: BigInt(b), hash: hash(b), parentHash: hash(b - 1) }, logs);
      expect([...changed].sort()).toEqual(touched.map((pool) => pool.address).sort());
      const sample = driftSample(market, changed, SAMPLE, random);
      // The changed pools first, then distinct tracked pools up to the sample size.
      expect(sample.slice(0, 3).sort()).toEqual([...changed].sort());
      expect(sample).toHaveLength(SAMPLE);
      expect(new Set(sample).size).toBe(SAMPLE);
      for (const picked of sample) expect(market.get(picked)).toBeDefined();
    }
    expect(all).not.toHaveBeenCalled();
    expect(addresses).not.toHaveBeenCalled();
    // Each random pick reads one index (a repeat draws again, rarely at this size): about 5 per block, nowhere
    // near the 50,000 pools.
    expect(at.mock.calls.length).toBeGreaterThanOrEqual(BLOCKS * (SAMPLE - 3));
    expect(at.mock.calls.length).toBeLessThanOrEqual(BLOCKS * (SAMPLE - 3) + 10);
    // And the state is right: a changed pool holds its last Sync.
    const last = pools[((1 + BLOCKS) * 7919) % POOLS]!;
    expect(market.get(last.address)).toMatchObject({ reserve0: BigInt(1 + BLOCKS), reserve1: 1n });
  });

  it('draws the sample uniformly over the whole market, by index', () => {
    const { market } = bigMarket();
    let seed = 3;
    const random = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    const halves = [0, 0];
    for (let i = 0; i < 2_000; i++) {
      for (const picked of driftSample(market, [], 4, random)) halves[BigInt(picked) - 0x1000n < BigInt(POOLS / 2) ? 0 : 1]!++;
    }
    // 8,000 picks, each half of the market within a few percent of 4,000.
    expect(halves[0]).toBeGreaterThan(3_700);
    expect(halves[1]).toBeGreaterThan(3_700);
  });

  it('takes a market smaller than the sample whole, and keeps slots and indices through reset, replace and rollback', () => {
    const market = new MarketState(8);
    const pair = (n: number, reserve0: bigint): V2Pair => ({ kind: 'v2', address: address(n), token0: TOKEN0, token1: TOKEN1, reserve0, reserve1: 1n, feeBps: 30n });
    market.reset([pair(1, 1n), pair(2, 1n), pair(3, 1n)], { number: 1n, hash: hash(1), parentHash: hash(0) });
    expect(driftSample(market, [address(2)], 8).sort()).toEqual([address(1), address(2), address(3)]);
    const slot = market.slot(address(2))!;
    market.applyBlock({ number: 2n, hash: hash(2), parentHash: hash(1) }, [{ address: address(2), event: { kind: 'sync', reserve0: 7n, reserve1: 1n }, blockNumber: 2n, blockHash: hash(2), logIndex: 0, removed: false }]);
    expect(slot.pool).toMatchObject({ reserve0: 7n });
    market.rollback();
    expect(slot.pool).toMatchObject({ reserve0: 1n });
    market.replace([pair(4, 9n)]);
    expect(market.size).toBe(4);
    expect(market.at(3)).toMatchObject({ address: address(4), reserve0: 9n });
    // A reset keeps the slot of an address still tracked, and drops the others.
    market.reset([pair(3, 5n), pair(2, 6n)], { number: 5n, hash: hash(5), parentHash: hash(4) });
    expect(market.slot(address(2))).toBe(slot);
    expect(slot.pool).toMatchObject({ reserve0: 6n });
    expect(market.size).toBe(2);
    expect([market.at(0)!.address, market.at(1)!.address]).toEqual([address(3), address(2)]);
    expect(market.get(address(1))).toBeUndefined();
    expect([...market.all()].map((pool) => pool.address)).toEqual([address(3), address(2)]);
  });
});

describe('the liquidity-exit breaker at 50,000 observed pools', () => {
  it('moves its clock on (every head, every check) without walking every pool it has seen', () => {
    const events: string[] = [];
    const breaker = new LiquidityBreaker({ maxDropBps: 5_000, windowMs: 3_600_000, poolPauseMs: 1_800_000 }, (event) => events.push(event.kind));
    // Every pool a block changed is observed; in an hour of mainnet that is tens of thousands.
    for (let i = 0; i < POOLS; i++) breaker.observe({ pool: address(0x1000 + i), liquidity: 1_000n, explainedByLog: true }, i);
    const peak = vi.spyOn(breaker as unknown as { peak: (pool: string, now: number) => bigint | undefined }, 'peak');
    // 100 ticks inside the window: nothing expires, so nothing to walk.
    for (let t = 0; t < 100; t++) breaker.tick(POOLS + t);
    expect(peak.mock.calls.length).toBeLessThanOrEqual(100);
    // Past the window for the first half of the pools: each expired pool is looked at once, the rest not.
    peak.mockClear();
    breaker.tick(3_600_000 + POOLS / 2);
    expect(peak.mock.calls.length).toBeGreaterThanOrEqual(POOLS / 2);
    expect(peak.mock.calls.length).toBeLessThanOrEqual(POOLS / 2 + 2); // the pools at the boundary, and one live
    peak.mockClear();
    breaker.tick(3_600_000 + POOLS / 2 + 1);
    expect(peak.mock.calls.length).toBeLessThanOrEqual(2);
    // Still a breaker: a pool that halves from its peak within the window is paused.
    const last = address(0x1000 + POOLS - 1);
    breaker.observe({ pool: last, liquidity: 400n, explainedByLog: true }, 3_600_000 + POOLS / 2 + 2);
    expect(events).toEqual(['trip']);
    expect(breaker.check({ pools: [last] } as never)?.breaker).toBe('liquidity');
  });
});
