import { encodePacked, type Address, type PublicClient } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quoterV2Abi } from '../../src/abi/routers.ts';
import { simulateV3Swap, V3RangeError } from '../../src/amm/v3/pool.ts';
import { MAX_SQRT_RATIO, MIN_SQRT_RATIO } from '../../src/amm/v3/tickMath.ts';
import { mainnet } from '../../src/chain/addresses.ts';
import type { Devnet } from '../../src/devnet/devnet.ts';
import { applyPoolEvent } from '../../src/state/apply.ts';
import { quoteCycle } from '../../src/strategy/cycle.ts';
import { readPools, windowAround } from '../../src/state/reader.ts';
import type { V3Pool } from '../../src/state/types.ts';
import { startTestDevnet } from '../helpers/devnet.ts';
import { signVictim } from '../helpers/backrun.ts';
import { createLogger } from '../../src/log.ts';
import { StateFollower, samePoolState } from '../../src/state/follower.ts';
import { MarketState } from '../../src/state/market.ts';

/**
 * V3 pools loaded with a window of bitmap words around the price: a swap that stays inside equals the chain's own
 * QuoterV2 to the wei; one that would need a word outside is refused (V3RangeError), never guessed.
 */

let devnet: Devnet;
let client: PublicClient;
let full: V3Pool;
let narrow: V3Pool;
let block: bigint;

const wordOf = (tick: number, spacing: number) => Math.floor(Math.floor(tick / spacing) / 256);

beforeAll(async () => {
  devnet = await startTestDevnet();
  client = devnet.client as unknown as PublicClient;
  block = await client.getBlockNumber({ cacheTime: 0 });
  const address = devnet.manifest.pools.find((pool) => pool.dex === 'uniswapV3' && pool.fee === 3000 && pool.pair.join('/') === 'WETH/USDC')!.address as Address;
  [full] = (await readPools(client, { v3: [address], blockNumber: block })).v3 as [V3Pool];
  // One word either side of the price (a factor of 1.05 is far less than one word at spacing 60).
  [narrow] = (await readPools(client, { v3: [address], blockNumber: block, windows: (pool) => windowAround(pool.tick, pool.tickSpacing, 1.05) })).v3 as [V3Pool];
}, 120_000);

afterAll(async () => {
  await devnet?.stop();
});

async function chainQuote(pool: V3Pool, zeroForOne: boolean, amountIn: bigint): Promise<bigint> {
  const [tokenIn, tokenOut] = zeroForOne ? [pool.token0, pool.token1] : [pool.token1, pool.token0];
  const { result } = await client.simulateContract({ address: mainnet.quoterV2, abi: quoterV2Abi, functionName: 'quoteExactInput', args: [encodePacked(['address', 'uint24', 'address'], [tokenIn, pool.fee, tokenOut]), amountIn], blockNumber: block });
  return result[0];
}

describe('V3 tick windows', () => {
  it('the window is three words around the price and holds only their ticks', () => {
    const word = wordOf(narrow.tick, narrow.tickSpacing);
    expect(narrow.wordRange).toEqual({ from: word - 1, to: word + 1 });
    expect(full.wordRange).toBeUndefined();
    const inside = full.ticks.filter((tick) => wordOf(tick, full.tickSpacing) >= word - 1 && wordOf(tick, full.tickSpacing) <= word + 1);
    expect(narrow.ticks).toEqual(inside);
    // The full-range position's ticks (±887220) are outside: a window holds less than the whole bitmap.
    expect(narrow.ticks.length).toBeLessThan(full.ticks.length);
  });

  it('inside the window: equal to QuoterV2 to the wei; past it: refused, where the whole bitmap still quotes', async () => {
    let inside = 0;
    let refused = 0;
    for (const zeroForOne of [true, false]) {
      const unit = (zeroForOne ? full.token0 : full.token1).toLowerCase() === mainnet.weth.toLowerCase() ? 10n ** 18n : 10n ** 6n;
      for (let amount = unit / 1_000n; amount <= unit * 10n ** 9n; amount *= 7n) {
        const whole = simulateV3Swap(full, { zeroForOne, amountSpecified: amount });
        const end = wordOf(whole.tick, full.tickSpacing);
        const chain = await chainQuote(full, zeroForOne, amount);
        // The reference: our whole-bitmap math equals the chain here too.
        expect(-(zeroForOne ? whole.amount1 : whole.amount0)).toBe(chain);
        // A swap that ran to the price limit walked every word to the end of the range.
        const toTheLimit = whole.sqrtPriceX96 === (zeroForOne ? MIN_SQRT_RATIO + 1n : MAX_SQRT_RATIO - 1n);
        if (end >= narrow.wordRange!.from && end <= narrow.wordRange!.to && !toTheLimit) {
          const windowed = simulateV3Swap(narrow, { zeroForOne, amountSpecified: amount });
          expect(-(zeroForOne ? windowed.amount1 : windowed.amount0), `${amount} ${zeroForOne}`).toBe(chain);
          inside++;
        } else {
          expect(() => simulateV3Swap(narrow, { zeroForOne, amountSpecified: amount })).toThrow(V3RangeError);
          // The cycle quote refuses it as unfillable (0) rather than guessing.
          const hop = { pool: narrow, tokenIn: zeroForOne ? narrow.token0 : narrow.token1, tokenOut: zeroForOne ? narrow.token1 : narrow.token0, zeroForOne };
          expect(quoteCycle({ get: () => narrow }, { startToken: hop.tokenIn, hops: [hop] }, amount).amountOut).toBe(0n);
          refused++;
        }
      }
    }
    expect(inside).toBeGreaterThan(4);
    expect(refused).toBeGreaterThan(2);
  });

  it('a Mint outside the window leaves the loaded ticks alone; inside, it is applied', () => {
    const spacing = narrow.tickSpacing;
    const word = wordOf(narrow.tick, spacing);
    const outside = (word + 5) * 256 * spacing;
    const insideTick = Math.floor(narrow.tick / spacing) * spacing;
    const farMint = applyPoolEvent(narrow, { kind: 'v3mint', tickLower: insideTick - spacing, tickUpper: outside, amount: 10n ** 12n }) as V3Pool;
    expect(farMint.ticks).toContain(insideTick - spacing);
    expect(farMint.ticks).not.toContain(outside);
    expect(farMint.liquidity).toBe(narrow.liquidity + 10n ** 12n);
  });

  it('the follower re-centers a window the price has come to the edge of, exactly as the chain holds it', async () => {
    const centered = (pool: Pick<V3Pool, 'tick' | 'tickSpacing'>) => windowAround(pool.tick, pool.tickSpacing, 1.05);
    // Loaded off-center: the price already sits in the window's lowest word.
    const offCenter = (pool: Pick<V3Pool, 'tick' | 'tickSpacing'>) => ({ from: wordOf(pool.tick, pool.tickSpacing), to: wordOf(pool.tick, pool.tickSpacing) + 2 });
    const head = await client.getBlock({ blockTag: 'latest' });
    const [pool] = (await readPools(client, { v3: [full.address], blockNumber: head.number!, windows: offCenter })).v3 as [V3Pool];
    const market = new MarketState(8);
    market.reset([pool], { number: head.number!, hash: head.hash!, parentHash: head.parentHash });
    const follower = new StateFollower({ client, market, logger: createLogger('test'), driftSample: 0, v3Window: centered });
    await signVictim(devnet, { router: 'swapRouter', path: ['WETH', 'USDC'], fees: [3000], amount: 10n ** 16n, trader: 3 });
    await devnet.builder.buildBlock();
    await follower.sync();
    await follower.settled();
    expect(follower.stats.rewindowed).toBe(1);
    const ours = market.get(full.address) as V3Pool;
    expect(ours.wordRange).toEqual(centered(ours));
    const [chain] = (await readPools(client, { v3: [full.address], blockNumber: market.head!.number, windows: () => ours.wordRange })).v3 as [V3Pool];
    expect(samePoolState(ours, chain)).toBe(true);
  });
});
