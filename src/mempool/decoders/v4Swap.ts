/**
 * UniversalRouter V4_SWAP: the actions of one V4 plan become swaps, in plan order. The amounts the plan leaves
 * to the PoolManager's open deltas (OPEN_DELTA, a settle of the router's CONTRACT_BALANCE) are followed through
 * the plan the way V4Router resolves them; where the transaction alone does not fix such an amount (it is an
 * earlier swap's output), the swap carries the bound the plan gives and says so (openAmount): credits come from
 * minimum outputs (lower bounds), debts from maximum inputs (upper bounds).
 * Each swap's recipient is whoever takes its output currency afterwards in the same plan (TAKE / TAKE_ALL before
 * a TAKE_PORTION fee); output that nobody takes stays in the PoolManager for the next step.
 */
import type { Address } from 'viem';
import { sortCurrencies, v4PoolId } from '../../amm/v4/poolKey.ts';
import type { SwapIntent, V4Hop } from '../types.ts';
import { CalldataError } from './calldata.ts';
import { intent, mapRecipient, V4_POOL_MANAGER, type DecodeContext } from './intent.ts';
import {
  checkAction,
  decodeActionsRouterParams,
  decodeCurrencyAddressAndUint,
  decodeCurrencyAndUint,
  decodeCurrencyUintAndBool,
  decodeMultiSwap,
  decodeSingleSwap,
  V4Action,
  type PoolKeyWords,
  type V4ParamLayout,
} from './v4Params.ts';

/** An amount as far as the transaction fixes it: exact, or a bound (a credit's lower, a debt's upper one). */
export type Bound = { amount: bigint; exact: boolean };

const OPEN_DELTA = 0n;
const CONTRACT_BALANCE = 1n << 255n;
const MAX_BIPS = 10_000n;

// Pool ids by key: a keccak per hop is most of a V4 decode, and pending swaps keep hitting the same few pools.
const MAX_IDS = 10_000;
const ids = new Map<string, string>();

function poolIdOf(key: PoolKeyWords): string {
  const memo = `${key.currency0}${key.currency1}${key.fee}/${key.tickSpacing}${key.hooks}`;
  let id = ids.get(memo);
  if (id === undefined) {
    id = v4PoolId({ currency0: key.currency0 as Address, currency1: key.currency1 as Address, fee: key.fee, tickSpacing: key.tickSpacing, hooks: key.hooks as Address });
    if (ids.size >= MAX_IDS) ids.clear();
    ids.set(memo, id);
  }
  return id;
}

function hop(key: PoolKeyWords, zeroForOne: boolean, hookData: string): V4Hop {
  const id = poolIdOf(key);
  return { poolId: id, currency0: key.currency0, currency1: key.currency1, fee: key.fee, tickSpacing: key.tickSpacing, hooks: key.hooks, zeroForOne, hookData: `0x${hookData}` };
}

/** The pool between two currencies of a path (PathKeyLibrary.getPoolAndSwapDirection). */
function pathHop(from: string, to: string, key: { fee: number; tickSpacing: number; hooks: string; hookData: string }): V4Hop {
  if (from === to) throw new CalldataError('a V4 hop from a currency to itself');
  const [c0, c1] = sortCurrencies(from as Address, to as Address).map((a) => a.toLowerCase());
  return hop({ currency0: c0!, currency1: c1!, fee: key.fee, tickSpacing: key.tickSpacing, hooks: key.hooks }, from === c0, key.hookData);
}

type Planned = { swap: SwapIntent; at: number };
type Take = { at: number; currency: string; recipient: string; portion: boolean };

/**
 * The swaps of one V4_SWAP input. `routerBalance` is what the router holds of a currency when a SETTLE pays
 * from CONTRACT_BALANCE (earlier commands of the same transaction put it there).
 */
export function decodeV4Swap(inputHex: string, context: DecodeContext, layout: V4ParamLayout, routerBalance: (currency: string) => Bound): SwapIntent[] {
  const { actions, params } = decodeActionsRouterParams(inputHex);
  // the PoolManager's open delta per currency for this plan (credit > 0, debt < 0)
  const deltas = new Map<string, Bound>();
  const delta = (currency: string): Bound => deltas.get(currency) ?? { amount: 0n, exact: true };
  const add = (currency: string, amount: bigint, exact: boolean) => {
    const d = delta(currency);
    deltas.set(currency, { amount: d.amount + amount, exact: d.exact && exact });
  };
  // a full take (credit) or a full settle (debt): nothing of that sign is left, exactly
  const clear = (currency: string, sign: 1n | -1n) => {
    if (delta(currency).amount * sign >= 0n) deltas.set(currency, { amount: 0n, exact: true });
  };
  const planned: Planned[] = [];
  const takes: Take[] = [];

  const swap = (at: number, exactIn: boolean, path: string[], hops: V4Hop[], amount: bigint, limit: bigint, hopBound: boolean) => {
    const tokenIn = path[0]!;
    const tokenOut = path[path.length - 1]!;
    let open: SwapIntent['openAmount'];
    if (exactIn) {
      let amountIn = amount;
      if (amount === OPEN_DELTA) {
        // the full credit of the input currency (DeltaResolver._getFullCredit)
        const credit = delta(tokenIn);
        amountIn = credit.amount > 0n ? credit.amount : 0n;
        if (!credit.exact || credit.amount <= 0n) open = 'in';
        clear(tokenIn, 1n);
      } else add(tokenIn, -amount, true);
      add(tokenOut, limit, false);
      planned.push({ at, swap: v4Intent(context, 'exactIn', path, hops, amountIn, limit, open, hopBound) });
    } else {
      let amountOut = amount;
      if (amount === OPEN_DELTA) {
        // the full debt of the output currency (DeltaResolver._getFullDebt)
        const debt = delta(tokenOut);
        amountOut = debt.amount < 0n ? -debt.amount : 0n;
        if (!debt.exact || debt.amount >= 0n) open = 'out';
        clear(tokenOut, -1n);
      } else add(tokenOut, amount, true);
      add(tokenIn, -limit, false);
      planned.push({ at, swap: v4Intent(context, 'exactOut', path, hops, limit, amountOut, open, hopBound) });
    }
  };

  for (let at = 0; at < actions.length; at++) {
    const action = actions[at]!;
    const hex = params[at]!;
    checkAction(action);
    switch (action) {
      case V4Action.SWAP_EXACT_IN_SINGLE:
      case V4Action.SWAP_EXACT_OUT_SINGLE: {
        const s = decodeSingleSwap(hex, layout);
        const [tokenIn, tokenOut] = s.zeroForOne ? [s.poolKey.currency0, s.poolKey.currency1] : [s.poolKey.currency1, s.poolKey.currency0];
        swap(at, action === V4Action.SWAP_EXACT_IN_SINGLE, [tokenIn, tokenOut], [hop(s.poolKey, s.zeroForOne, s.hookData)], s.amount, s.limit, s.hopBound);
        break;
      }
      case V4Action.SWAP_EXACT_IN:
      case V4Action.SWAP_EXACT_OUT: {
        const exactIn = action === V4Action.SWAP_EXACT_IN;
        const m = decodeMultiSwap(hex, layout);
        const inner = m.path.map((key) => key.intermediateCurrency);
        // exact in: currencyIn then each hop's output; exact out: each hop's input then currencyOut (travel order)
        const path = exactIn ? [m.currency, ...inner] : [...inner, m.currency];
        const hops = m.path.map((key, i) => pathHop(path[i]!, path[i + 1]!, key));
        swap(at, exactIn, path, hops, m.amount, m.limit, m.hopBound);
        break;
      }
      case V4Action.SETTLE: {
        const { currency, amount } = decodeCurrencyUintAndBool(hex);
        if (amount === CONTRACT_BALANCE) {
          const balance = routerBalance(currency);
          add(currency, balance.amount, balance.exact);
        } else if (amount === OPEN_DELTA) clear(currency, -1n);
        else add(currency, amount, true);
        break;
      }
      case V4Action.SETTLE_ALL:
        clear(decodeCurrencyAndUint(hex).currency, -1n);
        break;
      case V4Action.TAKE_ALL: {
        const { currency } = decodeCurrencyAndUint(hex);
        takes.push({ at, currency, recipient: context.from, portion: false });
        clear(currency, 1n);
        break;
      }
      case V4Action.TAKE: {
        const { currency, recipient, amount } = decodeCurrencyAddressAndUint(hex);
        takes.push({ at, currency, recipient: mapRecipient(recipient, context), portion: false });
        if (amount === OPEN_DELTA) clear(currency, 1n);
        else add(currency, -amount, true);
        break;
      }
      case V4Action.TAKE_PORTION: {
        const { currency, recipient, amount: bips } = decodeCurrencyAddressAndUint(hex);
        if (bips > MAX_BIPS) throw new CalldataError('V4 TAKE_PORTION above 10,000 bips (the router reverts)');
        takes.push({ at, currency, recipient: mapRecipient(recipient, context), portion: true });
        const d = delta(currency);
        if (d.amount > 0n) deltas.set(currency, { amount: d.amount - (d.amount * bips) / MAX_BIPS, exact: false });
        break;
      }
    }
  }

  for (const { swap: s, at } of planned) {
    const later = takes.filter((take) => take.at > at && take.currency === s.tokenOut);
    s.recipient = (later.find((take) => !take.portion) ?? later[0])?.recipient ?? V4_POOL_MANAGER;
  }
  return planned.map((p) => p.swap);
}

function v4Intent(context: DecodeContext, kind: SwapIntent['kind'], path: string[], hops: V4Hop[], amountIn: bigint, amountOut: bigint, open: SwapIntent['openAmount'], hopBound: boolean): SwapIntent {
  const swap = intent('v4', context, kind, path, hops.map((h) => h.fee), amountIn, amountOut, V4_POOL_MANAGER);
  swap.pools = hops;
  if (open) swap.openAmount = open;
  if (hopBound) swap.v4HopBound = true;
  return swap;
}
