import { getAddress, type Address } from 'viem';
import { describe, expect, it } from 'vitest';
import { applyLiquidityFloor, depthInWeth, wethPrices } from '../../src/state/liquidityFloor.ts';
import { logCapOf } from '../../src/state/logCap.ts';
import type { Pool, V2Pair } from '../../src/state/types.ts';

const token = (n: number) => getAddress(`0x${n.toString(16).padStart(40, '0')}`);
const WETH = token(1);
const USDC = token(2);
const DAI = token(3);
const SCAM = token(4);
const LONELY = token(5);
const e18 = 10n ** 18n;
const e6 = 10n ** 6n;
let next = 100;
const pair = (token0: Address, token1: Address, reserve0: bigint, reserve1: bigint): V2Pair => ({ kind: 'v2', address: token(next++), token0, token1, reserve0, reserve1, feeBps: 30n });

describe('liquidity floor', () => {
  const deep = pair(WETH, USDC, 1_000n * e18, 3_000_000n * e6); // 1 WETH = 3,000 USDC
  const dust = pair(WETH, USDC, e18 / 10n, 300n * e6); // 0.1 WETH a side
  const stable = pair(USDC, DAI, 30_000n * e6, 30_000n * e18); // 10 WETH a side, priced through USDC
  const scamBait = pair(WETH, SCAM, e18 / 100n, 10n ** 30n); // dust, sets SCAM's price absurdly low
  const scamPump = pair(SCAM, USDC, 10n ** 30n, e6); // a huge SCAM side worth 1 USDC of the other
  const lonely = pair(LONELY, token(6), e18, e18); // no route to WETH
  const pools: Pool[] = [deep, dust, stable, scamBait, scamPump, lonely];

  it('prices each token off its deepest pool with a priced token, one hop further each round', () => {
    const prices = wethPrices(pools, WETH);
    const usdc = prices.get(USDC.toLowerCase())!;
    // From the deep pool, not the dust one: 1 USDC (1e6 units) = 1/3000 WETH.
    expect((usdc.num * 3_000n * e6) / usdc.den).toBe(e18);
    const dai = prices.get(DAI.toLowerCase())!;
    expect((dai.num * 3_000n * e18) / dai.den).toBe(e18);
    expect(prices.has(LONELY.toLowerCase())).toBe(false);
  });

  it('values a pool by its thinner side in WETH', () => {
    const prices = wethPrices(pools, WETH);
    expect(depthInWeth(deep, prices)).toBe(1_000n * e18);
    expect(depthInWeth(dust, prices)).toBe(e18 / 10n);
    expect(depthInWeth(stable, prices)).toBe(10n * e18);
    // 1 USDC is worth 1/3000 WETH: the pump pool's thin side.
    expect(depthInWeth(scamPump, prices)).toBe(e18 / 3_000n);
    expect(depthInWeth(lonely, prices)).toBeUndefined();
  });

  it('keeps the pools at or above the floor, drops dust, bait and unpriceable pools', () => {
    const { kept, dropped } = applyLiquidityFloor(pools, WETH, e18);
    expect(kept).toEqual([deep, stable]);
    expect(dropped).toBe(4);
    expect(applyLiquidityFloor(pools, WETH, 10n * e18).kept).toEqual([deep, stable]);
    expect(applyLiquidityFloor(pools, WETH, 10n * e18 + 1n).kept).toEqual([deep]);
    expect(applyLiquidityFloor(pools, WETH, 0n).kept).toEqual(pools);
  });
});

describe('provider log caps', () => {
  const rpc = (code: number, message: string) => Object.assign(new Error('RPC Request failed.'), { cause: { code, message, details: message } });

  it('recognises the caps of the major providers, and the range Alchemy names', () => {
    expect(logCapOf(rpc(-32005, 'query returned more than 10000 results'))).toEqual({});
    expect(logCapOf(rpc(-32602, 'Log response size exceeded. ... this block range should work: [0x10, 0x2f]'))).toEqual({ suggested: { from: 16n, to: 47n } });
    expect(logCapOf(rpc(-32600, 'exceed maximum block range: 10000'))).toEqual({});
    expect(logCapOf(rpc(-32000, 'block range is too wide'))).toEqual({});
    // viem refuses an answer over its 10 MB limit before it reaches us: split like a provider's cap.
    expect(logCapOf(Object.assign(new Error('LOG'), { cause: { name: 'ResponseBodyTooLargeError', shortMessage: 'HTTP response body exceeded the size limit.' } }))).toEqual({});
  });

  it('a rate limit (Infura uses -32005 for it too) or a node error is not a cap', () => {
    expect(logCapOf(rpc(-32005, 'daily request count exceeded, request rate limited'))).toBeUndefined();
    expect(logCapOf(rpc(-32000, 'header not found'))).toBeUndefined();
    expect(logCapOf(new Error('fetch failed'))).toBeUndefined();
  });
});
