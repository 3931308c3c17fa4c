/**
 * What a V4 swap's user reads before sending: the pool's size now (StateView) and the real V4Quoter's answer by
 * eth_call, which runs the swap in the PoolManager, hooks included. So the traffic's slippage bound holds for
 * hook pools too: a dynamic-fee hook's fee and a delta-returning hook's cut are in the quote.
 */
import { parseAbi, type Address, type Hex } from 'viem';
import { mainnetV4 } from '../../chain/addresses.ts';
import type { DevnetClient } from '../client.ts';
import type { DevnetV4Pool } from '../v4/pools.ts';
import { v4PathKeys } from './v4Calldata.ts';
import type { V4Currency, V4Hop, V4SwapKind } from './v4Plan.ts';

const stateViewAbi = parseAbi([
  'function getSlot0(bytes32 poolId) view returns (uint160 sqrtPriceX96, int24 tick, uint24 protocolFee, uint24 lpFee)',
  'function getLiquidity(bytes32 poolId) view returns (uint128)',
]);

export const v4QuoterAbi = parseAbi([
  'struct PoolKey { address currency0; address currency1; uint24 fee; int24 tickSpacing; address hooks; }',
  'struct PathKey { address intermediateCurrency; uint24 fee; int24 tickSpacing; address hooks; bytes hookData; }',
  'struct QuoteExactSingleParams { PoolKey poolKey; bool zeroForOne; uint128 exactAmount; bytes hookData; }',
  'struct QuoteExactParams { address exactCurrency; PathKey[] path; uint128 exactAmount; }',
  'function quoteExactInputSingle(QuoteExactSingleParams params) returns (uint256 amountOut, uint256 gasEstimate)',
  'function quoteExactOutputSingle(QuoteExactSingleParams params) returns (uint256 amountIn, uint256 gasEstimate)',
  'function quoteExactInput(QuoteExactParams params) returns (uint256 amountOut, uint256 gasEstimate)',
  'function quoteExactOutput(QuoteExactParams params) returns (uint256 amountIn, uint256 gasEstimate)',
]);

const q96 = 2n ** 96n;

/**
 * The pool's virtual reserve of `currency` at its price now (L / sqrtP for currency0, L * sqrtP for currency1): what
 * a V2 pool of the same depth would hold, so a size in bps of it means what it means for a V2 pool.
 */
export async function v4VirtualReserve(client: DevnetClient, pool: DevnetV4Pool, currency: V4Currency): Promise<bigint> {
  const poolId: Hex = pool.poolId;
  const [[sqrtPriceX96], liquidity] = await Promise.all([
    client.readContract({ address: mainnetV4.stateView, abi: stateViewAbi, functionName: 'getSlot0', args: [poolId] }),
    client.readContract({ address: mainnetV4.stateView, abi: stateViewAbi, functionName: 'getLiquidity', args: [poolId] }),
  ]);
  if (sqrtPriceX96 === 0n) return 0n;
  return BigInt(pool.key.currency0) === BigInt(currency.address) ? (liquidity * q96) / sqrtPriceX96 : (liquidity * sqrtPriceX96) / q96;
}

/** V4Quoter's answer: the output of an exact-in swap, or the input an exact-out swap needs. */
export async function quoteV4(client: DevnetClient, kind: V4SwapKind, hops: readonly V4Hop[], exactAmount: bigint): Promise<bigint> {
  const call = async (functionName: 'quoteExactInputSingle' | 'quoteExactOutputSingle' | 'quoteExactInput' | 'quoteExactOutput', params: unknown) => {
    const { result } = await client.simulateContract({ address: mainnetV4.quoter, abi: v4QuoterAbi, functionName, args: [params] as never });
    return (result as readonly [bigint, bigint])[0];
  };
  if (kind === 'exactInSingle' || kind === 'exactOutSingle') {
    const hop = hops[0]!;
    const zeroForOne = BigInt(hop.currencyIn.address) === BigInt(hop.pool.key.currency0);
    return call(kind === 'exactInSingle' ? 'quoteExactInputSingle' : 'quoteExactOutputSingle', { poolKey: hop.pool.key, zeroForOne, exactAmount, hookData: '0x' });
  }
  const exactIn = kind === 'exactIn';
  const exactCurrency: Address = exactIn ? hops[0]!.currencyIn.address : hops.at(-1)!.currencyOut.address;
  return call(exactIn ? 'quoteExactInput' : 'quoteExactOutput', { exactCurrency, path: v4PathKeys(hops, exactIn), exactAmount });
}

/** How a sent V4 swap is recorded (SentSwap.v4), so the devnet's truth and capture code can tell it apart. */
export type SentV4Swap = {
  kind: V4SwapKind;
  /** The PoolManager pools it trades through, input to output. */
  poolIds: Hex[];
  /** address(0) = native ETH. */
  currencyIn: Address;
  currencyOut: Address;
  ethIn: boolean;
  ethOut: boolean;
  /** Exact in: the input; exact out: the output. */
  exactAmount: bigint;
  /** Exact in: the least output; exact out: the most input. */
  limit: bigint;
  /** V4Quoter's answer when it was built. */
  quoted: bigint;
  /** A V2/V3 leg sent in the same `execute` (an ETH sale split between a V4 pool and a V2/V3 pool). */
  alongside?: { pools: Address[]; amountIn: bigint; minAmountOut: bigint };
};

const balanceOfAbi = parseAbi(['function balanceOf(address) view returns (uint256)']);

/** The trader's balance of a V4 currency (ETH or token). */
export async function heldV4(client: DevnetClient, currency: V4Currency, owner: Address): Promise<bigint> {
  if (BigInt(currency.address) === 0n) return client.getBalance({ address: owner });
  return client.readContract({ address: currency.address, abi: balanceOfAbi, functionName: 'balanceOf', args: [owner] });
}
