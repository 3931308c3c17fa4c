import { decodeFunctionResult, encodeFunctionData, parseAbi, type Address, type Hex } from 'viem';
import { mainnet, mainnetV4 } from '../../chain/addresses.ts';
import type { TruthCycle, TruthHop } from './cycles.ts';
import { rpc, rpcBatch, TruthError } from './rpc.ts';

const routerAbi = parseAbi([
  'function getAmountsOut(uint256 amountIn, address[] path) view returns (uint256[] amounts)',
  'function getAmountsIn(uint256 amountOut, address[] path) view returns (uint256[] amounts)',
]);
const quoterAbi = parseAbi([
  'function quoteExactInputSingle((address tokenIn, address tokenOut, uint256 amountIn, uint24 fee, uint160 sqrtPriceLimitX96) params) returns (uint256 amountOut, uint160 sqrtPriceX96After, uint32 initializedTicksCrossed, uint256 gasEstimate)',
  'function quoteExactOutputSingle((address tokenIn, address tokenOut, uint256 amount, uint24 fee, uint160 sqrtPriceLimitX96) params) returns (uint256 amountIn, uint160 sqrtPriceX96After, uint32 initializedTicksCrossed, uint256 gasEstimate)',
]);
const erc20Abi = parseAbi(['function balanceOf(address) view returns (uint256)']);
/** v4-periphery's V4Quoter (IV4Quoter): it runs the swap in the PoolManager, hooks and all, and reverts with the result. */
const v4QuoterAbi = parseAbi([
  'struct PoolKey { address currency0; address currency1; uint24 fee; int24 tickSpacing; address hooks; }',
  'struct QuoteExactSingleParams { PoolKey poolKey; bool zeroForOne; uint128 exactAmount; bytes hookData; }',
  'function quoteExactInputSingle(QuoteExactSingleParams params) returns (uint256 amountOut, uint256 gasEstimate)',
  'function quoteExactOutputSingle(QuoteExactSingleParams params) returns (uint256 amountIn, uint256 gasEstimate)',
]);
const MAX_U128 = (1n << 128n) - 1n;

/** V4Quoter's call for a hop through a V4 pool; the direction from the cycle's tokens (native ETH stands as WETH in both). */
function v4QuoteCall(hop: TruthHop, functionName: 'quoteExactInputSingle' | 'quoteExactOutputSingle', exactAmount: bigint): { to: Address; data: Hex } {
  // No pool holds 2^128 of anything the cycles start from: an amount that does not fit is a bug, not a quote.
  if (exactAmount > MAX_U128) throw new TruthError('TRUTH_QUOTE', `a V4 quote of ${exactAmount} does not fit V4Quoter's uint128`);
  const zeroForOne = hop.tokenIn.toLowerCase() === hop.pool.token0.toLowerCase();
  return { to: mainnetV4.quoter, data: encodeFunctionData({ abi: v4QuoterAbi, functionName, args: [{ poolKey: hop.pool.v4!.key, zeroForOne, exactAmount, hookData: '0x' }] }) };
}

/**
 * The price limits QuoterV2 swaps to when asked for none (TickMath.MIN_SQRT_RATIO + 1, MAX_SQRT_RATIO - 1): a
 * quote that ends there ran out of liquidity and did not use its whole input.
 */
const MIN_LIMIT = 4295128739n + 1n;
const MAX_LIMIT = 1461446703485210103287273052203988822378723970342n - 1n;

/** The chain's own quoter for a hop: the venue's Router02 for a pair, Uniswap's QuoterV2 for a V3 pool, V4Quoter for a V4 pool. */
function hopCall(hop: TruthHop, amountIn: bigint): { to: Address; data: Hex } {
  if (hop.pool.v4) return v4QuoteCall(hop, 'quoteExactInputSingle', amountIn);
  if (hop.pool.venue === 'uniswapV3') {
    return {
      to: mainnet.quoterV2,
      data: encodeFunctionData({ abi: quoterAbi, functionName: 'quoteExactInputSingle', args: [{ tokenIn: hop.tokenIn, tokenOut: hop.tokenOut, amountIn, fee: hop.pool.fee!, sqrtPriceLimitX96: 0n }] }),
    };
  }
  const router = hop.pool.venue === 'uniswapV2' ? mainnet.uniswapV2Router02 : mainnet.sushiswapRouter;
  return { to: router, data: encodeFunctionData({ abi: routerAbi, functionName: 'getAmountsOut', args: [amountIn, [hop.tokenIn, hop.tokenOut]] }) };
}

/**
 * A hop's output from its quoter's answer; 0 when the hop cannot fill the whole input (the quoter reverts, or a V3
 * swap hits its price limit; V4Quoter itself reverts NotEnoughLiquidity when a swap stops short of its input).
 */
function hopOutput(hop: TruthHop, answer: Awaited<ReturnType<typeof rpcBatch>>[number]): bigint {
  if ('error' in answer) return 0n;
  const data = answer.result as Hex;
  if (hop.pool.v4) return decodeFunctionResult({ abi: v4QuoterAbi, functionName: 'quoteExactInputSingle', data })[0];
  if (hop.pool.venue === 'uniswapV3') {
    const [amountOut, sqrtPriceX96After] = decodeFunctionResult({ abi: quoterAbi, functionName: 'quoteExactInputSingle', data });
    return sqrtPriceX96After === MIN_LIMIT || sqrtPriceX96After === MAX_LIMIT ? 0n : amountOut;
  }
  const amounts = decodeFunctionResult({ abi: routerAbi, functionName: 'getAmountsOut', data });
  return amounts[1] ?? 0n;
}

/** The chain's exact-output quote for a hop: the input it needs to give `amountOut` (Router02 getAmountsIn, QuoterV2). */
function hopInputCall(hop: TruthHop, amountOut: bigint): { to: Address; data: Hex } {
  if (hop.pool.v4) return v4QuoteCall(hop, 'quoteExactOutputSingle', amountOut);
  if (hop.pool.venue === 'uniswapV3') {
    return {
      to: mainnet.quoterV2,
      data: encodeFunctionData({ abi: quoterAbi, functionName: 'quoteExactOutputSingle', args: [{ tokenIn: hop.tokenIn, tokenOut: hop.tokenOut, amount: amountOut, fee: hop.pool.fee!, sqrtPriceLimitX96: 0n }] }),
    };
  }
  const router = hop.pool.venue === 'uniswapV2' ? mainnet.uniswapV2Router02 : mainnet.sushiswapRouter;
  return { to: router, data: encodeFunctionData({ abi: routerAbi, functionName: 'getAmountsIn', args: [amountOut, [hop.tokenIn, hop.tokenOut]] }) };
}

/** The input from an exact-output answer; undefined when the quoter refused. */
function hopInput(hop: TruthHop, answer: Awaited<ReturnType<typeof rpcBatch>>[number]): bigint | undefined {
  if ('error' in answer) return undefined;
  const data = answer.result as Hex;
  if (hop.pool.v4) return decodeFunctionResult({ abi: v4QuoterAbi, functionName: 'quoteExactOutputSingle', data })[0];
  if (hop.pool.venue === 'uniswapV3') return decodeFunctionResult({ abi: quoterAbi, functionName: 'quoteExactOutputSingle', data })[0];
  return decodeFunctionResult({ abi: routerAbi, functionName: 'getAmountsIn', data })[0];
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

/**
 * Per cycle, the most WETH its first pool could take in: the pool's WETH balance, or for a V4 pool the PoolManager's
 * (WETH, or native ETH for a native pool): every V4 pool's reserves sit in the one manager, so this bounds the pool
 * from above, and the search's walk up the grid stops where the gain falls anyway.
 */
export async function depthsOf(url: string, weth: Address, cycles: readonly TruthCycle[]): Promise<bigint[]> {
  const first = cycles.map((cycle) => cycle[0]!.pool);
  const tokenHolders = first.filter((pool) => !isNativeV4(pool)).map((pool) => pool.address);
  const tokenDepths = await balancesOf(url, weth, tokenHolders);
  const natives = first.some(isNativeV4) ? BigInt(await rpc<Hex>(url, 'eth_getBalance', [mainnetV4.poolManager, 'latest'])) : 0n;
  let next = 0;
  return first.map((pool) => (isNativeV4(pool) ? natives : tokenDepths[next++]!));
}

const isNativeV4 = (pool: TruthCycle[number]['pool']) => pool.v4 !== undefined && BigInt(pool.v4.key.currency0) === 0n;

export type EdgeQuote = { amountOut: bigint; amountIn: bigint };

/**
 * The cheapest input that still yields what `amountIn` yields. Hops round down to whole units of their output
 * token (a satoshi of WBTC is worth ~10^11 wei), so a cycle's gain is a staircase in its input, and a point in
 * the middle of a step pays for units it does not get. From the forward output, the chain's exact-output quotes
 * run backwards hop by hop to the least input for it (kept only if below `amountIn`): the step's left edge, whose
 * gain (`amountOut - amountIn`) is what the search should compare. Still a quote at each end: the caller's final
 * figure is a forward quote of the edge.
 */
export async function quoteEdges(url: string, requests: readonly QuoteRequest[]): Promise<EdgeQuote[]> {
  const outputs = await quoteCycles(url, requests);
  const needed = outputs.slice();
  const hops = Math.max(0, ...requests.map((request) => request.cycle.length));
  for (let back = 1; back <= hops; back++) {
    const active = requests.flatMap((request, i) => (back <= request.cycle.length && needed[i]! > 0n ? [i] : []));
    if (active.length === 0) break;
    const answers = await rpcBatch(
      url,
      active.map((i) => {
        const call = hopInputCall(requests[i]!.cycle[requests[i]!.cycle.length - back]!, needed[i]!);
        return { method: 'eth_call', params: [{ to: call.to, data: call.data }, 'latest'] };
      }),
    );
    active.forEach((i, j) => {
      needed[i] = hopInput(requests[i]!.cycle[requests[i]!.cycle.length - back]!, answers[j]!) ?? 0n;
    });
  }
  return requests.map((request, i) => {
    const edge = needed[i]!;
    return { amountOut: outputs[i]!, amountIn: outputs[i]! > 0n && edge > 0n && edge < request.amountIn ? edge : request.amountIn };
  });
}
