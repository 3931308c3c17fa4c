/**
 * The parameters of UniversalRouter's V4_SWAP command, read straight from the hex as v4-periphery's
 * CalldataDecoder and Solidity's calldata struct access read them, for the three layouts in use:
 * - UniversalRouter 2.0 (v4-periphery 1.0.x): the structs of IV4Router as in 1.0.3.
 * - 2.1.0 (v4-periphery 3779387e): ExactInputParams / ExactOutputParams carry `uint256[] maxHopSlippage` after `path`.
 * - 2.1.1 (v4-periphery 3231810e): the same array (renamed minHopPriceX36), and the single-hop structs carry
 *   `uint256 minHopPriceX36` before `hookData`.
 * 2.0 and 2.1.0 share one address on our devnet and mainnet (0x66a9...: 2.0 on mainnet, the npm 2.1.0 on the
 * devnet), and their multi-hop layouts are told apart by the standard offset of the first dynamic member
 * (0x80 without the array, 0xa0 with it). Anything that is not the standard encoding is refused: a clear
 * error, never a guess at which layout was meant.
 */
import { Calldata, CalldataError } from './calldata.ts';

/** 'v2' reads 2.0 and 2.1.0 (same single-hop layout; the multi-hop one by its offsets); '2.1.1' reads 2.1.1 only. */
export type V4ParamLayout = 'v2' | '2.1.1';

export const V4Action = {
  SWAP_EXACT_IN_SINGLE: 0x06,
  SWAP_EXACT_IN: 0x07,
  SWAP_EXACT_OUT_SINGLE: 0x08,
  SWAP_EXACT_OUT: 0x09,
  SETTLE: 0x0b,
  SETTLE_ALL: 0x0c,
  TAKE: 0x0e,
  TAKE_ALL: 0x0f,
  TAKE_PORTION: 0x10,
} as const;

/** Actions.sol names of the actions UniversalRouter's V4Router does not handle (it reverts UnsupportedAction). */
const unsupported: Record<number, string> = {
  0x00: 'INCREASE_LIQUIDITY',
  0x01: 'DECREASE_LIQUIDITY',
  0x02: 'MINT_POSITION',
  0x03: 'BURN_POSITION',
  0x04: 'INCREASE_LIQUIDITY_FROM_DELTAS',
  0x05: 'MINT_POSITION_FROM_DELTAS',
  0x0a: 'DONATE',
  0x0d: 'SETTLE_PAIR',
  0x11: 'TAKE_PAIR',
  0x12: 'CLOSE_CURRENCY',
  0x13: 'CLEAR_OR_TAKE',
  0x14: 'SWEEP',
  0x15: 'WRAP',
  0x16: 'UNWRAP',
  0x17: 'MINT_6909',
  0x18: 'BURN_6909',
};

export type PoolKeyWords = { currency0: string; currency1: string; fee: number; tickSpacing: number; hooks: string };
export type PathKeyWords = { intermediateCurrency: string; fee: number; tickSpacing: number; hooks: string; hookData: string };
/** `hopBound`: the calldata sets a per-hop bound V4Router checks besides the limit (2.1.1's price word, maxHopSlippage). */
export type SingleSwap = { poolKey: PoolKeyWords; zeroForOne: boolean; amount: bigint; limit: bigint; hookData: string; hopBound: boolean };
export type MultiSwap = { currency: string; path: PathKeyWords[]; amount: bigint; limit: bigint; hopBound: boolean };

const MAX_HOPS = 64;
const U128 = 1n << 128n;
const INT24_MIN = (1n << 256n) - (1n << 23n);

/** V4_SWAP's input, abi.encode(bytes actions, bytes[] params), checked as strictly as decodeActionsRouterParams. */
export function decodeActionsRouterParams(hex: string): { actions: number[]; params: string[] } {
  const data = new Calldata(hex);
  if (data.uint(0) !== 0x40n) throw new CalldataError('V4_SWAP input is not the standard encoding');
  const actionsLength = data.smallAt(0x40);
  const paramsAt = 0x60 + Math.ceil(actionsLength / 32) * 32;
  if (data.uint(1) !== BigInt(paramsAt)) throw new CalldataError('V4_SWAP input is not the standard encoding');
  const actionsHex = data.bytes(0);
  const params = data.bytesArray(1);
  // the router checks each element's offset against the one the standard encoding gives
  const elements = new Calldata(hex, (paramsAt + 32) * 2);
  let expected = params.length * 32;
  for (let i = 0; i < params.length; i++) {
    if (elements.smallAt(i * 32) !== expected) throw new CalldataError('V4_SWAP input is not the standard encoding');
    expected += 32 + Math.ceil(params[i]!.length / 64) * 32;
  }
  if (actionsLength !== params.length) throw new CalldataError('V4 actions and params differ in length');
  const actions: number[] = [];
  for (let i = 0; i < actionsLength; i++) actions.push(Number.parseInt(actionsHex.slice(i * 2, i * 2 + 2), 16));
  return { actions, params };
}

/** Refuses the actions the UniversalRouter reverts on, naming them, and bytes that are no action at all. */
export function checkAction(action: number): void {
  const name = unsupported[action];
  if (name) throw new CalldataError(`V4 action ${name} (0x${hex2(action)}) is not supported by the UniversalRouter (it reverts)`);
  if (!Object.values(V4Action).includes(action as never)) throw new CalldataError(`unknown V4 action 0x${hex2(action)}`);
}

const hex2 = (n: number) => n.toString(16).padStart(2, '0');

function uint128(data: Calldata, index: number): bigint {
  const value = data.uint(index);
  if (value >= U128) throw new CalldataError('V4 amount does not fit a uint128');
  return value;
}

function uint24(data: Calldata, index: number): number {
  const value = data.uint(index);
  if (value >= 1n << 24n) throw new CalldataError('V4 fee does not fit a uint24');
  return Number(value);
}

function int24(data: Calldata, index: number): number {
  const value = data.uint(index);
  if (value < 1n << 23n) return Number(value);
  if (value >= INT24_MIN) return Number(value - (1n << 256n));
  throw new CalldataError('V4 tick spacing does not fit an int24');
}

/** A struct passed as abi.encode(struct): one word pointing at it, 0x20 in the standard encoding. */
function struct(hex: string, minBytes: number): Calldata {
  if (hex.length < minBytes * 2) throw new CalldataError('V4 swap parameters too short');
  const outer = new Calldata(hex);
  if (outer.uint(0) !== 0x20n) throw new CalldataError('V4 swap parameters are not the standard encoding');
  return outer.inline(1);
}

/** ExactInputSingleParams / ExactOutputSingleParams: (PoolKey, bool, uint128, uint128, [uint256,] bytes). */
export function decodeSingleSwap(hex: string, layout: V4ParamLayout): SingleSwap {
  const withPrice = layout === '2.1.1';
  const t = struct(hex, withPrice ? 0x160 : 0x140);
  const hookDataWord = withPrice ? 9 : 8;
  if (t.uint(hookDataWord) !== BigInt((hookDataWord + 1) * 32)) throw new CalldataError(`V4 single swap is not the standard encoding of the UniversalRouter ${withPrice ? '2.1.1' : '2.0/2.1.0'} layout`);
  const poolKey: PoolKeyWords = { currency0: t.address(0), currency1: t.address(1), fee: uint24(t, 2), tickSpacing: int24(t, 3), hooks: t.address(4) };
  if (BigInt(poolKey.currency0) >= BigInt(poolKey.currency1)) throw new CalldataError('V4 pool key currencies are not sorted');
  return { poolKey, zeroForOne: t.bool(5), amount: uint128(t, 6), limit: uint128(t, 7), hookData: t.bytes(hookDataWord), hopBound: withPrice && t.uint(8) !== 0n };
}

/** ExactInputParams / ExactOutputParams: (Currency, PathKey[], [uint256[],] uint128, uint128). */
export function decodeMultiSwap(hex: string, layout: V4ParamLayout): MultiSwap {
  const t = struct(hex, 0xa0);
  const pathOffset = t.uint(1);
  const perHop = pathOffset === 0xa0n && t.uint(2) >= 0xc0n;
  if (!(perHop || (pathOffset === 0x80n && layout === 'v2'))) throw new CalldataError(`V4 multi-hop swap is not the standard encoding of the UniversalRouter ${layout === 'v2' ? '2.0/2.1' : '2.1.1'} layout`);
  const amountWord = perHop ? 3 : 2;
  const currency = t.address(0);
  const keys = t.tuple(1);
  const n = keys.smallAt(0);
  if (n === 0) throw new CalldataError('a V4 path needs at least one hop');
  if (n > MAX_HOPS) throw new CalldataError('V4 path too long');
  const elements = keys.inline(1);
  const path: PathKeyWords[] = [];
  for (let i = 0; i < n; i++) {
    const key = elements.tuple(i);
    path.push({ intermediateCurrency: key.address(0), fee: uint24(key, 1), tickSpacing: int24(key, 2), hooks: key.address(3), hookData: key.bytes(4) });
  }
  let hopBound = false;
  if (perHop) {
    const limits = t.tuple(2).smallAt(0);
    // the router reverts InvalidHopSlippageLength / InvalidHopPriceLength on any other length
    if (limits !== 0 && limits !== n) throw new CalldataError('V4 per-hop limits: length is neither 0 nor the path length');
    if (limits > 0) t.tuple(2).uint(limits); // the array must be all there
    for (let i = 1; i <= limits; i++) hopBound ||= t.tuple(2).uint(i) !== 0n;
  }
  return { currency, path, amount: uint128(t, amountWord), limit: uint128(t, amountWord + 1), hopBound };
}

/** (Currency, uint256): SETTLE_ALL, TAKE_ALL. */
export function decodeCurrencyAndUint(hex: string): { currency: string; amount: bigint } {
  const data = new Calldata(hex);
  return { currency: data.address(0), amount: data.uint(1) };
}

/** (Currency, address, uint256): TAKE, TAKE_PORTION. */
export function decodeCurrencyAddressAndUint(hex: string): { currency: string; recipient: string; amount: bigint } {
  const data = new Calldata(hex);
  return { currency: data.address(0), recipient: data.address(1), amount: data.uint(2) };
}

/** (Currency, uint256, bool): SETTLE. */
export function decodeCurrencyUintAndBool(hex: string): { currency: string; amount: bigint; payerIsUser: boolean } {
  const data = new Calldata(hex);
  return { currency: data.address(0), amount: data.uint(1), payerIsUser: data.bool(2) };
}
