import { CurrencyAmount } from '@uniswap/sdk-core';
import { bench, describe } from 'vitest';
import { getAmountOut } from '../../src/amm/v2.ts';
import { quoteV3ExactInput } from '../../src/amm/v3/pool.ts';
import { benchV3Pool, inputCrossing, sdkPair, sdkV3Pool, tokenB, v2Reserves } from '../helpers/benchPools.ts';

// Same pool state on both sides; test/unit/sdk-parity.test.ts asserts the results are equal.
describe('V2 exact-input quote', () => {
  const amount = 3n * 10n ** 18n;
  const sdkAmount = CurrencyAmount.fromRawAmount(tokenB, amount.toString());
  bench('searcher getAmountOut', () => {
    getAmountOut(amount, v2Reserves.reserve1, v2Reserves.reserve0);
  });
  bench('@uniswap/v2-sdk Pair.getOutputAmount', () => {
    sdkPair.getOutputAmount(sdkAmount);
  });
});

for (const crossings of [0, 1, 10]) {
  describe(`V3 exact-input quote crossing ${crossings} initialized ticks`, () => {
    const pool = benchV3Pool();
    const sdkPool = sdkV3Pool(pool);
    const amount = inputCrossing(pool, crossings);
    const sdkAmount = CurrencyAmount.fromRawAmount(tokenB, amount.toString());
    bench('searcher quoteV3ExactInput', () => {
      quoteV3ExactInput(pool, false, amount);
    });
    bench('@uniswap/v3-sdk Pool.getOutputAmount', async () => {
      await sdkPool.getOutputAmount(sdkAmount);
    });
  });
}
