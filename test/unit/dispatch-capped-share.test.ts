import { decodeFunctionData, getAddress, parseTransaction, type Hex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { describe, expect, it } from 'vitest';
import { executorAbi } from '../../src/abi/executor.generated.ts';
import { Dispatcher, relaxedShareBps } from '../../src/bundle/dispatch.ts';
import { decodeSizing } from '../../src/bundle/sizing.ts';
import type { Opportunity, Submitter } from '../../src/bundle/submitter.ts';
import { planFor } from '../../src/bundle/toPlan.ts';
import { createLogger } from '../../src/log.ts';
import type { PendingSwaps } from '../../src/mempool/watcher.ts';
import { MarketState } from '../../src/state/market.ts';
import type { V2Pair } from '../../src/state/types.ts';
import { venueOfProtocol } from '../../src/state/venues.ts';
import { backrunCandidates } from '../../src/strategy/candidates.ts';
import { PoolGraph } from '../../src/strategy/graph.ts';

// A detached bundle that would outrank an earlier one of ours is sent with its builder share capped (decision.ts
// rankingShareBps): the share the signed executeSized call carries is the one read back from its calldata.
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
  source: 'mevBlocker',
};
const policy = { priorityFeeWei: 10n ** 9n, builderShareBps: 5000n, minNetProfitWei: 0n };

function candidate() {
  const market = new MarketState(8);
  market.reset([pair(1, 'uniswapV2', 3_000_000n * E18, 1000n * E18), pair(2, 'sushiswap', 1_500_000n * E18, 500n * E18)], { number: 1n, hash: '0x01', parentHash: '0x00' });
  const result = backrunCandidates(market, new PoolGraph(market.all()), victim, 10n ** 9n, { startToken: WETH, venues: venueOfProtocol, policy });
  if (!Array.isArray(result)) throw new Error(result.reason);
  return result[0]!;
}

/** The builder share in the executeSized call the dispatcher signs, held to the floor, with or without a cap. */
async function signedShare(maxBuilderShareBps?: number): Promise<{ shareBps: number; relaxed: number }> {
  const account = privateKeyToAccount('0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d');
  let opportunity: Opportunity | undefined;
  const submitter = { outstanding: 0, submit: async (given: Opportunity) => ((opportunity = given), { uuid: 'u', ourHash: '0x01' as Hex, delivered: Promise.resolve([]) }) } as unknown as Submitter;
  const dispatcher = new Dispatcher({
    submitter,
    account,
    risk: { check: () => ({ ok: true }), recheck: () => ({ ok: true }), onBundleSent: () => {} } as never,
    chainId: 31337,
    executor: '0x0000000000000000000000000000000000000001',
    policy,
    nextBaseFee: () => 10n ** 9n,
    fetchRaw: async () => '0x',
    logger: createLogger('test'),
  });
  const found = candidate();
  const checked = dispatcher.check({ candidate: found, target: 2n, simulatedGas: found.gas, source: 'mevBlocker' });
  if (!checked.ok) throw new Error(checked.reason);
  await dispatcher.send({ candidate: found, victim, target: 2n, simulated: { gainWei: found.grossProfitWei - found.bribeWei, gasUsed: found.gas }, floorOnly: true, ...(maxBuilderShareBps !== undefined ? { maxBuilderShareBps } : {}) }, checked.proposal);
  const { raw } = await opportunity!.sign(2n, 0);
  const call = decodeFunctionData({ abi: executorAbi, data: parseTransaction(raw).data! });
  expect(call.functionName).toBe('executeSized');
  const plan = planFor(found, 2n, policy);
  const floor = checked.proposal.gasLimit * (10n ** 9n + policy.priorityFeeWei);
  const relaxed = relaxedShareBps(found.grossProfitWei, floor < plan.minProfit ? floor : plan.minProfit, BigInt(plan.maxBuilderShareBps));
  return { shareBps: decodeSizing((call.args as readonly [Hex, Hex])[1]).builderShareBps, relaxed };
}

describe('Dispatcher.send held to the floor with a capped builder share', () => {
  it('pays the capped share when the cap is below the share it would pay', async () => {
    const { shareBps, relaxed } = await signedShare(1_234);
    expect(relaxed).toBeGreaterThan(1_234);
    expect(shareBps).toBe(1_234);
  });

  it('a MEV Blocker bundle capped to 0 still pays a basis point: the relay leaves out a backrun that transfers nothing', async () => {
    expect((await signedShare(0)).shareBps).toBe(1);
  });

  it('never pays more than it would without a cap: a cap above that share changes nothing', async () => {
    const { shareBps, relaxed } = await signedShare(9_999);
    expect(shareBps).toBe(relaxed);
    expect((await signedShare()).shareBps).toBe(relaxed);
  });
});
