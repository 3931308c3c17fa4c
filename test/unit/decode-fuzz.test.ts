import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { getAddress } from 'viem';
import { describe, expect, it } from 'vitest';
import { decodeTransaction, mainnetRouters } from '../../src/mempool/decode.ts';
import { pairSwapSelector } from '../../src/mempool/decoders/v2Pair.ts';
import { universalRouterSelectors } from '../../src/mempool/decoders/universalRouter.ts';
import { v2RouterSelectors } from '../../src/mempool/decoders/v2Router.ts';
import { v3PeripherySelectors } from '../../src/mempool/decoders/v3Periphery.ts';
import { parseTxLine } from '../../src/mempool/json.ts';
import { mainnet } from '../../src/chain/addresses.ts';
import { buildSwapCall } from '../../src/devnet/traffic/calldata.ts';
import type { DevnetPool } from '../../src/devnet/seed/pools.ts';
import { wethToken, type DevnetToken } from '../../src/devnet/tokens.ts';

const seed = Number(process.env.FC_SEED ?? Math.floor(Math.random() * 2 ** 31));
const runs = Number(process.env.FC_FUZZ_RUNS ?? 100_000);

// Seeds: real router calls from the corpus plus SwapRouter02 and UniversalRouter calls as the devnet makes them.
const corpus = readFileSync(new URL('../fixtures/mainnet-txs.jsonl', import.meta.url), 'utf8')
  .trim()
  .split('\n')
  .map((line) => parseTxLine(line))
  .filter((tx) => tx.to !== null && mainnetRouters.has(tx.to));
const usdc: DevnetToken = { symbol: 'USDC', name: 'USD Coin', address: getAddress('0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48'), decimals: 6, kind: 'standard' };
const pool = (dex: DevnetPool['dex'], fee?: number): DevnetPool => ({ index: 0, dex, pair: ['WETH', 'USDC'], address: getAddress('0x00000000000000000000000000000000000000a1'), token0: usdc.address, token1: wethToken.address, ...(fee ? { fee, tickSpacing: 10 } : {}) });
const built = (['swapRouter02', 'universalRouter'] as const).flatMap((router) =>
  [pool('uniswapV2'), pool('uniswapV3', 500)].map((p) => {
    const call = buildSwapCall({ router, hops: [{ pool: p, tokenIn: wethToken, tokenOut: usdc }], amountIn: 10n ** 18n, minAmountOut: 1n, recipient: getAddress('0x00000000000000000000000000000000000000bb'), deadline: 99n, ethIn: true, ethOut: false });
    return { hash: '0x01', from: '0x00000000000000000000000000000000000000bb', to: call.to.toLowerCase(), value: call.value, input: call.data };
  }),
);
const seeds = [...corpus, ...built];
const selectors = [...v2RouterSelectors.keys(), ...v3PeripherySelectors, ...Object.values(universalRouterSelectors), pairSwapSelector];
const routerAddresses = [...mainnetRouters.keys()];
const hexBytes = (length: number) => fc.uint8Array({ minLength: length, maxLength: length }).map((bytes) => Buffer.from(bytes).toString('hex'));

describe('decoder fuzz', () => {
  it(`never throws on truncated, padded, mutated or random calldata (${runs} cases, seed ${seed})`, () => {
    const config = { routers: mainnetRouters, pairs: () => ({ token0: mainnet.weth.toLowerCase(), token1: usdc.address.toLowerCase() }) };
    let errors = 0;
    let decoded = 0;
    const mutated = fc.oneof(
      // a real call cut short
      fc.tuple(fc.nat({ max: seeds.length - 1 }), fc.double({ min: 0, max: 1, noNaN: true })).map(([i, cut]) => {
        const tx = seeds[i]!;
        return { ...tx, input: tx.input.slice(0, 10 + 2 * Math.floor(((tx.input.length - 10) / 2) * cut)) };
      }),
      // a real call with trailing garbage
      fc.tuple(fc.nat({ max: seeds.length - 1 }), fc.nat({ max: 200 }).chain(hexBytes)).map(([i, tail]) => ({ ...seeds[i]!, input: seeds[i]!.input + tail })),
      // a real call with one byte changed (offsets and lengths become anything)
      fc.tuple(fc.nat({ max: seeds.length - 1 }), fc.nat(), fc.integer({ min: 0, max: 255 })).map(([i, at, byte]) => {
        const tx = seeds[i]!;
        const position = 10 + 2 * (at % Math.max(1, (tx.input.length - 10) / 2));
        return { ...tx, input: tx.input.slice(0, position) + byte.toString(16).padStart(2, '0') + tx.input.slice(position + 2) };
      }),
      // a known selector on random bytes, sent to any router
      fc.tuple(fc.constantFrom(...selectors), fc.nat({ max: 1200 }).chain(hexBytes), fc.constantFrom(...routerAddresses)).map(([selector, body, to]) => ({ ...seeds[0]!, to, input: `0x${selector}${body}` })),
    );
    fc.assert(
      fc.property(mutated, (tx) => {
        const result = decodeTransaction(tx, config);
        if ('error' in result) {
          errors++;
          expect(typeof result.error).toBe('string');
        } else {
          decoded++;
          for (const swap of result.swaps) expect(typeof swap.amountIn).toBe('bigint');
        }
      }),
      { numRuns: runs, seed },
    );
    // both outcomes happen: the mutations reach the error paths and leave many calls decodable
    expect(errors).toBeGreaterThan(runs / 20);
    expect(decoded).toBeGreaterThan(runs / 20);
  }, 120_000); // a hang would hit this timeout
});
