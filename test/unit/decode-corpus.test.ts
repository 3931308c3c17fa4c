import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { decodeFunctionData, type Abi, type Hex } from 'viem';
import { describe, expect, it } from 'vitest';
import { decodeTransaction, mainnetRouters } from '../../src/mempool/decode.ts';
import { parseTxLine } from '../../src/mempool/json.ts';
import type { RawTx, SwapIntent } from '../../src/mempool/types.ts';

const require = createRequire(import.meta.url);
const abiOf = (path: string) => JSON.parse(readFileSync(require.resolve(path), 'utf8')).abi as Abi;
// The routers' own ABIs from their npm artifacts, decoded by viem: an independent decode to compare with.
const routerAbi = abiOf('@uniswap/v2-periphery/build/UniswapV2Router02.json');
const swapRouterAbi = abiOf('@uniswap/v3-periphery/artifacts/contracts/SwapRouter.sol/SwapRouter.json');

const corpus = readFileSync(new URL('../fixtures/mainnet-txs.jsonl', import.meta.url), 'utf8')
  .trim()
  .split('\n')
  .map((line) => parseTxLine(line));
const v2Routers: Record<string, SwapIntent['protocol']> = {
  '0x7a250d5630b4cf539739df2c5dacb4c659f2488d': 'uniswap-v2',
  '0xd9e1ce17f2641f24ae83637ab66a2cca9c378b9f': 'sushiswap',
};
const swapRouter = '0xe592427a0aece92de3edee1f18e0157c05861564';
const lower = (value: unknown) => String(value).toLowerCase();

function expectedV2(tx: RawTx): SwapIntent[] {
  const { functionName, args } = decodeFunctionData({ abi: routerAbi, data: tx.input as Hex }) as { functionName: string; args: any[] };
  if (!functionName.startsWith('swap')) return [];
  const ethIn = functionName.startsWith('swapExactETH') || functionName.startsWith('swapETH');
  const exactIn = functionName.startsWith('swapExact');
  const [first, second, path, to, deadline] = ethIn ? [args[0], undefined, args[1], args[2], args[3]] : args;
  const amountIn = ethIn ? tx.value : exactIn ? first : second;
  const amountOut = ethIn ? first : exactIn ? second : first;
  const tokens = (path as string[]).map(lower);
  return [{ protocol: v2Routers[tx.to!]!, router: tx.to!, kind: exactIn ? 'exactIn' : 'exactOut', tokenIn: tokens[0]!, tokenOut: tokens.at(-1)!, path: tokens, fees: tokens.slice(1).map(() => null), amountIn, amountOut, recipient: lower(to), deadline }];
}

function v3PathOf(path: string, reverse: boolean) {
  const hex = path.slice(2);
  const tokens = [`0x${hex.slice(0, 40)}`];
  const fees: number[] = [];
  for (let at = 40; at < hex.length; at += 46) {
    fees.push(Number.parseInt(hex.slice(at, at + 6), 16));
    tokens.push(`0x${hex.slice(at + 6, at + 46)}`);
  }
  return reverse ? { tokens: tokens.reverse(), fees: fees.reverse() } : { tokens, fees };
}

function expectedV3(tx: RawTx, data: Hex = tx.input as Hex): SwapIntent[] {
  const { functionName, args } = decodeFunctionData({ abi: swapRouterAbi, data }) as { functionName: string; args: any[] };
  const base = { protocol: 'uniswap-v3' as const, router: tx.to! };
  const p = args?.[0];
  switch (functionName) {
    case 'exactInputSingle':
      return [{ ...base, kind: 'exactIn', tokenIn: lower(p.tokenIn), tokenOut: lower(p.tokenOut), path: [lower(p.tokenIn), lower(p.tokenOut)], fees: [p.fee], amountIn: p.amountIn, amountOut: p.amountOutMinimum, recipient: lower(p.recipient), deadline: p.deadline }];
    case 'exactOutputSingle':
      return [{ ...base, kind: 'exactOut', tokenIn: lower(p.tokenIn), tokenOut: lower(p.tokenOut), path: [lower(p.tokenIn), lower(p.tokenOut)], fees: [p.fee], amountIn: p.amountInMaximum, amountOut: p.amountOut, recipient: lower(p.recipient), deadline: p.deadline }];
    case 'exactInput':
    case 'exactOutput': {
      const exactIn = functionName === 'exactInput';
      const { tokens, fees } = v3PathOf(p.path, !exactIn);
      return [{ ...base, kind: exactIn ? 'exactIn' : 'exactOut', tokenIn: tokens[0]!, tokenOut: tokens.at(-1)!, path: tokens, fees, amountIn: exactIn ? p.amountIn : p.amountInMaximum, amountOut: exactIn ? p.amountOutMinimum : p.amountOut, recipient: lower(p.recipient), deadline: p.deadline }];
    }
    case 'multicall': {
      const calls = args[0] as Hex[];
      const swaps = calls.flatMap((call) => expectedV3(tx, call));
      // the output sent on by unwrapWETH9 / sweepToken goes to that call's recipient
      for (const call of calls) {
        const inner = decodeFunctionData({ abi: swapRouterAbi, data: call }) as { functionName: string; args: any[] };
        const forwardedTo = inner.functionName === 'unwrapWETH9' ? inner.args[1] : inner.functionName === 'sweepToken' ? inner.args[2] : undefined;
        if (forwardedTo) for (const swap of swaps) if (swap.recipient === tx.to || swap.recipient === '0x0000000000000000000000000000000000000000') swap.recipient = lower(forwardedTo);
      }
      return swaps;
    }
    default:
      return [];
  }
}

describe('decoding the mainnet corpus', () => {
  const config = { routers: mainnetRouters };

  it('decodes every router swap exactly as viem decodes it with the routers\' own ABIs', () => {
    let routerTxs = 0;
    let swaps = 0;
    const kinds = new Set<string>();
    for (const tx of corpus) {
      const isV2 = tx.to !== null && tx.to in v2Routers;
      if (!isV2 && tx.to !== swapRouter) continue;
      routerTxs++;
      const expected = isV2 ? expectedV2(tx) : expectedV3(tx);
      const ours = decodeTransaction(tx, config);
      expect(ours, tx.hash).toEqual({ swaps: expected });
      swaps += expected.length;
      for (const swap of expected) kinds.add(`${swap.protocol}:${swap.kind}:${swap.path.length - 1}`);
    }
    expect(routerTxs).toBe(278);
    expect(swaps).toBeGreaterThanOrEqual(269);
    // the corpus covers both kinds on both protocol versions, and multi-hop paths
    expect([...kinds].some((k) => k.startsWith('uniswap-v3:exactOut'))).toBe(true);
    expect([...kinds].some((k) => k.startsWith('sushiswap:exactIn'))).toBe(true);
    expect([...kinds].some((k) => k.endsWith(':2'))).toBe(true);
  });

  it('finds no swap anywhere else', () => {
    const elsewhere = corpus.filter((tx) => !(tx.to !== null && (tx.to in v2Routers || tx.to === swapRouter)));
    expect(elsewhere.length).toBe(3846 - 278);
    for (const tx of elsewhere) expect(decodeTransaction(tx, config), tx.hash).toEqual({ swaps: [] });
  });
});
