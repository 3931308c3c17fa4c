import { getAddress, type Hex } from 'viem';
import { describe, expect, it } from 'vitest';
import { getSqrtRatioAtTick } from '../../src/amm/v3/tickMath.ts';
import { createLogger } from '../../src/log.ts';
import { applyPoolEvent } from '../../src/state/apply.ts';
import type { PoolLog } from '../../src/state/events.ts';
import { StateFollower } from '../../src/state/follower.ts';
import { MarketState } from '../../src/state/market.ts';
import type { V2Pair, V3Pool } from '../../src/state/types.ts';

const pair: V2Pair = {
  kind: 'v2',
  address: getAddress('0x00000000000000000000000000000000000000a1'),
  token0: getAddress('0x00000000000000000000000000000000000000b1'),
  token1: getAddress('0x00000000000000000000000000000000000000b2'),
  reserve0: 1000n,
  reserve1: 2000n,
  feeBps: 30n,
};
const pool: V3Pool = {
  kind: 'v3',
  address: getAddress('0x00000000000000000000000000000000000000a2'),
  token0: pair.token0,
  token1: pair.token1,
  fee: 3000,
  tickSpacing: 60,
  sqrtPriceX96: getSqrtRatioAtTick(0),
  tick: 0,
  liquidity: 0n,
  ticks: [],
  liquidityNet: [],
  liquidityGross: [],
};
const hash = (n: number) => `0x${n.toString(16).padStart(64, '0')}` as Hex;
const block = (n: number) => ({ number: BigInt(n), hash: hash(n), parentHash: hash(n - 1) });
const sync = (reserve0: bigint, n: number): PoolLog => ({
  address: pair.address,
  event: { kind: 'sync', reserve0, reserve1: 1n },
  blockNumber: BigInt(n),
  blockHash: hash(n),
  logIndex: 0,
  removed: false,
});

describe('applyPoolEvent', () => {
  it('keeps a tick initialized while any position uses it, even at zero liquidityNet', () => {
    let next = applyPoolEvent(pool, { kind: 'v3mint', tickLower: -60, tickUpper: 60, amount: 5n }) as V3Pool;
    next = applyPoolEvent(next, { kind: 'v3mint', tickLower: 60, tickUpper: 120, amount: 5n }) as V3Pool;
    expect(next.ticks).toEqual([-60, 60, 120]);
    expect(next.liquidityNet).toEqual([5n, 0n, -5n]); // tick 60: -5 + 5
    expect(next.liquidityGross).toEqual([5n, 10n, 5n]);
    expect(next.liquidity).toBe(5n); // only the first range holds tick 0
    next = applyPoolEvent(next, { kind: 'v3burn', tickLower: -60, tickUpper: 60, amount: 5n }) as V3Pool;
    expect(next.ticks).toEqual([60, 120]);
    expect(next.liquidity).toBe(0n);
    expect(pool.ticks).toEqual([]); // never mutated
  });

  it('refuses events that cannot apply to the pool', () => {
    expect(() => applyPoolEvent(pool, { kind: 'sync', reserve0: 1n, reserve1: 1n })).toThrow(/Sync on V3 pool/);
    expect(() => applyPoolEvent(pool, { kind: 'v3burn', tickLower: -60, tickUpper: 60, amount: 1n })).toThrow(/uninitialized tick/);
  });
});

describe('MarketState journal', () => {
  it('undoes blocks newest first and refuses a block that does not extend the head', () => {
    const market = new MarketState(64);
    market.reset([pair, pool], block(10));
    market.applyBlock(block(11), [sync(1100n, 11)]);
    market.applyBlock(block(12), [sync(1200n, 12)]);
    expect(() => market.applyBlock({ ...block(14), parentHash: hash(99) }, [])).toThrow(/does not extend/);
    market.rollback();
    expect((market.get(pair.address) as V2Pair).reserve0).toBe(1100n);
    expect(market.head!.hash).toBe(hash(11));
    market.rollback();
    expect(market.get(pair.address)).toBe(pair);
    expect(() => market.rollback()).toThrow(/re-bootstrap/);
  });

  it('forgets blocks beyond its depth', () => {
    const market = new MarketState(3);
    market.reset([pair], block(0));
    for (let n = 1; n <= 10; n++) market.applyBlock(block(n), [sync(BigInt(n), n)]);
    expect(market.journalDepth).toBe(3);
  });

  it('rolls back past a block whose log came back removed', async () => {
    const market = new MarketState(64);
    market.reset([pair], block(20));
    for (let n = 21; n <= 24; n++) market.applyBlock(block(n), [sync(BigInt(n), n)]);
    // The follower does no I/O for removed logs; it only needs the market.
    const follower = new StateFollower({ client: undefined as never, market, logger: createLogger('test') });
    await follower.handleRemovedLog(hash(23));
    expect(market.head!.number).toBe(22n);
    expect((market.get(pair.address) as V2Pair).reserve0).toBe(22n);
    expect(follower.stats.rolledBack).toBe(2);
    await follower.handleRemovedLog(hash(99)); // unknown block: nothing to undo
    expect(market.head!.number).toBe(22n);
  });
});
