import { getAddress } from 'viem';
import { describe, expect, it } from 'vitest';
import { decodePlan, encodePlan } from '../../src/bundle/plan.ts';
import type { V2Pair, V3Pool } from '../../src/state/types.ts';
import type { Candidate } from '../../src/strategy/candidates.ts';
import { planFor, sizedPlanFor } from '../../src/bundle/toPlan.ts';

const weth = getAddress('0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2');
const usdc = getAddress('0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48');
const dai = getAddress('0x6B175474E89094C44Da98b954EedeAC495271d0F');
const uniswapV2Factory = getAddress('0x5C69bEe701ef814a2B6a3EDD4B1652CB9cc5aA6f');
const uniswapV3Factory = getAddress('0x1F98431c8aD98523631AE4a59f267346ea31F984');

const v3: V3Pool = {
  kind: 'v3', address: getAddress('0x88e6A0c2dDD26FEEb64F039a2c41296FcB3f5640'), token0: usdc, token1: weth, factory: uniswapV3Factory,
  fee: 500, tickSpacing: 10, sqrtPriceX96: 1n << 96n, tick: 0, liquidity: 1n, ticks: [], liquidityNet: [], liquidityGross: [],
};
const v2: V2Pair = { kind: 'v2', address: getAddress('0xAE461cA67B15dc8dc81CE7615e0320dA1A9aB8D5'), token0: dai, token1: usdc, reserve0: 1n, reserve1: 1n, feeBps: 30n, factory: uniswapV2Factory };
// A pair the bot knows only by address (e.g. given on the command line): no factory.
const unknown: V2Pair = { kind: 'v2', address: getAddress('0xA478c2975Ab1Ea89e8196811F51A7B7Ade33eB11'), token0: dai, token1: weth, reserve0: 1n, reserve1: 1n, feeBps: 25n };

const candidate = {
  victim: null,
  cycle: {
    startToken: weth,
    hops: [
      { pool: v3, tokenIn: weth, tokenOut: usdc, zeroForOne: false },
      { pool: v2, tokenIn: usdc, tokenOut: dai, zeroForOne: false },
      { pool: unknown, tokenIn: dai, tokenOut: weth, zeroForOne: true },
    ],
  },
  amountIn: 10n ** 18n,
  grossProfitWei: 10n ** 16n,
  bribeWei: 10n ** 15n,
} as Candidate;

describe('planFor', () => {
  it("names each pool's factory and fee, and a pool of unknown origin as a listed pool", () => {
    const plan = planFor(candidate, 100n, { priorityFeeWei: 0n, builderShareBps: 5000n, minNetProfitWei: 0n });
    expect(plan.minProfit).toBe(9n * 10n ** 15n);
    expect(decodePlan(encodePlan(plan)).hops).toEqual([
      { factory: uniswapV3Factory, tokenOut: usdc, protocol: 'v3', zeroForOne: false, v3Fee: 500 },
      { factory: uniswapV2Factory, tokenOut: dai, protocol: 'v2', zeroForOne: false, v2FeeBps: 30 },
      { pool: unknown.address, listed: true, tokenOut: weth, protocol: 'v2', zeroForOne: true, v2FeeBps: 25 },
    ]);
  });
});

describe('sizedPlanFor (executeSized: the input comes from the table, the builder gets a share)', () => {
  it('the same hops as planFor, inventory mode, the ceiling as amountIn, no fixed builder payment', () => {
    const plan = sizedPlanFor({ cycle: candidate.cycle, targetBlock: 100n, ceiling: 7n * 10n ** 18n, minProfit: 123n, maxBuilderShareBps: 4000 });
    expect(plan).toMatchObject({ flash: false, targetBlock: 100n, amountIn: 7n * 10n ** 18n, minProfit: 123n, builderPayment: 0n, maxBuilderShareBps: 4000, startToken: weth });
    expect(plan.hops).toEqual(planFor(candidate, 100n, { priorityFeeWei: 0n, builderShareBps: 5000n, minNetProfitWei: 0n }).hops);
  });
});
