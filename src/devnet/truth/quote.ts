import { decodeFunctionResult, encodeFunctionData, parseAbi, type Address, type Hex } from 'viem';
import { mainnet } from '../../chain/addresses.ts';
import type { TruthCycle, TruthHop } from './cycles.ts';
import { rpcBatch, TruthError } from './rpc.ts';

const routerAbi = parseAbi(['function getAmountsOut(uint256 amountIn, address[] path) view returns (uint256[] amounts)']);
const quoterAbi = parseAbi([
  'function quoteExactInputSingle((address tokenIn, address tokenOut, uint256 amountIn, uint24 fee, uint160 sqrtPriceLimitX96) params) returns (uint256 amountOut, uint160 sqrtPriceX96After, uint32 initializedTicksCrossed, uint256 gasEstimate)',
]);
const erc20Abi = parseAbi(['function balanceOf(address) view returns (uint256)']);

/**
 * The price limits QuoterV2 swaps to when asked for none (TickMath.MIN_SQRT_RATIO + 1, MAX_SQRT_RATIO - 1): a
 * quote that ends there ran out of liquidity and did not use its whole input.
 */
const MIN_LIMIT = 4295128739n + 1n;
const MAX_LIMIT = 1461446703485210103287273052203988822378723970342n - 1n;

/** The chain's own quoter for a hop: the venue's Router02 for a pair, Uniswap's QuoterV2 for a V3 pool. */
function hopCall(hop: TruthHop, amountIn: bigint): { to: Address; data: Hex } {
  if (hop.pool.venue === 'uniswapV3') {
    return {
      to: mainnet.quoterV2,
      data: encodeFunctionData({ abi: quoterAbi, functionName: 'quoteExactInputSingle', args: [{ tokenIn: hop.tokenIn, tokenOut: hop.tokenOut, amountIn, fee: hop.pool.fee!, sqrtPriceLimitX96: 0n }] }),
    };
  }
  const router = hop.pool.venue === 'uniswapV2' ? mainnet.uniswapV2Router02 : mainnet.sushiswapRouter;
  return { to: router, data: encodeFunctionData({ abi: routerAbi, functionName: 'getAmountsOut', args: [amountIn, [hop.tokenIn, hop.tokenOut]] }) };
}

/** A hop's output from its quoter's answer; 0 when the hop cannot fill the whole input (the quoter reverts, or a V3 swap hits its price limit). */
function hopOutput(hop: TruthHop, answer: Awaited<ReturnType<typeof rpcBatch>>[number]): bigint {
  if ('error' in answer) return 0n;
  const data = answer.result as Hex;
  if (hop.pool.venue === 'uniswapV3') {
    const [amountOut, sqrtPriceX96After] = decodeFunctionResult({ abi: quoterAbi, functionName: 'quoteExactInputSingle', data });
    return sqrtPriceX96After === MIN_LIMIT || sqrtPriceX96After === MAX_LIMIT ? 0n : amountOut;
  }
  const amounts = decodeFunctionResult({ abi: routerAbi, functionName: 'getAmountsOut', data });
  return amounts[1] ?? 0n;
}

export type QuoteRequest = { cycle: TruthCycle; amountIn: bigint };

/**
 * What each cycle returns for its input, quoted by the chain at the fork's head: hop by hop (each hop's output is
 * the next one's input), every request's hop k in one JSON-RPC batch. 0 when a hop cannot fill.
 */
export async function quoteCycles(url: string, requests: readonly QuoteRequest[]): Promise<bigint[]> {
  const amounts = requests.map((request) => request.amountIn);
  const hops = Math.max(0, ...requests.map((request) => request.cycle.length));
  for (let k = 0; k < hops; k++) {
    const active = requests.flatMap((request, i) => (k < request.cycle.length && amounts[i]! > 0n ? [i] : []));
    if (active.length === 0) break;
    const answers = await rpcBatch(
      url,
      active.map((i) => {
        const call = hopCall(requests[i]!.cycle[k]!, amounts[i]!);
        return { method: 'eth_call', params: [{ to: call.to, data: call.data }, 'latest'] };
      }),
    );
    active.forEach((i, j) => {
      amounts[i] = hopOutput(requests[i]!.cycle[k]!, answers[j]!);
    });
  }
  return amounts;
}

/** How much of `token` each pool holds at the fork's head (the depth a first hop can trade into). */
export async function balancesOf(url: string, token: Address, holders: readonly Address[]): Promise<bigint[]> {
  const answers = await rpcBatch(url, holders.map((holder) => ({ method: 'eth_call', params: [{ to: token, data: encodeFunctionData({ abi: erc20Abi, functionName: 'balanceOf', args: [holder] }) }, 'latest'] })));
  return answers.map((answer, i) => {
    if ('error' in answer) throw new TruthError('TRUTH_QUOTE', `balanceOf(${holders[i]}) failed on the fork: ${answer.error.message}`);
    return decodeFunctionResult({ abi: erc20Abi, functionName: 'balanceOf', data: answer.result as Hex });
  });
}
