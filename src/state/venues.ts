import type { Hex } from 'viem';
import { mainnet } from '../chain/addresses.ts';
import type { SwapProtocol } from '../mempool/types.ts';
import type { Factories } from './bootstrap.ts';

/** The DEX factories tracked unless the config lists others: Uniswap V2, SushiSwap (30 bps) and Uniswap V3. */
export const mainnetFactories = {
  v2: [
    { address: mainnet.uniswapV2Factory, feeBps: 30n, venue: 'uniswapV2' },
    { address: mainnet.sushiswapFactory, feeBps: 30n, venue: 'sushiswap' },
  ],
  v3: [{ address: mainnet.uniswapV3Factory, venue: 'uniswapV3' }],
} as const satisfies Factories;

/**
 * keccak256 of the creation code of the pools each mainnet venue's factory deploys (its CREATE2 init code hash),
 * checked against mainnet pairs: Uniswap V2 WETH/USDC 0xB4e1..C9Dc, SushiSwap USDC/WETH 0x397F..ACa0 and
 * WETH/USDT 0x06da..4553.
 */
export const mainnetInitCodeHashes = {
  uniswapV2: '0x96e8ac4277198ff8b6f785478aa9a39f403cb768dd02cbee326c3e7da348845f',
  sushiswap: '0xe18a34eb0e04b04f7a0ac29a6e80748dca96319b42c54d679cb821dca90c6303',
  uniswapV3: '0xe34f199b19b2b4f47f68442619d555527d244f78a3297ea89325f843f87b8b54',
} as const satisfies Record<string, Hex>;

/** Which venue (a factory's name above) a decoded swap's protocol trades on. */
export const venueOfProtocol: Partial<Record<SwapProtocol, string>> = { 'uniswap-v2': 'uniswapV2', sushiswap: 'sushiswap', 'uniswap-v3': 'uniswapV3' };
