import { getAddress, type Address } from 'viem';
import { describe, expect, it } from 'vitest';
import type { SwapIntent } from '../../src/mempool/types.ts';
import { MarketState } from '../../src/state/market.ts';
import { PendingOverlay } from '../../src/state/overlay.ts';
import type { V2Pair } from '../../src/state/types.ts';
import { venueOfProtocol } from '../../src/state/venues.ts';
import { applyPriorTrades, applyVictim, victimPools, type EngineConfig } from '../../src/strategy/candidates.ts';
import { PoolGraph } from '../../src/strategy/graph.ts';

// The engine does not price V4 swaps yet: a victim with one must be skipped whole, with a reason, before any of
// its swaps moves the overlay (a V2 swap applied without the V4 swap it rides with would misprice the backrun).

const WETH = getAddress('0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2');
const USDC = getAddress('0xA0b86991c6218b36c1D19D4a2e9Eb0cE3606eB48');
const E18 = 10n ** 18n;
const ROUTER = '0x66a9893cc07d91d95644aedd05d03f95e1dba8af';
const config: EngineConfig = { startToken: WETH, venues: venueOfProtocol, policy: { priorityFeeWei: 10n ** 9n, builderShareBps: 5000n, minNetProfitWei: 0n } };
const pair: V2Pair = { kind: 'v2', venue: 'uniswapV2', address: getAddress('0x00000000000000000000000000000000000000a1'), token0: USDC, token1: WETH, reserve0: 4_000_000n * 10n ** 6n, reserve1: 2_000n * E18, feeBps: 30n };

function market(): MarketState {
  const state = new MarketState(8);
  state.reset([pair], { number: 1n, hash: '0x01', parentHash: '0x00' });
  return state;
}

const lower = (a: Address) => a.toLowerCase();
const v2Swap: SwapIntent = { protocol: 'uniswap-v2', router: ROUTER, kind: 'exactIn', tokenIn: lower(WETH), tokenOut: lower(USDC), path: [lower(WETH), lower(USDC)], fees: [null], amountIn: E18, amountOut: 0n, recipient: ROUTER, deadline: null };
// a V4 swap between the same tokens, fee 0 on a hookless pool: nothing about it may match the V2 pair
const v4Swap: SwapIntent = {
  protocol: 'v4',
  router: ROUTER,
  kind: 'exactIn',
  tokenIn: lower(USDC),
  tokenOut: lower(WETH),
  path: [lower(USDC), lower(WETH)],
  fees: [0],
  amountIn: 10n ** 9n,
  amountOut: 0n,
  recipient: ROUTER,
  deadline: null,
  pools: [{ poolId: `0x${'11'.repeat(32)}`, currency0: lower(USDC), currency1: lower(WETH), fee: 0, tickSpacing: 1, hooks: `0x${'00'.repeat(20)}`, zeroForOne: true, hookData: '0x' }],
};

describe('V4 intents downstream', () => {
  it('applyVictim skips a victim with a V4 swap whole, saying why, and moves nothing', () => {
    const state = market();
    const overlay = new PendingOverlay(state);
    const result = applyVictim(overlay, new PoolGraph(state.all()), config, [v2Swap, v4Swap]);
    expect(result).toEqual({ reason: 'the victim makes a Uniswap V4 swap, which the engine does not price yet' });
    expect(overlay.touched()).toEqual([]);
    expect(overlay.get(pair.address)).toEqual(pair);
  });

  it('a prior trade with a V4 swap leaves the overlay as it was (no half-applied victim)', () => {
    const state = market();
    const overlay = new PendingOverlay(state);
    applyPriorTrades(overlay, new PoolGraph(state.all()), config, [{ swaps: [v2Swap, v4Swap] } as never]);
    expect(overlay.touched()).toEqual([]);
  });

  it('victimPools names no pool for a V4 swap (and still the V2 one)', () => {
    const state = market();
    expect(victimPools(new PoolGraph(state.all()), config, [v4Swap, v2Swap])).toEqual([lower(pair.address)]);
  });
});
