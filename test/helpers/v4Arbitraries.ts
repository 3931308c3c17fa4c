/** Random UniversalRouter plans with V4_SWAP (and V2/V3 commands), encoded with viem from the reference ABIs. */
import fc from 'fast-check';
import { encodeAbiParameters, type Hex } from 'viem';
import { Actions, Commands, currencyAddressAndUint, currencyAndUint, encodeParams, swapStructs, v4SwapInput, type Action, type V4Layout } from './v4Plans.ts';

export const ETH = '0x0000000000000000000000000000000000000000';
export const WETH = '0xc02aaa39b223fe8d0a0e5c4f27ead9083c756cc2';
export const USDC = '0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48';
export const DAI = '0x6b175474e89094c44da98b954eedeac495271d0f';
export const MSG_SENDER = '0x0000000000000000000000000000000000000001';
export const ADDRESS_THIS = '0x0000000000000000000000000000000000000002';
export const sorted = (a: string, b: string): [string, string] => (BigInt(a) < BigInt(b) ? [a, b] : [b, a]);

const currencyArb = fc.oneof(
  fc.constantFrom(ETH, WETH, USDC, DAI),
  fc.integer({ min: 3, max: 2 ** 31 }).map((n) => `0x${n.toString(16).padStart(40, '0')}`),
  fc.uint8Array({ minLength: 20, maxLength: 20 }).map((b) => `0x${Buffer.from(b).toString('hex')}`),
);
const hooksArb = fc.oneof(fc.constant(ETH), fc.uint8Array({ minLength: 20, maxLength: 20 }).map((b) => `0x${Buffer.from(b).toString('hex')}`));
const feeArb = fc.oneof(fc.constantFrom(100, 500, 3000, 10000, 0x800000), fc.integer({ min: 0, max: 0xffffff }));
const tickSpacingArb = fc.oneof(fc.constantFrom(1, 10, 60, 200), fc.integer({ min: -(2 ** 23), max: 2 ** 23 - 1 }));
const amountArb = fc.bigInt({ min: 1n, max: (1n << 128n) - 1n });
const hookDataArb = fc.uint8Array({ maxLength: 70 }).map((b) => `0x${Buffer.from(b).toString('hex')}` as Hex);
const recipientArb = fc.oneof(fc.constantFrom(MSG_SENDER, ADDRESS_THIS), fc.uint8Array({ minLength: 20, maxLength: 20 }).map((b) => `0x${Buffer.from(b).toString('hex')}`));
const twoCurrencies = fc.tuple(currencyArb, currencyArb).filter(([a, b]) => a !== b);
const path = (n: number) => fc.uniqueArray(currencyArb, { minLength: n + 1, maxLength: n + 1 });
const pathKeyRest = fc.record({ fee: feeArb, tickSpacing: tickSpacingArb, hooks: hooksArb, hookData: hookDataArb });

export type SwapSpec =
  | { kind: 'single'; exactIn: boolean; pair: [string, string]; zeroForOne: boolean; fee: number; tickSpacing: number; hooks: string; amount: bigint; limit: bigint; price: bigint; hookData: Hex }
  | { kind: 'multi'; exactIn: boolean; currencies: string[]; hops: Array<{ fee: number; tickSpacing: number; hooks: string; hookData: Hex }>; amount: bigint; limit: bigint; perHop: bigint[] | null };

const singleArb = fc.record({ kind: fc.constant('single' as const), exactIn: fc.boolean(), pair: twoCurrencies.map(([a, b]) => sorted(a, b)), zeroForOne: fc.boolean(), fee: feeArb, tickSpacing: tickSpacingArb, hooks: hooksArb, amount: amountArb, limit: fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }), price: fc.bigInt({ min: 0n, max: (1n << 256n) - 1n }), hookData: hookDataArb });
const multiArb = fc.integer({ min: 1, max: 4 }).chain((n) =>
  fc.record({ kind: fc.constant('multi' as const), exactIn: fc.boolean(), currencies: path(n), hops: fc.array(pathKeyRest, { minLength: n, maxLength: n }), amount: amountArb, limit: fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }), perHop: fc.option(fc.array(fc.bigInt({ min: 0n, max: (1n << 256n) - 1n }), { minLength: n, maxLength: n }), { nil: null }) }),
);
export const swapArb: fc.Arbitrary<SwapSpec> = fc.oneof(singleArb, multiArb);
/** After a swap: take its output to someone, to the sender (TAKE_ALL), a portion then the rest, or leave it. */
export const takeArb = fc.record({ how: fc.constantFrom('takeAll', 'take', 'portion', 'none'), recipient: recipientArb, amount: fc.bigInt({ min: 0n, max: (1n << 256n) - 1n }), bips: fc.integer({ min: 0, max: 10_000 }) });

export const spanOf = (s: SwapSpec): { in: string; out: string } => {
  if (s.kind === 'single') return s.zeroForOne ? { in: s.pair[0], out: s.pair[1] } : { in: s.pair[1], out: s.pair[0] };
  return { in: s.currencies[0]!, out: s.currencies[s.currencies.length - 1]! };
};

export function swapAction(s: SwapSpec, layout: V4Layout): Action {
  const structs = swapStructs(layout);
  if (s.kind === 'single') {
    const poolKey = { currency0: s.pair[0], currency1: s.pair[1], fee: s.fee, tickSpacing: s.tickSpacing, hooks: s.hooks };
    const price = layout === '2.1.1' ? { minHopPriceX36: s.price } : {};
    const value = s.exactIn
      ? { poolKey, zeroForOne: s.zeroForOne, amountIn: s.amount, amountOutMinimum: s.limit, ...price, hookData: s.hookData }
      : { poolKey, zeroForOne: s.zeroForOne, amountOut: s.amount, amountInMaximum: s.limit, ...price, hookData: s.hookData };
    return { action: s.exactIn ? Actions.SWAP_EXACT_IN_SINGLE : Actions.SWAP_EXACT_OUT_SINGLE, params: encodeParams(s.exactIn ? structs.exactInSingle : structs.exactOutSingle, [value]) };
  }
  const n = s.hops.length;
  // exact in: currencyIn, then each hop's output; exact out: each hop's input, then currencyOut
  const path = s.hops.map((h, i) => ({ intermediateCurrency: s.exactIn ? s.currencies[i + 1]! : s.currencies[i]!, ...h }));
  const hopArray = layout === '2.0' ? {} : { [layout === '2.1.0' ? 'maxHopSlippage' : 'minHopPriceX36']: s.perHop ?? [] };
  const value = s.exactIn
    ? { currencyIn: s.currencies[0], path, ...hopArray, amountIn: s.amount, amountOutMinimum: s.limit }
    : { currencyOut: s.currencies[n], path, ...hopArray, amountOut: s.amount, amountInMaximum: s.limit };
  return { action: s.exactIn ? Actions.SWAP_EXACT_IN : Actions.SWAP_EXACT_OUT, params: encodeParams(s.exactIn ? structs.exactIn : structs.exactOut, [value]) };
}

export function v4Actions(swaps: readonly SwapSpec[], takes: readonly { how: string; recipient: string; amount: bigint; bips: number }[], layout: V4Layout): Action[] {
  const actions: Action[] = [];
  swaps.forEach((s, i) => {
    actions.push(swapAction(s, layout));
    const { in: cin, out } = spanOf(s);
    actions.push({ action: Actions.SETTLE_ALL, params: encodeParams(currencyAndUint, [cin, s.exactIn ? s.amount : s.limit]) });
    const t = takes[i]!;
    if (t.how === 'takeAll') actions.push({ action: Actions.TAKE_ALL, params: encodeParams(currencyAndUint, [out, s.limit]) });
    if (t.how === 'take') actions.push({ action: Actions.TAKE, params: encodeParams(currencyAddressAndUint, [out, t.recipient, t.amount]) });
    if (t.how === 'portion') {
      actions.push({ action: Actions.TAKE_PORTION, params: encodeParams(currencyAddressAndUint, [out, t.recipient, BigInt(t.bips)]) });
      actions.push({ action: Actions.TAKE_ALL, params: encodeParams(currencyAndUint, [out, 0n]) });
    }
  });
  return actions;
}

export type Command = { command: number; input: Hex };
const v2Arb = fc.record({ path: fc.uniqueArray(currencyArb.filter((c) => c !== ETH), { minLength: 2, maxLength: 4 }), amountIn: amountArb, amountOut: amountArb, recipient: recipientArb, exactIn: fc.boolean() });
const v3Arb = fc.record({ tokens: fc.uniqueArray(currencyArb.filter((c) => c !== ETH), { minLength: 2, maxLength: 4 }), fees: fc.array(fc.constantFrom(100, 500, 3000, 10000), { minLength: 3, maxLength: 3 }), amountIn: amountArb, amountOut: amountArb, recipient: recipientArb });

export const planArb = (layout: V4Layout) =>
  fc
    .array(
      fc.oneof(
        { weight: 3, arbitrary: fc.array(fc.tuple(swapArb, takeArb), { minLength: 1, maxLength: 3 }).map((pairs) => ({ command: Commands.V4_SWAP, input: v4SwapInput(v4Actions(pairs.map((p) => p[0]), pairs.map((p) => p[1]), layout)) })) },
        { weight: 1, arbitrary: v2Arb.map((v) => ({ command: v.exactIn ? Commands.V2_SWAP_EXACT_IN : Commands.V2_SWAP_EXACT_OUT, input: encodeAbiParameters([{ type: 'address' }, { type: 'uint256' }, { type: 'uint256' }, { type: 'address[]' }, { type: 'bool' }], [v.recipient as Hex, v.exactIn ? v.amountIn : v.amountOut, v.exactIn ? v.amountOut : v.amountIn, v.path as Hex[], true]) })) },
        { weight: 1, arbitrary: v3Arb.map((v) => ({ command: Commands.V3_SWAP_EXACT_IN, input: encodeAbiParameters([{ type: 'address' }, { type: 'uint256' }, { type: 'uint256' }, { type: 'bytes' }, { type: 'bool' }], [v.recipient as Hex, v.amountIn, v.amountOut, `0x${v.tokens.map((t, i) => (i === 0 ? t.slice(2) : v.fees[i - 1]!.toString(16).padStart(6, '0') + t.slice(2))).join('')}`, true]) })) },
        { weight: 1, arbitrary: fc.constant({ command: Commands.PERMIT2_PERMIT, input: `0x${'00'.repeat(64)}` as Hex }) },
      ),
      { minLength: 1, maxLength: 5 },
    )
    .filter((commands: Command[]) => commands.some((c) => c.command === Commands.V4_SWAP));
