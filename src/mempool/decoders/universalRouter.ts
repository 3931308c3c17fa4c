import { toFunctionSelector } from 'viem';
import type { SwapIntent } from '../types.ts';
import { Calldata, CalldataError, decodeV3Path } from './calldata.ts';
import { intent, mapRecipient, resolveForwardedRecipients, type DecodeContext } from './intent.ts';

export const universalRouterSelectors = {
  executeWithDeadline: toFunctionSelector('execute(bytes,bytes[],uint256)').slice(2),
  execute: toFunctionSelector('execute(bytes,bytes[])').slice(2),
} as const;

const COMMAND_MASK = 0x3f;
const V3_SWAP_EXACT_IN = 0x00;
const V3_SWAP_EXACT_OUT = 0x01;
const V2_SWAP_EXACT_IN = 0x08;
const V2_SWAP_EXACT_OUT = 0x09;
const WRAP_ETH = 0x0b;
const UNWRAP_WETH = 0x0c;
/** "Use the router's whole balance" (ActionConstants.CONTRACT_BALANCE). */
const CONTRACT_BALANCE = 1n << 255n;

/**
 * UniversalRouter `execute`: V2/V3 swap commands become swaps; WRAP_ETH and UNWRAP_WETH resolve amounts and
 * recipients; every other command (Permit2, V4, NFT, ...) is recognised and skipped.
 */
export function decodeUniversalRouterCall(selectorHex: string, data: Calldata, context: DecodeContext): SwapIntent[] | undefined {
  if (selectorHex !== universalRouterSelectors.execute && selectorHex !== universalRouterSelectors.executeWithDeadline) return undefined;
  const commands = data.bytes(0);
  const inputs = data.bytesArray(1);
  if (commands.length / 2 !== inputs.length) throw new CalldataError('commands and inputs differ in length');
  const withDeadline = selectorHex === universalRouterSelectors.executeWithDeadline ? { ...context, deadline: data.uint(2) } : context;
  const swaps: SwapIntent[] = [];
  let wrapped: bigint | undefined;
  let unwrappedTo: string | undefined;
  for (let i = 0; i < inputs.length; i++) {
    const command = Number.parseInt(commands.slice(i * 2, i * 2 + 2), 16) & COMMAND_MASK;
    const input = new Calldata(inputs[i]!);
    switch (command) {
      case WRAP_ETH: {
        const amount = input.uint(1);
        wrapped = amount === CONTRACT_BALANCE ? context.value : amount;
        break;
      }
      case UNWRAP_WETH:
        unwrappedTo = mapRecipient(input.address(0), context);
        break;
      case V2_SWAP_EXACT_IN:
      case V2_SWAP_EXACT_OUT: {
        const path = input.addressArray(3);
        if (path.length < 2) throw new CalldataError('a swap path needs two tokens');
        const exactIn = command === V2_SWAP_EXACT_IN;
        let [amountIn, amountOut] = exactIn ? [input.uint(1), input.uint(2)] : [input.uint(2), input.uint(1)];
        if (amountIn === CONTRACT_BALANCE) amountIn = wrapped ?? context.value;
        swaps.push(intent('uniswap-v2', withDeadline, exactIn ? 'exactIn' : 'exactOut', path, path.slice(1).map(() => null), amountIn, amountOut, input.address(0)));
        break;
      }
      case V3_SWAP_EXACT_IN:
      case V3_SWAP_EXACT_OUT: {
        const exactIn = command === V3_SWAP_EXACT_IN;
        let { tokens, fees } = decodeV3Path(input.bytes(3));
        if (!exactIn) {
          tokens = tokens.reverse();
          fees = fees.reverse();
        }
        let [amountIn, amountOut] = exactIn ? [input.uint(1), input.uint(2)] : [input.uint(2), input.uint(1)];
        if (amountIn === CONTRACT_BALANCE) amountIn = wrapped ?? context.value;
        swaps.push(intent('uniswap-v3', withDeadline, exactIn ? 'exactIn' : 'exactOut', tokens, fees, amountIn, amountOut, input.address(0)));
        break;
      }
      default:
        break; // recognised, not a V2/V3 swap
    }
  }
  resolveForwardedRecipients(swaps, unwrappedTo, context.router);
  return swaps.length > 0 ? swaps : undefined;
}
