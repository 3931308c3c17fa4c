import { getAddress, keccak256, toHex, type Address } from 'viem';
import { describe, expect, it } from 'vitest';
import { fullScalePools, generateScaleMarket, type ScaleMarket } from '../../src/devnet/scale/generate.ts';
import { layoutV3Pool } from '../../src/devnet/scale/v3Layout.ts';
import { parseScaleScenario } from '../../src/devnet/scale/scenario.ts';

const hubs = ['WETH', 'USDC', 'USDT', 'DAI', 'WBTC'];

/** Value of `amount` base units of token `index` in WETH (a float: a shape check, not money). */
function wethValue(market: ScaleMarket, index: number, amount: bigint): number {
  const token = market.tokens[index]!;
  return (Number(amount) * Number(token.priceWei)) / 10 ** token.decimals / 1e18;
}

/** Made-up distinct addresses: the layout only needs an order. */
const fakeAddress = (index: number): Address => getAddress(`0x${keccak256(toHex(`token ${index}`)).slice(26)}`);

function poolValues(market: ScaleMarket): number[] {
  const v2 = market.v2.map((pool) => wethValue(market, pool.tokens[1], pool.amounts[1]));
  const v3 = market.v3.map((pool) => {
    const layout = layoutV3Pool(pool, market, fakeAddress);
    const index1 = layout.token1 === fakeAddress(pool.tokens[0]) ? pool.tokens[0] : pool.tokens[1];
    return wethValue(market, index1, layout.amount1);
  });
  return [...v2, ...v3];
}

describe('scale market generator', () => {
  const full = generateScaleMarket({ seed: 1 });

  it('has the full size by default: >= 300 tokens with the 5 hubs, >= 20,000 V2/Sushi pairs, >= 2,000 V3 pools', () => {
    expect(full.poolCount).toBe(fullScalePools);
    expect(full.tokens.length).toBeGreaterThanOrEqual(300);
    expect(full.tokens.filter((token) => token.hub).map((token) => token.symbol)).toEqual(hubs);
    expect(full.v2.length).toBeGreaterThanOrEqual(20_000);
    expect(full.v2.filter((pool) => pool.dex === 'sushiswap').length).toBeGreaterThan(1000);
    expect(full.v3.length).toBeGreaterThanOrEqual(2_000);
    expect(new Set(full.v3.map((pool) => pool.fee))).toEqual(new Set([100, 500, 3000, 10000]));
    expect(new Set(full.tokens.map((token) => token.symbol)).size).toBe(full.tokens.length);
  });

  it('never repeats a pool (dex, pair, fee)', () => {
    const keys = [
      ...full.v2.map((pool) => `${pool.dex}:${[...pool.tokens].sort((a, b) => a - b).join('/')}`),
      ...full.v3.map((pool) => `v3:${[...pool.tokens].sort((a, b) => a - b).join('/')}:${pool.fee}`),
    ];
    expect(new Set(keys).size).toBe(keys.length);
    expect(full.v2.every((pool) => pool.tokens[0] !== pool.tokens[1])).toBe(true);
  });

  it('gives the hubs hundreds of neighbours (WETH pairs with every token)', () => {
    const neighbours = new Map<number, Set<number>>();
    for (const pool of [...full.v2, ...full.v3]) {
      for (const [x, y] of [pool.tokens, [pool.tokens[1], pool.tokens[0]]] as const) {
        if (!neighbours.has(x)) neighbours.set(x, new Set());
        neighbours.get(x)!.add(y);
      }
    }
    expect(neighbours.get(0)!.size).toBe(full.tokens.length - 1);
    for (const hub of [1, 2, 3, 4]) expect(neighbours.get(hub)!.size).toBeGreaterThan(100);
  });

  it('is heavy-tailed: a few hundred deep pools, most of them dust, the top 2% holding most of the value', () => {
    const values = poolValues(full).sort((a, b) => b - a);
    expect(values.length).toBe(fullScalePools);
    const deep = values.filter((value) => value >= 50).length;
    expect(deep).toBeGreaterThanOrEqual(150);
    expect(deep).toBeLessThanOrEqual(800);
    const dust = values.filter((value) => value < 0.5).length;
    expect(dust / values.length).toBeGreaterThan(0.7);
    const total = values.reduce((sum, value) => sum + value, 0);
    const top = values.slice(0, Math.ceil(values.length * 0.02)).reduce((sum, value) => sum + value, 0);
    expect(top / total).toBeGreaterThan(0.8);
  });

  it('prices every V2 pair at the ratio of its tokens WETH prices, up to 0.3% noise, with noise present', () => {
    let noisy = 0;
    for (const pool of full.v2) {
      const ratio = wethValue(full, pool.tokens[0], pool.amounts[0]) / wethValue(full, pool.tokens[1], pool.amounts[1]);
      expect(Math.abs(ratio - 1)).toBeLessThan(0.003);
      if (Math.abs(ratio - 1) > 0.0005) noisy++;
    }
    expect(noisy).toBeGreaterThan(full.v2.length / 4);
  });

  it('initializes every V3 pool at its tokens price ratio (up to noise), with the price inside every position', () => {
    for (const pool of full.v3) {
      const layout = layoutV3Pool(pool, full, fakeAddress);
      const [i0, i1] = layout.token0 === fakeAddress(pool.tokens[0]) ? pool.tokens : [pool.tokens[1], pool.tokens[0]];
      const t0 = full.tokens[i0]!;
      const t1 = full.tokens[i1]!;
      // raw token1 per raw token0, from the WETH prices alone
      const expected = (Number(t0.priceWei) / 10 ** t0.decimals) / (Number(t1.priceWei) / 10 ** t1.decimals);
      const actual = (Number(layout.sqrtPriceX96) / 2 ** 96) ** 2;
      expect(Math.abs(actual / expected - 1)).toBeLessThan(0.003);
      expect(layout.positions.length).toBeGreaterThan(0);
      for (const position of layout.positions) {
        expect(position.tickLower).toBeLessThanOrEqual(layout.tick);
        expect(position.tickUpper).toBeGreaterThan(layout.tick);
        expect(Math.abs(position.tickLower % layout.tickSpacing)).toBe(0);
        expect(Math.abs(position.tickUpper % layout.tickSpacing)).toBe(0);
        expect(position.liquidity).toBeGreaterThan(1000n);
      }
      expect(layout.amount0).toBeGreaterThan(0n);
      expect(layout.amount1).toBeGreaterThan(0n);
    }
  });

  it('keeps V2 reserves within what a pair can hold and above its minimum liquidity', () => {
    for (const pool of full.v2) {
      for (const amount of pool.amounts) {
        expect(amount).toBeGreaterThanOrEqual(10_000n);
        expect(amount).toBeLessThan(2n ** 112n);
      }
    }
  });

  it('is deterministic for a seed and differs between seeds', () => {
    const a = generateScaleMarket({ seed: 3, pools: 600 });
    expect(generateScaleMarket({ seed: 3, pools: 600 })).toEqual(a);
    expect(generateScaleMarket({ seed: 4, pools: 600 })).not.toEqual(a);
  });

  it('scales down to about N pools with the same shape', () => {
    const small = generateScaleMarket({ seed: 1, pools: 600 });
    expect(small.v2.length + small.v3.length).toBe(600);
    expect(small.v3.length).toBeGreaterThanOrEqual(50);
    expect(new Set(small.v3.map((pool) => pool.fee))).toEqual(new Set([100, 500, 3000, 10000]));
    expect(small.tokens.filter((token) => token.hub).map((token) => token.symbol)).toEqual(hubs);
    expect(small.tokens.length).toBeGreaterThanOrEqual(24);
    const values = poolValues(small);
    expect(values.filter((value) => value >= 50).length).toBeGreaterThanOrEqual(5);
    expect(values.filter((value) => value < 0.5).length / values.length).toBeGreaterThan(0.6);
  });
});

describe('scale scenario names', () => {
  it('reads scale and scale:N, and refuses anything else', () => {
    expect(parseScaleScenario('scale')).toEqual({ pools: fullScalePools });
    expect(parseScaleScenario('scale:600')).toEqual({ pools: 600 });
    expect(parseScaleScenario('scenarios/default.json')).toBeUndefined();
    expect(() => parseScaleScenario('scale:12')).toThrow(/scale:N/);
    expect(() => parseScaleScenario('scale:abc')).toThrow(/scale:N/);
  });
});
