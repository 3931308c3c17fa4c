import { toFunctionSelector } from 'viem';
import type { SwapIntent, UniversalRouterVersion } from '../types.ts';
import { Calldata, CalldataError, decodeV3Path } from './calldata.ts';
import { intent, mapRecipient, resolveForwardedRecipients, ZERO, type DecodeContext } from './intent.ts';
import { decodeV4Swap, type Bound } from './v4Swap.ts';

export const universalRouterSelectors = {
  executeWithDeadline: toFunctionSelector('execute(bytes,bytes[],uint256)').slice(2),
  execute: toFunctionSelector('execute(bytes,bytes[])').slice(2),
  /** 2.1: a route signed by a third party; the caller still pays and is MSG_SENDER (the lock's locker). */
  executeSigned: toFunctionSelector('executeSigned(bytes,bytes[],bytes32,bytes32,bool,bytes32,bytes,uint256)').slice(2),
} as const;

const selectors = new Set<string>(Object.values(universalRouterSelectors));

export function isUniversalRouterSelector(selectorHex: string): boolean {
  return selectors.has(selectorHex);
}

/** Commands.COMMAND_TYPE_MASK: 0x3f up to 2.0, 0x7f from 2.1 (0x40 became ACROSS_V4_DEPOSIT_V3). */
const COMMAND_MASK = 0x3f;
const COMMAND_MASK_2_1 = 0x7f;
const V4_SWAP = 0x10;
const EXECUTE_SUB_PLAN = 0x21;
const MAX_SUB_PLAN_DEPTH = 4;
const V3_SWAP_EXACT_IN = 0x00;
const V3_SWAP_EXACT_OUT = 0x01;
const V2_SWAP_EXACT_IN = 0x08;
const V2_SWAP_EXACT_OUT = 0x09;
const WRAP_ETH = 0x0b;
const UNWRAP_WETH = 0x0c;
const WETH = '0xc02aaa39b223fe8d0a0e5c4f27ead9083c756cc2';
/** "Use the router's whole balance" (ActionConstants.CONTRACT_BALANCE). */
const CONTRACT_BALANCE = 1n << 255n;

/**
 * UniversalRouter `execute`: V2/V3 swap commands and (from 2.0) V4_SWAP's swap actions become swaps, also inside
 * EXECUTE_SUB_PLAN; WRAP_ETH and UNWRAP_WETH resolve amounts and recipients; every other command (Permit2, NFT,
 * ...) is recognised and skipped.
 */
export function decodeUniversalRouterCall(selectorHex: string, data: Calldata, context: DecodeContext, version: UniversalRouterVersion = '2'): SwapIntent[] | undefined {
  if (!selectors.has(selectorHex) || (version === '1' && selectorHex === universalRouterSelectors.executeSigned)) return undefined;
  const commands = data.bytes(0);
  const inputs = data.bytesArray(1);
  if (commands.length / 2 !== inputs.length) throw new CalldataError('commands and inputs differ in length');
  const deadlineWord = selectorHex === universalRouterSelectors.executeWithDeadline ? 2 : selectorHex === universalRouterSelectors.executeSigned ? 7 : undefined;
  const withDeadline = deadlineWord === undefined ? context : { ...context, deadline: data.uint(deadlineWord) };
  const swaps: SwapIntent[] = [];
  let wrapped: bigint | undefined;
  let unwrappedTo: string | undefined;
  // What V4 swaps left in the router, for a later command that spends the router's balance.
  const v4Delivered = new Map<string, bigint>();
  // What the router holds of a currency when a V4 SETTLE pays from its balance: the ETH sent (less what was
  // wrapped), WETH wrapped, or the minimum outputs of earlier swaps into the router (a lower bound).
  const routerBalance = (currency: string): Bound => {
    if (currency === ZERO) {
      // exact while nothing but the value sent can be there (an unwrap or a V4 take of ETH adds a bound only)
      const sent = context.value - (wrapped ?? 0n);
      const delivered = v4Delivered.get(ZERO);
      return { amount: (sent > 0n ? sent : 0n) + (delivered ?? 0n), exact: sent >= 0n && delivered === undefined && unwrappedTo === undefined };
    }
    let amount = 0n;
    let exact = true;
    for (const swap of swaps) {
      if (swap.tokenOut !== currency || swap.recipient !== context.router) continue;
      amount += swap.amountOut;
      exact &&= swap.kind === 'exactOut' && swap.openAmount === undefined;
    }
    if (wrapped !== undefined && currency === WETH) amount += wrapped;
    return { amount, exact: exact && amount > 0n };
  };
  // An earlier V4 swap's output in the router, spent by a V2/V3 command's CONTRACT_BALANCE: a lower bound.
  const spendsV4Output = (swap: SwapIntent, amountIn: bigint) => {
    if (amountIn !== CONTRACT_BALANCE) return swap;
    const delivered = v4Delivered.get(swap.tokenIn);
    if (delivered === undefined) return swap;
    swap.amountIn = delivered;
    swap.openAmount = 'in';
    return swap;
  };
  const run = (commands: string, inputs: string[], depth: number) => {
    for (let i = 0; i < inputs.length; i++) {
      const byte = Number.parseInt(commands.slice(i * 2, i * 2 + 2), 16);
      // 0x40 is ACROSS_V4_DEPOSIT_V3 on 2.1 but V3_SWAP_EXACT_IN (masked) on 2.0; on 0x66a9... the version is not known
      if (version === '2' && (byte & 0x40) !== 0) throw new CalldataError(`command 0x${(byte & COMMAND_MASK_2_1).toString(16)} means different things in UniversalRouter 2.0 and 2.1`);
      const command = byte & (version === '2.1.1' ? COMMAND_MASK_2_1 : COMMAND_MASK);
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
          const given = amountIn;
          if (amountIn === CONTRACT_BALANCE) amountIn = wrapped ?? context.value;
          swaps.push(spendsV4Output(intent('uniswap-v2', withDeadline, exactIn ? 'exactIn' : 'exactOut', path, path.slice(1).map(() => null), amountIn, amountOut, input.address(0)), given));
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
          const given = amountIn;
          if (amountIn === CONTRACT_BALANCE) amountIn = wrapped ?? context.value;
          swaps.push(spendsV4Output(intent('uniswap-v3', withDeadline, exactIn ? 'exactIn' : 'exactOut', tokens, fees, amountIn, amountOut, input.address(0)), given));
          break;
        }
        case V4_SWAP: {
          if (version === '1') break; // 0x10 was SEAPORT_V1_5 on 1.x
          for (const swap of decodeV4Swap(inputs[i]!, withDeadline, version === '2.1.1' ? '2.1.1' : 'v2', routerBalance)) {
            swaps.push(swap);
            if (swap.recipient === context.router) v4Delivered.set(swap.tokenOut, (v4Delivered.get(swap.tokenOut) ?? 0n) + swap.amountOut);
          }
          break;
        }
        case EXECUTE_SUB_PLAN: {
          // the router calls itself with (commands, inputs): same caller (the lock keeps the locker), same value
          if (depth >= MAX_SUB_PLAN_DEPTH) throw new CalldataError(`sub-plans nested more than ${MAX_SUB_PLAN_DEPTH} deep`);
          const subCommands = input.bytes(0);
          const subInputs = input.bytesArray(1);
          if (subCommands.length / 2 !== subInputs.length) throw new CalldataError('commands and inputs differ in length');
          run(subCommands, subInputs, depth + 1);
          break;
        }
        default:
          break; // recognised, not a V2/V3 swap
      }
    }
  };
  run(commands, inputs, 0);
  resolveForwardedRecipients(swaps, unwrappedTo, context.router);
  return swaps.length > 0 ? swaps : undefined;
}
