import fc from 'fast-check';
import { decodeAbiParameters, decodeFunctionData, encodeAbiParameters, encodeFunctionData, keccak256, type AbiParameter, type Hex } from 'viem';
import { describe, expect, it } from 'vitest';
import { decodeTransaction, mainnetRouters } from '../../src/mempool/decode.ts';
import type { SwapIntent } from '../../src/mempool/types.ts';
import {
  Actions,
  Commands,
  actionsRouterParams,
  currencyAddressAndUint,
  currencyAndUint,
  currencyUintAndBool,
  encodeParams,
  executeCall,
  swapStructs,
  universalRouterArtifactAbi,
  v4SwapInput,
  type Action,
  type V4Layout,
} from '../helpers/v4Plans.ts';
import { ADDRESS_THIS, DAI, ETH, MSG_SENDER, USDC, WETH, planArb, sorted, swapAction } from '../helpers/v4Arbitraries.ts';

// Random V4 plans, encoded with viem from the router's real ABI and v4-periphery's compiled structs; the
// expected swaps are built from viem's own decoding of the same bytes, never from our decoder.

const seed = Number(process.env.FC_SEED ?? Math.floor(Math.random() * 2 ** 31));
const runs = Number(process.env.FC_V4_RUNS ?? 1500);

const UR2 = '0x66a9893cc07d91d95644aedd05d03f95e1dba8af';
const UR211 = '0x4c82d1fbfe28c977cbb58d8c7ff8fcf9f70a2cca';
const POOL_MANAGER = '0x000000000004444c5dc75cb358380d2e3de08a90';
const FROM = '0x00000000000000000000000000000000000000f1';
const CONTRACT_BALANCE = 1n << 255n;
const routerOf = (layout: V4Layout) => (layout === '2.1.1' ? UR211 : UR2);
const lower = (a: string) => a.toLowerCase();

const poolKeyType = [{ type: 'address' }, { type: 'address' }, { type: 'uint24' }, { type: 'int24' }, { type: 'address' }] as const;
type Key = { currency0: string; currency1: string; fee: number; tickSpacing: number; hooks: string };
const poolId = (k: Key) => keccak256(encodeAbiParameters(poolKeyType, [k.currency0 as Hex, k.currency1 as Hex, k.fee, k.tickSpacing, k.hooks as Hex]));
const mapRecipient = (r: string, router: string) => (lower(r) === MSG_SENDER ? FROM : lower(r) === ADDRESS_THIS ? router : lower(r));

// ---------------------------------------------------------------- the reference: viem's decoding

type ViemSingle = { poolKey: Key; zeroForOne: boolean; amountIn?: bigint; amountOutMinimum?: bigint; amountOut?: bigint; amountInMaximum?: bigint; minHopPriceX36?: bigint; hookData: Hex };
type ViemPathKey = { intermediateCurrency: string; fee: number; tickSpacing: number; hooks: string; hookData: Hex };
type ViemMulti = { currencyIn?: string; currencyOut?: string; path: ViemPathKey[]; maxHopSlippage?: bigint[]; minHopPriceX36?: bigint[]; amountIn?: bigint; amountOutMinimum?: bigint; amountOut?: bigint; amountInMaximum?: bigint };

function hopOf(key: Key, zeroForOne: boolean, hookData: Hex) {
  const k = { currency0: lower(key.currency0), currency1: lower(key.currency1), fee: key.fee, tickSpacing: key.tickSpacing, hooks: lower(key.hooks) };
  return { poolId: poolId(k), ...k, zeroForOne, hookData: lower(hookData) };
}

function expectedFromViem(input: Hex, layout: V4Layout, router: string): SwapIntent[] {
  const { args } = decodeFunctionData({ abi: universalRouterArtifactAbi, data: input });
  const [commands, inputs, deadlineArg] = args as unknown as [Hex, Hex[], bigint | undefined];
  const deadline = deadlineArg ?? null;
  const structs = swapStructs(layout);
  const out: SwapIntent[] = [];
  const commandBytes = commands.slice(2).match(/../g)!.map((b) => Number.parseInt(b, 16));
  commandBytes.forEach((command, c) => {
    const data = inputs[c]!;
    if (command === Commands.V2_SWAP_EXACT_IN || command === Commands.V2_SWAP_EXACT_OUT) {
      const [recipient, a, b, path] = decodeAbiParameters([{ type: 'address' }, { type: 'uint256' }, { type: 'uint256' }, { type: 'address[]' }, { type: 'bool' }], data);
      const exactIn = command === Commands.V2_SWAP_EXACT_IN;
      const p = path.map(lower);
      out.push({ protocol: 'uniswap-v2', router, kind: exactIn ? 'exactIn' : 'exactOut', tokenIn: p[0]!, tokenOut: p[p.length - 1]!, path: p, fees: p.slice(1).map(() => null), amountIn: exactIn ? a : b, amountOut: exactIn ? b : a, recipient: mapRecipient(recipient, router), deadline });
    } else if (command === Commands.V3_SWAP_EXACT_IN) {
      const [recipient, a, b, path] = decodeAbiParameters([{ type: 'address' }, { type: 'uint256' }, { type: 'uint256' }, { type: 'bytes' }, { type: 'bool' }], data);
      const hex = path.slice(2);
      const tokens = [`0x${hex.slice(0, 40)}`];
      const fees: number[] = [];
      for (let at = 40; at < hex.length; at += 46) {
        fees.push(Number.parseInt(hex.slice(at, at + 6), 16));
        tokens.push(`0x${hex.slice(at + 6, at + 46)}`);
      }
      out.push({ protocol: 'uniswap-v3', router, kind: 'exactIn', tokenIn: tokens[0]!, tokenOut: tokens[tokens.length - 1]!, path: tokens, fees, amountIn: a, amountOut: b, recipient: mapRecipient(recipient, router), deadline });
    } else if (command === Commands.V4_SWAP) {
      const [actionBytes, params] = decodeAbiParameters(actionsRouterParams, data) as unknown as [Hex, Hex[]];
      const actions = actionBytes.slice(2).match(/../g)!.map((b) => Number.parseInt(b, 16));
      const takes: Array<{ at: number; currency: string; recipient: string; portion: boolean }> = [];
      actions.forEach((a, i) => {
        if (a === Actions.TAKE_ALL) takes.push({ at: i, currency: lower((decodeAbiParameters(currencyAndUint, params[i]!) as unknown as [string])[0]), recipient: FROM, portion: false });
        if (a === Actions.TAKE || a === Actions.TAKE_PORTION) {
          const [currency, recipient] = decodeAbiParameters(currencyAddressAndUint, params[i]!) as unknown as [string, string];
          takes.push({ at: i, currency: lower(currency), recipient: mapRecipient(recipient, router), portion: a === Actions.TAKE_PORTION });
        }
      });
      const recipientOf = (at: number, currency: string) => {
        const later = takes.filter((t) => t.at > at && t.currency === currency);
        return (later.find((t) => !t.portion) ?? later[0])?.recipient ?? POOL_MANAGER;
      };
      actions.forEach((a, i) => {
        if (a === Actions.SWAP_EXACT_IN_SINGLE || a === Actions.SWAP_EXACT_OUT_SINGLE) {
          const exactIn = a === Actions.SWAP_EXACT_IN_SINGLE;
          const [s] = decodeAbiParameters(exactIn ? structs.exactInSingle : structs.exactOutSingle, params[i]!) as unknown as [ViemSingle];
          const hop = hopOf(s.poolKey, s.zeroForOne, s.hookData);
          const [tin, tout] = s.zeroForOne ? [hop.currency0, hop.currency1] : [hop.currency1, hop.currency0];
          out.push({ protocol: 'v4', router, kind: exactIn ? 'exactIn' : 'exactOut', tokenIn: tin, tokenOut: tout, path: [tin, tout], fees: [hop.fee], amountIn: exactIn ? s.amountIn! : s.amountInMaximum!, amountOut: exactIn ? s.amountOutMinimum! : s.amountOut!, recipient: recipientOf(i, tout), deadline, pools: [hop], ...(s.minHopPriceX36 ? { v4HopBound: true as const } : {}) });
        }
        if (a === Actions.SWAP_EXACT_IN || a === Actions.SWAP_EXACT_OUT) {
          const exactIn = a === Actions.SWAP_EXACT_IN;
          const [s] = decodeAbiParameters(exactIn ? structs.exactIn : structs.exactOut, params[i]!) as unknown as [ViemMulti];
          const inters = s.path.map((k) => lower(k.intermediateCurrency));
          const tokens = exactIn ? [lower(s.currencyIn!), ...inters] : [...inters, lower(s.currencyOut!)];
          const pools = s.path.map((k, h) => {
            const [c0, c1] = sorted(tokens[h]!, tokens[h + 1]!);
            return hopOf({ currency0: c0, currency1: c1, fee: k.fee, tickSpacing: k.tickSpacing, hooks: k.hooks }, tokens[h] === c0, k.hookData);
          });
          const tout = tokens[tokens.length - 1]!;
          out.push({ protocol: 'v4', router, kind: exactIn ? 'exactIn' : 'exactOut', tokenIn: tokens[0]!, tokenOut: tout, path: tokens, fees: pools.map((p) => p.fee), amountIn: exactIn ? s.amountIn! : s.amountInMaximum!, amountOut: exactIn ? s.amountOutMinimum! : s.amountOut!, recipient: recipientOf(i, tout), deadline, pools, ...((s.maxHopSlippage ?? s.minHopPriceX36 ?? []).some((bound) => bound !== 0n) ? { v4HopBound: true as const } : {}) });
        }
      });
    }
  });
  return out;
}

const decode = (input: Hex, router: string, value = 0n) => decodeTransaction({ hash: '0x01', from: FROM, to: router, value, input }, { routers: mainnetRouters });

// ---------------------------------------------------------------- properties

describe('UniversalRouter V4_SWAP decoding against viem with the router ABI', () => {
  for (const layout of ['2.0', '2.1.0', '2.1.1'] as const) {
    it(`decodes random V4 plans (single/multi hop, exact in/out, native ETH, mixed with V2/V3) like viem: layout ${layout} (${runs} plans, seed ${seed})`, () => {
      const router = routerOf(layout);
      let v4Swaps = 0;
      let mixed = 0;
      let native = 0;
      let multi = 0;
      let exactOut = 0;
      fc.assert(
        fc.property(planArb(layout), fc.option(fc.bigInt({ min: 0n, max: (1n << 256n) - 1n }), { nil: undefined }), (commands, deadline) => {
          const input = executeCall(commands.map((c) => c.command), commands.map((c) => c.input), deadline);
          const expected = expectedFromViem(input, layout, router);
          const result = decode(input, router);
          expect(result).toEqual({ swaps: expected });
          const v4 = expected.filter((s) => s.protocol === 'v4');
          v4Swaps += v4.length;
          if (v4.length < expected.length) mixed++;
          native += v4.filter((s) => s.path.includes(ETH)).length;
          multi += v4.filter((s) => s.path.length > 2).length;
          exactOut += v4.filter((s) => s.kind === 'exactOut').length;
        }),
        { numRuns: runs, seed },
      );
      // the cases were really made: every kind of plan is among them
      expect(v4Swaps).toBeGreaterThan(runs);
      for (const count of [mixed, native, multi, exactOut]) expect(count).toBeGreaterThan(runs / 20);
    }, 120_000);
  }
});

// ---------------------------------------------------------------- amounts, recipients, native ETH

/** A single-hop swap from tokenIn to tokenOut on their 0.3% pool without hooks. */
const single = (layout: V4Layout, exactIn: boolean, tokenIn: string, tokenOut: string, amount: bigint, limit: bigint): Action =>
  swapAction({ kind: 'single', exactIn, pair: sorted(tokenIn, tokenOut), zeroForOne: BigInt(tokenIn) < BigInt(tokenOut), fee: 3000, tickSpacing: 60, hooks: ETH, amount, limit, price: 0n, hookData: '0x' }, layout);
const act = (action: number, types: readonly AbiParameter[], values: unknown[]): Action => ({ action, params: encodeParams(types, values) });

describe('V4_SWAP amounts and recipients', () => {
  it('a native ETH swap: currency0 = address(0), amounts as given, TAKE_ALL pays the sender', () => {
    const e18 = 10n ** 18n;
    const input = executeCall([Commands.V4_SWAP], [v4SwapInput([single('2.0', true, ETH, USDC, e18, 2_000_000_000n), act(Actions.SETTLE_ALL, currencyAndUint, [ETH, e18]), act(Actions.TAKE_ALL, currencyAndUint, [USDC, 2_000_000_000n])])], 1234n);
    const result = decode(input, UR2, e18);
    expect(result).toEqual({ swaps: [expect.objectContaining({ protocol: 'v4', tokenIn: ETH, tokenOut: USDC, amountIn: e18, amountOut: 2_000_000_000n, recipient: FROM, deadline: 1234n })] });
    const swap = (result as { swaps: SwapIntent[] }).swaps[0]!;
    expect(swap.openAmount).toBeUndefined();
    expect(swap.pools).toEqual([{ poolId: poolId({ currency0: ETH, currency1: USDC, fee: 3000, tickSpacing: 60, hooks: ETH }), currency0: ETH, currency1: USDC, fee: 3000, tickSpacing: 60, hooks: ETH, zeroForOne: true, hookData: '0x' }]);
  });

  it('SETTLE of the router balance (CONTRACT_BALANCE) in ETH then OPEN_DELTA: the amount is the ETH sent', () => {
    const input = executeCall([Commands.V4_SWAP], [v4SwapInput([act(Actions.SETTLE, currencyUintAndBool, [ETH, CONTRACT_BALANCE, false]), single('2.0', true, ETH, USDC, 0n, 5n), act(Actions.TAKE, currencyAddressAndUint, [USDC, MSG_SENDER, 0n])])]);
    const result = decode(input, UR2, 7n * 10n ** 17n) as { swaps: SwapIntent[] };
    expect(result.swaps).toHaveLength(1);
    expect(result.swaps[0]).toMatchObject({ amountIn: 7n * 10n ** 17n, amountOut: 5n, recipient: FROM });
    expect(result.swaps[0]!.openAmount).toBeUndefined();
  });

  it('SETTLE of the router ETH after an UNWRAP_WETH: the amount is only bounded (the value sent plus what was unwrapped), marked open', () => {
    const v3 = encodeAbiParameters([{ type: 'address' }, { type: 'uint256' }, { type: 'uint256' }, { type: 'bytes' }, { type: 'bool' }], [ADDRESS_THIS, 5n * 10n ** 9n, 10n ** 18n, `0x${USDC.slice(2)}0001f4${WETH.slice(2)}`, true]);
    const unwrap = encodeAbiParameters([{ type: 'address' }, { type: 'uint256' }], [ADDRESS_THIS, 10n ** 18n]);
    const v4 = v4SwapInput([act(Actions.SETTLE, currencyUintAndBool, [ETH, CONTRACT_BALANCE, false]), single('2.0', true, ETH, DAI, 0n, 3n), act(Actions.TAKE_ALL, currencyAndUint, [DAI, 3n])]);
    const result = decode(executeCall([Commands.V3_SWAP_EXACT_IN, Commands.UNWRAP_WETH, Commands.V4_SWAP], [v3, unwrap, v4]), UR2, 10n ** 17n) as { swaps: SwapIntent[] };
    // at least the 0.1 ETH sent; the unwrapped WETH comes on top, by an amount the transaction does not fix
    expect(result.swaps[1]).toMatchObject({ protocol: 'v4', tokenIn: ETH, tokenOut: DAI, amountIn: 10n ** 17n, openAmount: 'in', recipient: FROM });
  });

  it('a V3 swap into the router, then V4 settles the router balance and swaps OPEN_DELTA: the V4 input is bounded by the V3 minimum and marked open', () => {
    const v3 = encodeAbiParameters([{ type: 'address' }, { type: 'uint256' }, { type: 'uint256' }, { type: 'bytes' }, { type: 'bool' }], [ADDRESS_THIS, 10n ** 18n, 1_900_000_000n, `0x${WETH.slice(2)}0001f4${USDC.slice(2)}`, true]);
    const multi = swapAction({ kind: 'multi', exactIn: true, currencies: [USDC, DAI], hops: [{ fee: 100, tickSpacing: 1, hooks: ETH, hookData: '0x' }], amount: 0n, limit: 1_890n * 10n ** 18n, perHop: null }, '2.0');
    const v4 = v4SwapInput([act(Actions.SETTLE, currencyUintAndBool, [USDC, CONTRACT_BALANCE, false]), multi, act(Actions.TAKE_ALL, currencyAndUint, [DAI, 1_890n * 10n ** 18n])]);
    const result = decode(executeCall([Commands.V3_SWAP_EXACT_IN, Commands.V4_SWAP], [v3, v4]), UR2) as { swaps: SwapIntent[] };
    expect(result.swaps.map((s) => s.protocol)).toEqual(['uniswap-v3', 'v4']);
    expect(result.swaps[0]!.recipient).toBe(UR2);
    expect(result.swaps[1]).toMatchObject({ tokenIn: USDC, tokenOut: DAI, amountIn: 1_900_000_000n, amountOut: 1_890n * 10n ** 18n, recipient: FROM, openAmount: 'in' });
  });

  it('two V4 swaps chained by OPEN_DELTA: the first leaves its output in the PoolManager, the second starts from its minimum (open)', () => {
    const input = executeCall([Commands.V4_SWAP], [v4SwapInput([single('2.1.0', true, ETH, USDC, 10n ** 18n, 100n), single('2.1.0', true, USDC, DAI, 0n, 90n), act(Actions.SETTLE_ALL, currencyAndUint, [ETH, 10n ** 18n]), act(Actions.TAKE, currencyAddressAndUint, [DAI, `0x${'ab'.repeat(20)}`, 0n])])]);
    const result = decode(input, UR2, 10n ** 18n) as { swaps: SwapIntent[] };
    expect(result.swaps).toHaveLength(2);
    expect(result.swaps[0]).toMatchObject({ tokenIn: ETH, tokenOut: USDC, amountIn: 10n ** 18n, amountOut: 100n, recipient: POOL_MANAGER });
    expect(result.swaps[1]).toMatchObject({ tokenIn: USDC, tokenOut: DAI, amountIn: 100n, amountOut: 90n, recipient: `0x${'ab'.repeat(20)}`, openAmount: 'in' });
  });

  it('an exact-output swap for OPEN_DELTA when no debt is open in its output currency: amount 0, marked open (never a guessed amount)', () => {
    const input = executeCall([Commands.V4_SWAP], [v4SwapInput([single('2.0', true, ETH, USDC, 10n ** 18n, 100n), act(Actions.TAKE, currencyAddressAndUint, [USDC, MSG_SENDER, 0n]), single('2.0', false, DAI, USDC, 0n, 10n ** 30n), act(Actions.SETTLE, currencyUintAndBool, [USDC, 0n, true]), act(Actions.SETTLE_ALL, currencyAndUint, [ETH, 10n ** 18n])])]);
    const result = decode(input, UR2, 10n ** 18n) as { swaps: SwapIntent[] };
    // the second swap buys USDC with DAI for an amount the plan leaves to the open delta: no debt in USDC is open
    // when it runs (the first swap's USDC credit was taken), so nothing fixes it: 0, marked open
    expect(result.swaps[1]).toMatchObject({ kind: 'exactOut', tokenIn: DAI, tokenOut: USDC, amountOut: 0n, amountIn: 10n ** 30n, openAmount: 'out' });
  });

  it('an exact-output swap for OPEN_DELTA right after an explicit exact-input swap that owes its input: the debt, exactly', () => {
    // sell 100 USDC for DAI (USDC owed: 100), then buy exactly the owed USDC with ETH
    const input = executeCall([Commands.V4_SWAP], [v4SwapInput([single('2.0', true, USDC, DAI, 100n, 1n), single('2.0', false, ETH, USDC, 0n, 10n ** 18n), act(Actions.SETTLE_ALL, currencyAndUint, [ETH, 10n ** 18n]), act(Actions.TAKE_ALL, currencyAndUint, [DAI, 1n])])]);
    const result = decode(input, UR2, 10n ** 18n) as { swaps: SwapIntent[] };
    expect(result.swaps[1]).toMatchObject({ kind: 'exactOut', tokenIn: ETH, tokenOut: USDC, amountOut: 100n, amountIn: 10n ** 18n, recipient: POOL_MANAGER });
    expect(result.swaps[1]!.openAmount).toBeUndefined();
    expect(result.swaps[0]).toMatchObject({ tokenOut: DAI, recipient: FROM });
  });
});

describe('executeSigned (UniversalRouter 2.1)', () => {
  it('decodes the commands of a signed route like execute, with its deadline (the caller stays MSG_SENDER)', () => {
    const v4 = v4SwapInput([single('2.1.1', true, ETH, USDC, 10n ** 18n, 7n), act(Actions.SETTLE_ALL, currencyAndUint, [ETH, 10n ** 18n]), act(Actions.TAKE_ALL, currencyAndUint, [USDC, 7n])]);
    const input = encodeFunctionData({ abi: universalRouterArtifactAbi, functionName: 'executeSigned', args: ['0x10', [v4], `0x${'11'.repeat(32)}`, `0x${'22'.repeat(32)}`, true, `0x${'33'.repeat(32)}`, `0x${'44'.repeat(65)}`, 1_900_000_000n] });
    const result = decode(input, UR211, 10n ** 18n) as { swaps: SwapIntent[] };
    expect(result.swaps).toEqual([expect.objectContaining({ protocol: 'v4', tokenIn: ETH, tokenOut: USDC, amountIn: 10n ** 18n, amountOut: 7n, recipient: FROM, deadline: 1_900_000_000n })]);
  });
});

describe('EXECUTE_SUB_PLAN', () => {
  it('the swaps of a sub-plan (V4 and V3, allowed to revert) are decoded in order, MSG_SENDER still the caller', () => {
    const v3 = encodeAbiParameters([{ type: 'address' }, { type: 'uint256' }, { type: 'uint256' }, { type: 'bytes' }, { type: 'bool' }], [MSG_SENDER, 10n ** 18n, 1n, `0x${WETH.slice(2)}0001f4${USDC.slice(2)}`, true]);
    const v4 = v4SwapInput([single('2.0', true, ETH, USDC, 10n ** 18n, 1n), act(Actions.SETTLE_ALL, currencyAndUint, [ETH, 10n ** 18n]), act(Actions.TAKE_ALL, currencyAndUint, [USDC, 1n])]);
    const sub = encodeAbiParameters([{ type: 'bytes' }, { type: 'bytes[]' }], ['0x9000', [v4, v3]]); // V4_SWAP allowed to revert, then V3
    const result = decode(executeCall([Commands.V2_SWAP_EXACT_IN, 0x21], [encodeAbiParameters([{ type: 'address' }, { type: 'uint256' }, { type: 'uint256' }, { type: 'address[]' }, { type: 'bool' }], [MSG_SENDER, 5n, 4n, [DAI as Hex, USDC as Hex], true]), sub]), UR2, 10n ** 18n) as { swaps: SwapIntent[] };
    expect(result.swaps.map((s) => [s.protocol, s.tokenIn, s.tokenOut, s.recipient])).toEqual([
      ['uniswap-v2', DAI, USDC, FROM],
      ['v4', ETH, USDC, FROM],
      ['uniswap-v3', WETH, USDC, FROM],
    ]);
  });

  it('sub-plans nested past 4 levels: an error (the decoder does not recurse without bound)', () => {
    let plan = encodeAbiParameters([{ type: 'bytes' }, { type: 'bytes[]' }], ['0x0a', [`0x${'00'.repeat(64)}`]]);
    for (let depth = 0; depth < 5; depth++) plan = encodeAbiParameters([{ type: 'bytes' }, { type: 'bytes[]' }], ['0x21', [plan]]);
    expect(decode(executeCall([0x21], [plan]), UR2)).toEqual({ error: expect.stringMatching(/sub-plans nested/) });
  });
});

// ---------------------------------------------------------------- malformed input: a clear error, never a guess

describe('V4_SWAP malformed input', () => {
  const good = v4SwapInput([single('2.0', true, ETH, USDC, 10n ** 18n, 1n), act(Actions.SETTLE_ALL, currencyAndUint, [ETH, 10n ** 18n]), act(Actions.TAKE_ALL, currencyAndUint, [USDC, 1n])]);
  const call = (v4: Hex, router = UR2) => decode(executeCall([Commands.V4_SWAP], [v4]), router);
  const errorOf = (v4: Hex, router = UR2) => {
    const result = call(v4, router);
    expect(result).toHaveProperty('error');
    return (result as { error: string }).error;
  };

  it('the good plan decodes (the cases below differ from it in one way each)', () => {
    expect(call(good)).toHaveProperty('swaps');
  });

  it('truncated anywhere: an error', () => {
    const cuts = [8, 40, 100, 300, 600, (good.length - 2) / 2 - 1];
    for (const bytes of cuts) expect(errorOf(good.slice(0, 2 + bytes * 2) as Hex)).toMatch(/short|V4|length|encoding/);
  });

  it('actions and params of different lengths: an error', () => {
    const three = v4SwapInput([single('2.0', true, ETH, USDC, 10n ** 18n, 1n), act(Actions.SETTLE_ALL, currencyAndUint, [ETH, 1n])]);
    const [actions, params] = decodeAbiParameters(actionsRouterParams, three) as unknown as [Hex, Hex[]];
    const mismatched = encodeAbiParameters(actionsRouterParams, [`${actions}0f`, params]);
    expect(errorOf(mismatched)).toMatch(/actions and params differ in length/);
  });

  it('an action the UniversalRouter does not know, or reverts on (SWEEP, SETTLE_PAIR, ...): an error naming it', () => {
    expect(errorOf(v4SwapInput([{ action: 0x19, params: '0x' }]))).toMatch(/unknown V4 action 0x19/);
    for (const a of [Actions.SETTLE_PAIR, Actions.TAKE_PAIR, Actions.CLOSE_CURRENCY, Actions.CLEAR_OR_TAKE, Actions.SWEEP, Actions.WRAP, Actions.UNWRAP, 0x00, 0x0a])
      expect(errorOf(v4SwapInput([{ action: a, params: encodeParams(currencyAndUint, [ETH, 1n]) }]))).toMatch(/not supported by the UniversalRouter/);
  });

  it('a swap struct too short, a non-standard offset, a uint128 that overflows, a bool that is not 0/1, unsorted currencies: errors', () => {
    const params = (decodeAbiParameters(actionsRouterParams, good) as unknown as [Hex, Hex[]])[1];
    const swap = params[0]!.slice(2);
    const withSwap = (hex: string) => encodeAbiParameters(actionsRouterParams, ['0x060c0f', [`0x${hex}`, params[1]!, params[2]!]]);
    const word = (i: number, value: bigint) => swap.slice(0, i * 64) + value.toString(16).padStart(64, '0') + swap.slice((i + 1) * 64);
    expect(errorOf(withSwap(swap.slice(0, 64 * 9)))).toMatch(/short/);
    expect(errorOf(withSwap(word(0, 0x40n)))).toMatch(/encoding/);
    expect(errorOf(withSwap(word(7, 1n << 128n)))).toMatch(/uint128/);
    expect(errorOf(withSwap(word(6, 2n)))).toMatch(/bool/);
    const unsorted = swapAction({ kind: 'single', exactIn: true, pair: [USDC, ETH], zeroForOne: true, fee: 3000, tickSpacing: 60, hooks: ETH, amount: 1n, limit: 1n, price: 0n, hookData: '0x' }, '2.0');
    expect(errorOf(v4SwapInput([unsorted]))).toMatch(/sorted/);
  });

  it('a 2.1 per-hop array whose length is neither 0 nor the path length (the router reverts): an error', () => {
    const multi = { kind: 'multi' as const, exactIn: true, currencies: [ETH, USDC, DAI], hops: [{ fee: 500, tickSpacing: 10, hooks: ETH, hookData: '0x' as Hex }, { fee: 500, tickSpacing: 10, hooks: ETH, hookData: '0x' as Hex }], amount: 5n, limit: 1n, perHop: [1n] };
    expect(errorOf(v4SwapInput([swapAction(multi, '2.1.0')]))).toMatch(/per-hop/);
    expect(call(v4SwapInput([swapAction({ ...multi, perHop: [1n, 2n] }, '2.1.0')]))).toHaveProperty('swaps');
  });

  it('an empty multi-hop path: an error', () => {
    const empty = encodeParams(swapStructs('2.0').exactIn, [{ currencyIn: ETH, path: [], amountIn: 1n, amountOutMinimum: 0n }]);
    expect(errorOf(v4SwapInput([{ action: Actions.SWAP_EXACT_IN, params: empty }]))).toMatch(/at least one hop/);
  });

  it('a 2.1.1 single swap sent to a 2.0 router is not read with the wrong layout (and the reverse)', () => {
    const s211 = v4SwapInput([single('2.1.1', true, ETH, USDC, 10n ** 18n, 1n)]);
    expect(errorOf(s211, UR2)).toMatch(/encoding/);
    expect(errorOf(good, UR211)).toMatch(/encoding/);
  });

  it('a command byte with bit 0x40 (2.1: ACROSS_V4_DEPOSIT_V3; 2.0: masked to V3_SWAP_EXACT_IN) on a router whose version is not pinned: an error, not a guess', () => {
    const v3 = encodeAbiParameters([{ type: 'address' }, { type: 'uint256' }, { type: 'uint256' }, { type: 'bytes' }, { type: 'bool' }], [MSG_SENDER, 1n, 1n, `0x${WETH.slice(2)}0001f4${USDC.slice(2)}`, true]);
    const result = decode(executeCall([0x40], [v3]), UR2);
    expect(result).toEqual({ error: expect.stringMatching(/0x40/) });
    // on the pinned 2.1.1 router it is the Across bridge command: not a swap, skipped
    expect(decode(executeCall([0x40], [v3]), UR211)).toEqual({ swaps: [] });
  });

  it(`never throws on mutated V4 plans (one byte changed, cut, padded): ${Math.max(2000, runs)} cases, seed ${seed}`, () => {
    let errors = 0;
    let decoded = 0;
    fc.assert(
      fc.property(planArb('2.1.0'), fc.nat(), fc.integer({ min: 0, max: 255 }), fc.constantFrom('byte', 'cut', 'pad'), (commands, at, byte, how) => {
        const input = executeCall(commands.map((c) => c.command), commands.map((c) => c.input));
        const position = 10 + 2 * (at % ((input.length - 10) / 2));
        const mutated = (how === 'byte' ? input.slice(0, position) + byte.toString(16).padStart(2, '0') + input.slice(position + 2) : how === 'cut' ? input.slice(0, position) : `${input}${'ab'.repeat(byte)}`) as Hex;
        const result = decode(mutated, UR2);
        if ('error' in result) errors++;
        else decoded++;
      }),
      { numRuns: Math.max(2000, runs), seed },
    );
    expect(errors).toBeGreaterThan(50);
    expect(decoded).toBeGreaterThan(50);
  }, 120_000);
});
