import { getAddress } from 'viem';
import { describe, expect, it } from 'vitest';
import { mainnet } from '../../src/chain/addresses.ts';
import { decodeTransaction, mainnetRouters } from '../../src/mempool/decode.ts';
import { wethToken, type DevnetToken } from '../../src/devnet/tokens.ts';
import { backgroundKinds, planBackground } from '../../src/devnet/traffic/background.ts';
import { seededRandom } from '../../src/devnet/traffic/random.ts';

const usdc: DevnetToken = { symbol: 'USDC', name: 'USD Coin', address: getAddress('0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48'), decimals: 6, kind: 'standard' };
const other: DevnetToken = { symbol: 'T0001', name: 'Scale Token 1', address: getAddress('0x1000000000000000000000000000000000000001'), decimals: 18, kind: 'standard' };

describe('background traffic (the non-swap part of a mainnet block)', () => {
  const orders = planBackground(seededRandom(5), 2000, { traderCount: 48, held: [wethToken, usdc], tokens: [wethToken, usdc, other] });

  it('draws the requested count, every kind, from every trader range', () => {
    expect(orders.length).toBe(2000);
    const counts = new Map(backgroundKinds.map((kind) => [kind, orders.filter((order) => order.kind === kind).length]));
    for (const kind of backgroundKinds) expect(counts.get(kind)).toBeGreaterThan(50);
    expect(counts.get('tokenTransfer')! + counts.get('ethTransfer')!).toBeGreaterThan(orders.length / 2);
    expect(Math.max(...orders.map((order) => order.trader))).toBe(47);
    expect(Math.min(...orders.map((order) => order.trader))).toBe(0);
  });

  it('is classified as no swap by the mempool decoder, routers included', () => {
    const routerCalls = orders.filter((order) => order.kind === 'routerCall');
    expect(routerCalls.some((order) => mainnetRouters.has(order.to.toLowerCase()))).toBe(true);
    for (const order of orders) {
      const result = decodeTransaction({ hash: '0x', from: mainnet.weth, to: order.to.toLowerCase(), value: order.value, input: order.data }, { routers: mainnetRouters });
      expect(result).toEqual({ swaps: [] });
    }
  });

  it('moves only small amounts (at most 0.1 of a token or ETH) and sends ETH only where it is meant to', () => {
    for (const order of orders) {
      if (order.kind === 'ethTransfer' || order.kind === 'wrap') expect(order.value).toBeLessThanOrEqual(10n ** 17n);
      else expect(order.value).toBe(0n);
      if (order.kind === 'ethTransfer') expect(order.data).toBe('0x');
      if (order.kind === 'wrap' || order.kind === 'unwrap') expect(order.to).toBe(mainnet.weth);
    }
  });

  it('is deterministic for a seed', () => {
    expect(planBackground(seededRandom(5), 2000, { traderCount: 48, held: [wethToken, usdc], tokens: [wethToken, usdc, other] })).toEqual(orders);
  });
});
