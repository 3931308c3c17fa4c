import { mainnet } from '../devnet/addresses.ts';
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

/** Which venue (a factory's name above) a decoded swap's protocol trades on. */
export const venueOfProtocol: Partial<Record<SwapProtocol, string>> = { 'uniswap-v2': 'uniswapV2', sushiswap: 'sushiswap', 'uniswap-v3': 'uniswapV3' };
