import { SearcherError } from '../../errors.ts';
import type { Scenario } from '../scenario/schema.ts';
import { defaultScaleSeed, fullScalePools, maxScalePools, minScalePools } from './generate.ts';

/** `--scenario scale` (the full size) or `--scenario scale:N` (about N pools). */
export type ScaleRequest = { pools: number };

export class ScaleScenarioError extends SearcherError {}

/**
 * Reads a `--scenario` value: `scale` or `scale:N` give the generated market; anything else is a scenario file
 * (undefined here). A malformed `scale:` value is an error, never a file name.
 */
export function parseScaleScenario(value: string): ScaleRequest | undefined {
  if (value === 'scale') return { pools: fullScalePools };
  if (!value.startsWith('scale:')) return undefined;
  const size = value.slice('scale:'.length);
  const pools = /^\d+$/.test(size) ? Number(size) : Number.NaN;
  if (!(pools >= minScalePools && pools <= maxScalePools)) {
    throw new ScaleScenarioError(
      'SCENARIO_INVALID',
      `--scenario ${value}: expected scale or scale:N with N pools from ${minScalePools} to ${maxScalePools} (e.g. scale:600)`,
    );
  }
  return { pools };
}

/** Traffic shape of the scale market: mainnet-like blocks of ~200 transactions, a fifth of them swaps. */
export const scaleTraffic = { txsPerBlock: 200, swapShare: 0.2 } as const;
export const scaleTraderCount = 48;

/**
 * The scenario the rest of the devnet (traders, executor, traffic) reads for a scale market. Tokens and pools
 * come from the generator, not from here; traders hold the hubs, so their swaps start from a hub.
 */
export function scaleScenario(request: ScaleRequest, seed = defaultScaleSeed): Scenario {
  return {
    name: request.pools === fullScalePools ? 'scale' : `scale:${request.pools}`,
    description: `Generated mainnet-shaped market of ${request.pools} pools (seed ${seed}): 5 hubs, heavy-tailed liquidity, ~200 transactions per block.`,
    tokens: [],
    pools: [],
    traders: {
      count: scaleTraderCount,
      eth: '100000',
      tokens: { WETH: '2000', USDC: '5000000', USDT: '5000000', DAI: '5000000', WBTC: '200' },
    },
    executor: { inventoryWeth: '100' },
    traffic: {
      swaps: [],
      random: {
        seed,
        swapsPerBlock: scaleTraffic.txsPerBlock * scaleTraffic.swapShare,
        size: { distribution: 'lognormal', medianBps: 10, sigma: 1.8, maxBps: 500 },
        routers: { uniswapV2Router02: 4, sushiswapRouter: 2, swapRouter: 2, swapRouter02: 3, universalRouter: 1 },
        slippageBps: 300,
      },
    },
    faultyBuilders: [],
    rivals: [],
  };
}
