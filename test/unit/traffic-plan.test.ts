import { decodeAbiParameters, decodeFunctionData, type Address } from 'viem';
import { describe, expect, it } from 'vitest';
import { universalRouterAbi, v2RouterAbi, swapRouter02Abi } from '../../src/abi/routers.ts';
import { mainnet } from '../../src/chain/addresses.ts';
import type { DevnetPool } from '../../src/devnet/seed/pools.ts';
import { wethToken, type DevnetToken } from '../../src/devnet/tokens.ts';
import { buildSwapCall } from '../../src/devnet/traffic/calldata.ts';
import { planRandomSwaps } from '../../src/devnet/traffic/plan.ts';
import { poisson, seededRandom } from '../../src/devnet/traffic/random.ts';
import { resolveRoute } from '../../src/devnet/traffic/route.ts';

const usdc: DevnetToken = { symbol: 'USDC', name: 'USD Coin', address: '0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48', decimals: 6, kind: 'standard' };
const fot: DevnetToken = { symbol: 'FOT', name: 'Fee', address: '0x1000000000000000000000000000000000000001', decimals: 18, kind: 'feeOnTransfer' };
const tokens = [wethToken, usdc, fot];
const pool = (index: number, dex: DevnetPool['dex'], pair: [string, string], fee?: number): DevnetPool => ({
  index,
  dex,
  pair,
  address: `0x${String(index + 1).padStart(40, '0')}` as Address,
  token0: usdc.address,
  token1: wethToken.address,
  ...(fee ? { fee, tickSpacing: 10 } : {}),
});
const pools = [
  pool(0, 'uniswapV2', ['WETH', 'USDC']),
  pool(1, 'sushiswap', ['WETH', 'USDC']),
  pool(2, 'uniswapV3', ['WETH', 'USDC'], 500),
  pool(3, 'uniswapV2', ['FOT', 'WETH']),
];
const trader = '0x00000000000000000000000000000000000000AA';
const randomConfig = {
  seed: 1,
  swapsPerBlock: 4,
  size: { distribution: 'lognormal' as const, medianBps: 30, sigma: 0.9, maxBps: 300 },
  routers: { uniswapV2Router02: 1, sushiswapRouter: 1, swapRouter: 1, swapRouter02: 1, universalRouter: 1 },
  slippageBps: 100,
};

describe('random traffic', () => {
  it('is the same for the same seed and differs for another', () => {
    const draw = (seed: number) => planRandomSwaps(seededRandom(seed), randomConfig, 8, pools.slice(0, 3), tokens);
    const strip = (orders: ReturnType<typeof draw>) => orders.map((o) => [o.router, o.hops[0]!.pool.index, o.amountIn, o.trader]);
    expect(strip(draw(7))).toEqual(strip(draw(7)));
    const many = Array.from({ length: 20 }, (_, i) => strip(draw(i)));
    expect(new Set(many.map((x) => JSON.stringify(x))).size).toBeGreaterThan(10);
  });

  it('keeps every order within its router, its pools and the size cap', () => {
    const random = seededRandom(3);
    // Each conditional check below must have had cases to check: count them.
    const checked = { orders: 0, sushiswapRouter: 0, swapRouter: 0, universalRouter: 0, ethOut: 0 };
    for (let block = 0; block < 200; block++) {
      for (const order of planRandomSwaps(random, randomConfig, 8, pools.slice(0, 3), tokens)) {
        checked.orders++;
        if (order.router in checked) checked[order.router as 'sushiswapRouter' | 'swapRouter' | 'universalRouter']++;
        if (order.ethOut) checked.ethOut++;
        const hop = order.hops[0]!;
        if (order.router === 'sushiswapRouter') expect(hop.pool.dex).toBe('sushiswap');
        if (order.router === 'swapRouter') expect(hop.pool.dex).toBe('uniswapV3');
        if (order.router === 'universalRouter') expect(order.ethIn && hop.tokenIn.kind === 'weth').toBe(true);
        if (order.ethOut) expect(hop.tokenOut.kind).toBe('weth');
        expect('bpsOfPool' in order.amountIn && order.amountIn.bpsOfPool <= 300 && order.amountIn.bpsOfPool > 0).toBe(true);
        expect(order.trader).toBeLessThan(8);
      }
    }
    for (const [what, count] of Object.entries(checked)) expect(count, what).toBeGreaterThan(0);
  });

  it('draws Poisson counts with the configured mean', () => {
    const random = seededRandom(11);
    let total = 0;
    for (let i = 0; i < 20_000; i++) total += poisson(random, 3);
    expect(total / 20_000).toBeCloseTo(3, 1);
  });
});

describe('router calldata', () => {
  const base = { amountIn: 10n ** 18n, minAmountOut: 2_900_000_000n, recipient: trader as Address, deadline: 1000n, ethOut: false };

  it('uses the ETH entry point of V2 routers when paying in ETH', () => {
    const call = buildSwapCall({ ...base, router: 'sushiswapRouter', hops: resolveRoute('sushiswapRouter', ['WETH', 'USDC'], undefined, pools, tokens), ethIn: true });
    expect(call.to).toBe(mainnet.sushiswapRouter);
    expect(call.value).toBe(10n ** 18n);
    const decoded = decodeFunctionData({ abi: v2RouterAbi, data: call.data });
    expect(decoded.functionName).toBe('swapExactETHForTokens');
    expect(decoded.args).toEqual([2_900_000_000n, [mainnet.weth, usdc.address], trader, 1000n]);
  });

  it('uses the fee-on-transfer variant when a token takes fees', () => {
    const hops = resolveRoute('uniswapV2Router02', ['FOT', 'WETH'], undefined, pools, tokens);
    const call = buildSwapCall({ ...base, router: 'uniswapV2Router02', hops, ethIn: false, ethOut: true });
    expect(decodeFunctionData({ abi: v2RouterAbi, data: call.data }).functionName).toBe('swapExactTokensForETHSupportingFeeOnTransferTokens');
    expect(call.value).toBe(0n);
  });

  it('wraps SwapRouter02 swaps in multicall(deadline) and unwraps ETH output', () => {
    const hops = resolveRoute('swapRouter02', ['USDC', 'WETH'], [500], pools, tokens);
    expect(hops[0]!.pool.index).toBe(2);
    const call = buildSwapCall({ ...base, router: 'swapRouter02', hops, ethIn: false, ethOut: true });
    const outer = decodeFunctionData({ abi: swapRouter02Abi, data: call.data });
    expect(outer.functionName).toBe('multicall');
    const [deadline, inner] = outer.args as [bigint, `0x${string}`[]];
    expect(deadline).toBe(1000n);
    expect(inner.map((data) => decodeFunctionData({ abi: swapRouter02Abi, data }).functionName)).toEqual(['exactInputSingle', 'unwrapWETH9']);
  });

  it('encodes UniversalRouter WRAP_ETH then V3_SWAP_EXACT_IN', () => {
    const hops = resolveRoute('universalRouter', ['WETH', 'USDC'], [500], pools, tokens);
    const call = buildSwapCall({ ...base, router: 'universalRouter', hops, ethIn: true });
    const decoded = decodeFunctionData({ abi: universalRouterAbi, data: call.data });
    const [commands, inputs] = decoded.args as [`0x${string}`, `0x${string}`[]];
    expect(commands).toBe('0x0b00');
    const [recipient, amountIn, minOut, path, payerIsUser] = decodeAbiParameters(
      [{ type: 'address' }, { type: 'uint256' }, { type: 'uint256' }, { type: 'bytes' }, { type: 'bool' }],
      inputs[1]!,
    );
    expect([recipient, amountIn, minOut, payerIsUser]).toEqual([trader, 10n ** 18n, 2_900_000_000n, false]);
    expect(path).toBe(`${mainnet.weth}0001f4${usdc.address.slice(2)}`.toLowerCase());
  });

  it('prefers V2 where a router offers both, and refuses routes that do not exist', () => {
    expect(resolveRoute('swapRouter02', ['WETH', 'USDC'], undefined, pools, tokens)[0]!.pool.dex).toBe('uniswapV2');
    expect(() => resolveRoute('swapRouter', ['FOT', 'WETH'], undefined, pools, tokens)).toThrow(/no swapRouter route for FOT -> WETH/);
  });
});
