import { formatUnitsExact } from '../units/decimal.ts';
import { applyCosts, estimateGas, lowGasEstimate, type CostPolicy, type Costs } from './costs.ts';
import { quoteCycle, type Cycle, type PoolView } from './cycle.ts';
import type { Sized } from './sizing.ts';

/** How much of the start token one plan may use: the risk layer's exposure caps, as the strategy sizes with them. */
export type ExposureLimits = {
  /** Largest amountIn taken from the executor's inventory. */
  maxInventoryAmountIn: bigint;
  /** Largest first leg borrowed in a flash swap; 0 when flash swaps are off. */
  maxFlashAmount: bigint;
  /** The start token's symbol and decimals, for messages. */
  unit: { symbol: string; decimals: number };
};

export type SizedWithinCaps = Sized &
  Costs & {
    flash: boolean;
    optimalAmountIn: bigint;
    /** The net if the transaction burns only the low gas estimate: the most it can make (the pre-filter's figure). */
    maxNetProfitWei: bigint;
    /** The optimum against the caps, when they held the size below it (or allow nothing). */
    capNote?: string;
    /** Set when the caps allow no trade at all. */
    sizeRefusal?: string;
  };

/**
 * The best trade the caps allow. A cycle's profit is concave in its input (every hop's output is concave and
 * increasing: a V2 curve, or a V3 pool whose marginal price only worsens as the swap moves through ticks,
 * whatever the liquidity of each range), so the best input of at most a cap is min(optimum, cap). Options:
 * from inventory up to maxInventoryAmountIn, or, when the optimum is above that and flash swaps are on, the
 * first leg borrowed up to maxFlashAmount (the executor's profit check is the same); the higher estimated net
 * after gas and the builder wins. With neither possible the optimum is kept, with a refusal that shows the
 * optimum and the caps in the start token's units.
 */
export function sizeWithinCaps(view: PoolView, cycle: Cycle, optimum: Sized, limits: ExposureLimits | undefined, nextBaseFeeWei: bigint, policy: CostPolicy): SizedWithinCaps {
  const priced = (sized: Sized, flash: boolean): SizedWithinCaps => {
    const costs = applyCosts(sized.profit, estimateGas(cycle, sized.ticksCrossed, flash), nextBaseFeeWei, policy);
    const maxNetProfitWei = sized.profit - costs.bribeWei - lowGasEstimate(cycle, flash) * (nextBaseFeeWei + policy.priorityFeeWei);
    return { ...sized, ...costs, flash, optimalAmountIn: optimum.amountIn, maxNetProfitWei };
  };
  if (!limits) return priced(optimum, false);
  const at = (amountIn: bigint): Sized => {
    if (amountIn >= optimum.amountIn) return optimum;
    const quote = quoteCycle(view, cycle, amountIn);
    return { amountIn, amountOut: quote.amountOut, profit: quote.amountOut - amountIn, ticksCrossed: quote.ticksCrossed, evaluations: optimum.evaluations + 1 };
  };
  const options: SizedWithinCaps[] = [];
  if (limits.maxInventoryAmountIn > 0n) options.push(priced(at(limits.maxInventoryAmountIn), false));
  if (optimum.amountIn > limits.maxInventoryAmountIn && limits.maxFlashAmount > 0n) options.push(priced(at(limits.maxFlashAmount), true));
  const best = options.reduce<SizedWithinCaps | undefined>((chosen, option) => (!chosen || option.netProfitWei > chosen.netProfitWei ? option : chosen), undefined);
  const capNote = capMessage(optimum.amountIn, limits);
  if (best && best.profit > 0n) return best.amountIn === optimum.amountIn ? best : { ...best, capNote };
  return { ...priced(optimum, false), capNote, sizeRefusal: capNote };
}

/** "amountIn 34.1 WETH above the inventory cap 10 WETH; flash swaps are off": both amounts in one unit. */
export function capMessage(amountIn: bigint, limits: ExposureLimits): string {
  const { symbol, decimals } = limits.unit;
  const amount = (wei: bigint) => `${formatUnitsExact(wei, decimals)} ${symbol}`;
  const flash = limits.maxFlashAmount > 0n ? `the flash cap ${amount(limits.maxFlashAmount)}` : 'flash swaps are off';
  return `amountIn ${amount(amountIn)} above the inventory cap ${amount(limits.maxInventoryAmountIn)}; ${flash}`;
}
