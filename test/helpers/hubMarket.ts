import { getAddress, type Address } from 'viem';
import { getSqrtRatioAtTick } from '../../src/amm/v3/tickMath.ts';
import type { PendingSwaps } from '../../src/mempool/watcher.ts';
import { MarketState } from '../../src/state/market.ts';
import type { Pool, V2Pair, V3Pool } from '../../src/state/types.ts';
import { WETH } from './syntheticMarket.ts';

const E18 = 10n ** 18n;
const address = (n: number) => getAddress(`0x${n.toString(16).padStart(40, '0')}`);
export const HUB_USDC = address(0x0a0b86991);

export type HubMarket = { market: MarketState; tokens: Address[]; wethUsdc: V2Pair; pools: Pool[] };

/**
 * A market shaped like mainnet's hubs: `wethNeighbours` tokens each with a Uniswap V2, a SushiSwap and a V3
 * (20 initialized ticks) pool against WETH, the first `usdcNeighbours` of them also with a Uniswap V2 pair
 * against a USDC-like hub, and deep WETH/USDC pools on all three venues. Prices are consistent up to 0.4% of
 * noise per pool; depths are heavy-tailed (most pools shallow). Deterministic.
 */
export function hubMarket(wethNeighbours: number, usdcNeighbours: number, seed = 12345): HubMarket {
  const random = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const pools: Pool[] = [];
  const tokens: Address[] = [];
  let n = 1000;
  const sorted = (a: Address, b: Address) => (BigInt(a) < BigInt(b) ? ([a, b] as const) : ([b, a] as const));
  const v2 = (venue: string, a: Address, reserveA: bigint, b: Address, reserveB: bigint): V2Pair => {
    const [token0, token1] = sorted(a, b);
    const pool: V2Pair = { kind: 'v2', venue, address: address(n++), token0, token1, reserve0: token0 === a ? reserveA : reserveB, reserve1: token0 === a ? reserveB : reserveA, feeBps: 30n };
    pools.push(pool);
    return pool;
  };
  const noisy = (x: bigint) => (x * BigInt(9960 + Math.floor(random() * 80))) / 10_000n;
  // Heavy tail: most pools hold ~1 WETH a side, a few thousands.
  const depth = () => BigInt(Math.floor(10 ** (random() ** 3 * 4) * 1000)) * 10n ** 15n;
  const v3 = (a: Address, b: Address, tokensPerWeth: number, liquidity: bigint): V3Pool => {
    const [token0, token1] = sorted(a, b);
    const price = token0 === WETH ? tokensPerWeth : 1 / tokensPerWeth; // token1 per token0
    const centre = Math.round(Math.log(price) / Math.log(1.0001) / 60) * 60;
    const ticks: number[] = [];
    const net: bigint[] = [];
    const gross: bigint[] = [];
    for (let k = 10; k >= 1; k--) ticks.push(centre - 600 * k), net.push(liquidity / 10n), gross.push(liquidity / 10n);
    for (let k = 1; k <= 10; k++) ticks.push(centre + 600 * k), net.push(-liquidity / 10n), gross.push(liquidity / 10n);
    const tick = centre + Math.floor(random() * 60) - 30;
    const pool: V3Pool = { kind: 'v3', venue: 'uniswapV3', address: address(n++), token0, token1, fee: 3000, tickSpacing: 60, sqrtPriceX96: getSqrtRatioAtTick(tick), tick, liquidity, ticks, liquidityNet: net, liquidityGross: gross };
    pools.push(pool);
    return pool;
  };

  // USDC at 2,000 per WETH, 6 decimals.
  const usdcPerWeth = 2000n * 10n ** 6n;
  const wethUsdc = v2('uniswapV2', WETH, 20_000n * E18, HUB_USDC, 20_000n * usdcPerWeth);
  v2('sushiswap', WETH, 5_000n * E18, HUB_USDC, noisy(5_000n * usdcPerWeth));
  v3(WETH, HUB_USDC, 2000 * 1e-12, 10n ** 22n);
  for (let t = 0; t < wethNeighbours; t++) {
    const token = address(0x10_0000 + t);
    tokens.push(token);
    const perWeth = BigInt(1 + Math.floor(random() * 5000)); // whole tokens (18 decimals) per WETH
    for (const venue of ['uniswapV2', 'sushiswap']) {
      const weth = depth();
      v2(venue, WETH, weth, token, noisy(weth * perWeth));
    }
    v3(WETH, token, Number(perWeth), 10n ** 18n * BigInt(1 + Math.floor(random() ** 3 * 10_000)));
    if (t < usdcNeighbours) {
      const weth = depth();
      v2('uniswapV2', HUB_USDC, (weth * usdcPerWeth) / E18, token, noisy(weth * perWeth));
    }
  }
  const market = new MarketState(8);
  market.reset(pools, { number: 1n, hash: '0x01', parentHash: '0x00' });
  return { market, tokens, wethUsdc, pools };
}

/** A pending Uniswap V2 swap of `amountIn` from `tokenIn` to `tokenOut`. */
export function v2Victim(tokenIn: Address, tokenOut: Address, amountIn: bigint, index: number): PendingSwaps {
  const path = [tokenIn.toLowerCase(), tokenOut.toLowerCase()];
  return {
    tx: { hash: `0x${index.toString(16)}`, from: '0x00000000000000000000000000000000000000aa', to: '0x7a250d5630b4cf539739df2c5dacb4c659f2488d', value: 0n, input: '0x', nonce: 0n, maxFeePerGas: 10n ** 11n },
    swaps: [{ protocol: 'uniswap-v2', router: '0x7a250d5630b4cf539739df2c5dacb4c659f2488d', kind: 'exactIn', tokenIn: path[0]!, tokenOut: path[1]!, path, fees: [null], amountIn, amountOut: 0n, recipient: '0x00000000000000000000000000000000000000aa', deadline: null }],
    firstSeenMs: 0,
    decodedMs: 0,
  };
}

/**
 * Victims in a mainnet-like mix: a third on the WETH/USDC hub pair (the worst case: every cycle through
 * USDC's neighbours), the rest WETH <-> token and USDC <-> token swaps, sizes from 0.01 to 10 WETH.
 */
export function hubVictims(hub: HubMarket, count: number, usdcNeighbours: number, seed = 99): PendingSwaps[] {
  const random = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const victims: PendingSwaps[] = [];
  for (let i = 0; i < count; i++) {
    const weth = BigInt(Math.floor(10 ** (random() * 3) * 10)) * 10n ** 15n;
    const kind = random();
    if (kind < 0.33) {
      victims.push(random() < 0.5 ? v2Victim(WETH, HUB_USDC, weth, i) : v2Victim(HUB_USDC, WETH, (weth * 2000n * 10n ** 6n) / E18, i));
    } else if (kind < 0.85) {
      const token = hub.tokens[Math.floor(random() * hub.tokens.length)]!;
      victims.push(v2Victim(WETH, token, weth, i));
    } else {
      const token = hub.tokens[Math.floor(random() * usdcNeighbours)]!;
      victims.push(v2Victim(HUB_USDC, token, (weth * 2000n * 10n ** 6n) / E18, i));
    }
  }
  return victims;
}
