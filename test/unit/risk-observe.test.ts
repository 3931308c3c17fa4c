import { describe, expect, it } from 'vitest';
import { observePool } from '../../src/risk/poolObservation.ts';
import type { V2Pair, V3Pool } from '../../src/state/types.ts';

const weth = '0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2' as const;
const usdc = '0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48' as const;
const pair = (reserve0: bigint, reserve1: bigint, token1: `0x${string}` = weth): V2Pair => ({ kind: 'v2', address: '0x0000000000000000000000000000000000000001', token0: usdc, token1, reserve0, reserve1, feeBps: 30n });

describe('observePool: what the price-jump and liquidity breakers see of a pool', () => {
  it('a V2 pair: reserve ratio on a 1e18 scale, liquidity = its WETH reserve', () => {
    expect(observePool(pair(3_000_000n * 10n ** 6n, 1_000n * 10n ** 18n), weth)).toEqual({
      pool: '0x0000000000000000000000000000000000000001',
      price: (1_000n * 10n ** 18n * 10n ** 18n) / (3_000_000n * 10n ** 6n),
      explainedByLog: true,
      liquidity: 1_000n * 10n ** 18n,
    });
    // Without WETH in the pair, reserve0 stands for its liquidity.
    expect(observePool(pair(5n, 7n, usdc), weth)?.liquidity).toBe(5n);
  });

  it('a V3 pool: sqrtPriceX96 squared and its active liquidity; an empty pair is not observed', () => {
    const pool = { kind: 'v3', address: '0x0000000000000000000000000000000000000002', token0: usdc, token1: weth, sqrtPriceX96: 3n << 96n, liquidity: 42n, tick: 0, fee: 500, tickSpacing: 10, ticks: [], liquidityNet: [], liquidityGross: [] } as unknown as V3Pool;
    expect(observePool(pool, weth)).toMatchObject({ price: 9n << 192n, liquidity: 42n, explainedByLog: true });
    expect(observePool(pair(0n, 0n), weth)).toBeUndefined();
  });

  it('a V3/V4 pool: the liquidity of its positions, unchanged by a swap that crosses out of one, lowered by a withdrawal', () => {
    // Two positions: 100 on [-60, 60] and 900 on [0, 120]; gross per tick -60: 100, 0: 900, 60: 100, 120: 900.
    const base = { kind: 'v3', address: '0x0000000000000000000000000000000000000003', token0: usdc, token1: weth, sqrtPriceX96: 1n << 96n, fee: 3000, tickSpacing: 60, ticks: [-60, 0, 60, 120], liquidityNet: [100n, 900n, -100n, -900n], liquidityGross: [100n, 900n, 100n, 900n] };
    const inBoth = { ...base, tick: 30, liquidity: 1000n } as unknown as V3Pool;
    const pastBoth = { ...base, tick: -30, liquidity: 100n } as unknown as V3Pool; // a swap moved the price out of the big position
    expect(observePool(inBoth, weth)?.liquidity).toBe(1000n);
    expect(observePool(pastBoth, weth)?.liquidity).toBe(1000n);
    const withdrawn = { ...base, tick: 30, liquidity: 100n, ticks: [-60, 60], liquidityNet: [100n, -100n], liquidityGross: [100n, 100n] } as unknown as V3Pool;
    expect(observePool(withdrawn, weth)?.liquidity).toBe(100n);
    // The ticks were read over a window: the observation says which.
    expect(observePool({ ...inBoth, wordRange: { from: -2, to: 2 } } as V3Pool, weth)?.liquidityBasis).toBe('words -2..2');
  });
});
