import { getAddress } from 'viem';
import { describe, expect, it } from 'vitest';
import { MarketState } from '../../src/state/market.ts';
import type { V2Pair } from '../../src/state/types.ts';
import { sizingEntries, victimGrid } from '../../src/strategy/sizingTable.ts';

const weth = getAddress('0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2');
const usdc = getAddress('0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48');
const pair = (n: number, reserveUsdc: bigint, reserveWeth: bigint): V2Pair => ({
  kind: 'v2',
  address: getAddress(`0x${n.toString(16).padStart(40, '0')}`),
  token0: usdc,
  token1: weth,
  reserve0: reserveUsdc,
  reserve1: reserveWeth,
  feeBps: 30n,
});

describe('sizingEntries (the bot side of executeSized; checked against the chain in executor-sized.test.ts)', () => {
  const uni = pair(1, 6_000_000n * 10n ** 6n, 2_000n * 10n ** 18n);
  const sushi = pair(2, 1_800_000n * 10n ** 6n, 600n * 10n ** 18n);
  const market = new MarketState();
  market.reset([uni, sushi], { number: 1n, hash: `0x${'11'.repeat(32)}`, parentHash: `0x${'00'.repeat(32)}` });
  const cycle = {
    startToken: weth,
    hops: [
      { pool: uni, tokenIn: weth, tokenOut: usdc, zeroForOne: false },
      { pool: sushi, tokenIn: usdc, tokenOut: weth, zeroForOne: true },
    ],
  };

  it('keys the pool after each victim size: reserve0 grows by the victim input, and no victim means no input', () => {
    const grid = victimGrid(300_000n * 10n ** 6n, 4);
    expect(grid).toEqual([0n, 100_000n * 10n ** 6n, 200_000n * 10n ** 6n, 300_000n * 10n ** 6n]);
    const entries = sizingEntries({ market, pool: uni.address, victimZeroForOne: true, victimAmounts: grid, cycle });
    expect(entries.map((entry) => entry.key)).toEqual(grid.map((amount) => uni.reserve0 + amount));
    expect(entries[0]!.amountIn).toBe(0n);
    // A bigger victim opens a bigger gap: a bigger backrun.
    for (let i = 2; i < entries.length; i++) expect(entries[i]!.amountIn).toBeGreaterThan(entries[i - 1]!.amountIn);
    // The same size twice gives one key: the table's keys must strictly increase.
    expect(sizingEntries({ market, pool: uni.address, victimZeroForOne: true, victimAmounts: [...grid, grid[3]!], cycle })).toHaveLength(4);
  });

  it('refuses a cycle that does not swap in the touched pool, and a grid of one point', () => {
    expect(() => sizingEntries({ market, pool: pair(3, 1n, 1n).address, victimZeroForOne: true, victimAmounts: [0n, 1n], cycle })).toThrow(/does not swap in/);
    expect(() => victimGrid(10n, 1)).toThrow(/at least 2 points/);
  });
});
