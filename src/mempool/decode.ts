import { Calldata, CalldataError } from './decoders/calldata.ts';
import type { DecodeContext } from './decoders/intent.ts';
import { decodeUniversalRouterCall, isUniversalRouterSelector } from './decoders/universalRouter.ts';
import { decodeV2RouterCall, v2RouterSelectors } from './decoders/v2Router.ts';
import { decodeV3PeripheryCall, v3PeripherySelectors } from './decoders/v3Periphery.ts';
import { decodePairSwap, pairSwapSelector, type PairTokens } from './decoders/v2Pair.ts';
import type { KnownRouter, RawTx, SwapIntent } from './types.ts';

export type DecodeResult = { swaps: SwapIntent[] } | { error: string };

export type DecoderConfig = {
  /** Routers by lower-case address. */
  routers: ReadonlyMap<string, KnownRouter>;
  /** Tokens of known V2 pairs by lower-case address, for direct `pair.swap` calls. */
  pairs?: (address: string) => PairTokens | undefined;
};

const NONE = Object.freeze({ swaps: Object.freeze([]) }) as unknown as DecodeResult;

/** Mainnet router addresses (lower-case) and their families. */
export const mainnetRouters: ReadonlyMap<string, KnownRouter> = new Map<string, KnownRouter>([
  ['0x7a250d5630b4cf539739df2c5dacb4c659f2488d', { family: 'v2Router', protocol: 'uniswap-v2' }],
  ['0xd9e1ce17f2641f24ae83637ab66a2cca9c378b9f', { family: 'v2Router', protocol: 'sushiswap' }],
  ['0xe592427a0aece92de3edee1f18e0157c05861564', { family: 'swapRouter' }],
  ['0x68b3465833fb72a70ecdf485e0e4c7bd8665fc45', { family: 'swapRouter02' }],
  ['0xef1c6e67703c7bd7107eed8303fbe6ec2554bf6b', { family: 'universalRouter', version: '1' }],
  ['0x3fc91a3afd70395cd496c647d5a6cc9d4b2b7fad', { family: 'universalRouter', version: '1' }],
  // 2.0 on mainnet; the devnet places the npm 2.1.0 at the same address
  ['0x66a9893cc07d91d95644aedd05d03f95e1dba8af', { family: 'universalRouter', version: '2' }],
  ['0x4c82d1fbfe28c977cbb58d8c7ff8fcf9f70a2cca', { family: 'universalRouter', version: '2.1.1' }],
]);

/**
 * The swaps a transaction makes, by the router it calls. Non-swaps return no swaps without decoding
 * anything (one map lookup); a router call whose calldata is malformed returns an error. Never throws.
 */
export function decodeTransaction(tx: RawTx, config: DecoderConfig): DecodeResult {
  const to = tx.to;
  if (to === null || tx.input.length < 10) return NONE;
  const router = config.routers.get(to);
  const selector = tx.input.slice(2, 10).toLowerCase();
  try {
    if (!router) {
      if (selector !== pairSwapSelector || !config.pairs) return NONE;
      const tokens = config.pairs(to);
      if (!tokens) return NONE;
      return { swaps: decodePairSwap(Calldata.ofInput(tx.input), { from: tx.from, router: to, value: tx.value, deadline: null }, tokens) };
    }
    const context: DecodeContext = { from: tx.from, router: to, value: tx.value, deadline: null };
    const data = Calldata.ofInput(tx.input);
    let swaps: SwapIntent[] | undefined;
    switch (router.family) {
      case 'v2Router':
        if (!v2RouterSelectors.has(selector)) return NONE;
        swaps = decodeV2RouterCall(selector, data, context, router.protocol ?? 'uniswap-v2');
        break;
      case 'swapRouter':
      case 'swapRouter02':
        if (!v3PeripherySelectors.has(selector)) return NONE;
        swaps = decodeV3PeripheryCall(selector, data, context);
        break;
      case 'universalRouter':
        if (!isUniversalRouterSelector(selector)) return NONE;
        swaps = decodeUniversalRouterCall(selector, data, context, router.version);
        break;
    }
    return swaps ? { swaps } : NONE;
  } catch (error) {
    return { error: error instanceof CalldataError ? error.message : `undecodable calldata (${(error as Error).message})` };
  }
}
