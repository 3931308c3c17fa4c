import { concat, encodeAbiParameters, encodeFunctionData, numberToHex, type Address, type Hex } from 'viem';
import {
  routerRecipients,
  swapRouter02Abi,
  swapRouterAbi,
  universalRouterAbi,
  universalRouterCommands,
  v2RouterAbi,
} from '../../abi/routers.ts';
import { mainnet } from '../../chain/addresses.ts';
import type { RouterKind } from '../scenario/schema.ts';
import { isV3, type Hop } from './route.ts';

export type SwapCall = { to: Address; data: Hex; value: bigint };

export type SwapCallParameters = {
  router: RouterKind;
  hops: readonly Hop[];
  amountIn: bigint;
  minAmountOut: bigint;
  recipient: Address;
  deadline: bigint;
  ethIn: boolean;
  ethOut: boolean;
};

export const routerAddress: Record<RouterKind, Address> = {
  uniswapV2Router02: mainnet.uniswapV2Router02,
  sushiswapRouter: mainnet.sushiswapRouter,
  swapRouter: mainnet.swapRouter,
  swapRouter02: mainnet.swapRouter02,
  universalRouter: mainnet.universalRouter,
};

/** V3 path bytes: token (20) fee (3) token (20) ... */
export function encodeV3Path(hops: readonly Hop[]): Hex {
  const parts: Hex[] = [hops[0]!.tokenIn.address];
  for (const hop of hops) parts.push(numberToHex(hop.pool.fee!, { size: 3 }), hop.tokenOut.address);
  return concat(parts);
}

export const v2Path = (hops: readonly Hop[]): Address[] => [hops[0]!.tokenIn.address, ...hops.map((hop) => hop.tokenOut.address)];

const takesFee = (hops: readonly Hop[]) =>
  hops.some((hop) => hop.tokenIn.kind === 'feeOnTransfer' || hop.tokenOut.kind === 'feeOnTransfer');

/** The exact-input swap transaction a user of `router` would send, the way the router's own UI encodes it. */
export function buildSwapCall(parameters: SwapCallParameters): SwapCall {
  const { router, hops, amountIn, minAmountOut, recipient, deadline, ethIn, ethOut } = parameters;
  const to = routerAddress[router];
  const value = ethIn ? amountIn : 0n;
  const v3 = isV3(hops[0]!.pool);

  if (router === 'uniswapV2Router02' || router === 'sushiswapRouter') {
    const path = v2Path(hops);
    const fot = takesFee(hops) ? 'SupportingFeeOnTransferTokens' : '';
    const data = ethIn
      ? encodeFunctionData({ abi: v2RouterAbi, functionName: `swapExactETHForTokens${fot}`, args: [minAmountOut, path, recipient, deadline] })
      : encodeFunctionData({
          abi: v2RouterAbi,
          functionName: ethOut ? `swapExactTokensForETH${fot}` : `swapExactTokensForTokens${fot}`,
          args: [amountIn, minAmountOut, path, recipient, deadline],
        });
    return { to, data, value };
  }

  if (router === 'swapRouter') {
    const swapRecipient = ethOut ? to : recipient;
    const swap =
      hops.length === 1
        ? encodeFunctionData({
            abi: swapRouterAbi,
            functionName: 'exactInputSingle',
            args: [{ tokenIn: hops[0]!.tokenIn.address, tokenOut: hops[0]!.tokenOut.address, fee: hops[0]!.pool.fee!, recipient: swapRecipient, deadline, amountIn, amountOutMinimum: minAmountOut, sqrtPriceLimitX96: 0n }],
          })
        : encodeFunctionData({
            abi: swapRouterAbi,
            functionName: 'exactInput',
            args: [{ path: encodeV3Path(hops), recipient: swapRecipient, deadline, amountIn, amountOutMinimum: minAmountOut }],
          });
    if (!ethOut) return { to, data: swap, value };
    const unwrap = encodeFunctionData({ abi: swapRouterAbi, functionName: 'unwrapWETH9', args: [minAmountOut, recipient] });
    return { to, data: encodeFunctionData({ abi: swapRouterAbi, functionName: 'multicall', args: [[swap, unwrap]] }), value };
  }

  if (router === 'swapRouter02') {
    const swapRecipient = ethOut ? routerRecipients.ADDRESS_THIS : recipient;
    let swap: Hex;
    if (!v3) {
      swap = encodeFunctionData({ abi: swapRouter02Abi, functionName: 'swapExactTokensForTokens', args: [amountIn, minAmountOut, v2Path(hops), swapRecipient] });
    } else if (hops.length === 1) {
      swap = encodeFunctionData({
        abi: swapRouter02Abi,
        functionName: 'exactInputSingle',
        args: [{ tokenIn: hops[0]!.tokenIn.address, tokenOut: hops[0]!.tokenOut.address, fee: hops[0]!.pool.fee!, recipient: swapRecipient, amountIn, amountOutMinimum: minAmountOut, sqrtPriceLimitX96: 0n }],
      });
    } else {
      swap = encodeFunctionData({ abi: swapRouter02Abi, functionName: 'exactInput', args: [{ path: encodeV3Path(hops), recipient: swapRecipient, amountIn, amountOutMinimum: minAmountOut }] });
    }
    const calls = ethOut
      ? [swap, encodeFunctionData({ abi: swapRouter02Abi, functionName: 'unwrapWETH9', args: [minAmountOut, recipient] })]
      : [swap];
    return { to, data: encodeFunctionData({ abi: swapRouter02Abi, functionName: 'multicall', args: [deadline, calls] }), value };
  }

  // UniversalRouter: the user sends ETH, the router wraps it and pays the pool from its own balance.
  const { WRAP_ETH, V2_SWAP_EXACT_IN, V3_SWAP_EXACT_IN } = universalRouterCommands;
  const wrap = encodeAbiParameters([{ type: 'address' }, { type: 'uint256' }], [routerRecipients.ADDRESS_THIS, amountIn]);
  const swap = v3
    ? encodeAbiParameters(
        [{ type: 'address' }, { type: 'uint256' }, { type: 'uint256' }, { type: 'bytes' }, { type: 'bool' }],
        [recipient, amountIn, minAmountOut, encodeV3Path(hops), false],
      )
    : encodeAbiParameters(
        [{ type: 'address' }, { type: 'uint256' }, { type: 'uint256' }, { type: 'address[]' }, { type: 'bool' }],
        [recipient, amountIn, minAmountOut, v2Path(hops), false],
      );
  const commands = numberToHex(WRAP_ETH, { size: 1 }) + numberToHex(v3 ? V3_SWAP_EXACT_IN : V2_SWAP_EXACT_IN, { size: 1 }).slice(2);
  return {
    to,
    data: encodeFunctionData({ abi: universalRouterAbi, functionName: 'execute', args: [commands as Hex, [wrap, swap], deadline] }),
    value: amountIn,
  };
}
