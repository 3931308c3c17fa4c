import { toFunctionSelector } from 'viem';
import type { SwapIntent } from '../types.ts';
import { Calldata } from './calldata.ts';
import { intent, type DecodeContext } from './intent.ts';

export const pairSwapSelector = toFunctionSelector('swap(uint256,uint256,address,bytes)').slice(2);

/** Token addresses of a known pair (from the market state). */
export type PairTokens = { token0: string; token1: string };

/**
 * A direct `pair.swap(amount0Out, amount1Out, to, data)`: an exact-output swap whose input was (or, with
 * callback data, will be) paid separately, so its maximum input is unknown (reported as 0).
 */
export function decodePairSwap(data: Calldata, context: DecodeContext, tokens: PairTokens): SwapIntent[] {
  const amount0Out = data.uint(0);
  const amount1Out = data.uint(1);
  const zeroForOne = amount0Out === 0n;
  const path = zeroForOne ? [tokens.token0, tokens.token1] : [tokens.token1, tokens.token0];
  return [intent('v2-pair', context, 'exactOut', path, [null], 0n, zeroForOne ? amount1Out : amount0Out, data.address(2), null)];
}
