import { toFunctionSelector } from 'viem';
import type { SwapIntent, SwapProtocol } from '../types.ts';
import { Calldata, CalldataError } from './calldata.ts';
import { intent, type DecodeContext } from './intent.ts';

type Layout = { kind: SwapIntent['kind']; ethIn: boolean };

/** Uniswap V2 Router02 swap functions (also every V2 fork router: same ABI). Selector (no 0x) -> layout. */
export const v2RouterSelectors: ReadonlyMap<string, Layout> = new Map(
  (
    [
      ['swapExactTokensForTokens(uint256,uint256,address[],address,uint256)', 'exactIn', false],
      ['swapTokensForExactTokens(uint256,uint256,address[],address,uint256)', 'exactOut', false],
      ['swapExactETHForTokens(uint256,address[],address,uint256)', 'exactIn', true],
      ['swapTokensForExactETH(uint256,uint256,address[],address,uint256)', 'exactOut', false],
      ['swapExactTokensForETH(uint256,uint256,address[],address,uint256)', 'exactIn', false],
      ['swapETHForExactTokens(uint256,address[],address,uint256)', 'exactOut', true],
      ['swapExactTokensForTokensSupportingFeeOnTransferTokens(uint256,uint256,address[],address,uint256)', 'exactIn', false],
      ['swapExactETHForTokensSupportingFeeOnTransferTokens(uint256,address[],address,uint256)', 'exactIn', true],
      ['swapExactTokensForETHSupportingFeeOnTransferTokens(uint256,uint256,address[],address,uint256)', 'exactIn', false],
    ] as const
  ).map(([signature, kind, ethIn]) => [toFunctionSelector(signature).slice(2), { kind, ethIn }]),
);

/**
 * A V2 router call. ETH-in functions take the input from the transaction's value (exact input) or as the
 * maximum input (swapETHForExactTokens). Returns undefined for router functions that are not swaps.
 */
export function decodeV2RouterCall(selector: string, data: Calldata, context: DecodeContext, protocol: SwapProtocol): SwapIntent[] | undefined {
  const layout = v2RouterSelectors.get(selector);
  if (!layout) return undefined;
  let path: string[];
  let amountIn: bigint;
  let amountOut: bigint;
  let recipient: string;
  let deadline: bigint;
  if (layout.ethIn) {
    // (amountOutMin | amountOut, path, to, deadline), the input is msg.value
    path = data.addressArray(1);
    recipient = data.address(2);
    deadline = data.uint(3);
    amountIn = context.value;
    amountOut = data.uint(0);
  } else {
    // (amountIn, amountOutMin) for exact input, (amountOut, amountInMax) for exact output
    path = data.addressArray(2);
    recipient = data.address(3);
    deadline = data.uint(4);
    [amountIn, amountOut] = layout.kind === 'exactIn' ? [data.uint(0), data.uint(1)] : [data.uint(1), data.uint(0)];
  }
  if (path.length < 2) throw new CalldataError('a swap path needs two tokens');
  return [intent(protocol, context, layout.kind, path, path.slice(1).map(() => null), amountIn, amountOut, recipient, deadline)];
}
