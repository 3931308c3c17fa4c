import { getAddress, type Address } from 'viem';
import { describe, expect, it } from 'vitest';
import { decodePlan, encodePlan, PLAN_HEADER_SIZE, PLAN_HOP_SIZE, type ExecutorPlan } from '../../src/bundle/plan.ts';

const weth = getAddress('0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2');
const usdc = getAddress('0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48');
const pool = (n: number) => getAddress(`0x${n.toString(16).padStart(40, '0')}`) as Address;
const uniswapV2Factory = getAddress('0x5C69bEe701ef814a2B6a3EDD4B1652CB9cc5aA6f');

const plan: ExecutorPlan = {
  flash: true,
  targetBlock: 19_000_000n,
  amountIn: 5n * 10n ** 18n,
  minProfit: 10n ** 15n,
  builderPayment: 123_456_789n,
  maxBuilderShareBps: 9000,
  startToken: weth,
  hops: [
    { pool: pool(1), factory: uniswapV2Factory, tokenOut: usdc, protocol: 'v2', zeroForOne: false, v2FeeBps: 30 },
    { pool: pool(2), tokenOut: weth, protocol: 'v3', zeroForOne: true, v3Fee: 500 },
  ],
};

describe('executor plan encoding', () => {
  it('packs the documented layout', () => {
    const hex = encodePlan(plan);
    expect((hex.length - 2) / 2).toBe(PLAN_HEADER_SIZE + 2 * PLAN_HOP_SIZE);
    expect(hex.slice(2, 4)).toBe('01'); // flash
    expect(BigInt(`0x${hex.slice(4, 20)}`)).toBe(19_000_000n);
    expect(BigInt(`0x${hex.slice(20, 52)}`)).toBe(5n * 10n ** 18n);
    expect(hex.slice(2 + 59 * 2, 2 + 79 * 2)).toBe(weth.slice(2).toLowerCase());
    expect(hex.slice(2 + 79 * 2, 2 + 80 * 2)).toBe('02');
    const firstHop = 2 + PLAN_HEADER_SIZE * 2;
    // a factory-made pool is named by its factory: the executor recomputes the pool
    expect(hex.slice(firstHop, firstHop + 40)).toBe(uniswapV2Factory.slice(2).toLowerCase());
    expect(hex.slice(firstHop + 80, firstHop + 88)).toBe('0000001e'); // V2, oneForZero, fee 30 bps
    const secondHop = 2 + (PLAN_HEADER_SIZE + PLAN_HOP_SIZE) * 2;
    // a pool without a factory is named as itself, flagged as listed
    expect(hex.slice(secondHop, secondHop + 40)).toBe(pool(2).slice(2).toLowerCase());
    expect(hex.slice(secondHop + 80, secondHop + 88)).toBe('070001f4'); // V3 | zeroForOne | listed, fee tier 500
  });

  it('round-trips (factory-made pools come back as their factory)', () => {
    const { pool: _first, ...first } = plan.hops[0]!;
    const { pool: listed, ...second } = plan.hops[1]!;
    expect(decodePlan(encodePlan(plan))).toEqual({ ...plan, hops: [first, { ...second, pool: listed, listed: true }] });
  });

  it('refuses what the contract would refuse', () => {
    expect(() => encodePlan({ ...plan, hops: plan.hops.slice(0, 1) })).toThrow(/2 to 8 hops/);
    expect(() => encodePlan({ ...plan, hops: [plan.hops[0]!, { ...plan.hops[1]!, tokenOut: usdc }] })).toThrow(/return to the start token/);
    expect(() => encodePlan({ ...plan, amountIn: 1n << 128n })).toThrow(/amountIn .* does not fit in 128 bits/);
    expect(() => encodePlan({ ...plan, maxBuilderShareBps: 10_001 })).toThrow(/maxBuilderShareBps/);
    expect(() => encodePlan({ ...plan, hops: [{ ...plan.hops[0]!, zeroForOne: true }, plan.hops[1]!] })).toThrow(/hop 0: zeroForOne true contradicts/);
    expect(() => encodePlan({ ...plan, hops: [plan.hops[0]!, { ...plan.hops[1]!, v3Fee: undefined }] })).toThrow(/hop 1: a V3 hop needs its pool's fee tier/);
    expect(() => encodePlan({ ...plan, hops: [{ ...plan.hops[0]!, v2FeeBps: 10_000 }, plan.hops[1]!] })).toThrow(/V2 fee 10000 bps/);
    expect(() => decodePlan(`${encodePlan(plan)}00`)).toThrow(/2-hop plan is 168 bytes \(got 169\)/);
    expect(() => decodePlan('0x00')).toThrow(/at least 80 bytes/);
  });
});
