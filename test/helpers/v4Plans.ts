/**
 * Reference encodings for UniversalRouter V4_SWAP, independent of our decoder: the router's ABI from its npm
 * artifact (execute), and the V4 swap parameter structs from v4-periphery's compiled MockCalldataDecoder (the
 * 1.0.3 layout = UniversalRouter 2.0). The 2.1 layouts are that ABI plus the fields the sources add:
 * - 2.1.0 (npm @uniswap/universal-router 2.1.0, built on v4-periphery 3779387e "Add per hop slippage checks"):
 *   ExactInputParams / ExactOutputParams gain `uint256[] maxHopSlippage` after `path`.
 * - 2.1.1 (universal-router d3123d99, v4-periphery 3231810e): the multi-hop structs carry `uint256[] minHopPriceX36`
 *   in the same place, and the single-hop structs gain `uint256 minHopPriceX36` before `hookData`.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { encodeAbiParameters, encodeFunctionData, type Abi, type AbiParameter, type Hex } from 'viem';

const require = createRequire(import.meta.url);
const json = (path: string) => JSON.parse(readFileSync(require.resolve(path), 'utf8')) as { abi: Abi };

export const universalRouterArtifactAbi = json('@uniswap/universal-router/artifacts/contracts/UniversalRouter.sol/UniversalRouter.json').abi;
const decoderAbi = json('@uniswap/v4-periphery/foundry-out/MockCalldataDecoder.sol/MockCalldataDecoder.json').abi as readonly { type: string; name?: string; outputs?: readonly AbiParameter[] }[];

const outputs = (name: string): readonly AbiParameter[] => {
  const fn = decoderAbi.find((item) => item.type === 'function' && item.name === name);
  if (!fn?.outputs) throw new Error(`MockCalldataDecoder has no ${name}`);
  return fn.outputs;
};

export type V4Layout = '2.0' | '2.1.0' | '2.1.1';
type Tuple = AbiParameter & { components: readonly AbiParameter[] };

/** The struct parameter of `decodeX` with `extra` inserted after the component named `after`. */
function withField(struct: readonly AbiParameter[], after: string, extra: AbiParameter): readonly AbiParameter[] {
  const tuple = struct[0] as Tuple;
  const at = tuple.components.findIndex((c) => c.name === after);
  const components = [...tuple.components.slice(0, at + 1), extra, ...tuple.components.slice(at + 1)];
  return [{ ...tuple, components } as AbiParameter];
}

const base = {
  exactInSingle: outputs('decodeSwapExactInSingleParams'),
  exactIn: outputs('decodeSwapExactInParams'),
  exactOutSingle: outputs('decodeSwapExactOutSingleParams'),
  exactOut: outputs('decodeSwapExactOutParams'),
};

export type SwapStructs = typeof base;

export function swapStructs(layout: V4Layout): SwapStructs {
  if (layout === '2.0') return base;
  const hopArray = { name: layout === '2.1.0' ? 'maxHopSlippage' : 'minHopPriceX36', type: 'uint256[]' };
  const multi = { exactIn: withField(base.exactIn, 'path', hopArray), exactOut: withField(base.exactOut, 'path', hopArray) };
  if (layout === '2.1.0') return { ...base, ...multi };
  const price = { name: 'minHopPriceX36', type: 'uint256' };
  return { exactInSingle: withField(base.exactInSingle, 'amountOutMinimum', price), exactOutSingle: withField(base.exactOutSingle, 'amountInMaximum', price), ...multi };
}

/** V4_SWAP's input: abi.encode(bytes actions, bytes[] params) (CalldataDecoder.decodeActionsRouterParams). */
export const actionsRouterParams = outputs('decodeActionsRouterParams');
export const currencyAndUint = outputs('decodeCurrencyAndUint256');
export const currencyAddressAndUint = outputs('decodeCurrencyAddressAndUint256');
export const currencyUintAndBool = outputs('decodeCurrencyUint256AndBool');

export const Actions = {
  SWAP_EXACT_IN_SINGLE: 0x06,
  SWAP_EXACT_IN: 0x07,
  SWAP_EXACT_OUT_SINGLE: 0x08,
  SWAP_EXACT_OUT: 0x09,
  SETTLE: 0x0b,
  SETTLE_ALL: 0x0c,
  SETTLE_PAIR: 0x0d,
  TAKE: 0x0e,
  TAKE_ALL: 0x0f,
  TAKE_PORTION: 0x10,
  TAKE_PAIR: 0x11,
  CLOSE_CURRENCY: 0x12,
  CLEAR_OR_TAKE: 0x13,
  SWEEP: 0x14,
  WRAP: 0x15,
  UNWRAP: 0x16,
} as const;

export const Commands = { V3_SWAP_EXACT_IN: 0x00, V3_SWAP_EXACT_OUT: 0x01, PERMIT2_PERMIT: 0x0a, V2_SWAP_EXACT_IN: 0x08, V2_SWAP_EXACT_OUT: 0x09, WRAP_ETH: 0x0b, UNWRAP_WETH: 0x0c, V4_SWAP: 0x10 } as const;

export type Action = { action: number; params: Hex };

export function v4SwapInput(actions: readonly Action[]): Hex {
  const bytes = `0x${actions.map((a) => a.action.toString(16).padStart(2, '0')).join('')}` as Hex;
  return encodeAbiParameters(actionsRouterParams, [bytes, actions.map((a) => a.params)]);
}

export function executeCall(commands: readonly number[], inputs: readonly Hex[], deadline?: bigint): Hex {
  const bytes = `0x${commands.map((c) => c.toString(16).padStart(2, '0')).join('')}` as Hex;
  return deadline === undefined
    ? encodeFunctionData({ abi: universalRouterArtifactAbi, functionName: 'execute', args: [bytes, inputs] })
    : encodeFunctionData({ abi: universalRouterArtifactAbi, functionName: 'execute', args: [bytes, inputs, deadline] });
}

export const encodeParams = (types: readonly AbiParameter[], values: readonly unknown[]): Hex => encodeAbiParameters(types, values as never);
