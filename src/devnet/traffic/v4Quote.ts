/**
 * A V4 swap's transaction, from what its user reads before sending: the pool's size now (StateView) and the real
 * V4Quoter's answer by eth_call, which runs the swap in the PoolManager, hooks included. So the traffic's slippage
 * bound holds for hook pools too: a dynamic-fee hook's fee and a delta-returning hook's cut are in the quote.
 */
import { parseAbi, type Address, type Hex } from 'viem';
import { getSqrtRatioAtTick } from '../../amm/v3/tickMath.ts';
import { mainnetV4 } from '../../chain/addresses.ts';
import type { Logger } from '../../log.ts';
import type { DevnetClient } from '../client.ts';
import { farDeadline } from '../seed/pools.ts';
import type { DevnetV4Pool } from '../v4/pools.ts';
import type { SwapCall } from './calldata.ts';
import type { SwapOrder } from './plan.ts';
import { buildV4SwapCall, v4PathKeys, type ClassicLeg } from './v4Calldata.ts';
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
 * What the pool's positions hold of `currency` at its price now (each position's amounts for its range, as
 * Pool.modifyLiquidity would pay them out): the real depth a swap of the pool meets, which the PoolManager's balance
 * cannot tell (it holds every pool's tokens). A size in bps of it means what it means for a V2 pair's balance (the
 * classic traffic's basis). The virtual reserve (L / sqrtP) was used before: a concentrated pool's is hundreds of
 * times its real depth (DAI/USDC: ~300M against ~1M), so one median swap emptied the range and opened a 7 ETH cycle.
 * The positions are the scenario's (the manifest's): traffic that changes them is not followed (sizing only).
 */
export async function v4HeldReserve(client: DevnetClient, pool: DevnetV4Pool, currency: V4Currency): Promise<bigint> {
  const [sqrtPriceX96] = await client.readContract({ address: mainnetV4.stateView, abi: stateViewAbi, functionName: 'getSlot0', args: [pool.poolId] });
  if (sqrtPriceX96 === 0n) return 0n;
  return heldAt(pool.positions, sqrtPriceX96, BigInt(pool.key.currency0) === BigInt(currency.address));
}

/** Pure: what `positions` hold of currency0 (`zero`) or currency1 at `sqrtPriceX96` (rounded down). */
export function heldAt(positions: DevnetV4Pool['positions'], sqrtPriceX96: bigint, zero: boolean): bigint {
  let held = 0n;
  for (const position of positions) {
    const liquidity = BigInt(position.liquidity);
    const lower = getSqrtRatioAtTick(position.tickLower);
    const upper = getSqrtRatioAtTick(position.tickUpper);
    const price = sqrtPriceX96 < lower ? lower : sqrtPriceX96 > upper ? upper : sqrtPriceX96;
    held += zero ? (((liquidity * q96) / price) * (upper - price)) / upper : (liquidity * (price - lower)) / q96;
  }
  return held;
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

/** A user swap ready to sign: the call, what it may spend and must receive, and what it trades through. */
export type PreparedSwap = { call: SwapCall; amountIn: bigint; minAmountOut: bigint; protocol: 'v2' | 'v3' | 'v4' | 'mixed'; v4?: SentV4Swap };

/** What preparing a V4 swap needs from the traffic's shell: the node, a logger, and the V2/V3 routers' own quote. */
export type V4Shell = { client: DevnetClient; logger: Logger; quoteClassic: (order: SwapOrder, amountIn: bigint) => Promise<bigint> };

/**
 * The transaction for a V4 swap (UniversalRouter V4_SWAP), perhaps beside a V2/V3 leg: sized by what the pool's
 * positions hold, bounded by V4Quoter's eth_call. Undefined (skipped, not sent) when the trader lacks the funds or the
 * quoter cannot fill it.
 */
export async function prepareV4Swap(shell: V4Shell, order: SwapOrder, trader: Address): Promise<PreparedSwap | undefined> {
  const { client, logger } = shell;
  const leg = order.v4!;
  const bps = 'bpsOfPool' in order.amountIn ? BigInt(Math.round(order.amountIn.bpsOfPool * 100)) : 0n;
  const exactIn = leg.kind === 'exactInSingle' || leg.kind === 'exactIn';
  const sizing = exactIn ? leg.hops[0]! : leg.hops.at(-1)!;
  const reserve = await v4HeldReserve(client, sizing.pool, exactIn ? sizing.currencyIn : sizing.currencyOut);
  const exactAmount = 'exact' in order.amountIn ? order.amountIn.exact : (reserve * bps) / 1_000_000n;
  if (exactAmount === 0n) return undefined;
  let quoted: bigint;
  try {
    quoted = await quoteV4(client, leg.kind, leg.hops, exactAmount);
  } catch (error) {
    logger.debug({ err: (error as Error).message.split('\n')[0], kind: leg.kind }, 'traffic: V4 quote failed');
    return undefined;
  }
  if (quoted === 0n) return undefined;
  const slippage = BigInt(order.slippageBps);
  const limit = exactIn ? (quoted * (10_000n - slippage)) / 10_000n : (quoted * (10_000n + slippage) + 9_999n) / 10_000n;
  let classic: ClassicLeg | undefined;
  if (order.hops.length > 0) {
    const pool = order.hops[0]!.pool;
    const held = await client.readContract({ address: order.hops[0]!.tokenIn.address, abi: balanceOfAbi, functionName: 'balanceOf', args: [pool.address] });
    const amountIn = (held * bps) / 1_000_000n;
    if (amountIn === 0n) return undefined;
    const minAmountOut = ((await shell.quoteClassic(order, amountIn)) * (10_000n - slippage)) / 10_000n;
    classic = { hops: order.hops, amountIn, minAmountOut };
  }
  const first = leg.hops[0]!;
  const last = leg.hops.at(-1)!;
  const maxIn = exactIn ? exactAmount : limit;
  const needed = maxIn + (classic?.amountIn ?? 0n);
  // Classic legs are paid in ETH, so with an ETH V4 input both come out of the same balance.
  if ((await heldV4(client, first.currencyIn, trader)) < needed) {
    logger.debug({ trader, currency: first.currencyIn.symbol }, 'traffic: trader out of funds');
    return undefined;
  }
  const call = buildV4SwapCall({ v4: { kind: leg.kind, hops: leg.hops, exactAmount, limit }, ...(classic ? { classic } : {}), recipient: trader, deadline: farDeadline });
  const v4: SentV4Swap = {
    kind: leg.kind,
    poolIds: leg.hops.map((hop) => hop.pool.poolId),
    currencyIn: first.currencyIn.address,
    currencyOut: last.currencyOut.address,
    ethIn: order.ethIn,
    ethOut: order.ethOut,
    exactAmount,
    limit,
    quoted,
    ...(classic ? { alongside: { pools: classic.hops.map((hop) => hop.pool.address), amountIn: classic.amountIn, minAmountOut: classic.minAmountOut } } : {}),
  };
  return { call, amountIn: needed, minAmountOut: exactIn ? limit : exactAmount, protocol: classic ? 'mixed' : 'v4', v4 };
}

