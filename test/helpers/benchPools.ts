import { Token, CurrencyAmount } from '@uniswap/sdk-core';
import { Pair } from '@uniswap/v2-sdk';
import { Pool as SdkV3Pool, TickListDataProvider } from '@uniswap/v3-sdk';
import { getAddress } from 'viem';
import { simulateV3Swap } from '../../src/amm/v3/pool.ts';
import { getSqrtRatioAtTick } from '../../src/amm/v3/tickMath.ts';
import type { V3Pool } from '../../src/state/types.ts';

/** Shared fixtures for the quote benchmarks and the SDK parity test: the same state on both sides. */
export const tokenA = new Token(1, getAddress('0x6B175474E89094C44Da98b954EedeAC495271d0F'), 18, 'DAI');
export const tokenB = new Token(1, getAddress('0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2'), 18, 'WETH');

export const v2Reserves = { reserve0: 3_000_000n * 10n ** 18n, reserve1: 1_000n * 10n ** 18n };
export const sdkPair = new Pair(
  CurrencyAmount.fromRawAmount(tokenA, v2Reserves.reserve0.toString()),
  CurrencyAmount.fromRawAmount(tokenB, v2Reserves.reserve1.toString()),
);

/** A 0.3% pool at tick 0 with 20 nested positions [-60k, 60k): 40 initialized ticks, liquidity falling outwards. */
export function benchV3Pool(): V3Pool {
  const ticks: number[] = [];
  const liquidityNet: bigint[] = [];
  const liquidityGross: bigint[] = [];
  const per = 10n ** 21n;
  for (let k = 20; k >= 1; k--) {
    ticks.push(-60 * k);
    liquidityNet.push(per);
    liquidityGross.push(per);
  }
  for (let k = 1; k <= 20; k++) {
    ticks.push(60 * k);
    liquidityNet.push(-per);
    liquidityGross.push(per);
  }
  return {
    kind: 'v3',
    address: getAddress('0x0000000000000000000000000000000000000003'),
    token0: tokenA.address as `0x${string}`,
    token1: tokenB.address as `0x${string}`,
    fee: 3000,
    tickSpacing: 60,
    sqrtPriceX96: getSqrtRatioAtTick(0) + 12345n,
    tick: 0,
    liquidity: per * 20n,
    ticks,
    liquidityNet,
    liquidityGross,
  };
}

export function sdkV3Pool(pool: V3Pool): SdkV3Pool {
  const ticks = pool.ticks.map((index, i) => ({ index, liquidityNet: pool.liquidityNet[i]!.toString(), liquidityGross: pool.liquidityGross[i]!.toString() }));
  return new SdkV3Pool(tokenA, tokenB, pool.fee, pool.sqrtPriceX96.toString(), pool.liquidity.toString(), pool.tick, new TickListDataProvider(ticks, pool.tickSpacing));
}

/** The smallest exact input (token1 in) that crosses `crossings` initialized ticks, found with our simulation. */
export function inputCrossing(pool: V3Pool, crossings: number): bigint {
  if (crossings === 0) return 10n ** 18n;
  let low = 1n;
  let high = 10n ** 30n;
  while (low < high) {
    const mid = (low + high) / 2n;
    if (simulateV3Swap(pool, { zeroForOne: false, amountSpecified: mid }).ticksCrossed >= crossings) high = mid;
    else low = mid + 1n;
  }
  return low + 10n ** 15n; // a little past the tick, inside the next range
}
