/**
 * Uniswap V2 pair math with the fee as a parameter (basis points: 30 for Uniswap and SushiSwap; forks differ).
 * (10000 - fee) / 10000 equals Uniswap's 997 / 1000 at 30 bps, so results equal UniswapV2Library's to the wei.
 */
import { isqrt } from './isqrt.ts';

export const UNISWAP_V2_FEE_BPS = 30n;
const BPS = 10_000n;

export class InsufficientLiquidityError extends RangeError {}

/** A pair stores reserves as uint112: a swap that would leave more than that in it reverts ('UniswapV2: OVERFLOW'). */
export const MAX_UINT112 = (1n << 112n) - 1n;

export class PairOverflowError extends RangeError {}

/** Output of a V2 swap for an exact input (UniswapV2Library.getAmountOut). */
export function getAmountOut(amountIn: bigint, reserveIn: bigint, reserveOut: bigint, feeBps = UNISWAP_V2_FEE_BPS): bigint {
  if (amountIn <= 0n) throw new RangeError('getAmountOut: amountIn must be positive');
  if (reserveIn <= 0n || reserveOut <= 0n) throw new InsufficientLiquidityError('getAmountOut: empty reserves');
  if (reserveIn + amountIn > MAX_UINT112) throw new PairOverflowError('getAmountOut: the pair cannot hold that much (uint112)');
  const amountInWithFee = amountIn * (BPS - feeBps);
  return (amountInWithFee * reserveOut) / (reserveIn * BPS + amountInWithFee);
}

/** Input a V2 swap needs for an exact output (UniswapV2Library.getAmountIn). */
export function getAmountIn(amountOut: bigint, reserveIn: bigint, reserveOut: bigint, feeBps = UNISWAP_V2_FEE_BPS): bigint {
  if (amountOut <= 0n) throw new RangeError('getAmountIn: amountOut must be positive');
  if (reserveIn <= 0n || reserveOut <= amountOut) throw new InsufficientLiquidityError('getAmountIn: not enough liquidity');
  const amountIn = (reserveIn * amountOut * BPS) / ((reserveOut - amountOut) * (BPS - feeBps)) + 1n;
  if (reserveIn + amountIn > MAX_UINT112) throw new PairOverflowError('getAmountIn: the pair cannot hold that much (uint112)');
  return amountIn;
}

/** One V2 hop: reserves in the direction of travel and the pair's fee. */
export type V2Hop = { reserveIn: bigint; reserveOut: bigint; feeBps?: bigint };

/**
 * A chain of V2 hops as one map x -> a·x / (b + c·x) (without the per-hop floors). Each hop is such a map and
 * composing two gives another: (a1·a2, b1·b2, b2·c1 + a1·c2).
 */
export type HopMap = { a: bigint; b: bigint; c: bigint };

export function composeHops(hops: readonly V2Hop[]): HopMap {
  let map: HopMap = { a: 1n, b: 1n, c: 0n };
  for (const hop of hops) {
    const g = BPS - (hop.feeBps ?? UNISWAP_V2_FEE_BPS);
    const next = { a: g * hop.reserveOut, b: BPS * hop.reserveIn, c: g };
    map = { a: map.a * next.a, b: map.b * next.b, c: next.b * map.c + map.a * next.c };
  }
  return map;
}

/**
 * Input that maximises out(x) - x for a V2 cycle: x* = (sqrt(a·b) - b) / c, where the map's slope is 1.
 * 0 when the cycle cannot profit (a <= b: the slope at 0 is at most 1).
 */
export function optimalCycleInput(hops: readonly V2Hop[]): bigint {
  if (hops.length === 0) return 0n;
  const { a, b, c } = composeHops(hops);
  if (a <= b) return 0n;
  const root = isqrt(a * b);
  return root > b ? (root - b) / c : 0n;
}

/** Exact output of a chain of V2 hops, with each pair's integer floor (0 once a hop yields nothing). */
export function getAmountOutThrough(amountIn: bigint, hops: readonly V2Hop[]): bigint {
  let amount = amountIn;
  for (const hop of hops) {
    if (amount === 0n) return 0n;
    amount = getAmountOut(amount, hop.reserveIn, hop.reserveOut, hop.feeBps);
  }
  return amount;
}
