import { decodeAbiParameters, decodeFunctionData, type AbiParameter, type Hex } from 'viem';
import { bench, describe } from 'vitest';
import { sortCurrencies, v4PoolId } from '../../src/amm/v4/poolKey.ts';
import { decodeTransaction, mainnetRouters } from '../../src/mempool/decode.ts';
import {
  Actions,
  Commands,
  actionsRouterParams,
  currencyAddressAndUint,
  currencyAndUint,
  encodeParams,
  executeCall,
  swapStructs,
  universalRouterArtifactAbi,
  v4SwapInput,
  type Action,
} from '../helpers/v4Plans.ts';

// The same UniversalRouter V4_SWAP transactions on both sides (2.0 layout, the mainnet router): single and
// multi-hop, exact in and out, native ETH, with settle/take actions. Ours returns SwapIntents (pool ids
// included: one keccak per hop); viem returns the decoded words (execute, then V4_SWAP's (bytes, bytes[]), then
// each action's struct), no pool ids. hz = transactions per second.

const ROUTER = '0x66a9893cc07d91d95644aedd05d03f95e1dba8af';
const tokens = ['0x0000000000000000000000000000000000000000', '0x6b175474e89094c44da98b954eedeac495271d0f', '0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48', '0xc02aaa39b223fe8d0a0e5c4f27ead9083c756cc2', '0xdac17f958d2ee523a2206206994597c13d831ec7'];
const structs = swapStructs('2.0');
let state = 12345;
const rand = (n: number) => ((state = (state * 1103515245 + 12345) % 2 ** 31), state % n);

/** `hooksOf` names each hop's hooks: the mainnet-like set reuses few pools, the cold set never repeats one. */
let hooksOf = () => tokens[0]!;
function plan(): Hex {
  const actions: Action[] = [];
  const swaps = 1 + rand(2);
  for (let s = 0; s < swaps; s++) {
    const hops = 1 + rand(3);
    const start = rand(tokens.length);
    const path = Array.from({ length: hops + 1 }, (_, i) => tokens[(start + i) % tokens.length]!);
    const exactIn = rand(2) === 0;
    if (hops === 1) {
      const [c0, c1] = BigInt(path[0]!) < BigInt(path[1]!) ? [path[0]!, path[1]!] : [path[1]!, path[0]!];
      const poolKey = { currency0: c0, currency1: c1, fee: 3000, tickSpacing: 60, hooks: hooksOf() };
      const value = exactIn ? { poolKey, zeroForOne: c0 === path[0], amountIn: 10n ** 18n, amountOutMinimum: 1n, hookData: '0x' } : { poolKey, zeroForOne: c0 === path[0], amountOut: 10n ** 18n, amountInMaximum: 10n ** 20n, hookData: '0x' };
      actions.push({ action: exactIn ? Actions.SWAP_EXACT_IN_SINGLE : Actions.SWAP_EXACT_OUT_SINGLE, params: encodeParams(exactIn ? structs.exactInSingle : structs.exactOutSingle, [value]) });
    } else {
      const keys = path.slice(exactIn ? 1 : 0, exactIn ? undefined : -1).map((c) => ({ intermediateCurrency: c, fee: 500, tickSpacing: 10, hooks: hooksOf(), hookData: '0x' }));
      const value = exactIn ? { currencyIn: path[0], path: keys, amountIn: 10n ** 18n, amountOutMinimum: 1n } : { currencyOut: path[hops], path: keys, amountOut: 10n ** 18n, amountInMaximum: 10n ** 20n };
      actions.push({ action: exactIn ? Actions.SWAP_EXACT_IN : Actions.SWAP_EXACT_OUT, params: encodeParams(exactIn ? structs.exactIn : structs.exactOut, [value]) });
    }
    actions.push({ action: Actions.SETTLE_ALL, params: encodeParams(currencyAndUint, [path[0], 10n ** 20n]) });
    actions.push(rand(2) === 0 ? { action: Actions.TAKE_ALL, params: encodeParams(currencyAndUint, [path[hops], 1n]) } : { action: Actions.TAKE, params: encodeParams(currencyAddressAndUint, [path[hops], '0x0000000000000000000000000000000000000001', 0n]) });
  }
  return executeCall([Commands.V4_SWAP], [v4SwapInput(actions)], 2_000_000_000n);
}

const tx = (input: Hex) => ({ hash: '0x01', from: '0x00000000000000000000000000000000000000f1', to: ROUTER, value: 0n, input });
const txs = Array.from({ length: 200 }, () => tx(plan()));
// 12,000 plans whose every hop is a pool never seen before (more than the decoder's 10,000 remembered pool ids,
// so cycling through them never hits the memo): the cost of a first sighting, a keccak per hop
let unique = 0;
hooksOf = () => `0x${(++unique).toString(16).padStart(40, '0')}`;
const coldTxs = Array.from({ length: 12_000 }, () => tx(plan()));
const config = { routers: mainnetRouters };
const typesOf: Record<number, readonly AbiParameter[]> = {
  [Actions.SWAP_EXACT_IN_SINGLE]: structs.exactInSingle,
  [Actions.SWAP_EXACT_OUT_SINGLE]: structs.exactOutSingle,
  [Actions.SWAP_EXACT_IN]: structs.exactIn,
  [Actions.SWAP_EXACT_OUT]: structs.exactOut,
  [Actions.SETTLE_ALL]: currencyAndUint,
  [Actions.TAKE_ALL]: currencyAndUint,
  [Actions.TAKE]: currencyAddressAndUint,
};

function cycle<T>(items: T[]): () => T {
  let i = 0;
  return () => items[i++ % items.length]!;
}

describe(`decode UniversalRouter V4_SWAP transactions (${txs.length} plans over a few pools)`, () => {
  const ours = cycle(txs);
  const viem = cycle(txs);
  const viemIds = cycle(txs);
  bench('searcher decodeTransaction (to SwapIntents, pool ids included)', () => {
    const result = decodeTransaction(ours(), config);
    if (!('swaps' in result) || result.swaps.length === 0) throw new Error('not decoded');
  });
  bench('viem decodeFunctionData + decodeAbiParameters (router ABI, v4-periphery structs)', () => {
    const { args } = decodeFunctionData({ abi: universalRouterArtifactAbi, data: viem().input });
    const [, inputs] = args as unknown as [Hex, Hex[]];
    const [actions, params] = decodeAbiParameters(actionsRouterParams, inputs[0]!) as unknown as [Hex, Hex[]];
    for (let i = 0; i < params.length; i++) decodeAbiParameters(typesOf[Number.parseInt(actions.slice(2 + i * 2, 4 + i * 2), 16)]!, params[i]!);
  });
  bench('viem decodeFunctionData + decodeAbiParameters, then v4PoolId per hop (the same information as ours)', () => {
    const { args } = decodeFunctionData({ abi: universalRouterArtifactAbi, data: viemIds().input });
    const [, inputs] = args as unknown as [Hex, Hex[]];
    const [actions, params] = decodeAbiParameters(actionsRouterParams, inputs[0]!) as unknown as [Hex, Hex[]];
    for (let i = 0; i < params.length; i++) {
      const action = Number.parseInt(actions.slice(2 + i * 2, 4 + i * 2), 16);
      const [decoded] = decodeAbiParameters(typesOf[action]!, params[i]!) as unknown as [Record<string, any>];
      if (action === Actions.SWAP_EXACT_IN_SINGLE || action === Actions.SWAP_EXACT_OUT_SINGLE) v4PoolId(decoded.poolKey);
      if (action === Actions.SWAP_EXACT_IN || action === Actions.SWAP_EXACT_OUT) {
        let from = decoded.currencyIn ?? decoded.currencyOut;
        for (const key of decoded.path) {
          const [currency0, currency1] = sortCurrencies(from, key.intermediateCurrency);
          v4PoolId({ currency0, currency1, fee: key.fee, tickSpacing: key.tickSpacing, hooks: key.hooks });
          from = key.intermediateCurrency;
        }
      }
    }
  });
});

describe(`decode UniversalRouter V4_SWAP transactions (${coldTxs.length} plans, every pool new)`, () => {
  const ours = cycle(coldTxs);
  bench('searcher decodeTransaction, no remembered pool id', () => {
    const result = decodeTransaction(ours(), config);
    if (!('swaps' in result) || result.swaps.length === 0) throw new Error('not decoded');
  });
});
