import { decodeAbiParameters, decodeFunctionData, getAddress, zeroAddress, type Address, type Hex } from 'viem';
import { describe, expect, it } from 'vitest';
import { universalRouterAbi } from '../../src/abi/routers.ts';
import { v4PoolId, type V4PoolKey } from '../../src/amm/v4/poolKey.ts';
import type { DevnetPool } from '../../src/devnet/seed/pools.ts';
import { wethToken, type DevnetToken } from '../../src/devnet/tokens.ts';
import { seededRandom } from '../../src/devnet/traffic/random.ts';
import { buildV4SwapCall } from '../../src/devnet/traffic/v4Calldata.ts';
import { planV4Swaps, v4TwoHopRoutes } from '../../src/devnet/traffic/v4Plan.ts';
import type { DevnetV4Pool } from '../../src/devnet/v4/pools.ts';

const usdc: DevnetToken = { symbol: 'USDC', name: 'USD Coin', address: getAddress('0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48'), decimals: 6, kind: 'standard' };
const dai: DevnetToken = { symbol: 'DAI', name: 'Dai', address: getAddress('0x6B175474E89094C44Da98b954EedeAC495271d0F'), decimals: 18, kind: 'standard' };
const tokens = [wethToken, usdc, dai];
const address = (symbol: string): Address => (symbol === 'ETH' ? zeroAddress : tokens.find((token) => token.symbol === symbol)!.address);

function v4Pool(index: number, pair: [string, string], fee: number, tickSpacing: number): DevnetV4Pool {
  const [a, b] = [address(pair[0]), address(pair[1])];
  const [currency0, currency1] = BigInt(a) < BigInt(b) ? [a, b] : [b, a];
  const key: V4PoolKey = { currency0, currency1, fee, tickSpacing, hooks: zeroAddress };
  return { index, poolId: v4PoolId(key), key, pair, hook: 'none', sqrtPriceX96: String(2n ** 96n), positions: [] };
}
const v4Pools = [v4Pool(0, ['ETH', 'USDC'], 500, 10), v4Pool(1, ['DAI', 'USDC'], 100, 1), v4Pool(2, ['WETH', 'DAI'], 3000, 60)];
const classic: DevnetPool[] = [{ index: 0, dex: 'uniswapV3', pair: ['WETH', 'USDC'], address: '0x0000000000000000000000000000000000000003', token0: usdc.address, token1: wethToken.address, fee: 500, tickSpacing: 10 }];
const config = {
  seed: 1,
  swapsPerBlock: 0,
  v4SwapsPerBlock: 6,
  size: { distribution: 'lognormal' as const, medianBps: 30, sigma: 0.9, maxBps: 300 },
  routers: {},
  slippageBps: 100,
};
const held = new Set(['ETH', 'USDC', 'DAI']);

describe('V4 random traffic', () => {
  const orders = Array.from({ length: 50 }, () => 0).flatMap(((random) => () => planV4Swaps(random, config, { pools: v4Pools, classicPools: classic, tokens, traderCount: 4, held }))(seededRandom(3)));

  it('draws every shape, selling only what traders hold, along connected routes', () => {
    expect(orders.length).toBeGreaterThan(100);
    const kinds = new Set(orders.map((order) => order.v4!.kind));
    expect(kinds).toEqual(new Set(['exactInSingle', 'exactIn', 'exactOutSingle', 'exactOut']));
    expect(orders.some((order) => order.hops.length > 0)).toBe(true);
    for (const order of orders) {
      const hops = order.v4!.hops;
      expect(order.router).toBe('universalRouter');
      expect(held.has(hops[0]!.currencyIn.symbol)).toBe(true);
      hops.slice(1).forEach((hop, i) => expect(hop.currencyIn).toEqual(hops[i]!.currencyOut));
      for (const hop of hops) expect(hop.pool.pair).toContain(hop.currencyIn.symbol);
      expect(hops[0]!.currencyIn.symbol).not.toBe(hops.at(-1)!.currencyOut.symbol);
      expect(order.ethIn).toBe(hops[0]!.currencyIn.symbol === 'ETH');
      expect(order.ethOut).toBe(hops.at(-1)!.currencyOut.symbol === 'ETH');
      // A split sells ETH on both legs, for the same token.
      if (order.hops.length > 0) {
        expect(order.ethIn).toBe(true);
        expect(order.hops[0]!.tokenIn.symbol).toBe('WETH');
        expect(order.hops[0]!.tokenOut.symbol).toBe(hops[0]!.currencyOut.symbol);
      }
    }
  });

  it('finds the two-pool routes and none that return to their input', () => {
    const routes = v4TwoHopRoutes(v4Pools, held).map(([first, second, input]) => `${input}:${first.index}>${second.index}`);
    // ETH->USDC->DAI, USDC->DAI->WETH, DAI->USDC->ETH; not WETH->DAI->USDC (no one holds WETH).
    expect(routes.sort()).toEqual(['DAI:1>0', 'ETH:0>1', 'USDC:1>2']);
  });

  it('is the same for the same seed', () => {
    const again = Array.from({ length: 50 }, () => 0).flatMap(((random) => () => planV4Swaps(random, config, { pools: v4Pools, classicPools: classic, tokens, traderCount: 4, held }))(seededRandom(3)));
    expect(again).toEqual(orders);
  });

  it('pays an exact-out ETH swap with its bound and sweeps the rest back', () => {
    const order = orders.find((candidate) => candidate.v4!.kind === 'exactOutSingle' && candidate.ethIn)!;
    expect(order).toBeDefined();
    const call = buildV4SwapCall({ v4: { kind: 'exactOutSingle', hops: order.v4!.hops, exactAmount: 1000n, limit: 7n * 10n ** 15n }, recipient: '0x00000000000000000000000000000000000000AA', deadline: 1n });
    expect(call.value).toBe(7n * 10n ** 15n);
    const { args } = decodeFunctionData({ abi: universalRouterAbi, data: call.data });
    expect(args[0]).toBe('0x1004');
    const [token, recipient, minimum] = decodeAbiParameters([{ type: 'address' }, { type: 'address' }, { type: 'uint256' }], (args[1] as Hex[])[1]!);
    expect([token, recipient, minimum]).toEqual([zeroAddress, '0x0000000000000000000000000000000000000001', 0n]);
  });
});
