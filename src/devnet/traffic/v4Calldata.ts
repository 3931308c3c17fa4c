/**
 * UniversalRouter calldata for a V4 swap, encoded the way the Uniswap interface does: one V4_SWAP command whose
 * input is abi.encode(bytes actions, bytes[] params), the swap action followed by SETTLE_ALL (pay the input) and
 * TAKE_ALL (receive the output), both from / to the caller (the router's msgSender). Layouts from v4-periphery's
 * IV4Router and PathKey, in the router 2.1 shape the devnet deploys: the multi-hop structs carry
 * `uint256[] maxHopSlippage` after the path (empty: no per-hop bound). Pure.
 */
import { concat, encodeAbiParameters, encodeFunctionData, numberToHex, zeroAddress, type Address, type Hex } from 'viem';
import { routerRecipients, universalRouterAbi, universalRouterCommands } from '../../abi/routers.ts';
import { mainnet } from '../../chain/addresses.ts';
import { encodeV3Path, v2Path, type SwapCall } from './calldata.ts';
import { isV3, type Hop } from './route.ts';
import type { V4Hop, V4SwapKind } from './v4Plan.ts';
import { v4PoolKeyComponents } from '../../amm/v4/poolKey.ts';
import { V4Action } from '../../mempool/decoders/v4Params.ts';

/** UniversalRouter command V4_SWAP (Commands.sol), and SWEEP, which hands back ETH an exact-out swap left over. */
export const V4_SWAP = 0x10;
const SWEEP = universalRouterCommands.SWEEP;

const poolKeyTuple = { type: 'tuple', name: 'poolKey', components: v4PoolKeyComponents } as const;
const pathKeyArray = {
  type: 'tuple[]',
  name: 'path',
  components: [
    { type: 'address', name: 'intermediateCurrency' },
    { type: 'uint24', name: 'fee' },
    { type: 'int24', name: 'tickSpacing' },
    { type: 'address', name: 'hooks' },
    { type: 'bytes', name: 'hookData' },
  ],
} as const;
/** ExactInputSingleParams / ExactOutputSingleParams: (poolKey, zeroForOne, amount, limit, hookData). */
const singleParams = [
  { type: 'tuple', components: [poolKeyTuple, { type: 'bool', name: 'zeroForOne' }, { type: 'uint128', name: 'amount' }, { type: 'uint128', name: 'limit' }, { type: 'bytes', name: 'hookData' }] },
] as const;
/** ExactInputParams / ExactOutputParams (2.1): (currency, path, maxHopSlippage, amount, limit). */
const multiParams = [
  { type: 'tuple', components: [{ type: 'address', name: 'currency' }, pathKeyArray, { type: 'uint256[]', name: 'maxHopSlippage' }, { type: 'uint128', name: 'amount' }, { type: 'uint128', name: 'limit' }] },
] as const;
const currencyAmount = [{ type: 'address' }, { type: 'uint256' }] as const;

export type V4SwapParameters = {
  kind: V4SwapKind;
  hops: readonly V4Hop[];
  /** Exact in: the input; exact out: the output. */
  exactAmount: bigint;
  /** Exact in: the least output; exact out: the most input. */
  limit: bigint;
};

/** PathKeys as V4Router reads them: exact in names each hop's output, exact out each hop's input (path runs input to output). */
export function v4PathKeys(hops: readonly V4Hop[], exactIn: boolean) {
  return hops.map((hop) => ({
    intermediateCurrency: exactIn ? hop.currencyOut.address : hop.currencyIn.address,
    fee: hop.pool.key.fee,
    tickSpacing: hop.pool.key.tickSpacing,
    hooks: hop.pool.key.hooks,
    hookData: '0x' as Hex,
  }));
}

/** The V4_SWAP command's input: the swap action, SETTLE_ALL of the input, TAKE_ALL of the output. */
export function encodeV4SwapInput(swap: V4SwapParameters): Hex {
  const { kind, hops, exactAmount, limit } = swap;
  const currencyIn = hops[0]!.currencyIn.address;
  const currencyOut = hops.at(-1)!.currencyOut.address;
  const exactIn = kind === 'exactInSingle' || kind === 'exactIn';
  let code: number;
  let params: Hex;
  if (kind === 'exactInSingle' || kind === 'exactOutSingle') {
    const hop = hops[0]!;
    code = exactIn ? V4Action.SWAP_EXACT_IN_SINGLE : V4Action.SWAP_EXACT_OUT_SINGLE;
    const zeroForOne = BigInt(hop.currencyIn.address) === BigInt(hop.pool.key.currency0);
    params = encodeAbiParameters(singleParams, [{ poolKey: hop.pool.key, zeroForOne, amount: exactAmount, limit, hookData: '0x' }]);
  } else {
    code = exactIn ? V4Action.SWAP_EXACT_IN : V4Action.SWAP_EXACT_OUT;
    params = encodeAbiParameters(multiParams, [{ currency: exactIn ? currencyIn : currencyOut, path: v4PathKeys(hops, exactIn), maxHopSlippage: [], amount: exactAmount, limit }]);
  }
  const [maxIn, minOut] = exactIn ? [exactAmount, limit] : [limit, exactAmount];
  const actions = concat([code, V4Action.SETTLE_ALL, V4Action.TAKE_ALL].map((action) => numberToHex(action, { size: 1 })));
  return encodeAbiParameters(
    [{ type: 'bytes' }, { type: 'bytes[]' }],
    [actions, [params, encodeAbiParameters(currencyAmount, [currencyIn, maxIn]), encodeAbiParameters(currencyAmount, [currencyOut, minOut])]],
  );
}

/** A V2/V3 leg paid in ETH the router wraps: WRAP_ETH then V2/V3_SWAP_EXACT_IN from the router's own WETH. */
export type ClassicLeg = { hops: readonly Hop[]; amountIn: bigint; minAmountOut: bigint };

/**
 * The whole `execute`: [WRAP_ETH, V2/V3 swap] when there is a V2/V3 leg, then V4_SWAP, then SWEEP of the ETH an
 * exact-out swap paid in ETH did not use. The transaction's value is all the ETH the swap may spend.
 */
export function buildV4SwapCall(parameters: { v4: V4SwapParameters; classic?: ClassicLeg; recipient: Address; deadline: bigint }): SwapCall {
  const { v4, classic, recipient, deadline } = parameters;
  const commands: number[] = [];
  const inputs: Hex[] = [];
  let value = 0n;
  if (classic && classic.hops.length > 0) {
    const { WRAP_ETH, V2_SWAP_EXACT_IN, V3_SWAP_EXACT_IN } = universalRouterCommands;
    const v3 = isV3(classic.hops[0]!.pool);
    commands.push(WRAP_ETH, v3 ? V3_SWAP_EXACT_IN : V2_SWAP_EXACT_IN);
    inputs.push(
      encodeAbiParameters([{ type: 'address' }, { type: 'uint256' }], [routerRecipients.ADDRESS_THIS, classic.amountIn]),
      v3
        ? encodeAbiParameters([{ type: 'address' }, { type: 'uint256' }, { type: 'uint256' }, { type: 'bytes' }, { type: 'bool' }], [recipient, classic.amountIn, classic.minAmountOut, encodeV3Path(classic.hops), false])
        : encodeAbiParameters([{ type: 'address' }, { type: 'uint256' }, { type: 'uint256' }, { type: 'address[]' }, { type: 'bool' }], [recipient, classic.amountIn, classic.minAmountOut, v2Path(classic.hops), false]),
    );
    value += classic.amountIn;
  }
  commands.push(V4_SWAP);
  inputs.push(encodeV4SwapInput(v4));
  const exactIn = v4.kind === 'exactInSingle' || v4.kind === 'exactIn';
  if (v4.hops[0]!.currencyIn.address === zeroAddress) {
    value += exactIn ? v4.exactAmount : v4.limit;
    if (!exactIn) {
      commands.push(SWEEP);
      inputs.push(encodeAbiParameters([{ type: 'address' }, { type: 'address' }, { type: 'uint256' }], [zeroAddress, routerRecipients.MSG_SENDER, 0n]));
    }
  }
  const commandBytes = concat(commands.map((command) => numberToHex(command, { size: 1 })));
  return { to: mainnet.universalRouter, data: encodeFunctionData({ abi: universalRouterAbi, functionName: 'execute', args: [commandBytes, inputs, deadline] }), value };
}
