import { CurrencyAmount } from '@uniswap/sdk-core';
import { describe, expect, it } from 'vitest';
import { getAmountOut } from '../../src/amm/v2.ts';
import { quoteV3ExactInput, simulateV3Swap } from '../../src/amm/v3/pool.ts';
import { benchV3Pool, inputCrossing, sdkPair, sdkV3Pool, tokenA, tokenB, v2Reserves } from '../helpers/benchPools.ts';

// The benchmarks compare speed; this proves both sides compute the same numbers on the same state.
describe('same answers as the Uniswap SDKs on the benchmark state', () => {
  it('V2', () => {
    for (const amount of [1n, 10n ** 15n, 3n * 10n ** 18n, 10n ** 24n]) {
      const [sdkOut] = sdkPair.getOutputAmount(CurrencyAmount.fromRawAmount(tokenB, amount.toString()));
      expect(getAmountOut(amount, v2Reserves.reserve1, v2Reserves.reserve0)).toBe(BigInt(sdkOut.quotient.toString()));
    }
  });

  it.each([0, 1, 10])('V3 crossing %i initialized ticks', async (crossings) => {
    const pool = benchV3Pool();
    const amountIn = inputCrossing(pool, crossings);
    expect(simulateV3Swap(pool, { zeroForOne: false, amountSpecified: amountIn }).ticksCrossed).toBe(crossings);
    const [sdkOut] = await sdkV3Pool(pool).getOutputAmount(CurrencyAmount.fromRawAmount(tokenB, amountIn.toString()));
    expect(quoteV3ExactInput(pool, false, amountIn)).toBe(BigInt(sdkOut.quotient.toString()));
  });
});
