import { getAddress } from 'viem';
import { describe, expect, it } from 'vitest';
import { planFor } from '../../src/bundle/toPlan.ts';
import { repriceAfterSimulation } from '../../src/decisionPolicy.ts';
import type { PendingSwaps } from '../../src/mempool/watcher.ts';
import { MarketState } from '../../src/state/market.ts';
import type { V2Pair } from '../../src/state/types.ts';
import { venueOfProtocol } from '../../src/state/venues.ts';
import { BidPolicy } from '../../src/strategy/bidPolicy.ts';
import { backrunCandidates, type EngineConfig } from '../../src/strategy/candidates.ts';
import { PoolGraph } from '../../src/strategy/graph.ts';

const WETH = getAddress('0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2');
const TKN = getAddress('0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48');
const E18 = 10n ** 18n;
const addr = (n: number) => getAddress(`0x${n.toString(16).padStart(40, '0')}`);
const pair = (n: number, venue: string, reserveTkn: bigint, reserveWeth: bigint): V2Pair => ({ kind: 'v2', address: addr(n), token0: TKN, token1: WETH, reserve0: reserveTkn, reserve1: reserveWeth, feeBps: 30n, venue });
const victim: PendingSwaps = {
  tx: { hash: '0xv1', from: addr(99).toLowerCase(), to: '0x7a250d5630b4cf539739df2c5dacb4c659f2488d', value: 50n * E18, input: '0x', nonce: 0n, maxFeePerGas: 10n ** 10n },
  swaps: [{ protocol: 'uniswap-v2', router: '0x7a250d5630b4cf539739df2c5dacb4c659f2488d', kind: 'exactIn', tokenIn: WETH.toLowerCase(), tokenOut: TKN.toLowerCase(), path: [WETH.toLowerCase(), TKN.toLowerCase()], fees: [null], amountIn: 50n * E18, amountOut: 0n, recipient: addr(99).toLowerCase(), deadline: null }],
  firstSeenMs: 0,
  decodedMs: 0,
};
const policy = { priorityFeeWei: 10n ** 9n, builderShareBps: 5000n, minNetProfitWei: 0n };
const uni = pair(1, 'uniswapV2', 3_000_000n * E18, 1000n * E18);
const sushi = pair(2, 'sushiswap', 1_500_000n * E18, 500n * E18);

function search(config: EngineConfig) {
  const market = new MarketState(8);
  market.reset([uni, sushi], { number: 1n, hash: '0x01', parentHash: '0x00' });
  const result = backrunCandidates(market, new PoolGraph(market.all()), victim, 10n ** 9n, config);
  if (!Array.isArray(result)) throw new Error(result.reason);
  return result[0]!;
}

describe('the bid share picked per opportunity is the one priced, planned and paid', () => {
  it('a pool the policy learned was contested is priced at its share; the plan states it; a re-price keeps it', () => {
    const bids = new BidPolicy({ settings: { policy: 'adaptive', maxBidShareBps: 9900, startShareBps: 5000, floorShareBps: 1000, marginBps: 100, outbidStepBps: 500, probeDownBps: 50, probeAfterWins: 3, rivalMemoryMs: 60_000 }, fixedShareBps: 5000, executorCapBps: 9900 });
    const config: EngineConfig = { startToken: WETH, venues: venueOfProtocol, policy, bid: (input) => BigInt(bids.bid({ ...input, minNetProfitWei: 0n, nowMs: 0 }).shareBps) };
    const before = search(config);
    expect(before.builderShareBps).toBe(5000n);
    // Outbid on the Uniswap pool by a rival paying 90% of what our backrun left after gas.
    const afterGas = before.grossProfitWei - before.gasCostWei;
    bids.learn({ pools: [uni.address], builder: 'local', shareBps: 5000, grossWei: before.grossProfitWei, gasCostWei: before.gasCostWei, outcome: 'outbid', winnerBidWei: (afterGas * 9000n) / 10_000n, nowMs: 0 });
    const after = search(config);
    expect(after.builderShareBps).toBe(9100n);
    // Priced at it, by hand: the payment is 91% of the profit after gas, the net what remains.
    expect(after.bribeWei).toBe(((after.grossProfitWei - after.gasCostWei) * 9100n) / 10_000n);
    expect(after.netProfitWei).toBe(after.grossProfitWei - after.gasCostWei - after.bribeWei);
    const plan = planFor(after, 2n, policy);
    expect(plan.builderPayment).toBe(after.bribeWei);
    expect(plan.maxBuilderShareBps).toBe(9100);
    // More gas in the simulation: re-priced at the same share, not at the policy's default.
    const repriced = repriceAfterSimulation(after, { ok: true, victimsOk: true, gain: after.grossProfitWei - after.bribeWei, gasUsed: after.gas + 10_000n } as never, 10n ** 9n, policy)!;
    expect(repriced.builderShareBps).toBe(9100n);
    const gasCost = (after.gas + 10_000n) * (10n ** 9n + policy.priorityFeeWei);
    expect(repriced.bribeWei).toBe(((after.grossProfitWei - gasCost) * 9100n) / 10_000n);
  });

  it('without a bid function every candidate is priced at the configured share (the fixed behaviour)', () => {
    const candidate = search({ startToken: WETH, venues: venueOfProtocol, policy });
    expect(candidate.bribeWei).toBe(((candidate.grossProfitWei - candidate.gasCostWei) * 5000n) / 10_000n);
    expect(planFor(candidate, 2n, policy).maxBuilderShareBps).toBe(5000);
  });
});
