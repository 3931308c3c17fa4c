import { getAddress, type Address } from 'viem';
import { describe, expect, it } from 'vitest';
import { zeroAddress } from 'viem';
import { decodePlan, encodePlan, PLAN_HEADER_SIZE, PLAN_HOP_SIZE, PLAN_V4_TRAILER_ENTRY, type ExecutorPlan } from '../../src/bundle/plan.ts';
import { DYNAMIC_FEE_FLAG, type V4PoolKey } from '../../src/amm/v4/poolKey.ts';

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

  // V4 hops: the pool key's hooks as source, flags V4 (8) | zeroForOne (2) | native (16) | trailer index << 5,
  // the key's fee, and one int24 tick spacing per V4 hop after the hops (contracts/src/libraries/Plan.sol).
  const poolManager = getAddress('0x000000000004444c5dc75cB358380D2e3dE08A90');
  const hooks = getAddress('0x0000000000000000000000000000000000000080');
  const ethUsdc: V4PoolKey = { currency0: zeroAddress, currency1: usdc, fee: 3000, tickSpacing: 60, hooks: zeroAddress };
  const wethUsdc: V4PoolKey = { currency0: usdc, currency1: weth, fee: DYNAMIC_FEE_FLAG, tickSpacing: 10, hooks };
  const v4Plan: ExecutorPlan = {
    ...plan,
    flash: false,
    hops: [
      // WETH -> USDC in the native ETH/USDC pool: ETH is currency 0, so zero for one
      { pool: poolManager, tokenOut: usdc, protocol: 'v4', zeroForOne: true, v4Key: ethUsdc },
      { pool: poolManager, tokenOut: weth, protocol: 'v4', zeroForOne: true, v4Key: wethUsdc },
    ],
  };

  it('packs V4 hops: hooks as source, V4/native/index flags, the key fee, and the tick-spacing trailer', () => {
    const hex = encodePlan(v4Plan, context);
    expect((hex.length - 2) / 2).toBe(PLAN_HEADER_SIZE + 2 * PLAN_HOP_SIZE + 2 * PLAN_V4_TRAILER_ENTRY);
    expect(hex.slice(2, 4)).toBe('04'); // not flash, 2 V4 hops (bits 1..4)
    const firstHop = 2 + PLAN_HEADER_SIZE * 2;
    expect(hex.slice(firstHop, firstHop + 40)).toBe('0'.repeat(40)); // no hooks
    expect(hex.slice(firstHop + 80, firstHop + 88)).toBe('1a000bb8'); // V4 | zeroForOne | native, index 0, fee 3000
    const secondHop = firstHop + PLAN_HOP_SIZE * 2;
    expect(hex.slice(secondHop, secondHop + 40)).toBe(hooks.slice(2).toLowerCase());
    expect(hex.slice(secondHop + 80, secondHop + 88)).toBe('2a800000'); // V4 | zeroForOne, index 1, dynamic fee
    expect(hex.slice(-12)).toBe('00003c00000a'); // tick spacings 60, 10
  });

  it('round-trips V4 hops (the key comes back as hooks, fee, tick spacing and the native flag)', () => {
    const decoded = decodePlan(encodePlan(v4Plan, context));
    expect(decoded.hops).toEqual([
      { tokenOut: usdc, protocol: 'v4', zeroForOne: true, v4: { hooks: zeroAddress, fee: 3000, tickSpacing: 60, native: true } },
      { tokenOut: weth, protocol: 'v4', zeroForOne: true, v4: { hooks, fee: DYNAMIC_FEE_FLAG, tickSpacing: 10, native: false } },
    ]);
    expect(() => decodePlan(encodePlan(v4Plan, context).slice(0, -2) as `0x${string}`)).toThrow(/2-hop plan with 2 V4 hops is 174 bytes \(got 173\)/);
  });

  it('refuses V4 hops the executor would refuse', () => {
    const [first, second] = v4Plan.hops as [ExecutorPlan['hops'][number], ExecutorPlan['hops'][number]];
    expect(() => encodePlan({ ...v4Plan, hops: [{ ...first, v4Key: undefined }, second] }, context)).toThrow(/hop 0: a V4 hop needs its pool key/);
    expect(() => encodePlan({ ...v4Plan, hops: [{ ...first, zeroForOne: false }, second] }, context)).toThrow(/hop 0: zeroForOne false contradicts/);
    expect(() => encodePlan({ ...v4Plan, hops: [first, { ...second, v4Key: { ...wethUsdc, currency0: pool(9) } }] }, context)).toThrow(/hop 1: .* is not the pool key's pair/);
    expect(() => encodePlan({ ...v4Plan, hops: [first, { ...second, v4Key: { ...wethUsdc, tickSpacing: 0 } }] }, context)).toThrow(/hop 1: tick spacing 0/);
    expect(() => encodePlan({ ...v4Plan, hops: [first, { ...second, v4Key: { ...wethUsdc, fee: 1 << 24 } }] }, context)).toThrow(/hop 1: V4 fee/);
  });

  it('packs a V4 loan as the flash source (flags flash | 32, native ETH | 64) and round-trips it', () => {
    for (const [flashSource, byte] of [['v4', '21'], ['v4Native', '61']] as const) {
      const loan: ExecutorPlan = { ...plan, flashSource };
      const hex = encodePlan(loan, context);
      expect(hex.slice(2, 4)).toBe(byte);
      expect(decodePlan(hex).flashSource).toBe(flashSource);
    }
    expect(decodePlan(encodePlan(plan)).flashSource).toBeUndefined();
    expect(() => encodePlan({ ...plan, flash: false, flashSource: 'v4' })).toThrow(/flashSource needs flash mode/);
  });

  // Review F3: only WETH may stand for native ETH; review F2: a V4 hop must name the executor's own PoolManager.
  const dai = getAddress('0x6B175474E89094C44Da98b954EedeAC495271d0F');
  const context = { weth, poolManager };

  it('refuses a native key whose ETH side the path names as a token other than WETH', () => {
    const daiUsdc: ExecutorPlan = {
      ...v4Plan,
      startToken: dai,
      hops: [
        { pool: poolManager, tokenOut: usdc, protocol: 'v4', zeroForOne: true, v4Key: ethUsdc },
        { pool: pool(2), tokenOut: dai, protocol: 'v3', zeroForOne: false, v3Fee: 100 },
      ],
    };
    expect(() => encodePlan(daiUsdc, context)).toThrow(/hop 0: .*0x6B175474E89094C44Da98b954EedeAC495271d0F stands for native ETH but is not WETH/);
    const ethWeth: V4PoolKey = { currency0: zeroAddress, currency1: weth, fee: 100, tickSpacing: 1, hooks: zeroAddress };
    const wethToUsdc: ExecutorPlan = {
      ...v4Plan,
      hops: [
        { pool: poolManager, tokenOut: usdc, protocol: 'v4', zeroForOne: false, v4Key: ethWeth },
        { pool: poolManager, tokenOut: weth, protocol: 'v4', zeroForOne: true, v4Key: wethUsdc },
      ],
    };
    expect(() => encodePlan(wethToUsdc, context)).toThrow(/hop 0: .*stands for native ETH but is not WETH/);
    expect(encodePlan(v4Plan, context)).toMatch(/^0x/);
  });

  it("refuses a 'v4Native' loan whose start token is not WETH", () => {
    const usdcStart: ExecutorPlan = {
      ...plan,
      flashSource: 'v4Native',
      startToken: usdc,
      hops: [
        { pool: pool(2), tokenOut: weth, protocol: 'v3', zeroForOne: true, v3Fee: 500 },
        { pool: pool(1), factory: uniswapV2Factory, tokenOut: usdc, protocol: 'v2', zeroForOne: false, v2FeeBps: 30 },
      ],
    };
    expect(() => encodePlan(usdcStart, context)).toThrow(/'v4Native' loan lends WETH: the start token .* is not WETH/);
    expect(() => encodePlan(usdcStart)).toThrow(/'v4Native' loan needs the chain's WETH/);
    expect(encodePlan({ ...usdcStart, flashSource: 'v4' }, context)).toMatch(/^0x/);
  });

  it("refuses a V4 hop in a PoolManager other than the executor's, and V4 hops without knowing the executor's", () => {
    const [first, second] = v4Plan.hops as [ExecutorPlan['hops'][number], ExecutorPlan['hops'][number]];
    const elsewhere = pool(0x4444);
    expect(() => encodePlan({ ...v4Plan, hops: [first, { ...second, pool: elsewhere }] }, context)).toThrow(
      new RegExp(`hop 1: the V4 pool is in PoolManager ${elsewhere}, not the executor's ${poolManager}`),
    );
    expect(() => encodePlan(v4Plan)).toThrow(/V4 hops need the executor's PoolManager and the chain's WETH/);
  });

  // Mirrors Plan.canonical (contracts/test/executor/ExecutorV4Canonical.t.sol): one encoding per plan.
  it('refuses non-canonical flag and trailer encodings, as the executor does', () => {
    const setByte = (hex: `0x${string}`, at: number, f: (b: number) => number): `0x${string}` => {
      const i = 2 + at * 2;
      return `${hex.slice(0, i)}${f(parseInt(hex.slice(i, i + 2), 16)).toString(16).padStart(2, '0')}${hex.slice(i + 2)}` as `0x${string}`;
    };
    const hopFlags = (index: number) => PLAN_HEADER_SIZE + index * PLAN_HOP_SIZE + 40;
    const v4Hex = encodePlan(v4Plan, context);
    expect(decodePlan(v4Hex).hops).toHaveLength(2);
    expect(() => decodePlan(setByte(v4Hex, hopFlags(0), (b) => b | 1))).toThrow(/hop 0: a V4 hop with the V3 or listed flag/);
    expect(() => decodePlan(setByte(v4Hex, hopFlags(1), (b) => b | 4))).toThrow(/hop 1: a V4 hop with the V3 or listed flag/);
    const plainHex = encodePlan(plan);
    for (const bit of [16, 32, 64, 128]) {
      expect(() => decodePlan(setByte(plainHex, hopFlags(1), (b) => b | bit))).toThrow(/hop 1: V4 flag bits on a V2\/V3 hop/);
    }
    expect(() => decodePlan(setByte(plainHex, 0, (b) => b | 128))).toThrow(/header flag bit 7/);
    // Both hops on trailer entry 0; then the indices swapped (1, 0).
    expect(() => decodePlan(setByte(v4Hex, hopFlags(1), (b) => b & 0x1f))).toThrow(/hop 1: V4 trailer index 0, expected 1/);
    const swapped = setByte(setByte(v4Hex, hopFlags(0), (b) => b | 32), hopFlags(1), (b) => b & 0x1f);
    expect(() => decodePlan(swapped)).toThrow(/hop 0: V4 trailer index 1, expected 0/);
    // The header counts one V4 hop more than the plan has (with its trailer entry).
    const extra = `${setByte(v4Hex, 0, (b) => b + 2)}00000a` as `0x${string}`;
    expect(() => decodePlan(extra)).toThrow(/header counts 3 V4 hops, the plan has 2/);
  });
});
