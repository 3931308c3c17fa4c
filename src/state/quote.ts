import { getAddress, type Address } from 'viem';
import { SearcherError } from '../errors.ts';
import type { Pool } from './types.ts';
import { getAmountOut } from '../amm/v2.ts';
import { quoteV3ExactInput } from '../amm/v3/pool.ts';
import { quoteV4ExactInput, V4SwapError } from '../amm/v4/pool.ts';

/** A quote that cannot be answered from the request (wrong token, bad amount, not a pool). */
export class QuoteError extends SearcherError {
  constructor(message: string) {
    super('QUOTE', message);
  }
}

/** Exact-input quote on a loaded pool, from our own math (no on-chain quoter). */
export function quoteExactInput(pool: Pool, tokenIn: Address, amountIn: bigint): bigint {
  const token = getAddress(tokenIn);
  if (token !== pool.token0 && token !== pool.token1) {
    throw new QuoteError(`token ${token} is not in pool ${pool.address} (${pool.token0} / ${pool.token1})`);
  }
  if (amountIn <= 0n) throw new QuoteError('amountIn must be positive');
  const zeroForOne = token === pool.token0;
  if (pool.kind === 'v2') {
    const [reserveIn, reserveOut] = zeroForOne ? [pool.reserve0, pool.reserve1] : [pool.reserve1, pool.reserve0];
    return getAmountOut(amountIn, reserveIn, reserveOut, pool.feeBps);
  }
  if (pool.kind === 'v4') {
    // Fail closed: a hook that acts around swaps may change the amounts; our math alone would answer wrongly.
    if (pool.simulateOnly) throw new QuoteError(`V4 pool ${pool.address} has swap hooks (${pool.key.hooks}): simulate only, never quoted by our math alone`);
    try {
      return quoteV4ExactInput(pool, zeroForOne, amountIn);
    } catch (error) {
      if (error instanceof V4SwapError) throw new QuoteError(`V4 pool ${pool.address} cannot take ${amountIn}: ${error.message}`);
      throw error;
    }
  }
  return quoteV3ExactInput(pool, zeroForOne, amountIn);
}
