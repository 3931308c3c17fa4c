import { getAddress, type Address } from 'viem';
import { getSqrtRatioAtTick } from '../../src/amm/v3/tickMath.ts';
import type { PendingSwaps } from '../../src/mempool/watcher.ts';
import { MarketState } from '../../src/state/market.ts';
import type { Pool } from '../../src/state/types.ts';

export const WETH = getAddress('0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2');
const E18 = 10n ** 18n;
const address = (n: number) => getAddress(`0x${n.toString(16).padStart(40, '0')}`);

/**
 * A synthetic market of `poolCount` pools: per token a Uniswap V2 and a SushiSwap pair with WETH and a V3 pool
 * (20 initialized ticks), plus token/token pairs, at slightly different prices. Deterministic.
 */
export function syntheticMarket(poolCount: number): { market: MarketState; tokens: Address[] } {
  let seed = 12345;
  const random = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const tokens: Address[] = [];
  const pools: Pool[] = [];
  let n = 1000;
  const tokenCount = Math.max(2, Math.floor(poolCount / 4));
  for (let t = 0; t < tokenCount && pools.length < poolCount; t++) {
    const token = address(0x10_0000 + t);
    tokens.push(token);
    const [token0, token1] = BigInt(token) < BigInt(WETH) ? [token, WETH] : [WETH, token];
    const wethReserve = BigInt(100 + Math.floor(random() * 1000)) * E18;
    for (const venue of ['uniswapV2', 'sushiswap']) {
      const tokenReserve = (wethReserve * BigInt(1000 + Math.floor(random() * 40))) / 1000n * 2000n;
      pools.push({ kind: 'v2', venue, address: address(n++), token0, token1, reserve0: token0 === WETH ? wethReserve : tokenReserve, reserve1: token0 === WETH ? tokenReserve : wethReserve, feeBps: 30n });
    }
    const ticks: number[] = [];
    const net: bigint[] = [];
    const gross: bigint[] = [];
    const centre = token0 === WETH ? 76_000 : -76_000; // ~2000 tokens per WETH
    for (let k = 10; k >= 1; k--) {
      ticks.push(centre - 600 * k);
      net.push(10n ** 20n);
      gross.push(10n ** 20n);
    }
    for (let k = 1; k <= 10; k++) {
      ticks.push(centre + 600 * k);
      net.push(-(10n ** 20n));
      gross.push(10n ** 20n);
    }
    pools.push({ kind: 'v3', venue: 'uniswapV3', address: address(n++), token0, token1, fee: 3000, tickSpacing: 60, sqrtPriceX96: getSqrtRatioAtTick(centre + Math.floor(random() * 60)), tick: centre, liquidity: 10n ** 21n, ticks, liquidityNet: net, liquidityGross: gross });
    if (t > 0 && pools.length < poolCount) {
      const other = tokens[Math.floor(random() * t)]!;
      const [a, b] = BigInt(token) < BigInt(other) ? [token, other] : [other, token];
      pools.push({ kind: 'v2', venue: 'uniswapV2', address: address(n++), token0: a, token1: b, reserve0: 10n ** 24n, reserve1: 10n ** 24n, feeBps: 30n });
    }
  }
  const market = new MarketState(8);
  market.reset(pools, { number: 1n, hash: '0x01', parentHash: '0x00' });
  return { market, tokens };
}

/** A pending WETH -> token swap on Uniswap V2 of `weth` WETH. */
export function syntheticVictim(token: Address, weth: bigint, index: number): PendingSwaps {
  const w = WETH.toLowerCase();
  const t = token.toLowerCase();
  return {
    tx: { hash: `0x${index.toString(16)}`, from: '0x00000000000000000000000000000000000000aa', to: '0x7a250d5630b4cf539739df2c5dacb4c659f2488d', value: weth, input: '0x', nonce: 0n, maxFeePerGas: 10n ** 11n },
    swaps: [{ protocol: 'uniswap-v2', router: '0x7a250d5630b4cf539739df2c5dacb4c659f2488d', kind: 'exactIn', tokenIn: w, tokenOut: t, path: [w, t], fees: [null], amountIn: weth, amountOut: 0n, recipient: '0x00000000000000000000000000000000000000aa', deadline: null }],
    firstSeenMs: 0,
    decodedMs: 0,
  };
}
