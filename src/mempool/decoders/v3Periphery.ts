import { toFunctionSelector } from 'viem';
import type { SwapIntent } from '../types.ts';
import { Calldata, CalldataError, decodeV3Path } from './calldata.ts';
import { intent, mapRecipient, resolveForwardedRecipients, type DecodeContext } from './intent.ts';

const selector = (signature: string) => toFunctionSelector(signature).slice(2);

/** SwapRouter (v1) and SwapRouter02 functions, by selector. Their struct layouts differ, so do selectors. */
const s = {
  // SwapRouter: params carry a deadline
  exactInputSingle1: selector('exactInputSingle((address,address,uint24,address,uint256,uint256,uint256,uint160))'),
  exactOutputSingle1: selector('exactOutputSingle((address,address,uint24,address,uint256,uint256,uint256,uint160))'),
  exactInput1: selector('exactInput((bytes,address,uint256,uint256,uint256))'),
  exactOutput1: selector('exactOutput((bytes,address,uint256,uint256,uint256))'),
  // SwapRouter02: no deadline in params (multicall carries it), plus V2 swaps
  exactInputSingle2: selector('exactInputSingle((address,address,uint24,address,uint256,uint256,uint160))'),
  exactOutputSingle2: selector('exactOutputSingle((address,address,uint24,address,uint256,uint256,uint160))'),
  exactInput2: selector('exactInput((bytes,address,uint256,uint256))'),
  exactOutput2: selector('exactOutput((bytes,address,uint256,uint256))'),
  v2ExactIn: selector('swapExactTokensForTokens(uint256,uint256,address[],address)'),
  v2ExactOut: selector('swapTokensForExactTokens(uint256,uint256,address[],address)'),
  // batching and the calls that forward what a swap left in the router
  multicall: selector('multicall(bytes[])'),
  multicallDeadline: selector('multicall(uint256,bytes[])'),
  multicallBlockhash: selector('multicall(bytes32,bytes[])'),
  unwrapWETH9: selector('unwrapWETH9(uint256,address)'),
  sweepToken: selector('sweepToken(address,uint256,address)'),
} as const;

export const v3PeripherySelectors: ReadonlySet<string> = new Set(Object.values(s));

const MAX_DEPTH = 4;

/** A single-pool swap's params: (tokenIn, tokenOut, fee, recipient, [deadline], amount, limitAmount, sqrtPriceLimit). */
function single(data: Calldata, context: DecodeContext, kind: SwapIntent['kind'], withDeadline: boolean): SwapIntent {
  const p = data.inline(0);
  const shift = withDeadline ? 1 : 0;
  const fee = p.smallAt(64);
  const specified = p.uint(4 + shift);
  const limit = p.uint(5 + shift);
  const [amountIn, amountOut] = kind === 'exactIn' ? [specified, limit] : [limit, specified];
  const deadline = withDeadline ? p.uint(4) : context.deadline;
  return intent('uniswap-v3', context, kind, [p.address(0), p.address(1)], [fee], amountIn, amountOut, p.address(3), deadline);
}

/** A path swap's params: (bytes path, recipient, [deadline], amount, limitAmount). Exact-output paths are stored reversed. */
function multihop(data: Calldata, context: DecodeContext, kind: SwapIntent['kind'], withDeadline: boolean): SwapIntent {
  const p = data.tuple(0);
  const shift = withDeadline ? 1 : 0;
  let { tokens, fees } = decodeV3Path(p.bytes(0));
  if (kind === 'exactOut') {
    tokens = tokens.reverse();
    fees = fees.reverse();
  }
  const specified = p.uint(2 + shift);
  const limit = p.uint(3 + shift);
  const [amountIn, amountOut] = kind === 'exactIn' ? [specified, limit] : [limit, specified];
  const deadline = withDeadline ? p.uint(2) : context.deadline;
  return intent('uniswap-v3', context, kind, tokens, fees, amountIn, amountOut, p.address(1), deadline);
}

function v2Swap(data: Calldata, context: DecodeContext, kind: SwapIntent['kind']): SwapIntent {
  const path = data.addressArray(2);
  if (path.length < 2) throw new CalldataError('a swap path needs two tokens');
  const [amountIn, amountOut] = kind === 'exactIn' ? [data.uint(0), data.uint(1)] : [data.uint(1), data.uint(0)];
  return intent('uniswap-v2', context, kind, path, path.slice(1).map(() => null), amountIn, amountOut, data.address(3));
}

/**
 * A SwapRouter or SwapRouter02 call, including multicalls (with a deadline, a previous block hash, or
 * neither; nested). Returns undefined for calls that are not swaps and contain none.
 */
export function decodeV3PeripheryCall(selectorHex: string, data: Calldata, context: DecodeContext, depth = 0): SwapIntent[] | undefined {
  switch (selectorHex) {
    case s.exactInputSingle1:
      return [single(data, context, 'exactIn', true)];
    case s.exactOutputSingle1:
      return [single(data, context, 'exactOut', true)];
    case s.exactInput1:
      return [multihop(data, context, 'exactIn', true)];
    case s.exactOutput1:
      return [multihop(data, context, 'exactOut', true)];
    case s.exactInputSingle2:
      return [single(data, context, 'exactIn', false)];
    case s.exactOutputSingle2:
      return [single(data, context, 'exactOut', false)];
    case s.exactInput2:
      return [multihop(data, context, 'exactIn', false)];
    case s.exactOutput2:
      return [multihop(data, context, 'exactOut', false)];
    case s.v2ExactIn:
      return [v2Swap(data, context, 'exactIn')];
    case s.v2ExactOut:
      return [v2Swap(data, context, 'exactOut')];
    case s.multicall:
    case s.multicallDeadline:
    case s.multicallBlockhash: {
      if (depth >= MAX_DEPTH) throw new CalldataError('multicall nested too deep');
      const calls = selectorHex === s.multicall ? data.bytesArray(0) : data.bytesArray(1);
      const withDeadline = selectorHex === s.multicallDeadline ? { ...context, deadline: data.uint(0) } : context;
      const swaps: SwapIntent[] = [];
      let forwardedTo: string | undefined;
      for (const call of calls) {
        const callSelector = call.slice(0, 8);
        const callData = new Calldata(call.slice(8));
        if (callSelector === s.unwrapWETH9) forwardedTo = mapRecipient(callData.address(1), context);
        else if (callSelector === s.sweepToken) forwardedTo = mapRecipient(callData.address(2), context);
        else swaps.push(...(decodeV3PeripheryCall(callSelector, callData, withDeadline, depth + 1) ?? []));
      }
      resolveForwardedRecipients(swaps, forwardedTo, context.router);
      return swaps.length > 0 ? swaps : undefined;
    }
    default:
      return undefined;
  }
}
