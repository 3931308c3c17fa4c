/**
 * V4 victims and plans, the fail-closed side: what applyVictim refuses (and that it then moves nothing), what
 * planFor/sizedPlanFor emit or refuse for a cycle through a V4 pool, and the context encodePlan needs. The exact
 * amounts are proved against the chain in test/integration/v4-victim.test.ts.
 */
import { getAddress, zeroAddress, type Address } from 'viem';
import { describe, expect, it } from 'vitest';
import { getSqrtRatioAtTick, MIN_SQRT_RATIO } from '../../src/amm/v3/tickMath.ts';
import { hookFlags, v4PoolId, type V4PoolKey } from '../../src/amm/v4/poolKey.ts';
import { decodePlan, encodePlan, PlanError } from '../../src/bundle/plan.ts';
import { sizedLegsCalldata } from '../../src/bundle/sizedPlan.ts';
import { planContext, planFor, sizedPlanFor } from '../../src/bundle/toPlan.ts';
import { configuredV4PoolManager } from '../../src/config/v4PoolManager.ts';
import type { SwapIntent, V4Hop } from '../../src/mempool/types.ts';
import { MarketState } from '../../src/state/market.ts';
import { PendingOverlay } from '../../src/state/overlay.ts';
import type { Pool, V2Pair, V4Pool } from '../../src/state/types.ts';
import { venueOfProtocol } from '../../src/state/venues.ts';
import { applyPriorTrades, applyVictim, victimPools, type Candidate, type EngineConfig } from '../../src/strategy/candidates.ts';
import type { Cycle } from '../../src/strategy/cycle.ts';
import { PoolGraph } from '../../src/strategy/graph.ts';

const WETH = getAddress('0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2');
const USDC = getAddress('0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48');
const MANAGER = getAddress('0x000000000004444c5dc75cB358380D2e3dE08A90');
const OTHER_MANAGER = getAddress('0x00000000000000000000000000000000000000b2');
const ROUTER = '0x66a9893cc07d91d95644aedd05d03f95e1dba8af';
const E18 = 10n ** 18n;
const policy = { priorityFeeWei: 10n ** 9n, builderShareBps: 5000n, minNetProfitWei: 0n };
const config: EngineConfig = { startToken: WETH, venues: venueOfProtocol, policy, v4PoolManager: MANAGER };
const lower = (a: string) => a.toLowerCase();

/** An ETH/USDC pool at about 3,000 USDC per ETH with full-range liquidity (hooks: a beforeSwap hook makes it simulate-only). */
function v4Pool(hooks: Address = zeroAddress, poolManager: Address = MANAGER, fee = 3000): V4Pool {
  const key: V4PoolKey = { currency0: zeroAddress, currency1: USDC, fee, tickSpacing: 60, hooks };
  const id = v4PoolId(key);
  const liquidity = 10n ** 15n;
  return {
    kind: 'v4', address: id, poolId: id, key, poolManager, token0: zeroAddress, token1: USDC, simulateOnly: (BigInt(hooks) & BigInt(hookFlags.beforeSwap)) !== 0n,
    sqrtPriceX96: getSqrtRatioAtTick(-200_340), tick: -200_340, liquidity, lpFee: fee, protocolFee: 0, fee, tickSpacing: 60,
    ticks: [-887_220, 887_220], liquidityNet: [liquidity, -liquidity], liquidityGross: [liquidity, liquidity],
  };
}
const plain = v4Pool();
const hooked = v4Pool(getAddress(`0x${'00'.repeat(18)}${(hookFlags.beforeSwap | hookFlags.afterInitialize).toString(16).padStart(4, '0')}`));
const elsewhere = v4Pool(zeroAddress, OTHER_MANAGER, 500);
const pair: V2Pair = { kind: 'v2', venue: 'uniswapV2', address: getAddress('0x00000000000000000000000000000000000000a1'), token0: USDC, token1: WETH, reserve0: 6_000_000n * 10n ** 6n, reserve1: 2_000n * E18, feeBps: 30n };

function market(pools: Pool[] = [pair, plain, hooked, elsewhere]): MarketState {
  const state = new MarketState(8);
  state.reset(pools, { number: 1n, hash: '0x01', parentHash: '0x00' });
  return state;
}

const hopOf = (pool: V4Pool, zeroForOne: boolean): V4Hop => ({ poolId: pool.poolId, currency0: lower(pool.key.currency0), currency1: lower(pool.key.currency1), fee: pool.key.fee, tickSpacing: pool.key.tickSpacing, hooks: lower(pool.key.hooks), zeroForOne, hookData: '0x' });
/** ETH -> USDC (zeroForOne) or back through `pool`, as the decoder reports a V4_SWAP. */
function v4Swap(pool: V4Pool, kind: 'exactIn' | 'exactOut', amountIn: bigint, amountOut: bigint, zeroForOne = true, extra: Partial<SwapIntent> = {}): SwapIntent {
  const path = zeroForOne ? [zeroAddress, lower(USDC)] : [lower(USDC), zeroAddress];
  return { protocol: 'v4', router: ROUTER, kind, tokenIn: path[0]!, tokenOut: path[1]!, path, fees: [pool.key.fee], amountIn, amountOut, recipient: ROUTER, deadline: null, pools: [hopOf(pool, zeroForOne)], ...extra };
}
const v2Swap: SwapIntent = { protocol: 'uniswap-v2', router: ROUTER, kind: 'exactIn', tokenIn: lower(WETH), tokenOut: lower(USDC), path: [lower(WETH), lower(USDC)], fees: [null], amountIn: E18, amountOut: 0n, recipient: ROUTER, deadline: null };

/** applyVictim on a fresh overlay: the result, and whether the overlay was left as the market. */
function apply(swaps: SwapIntent[], engine: EngineConfig = config) {
  const state = market();
  const overlay = new PendingOverlay(state);
  const result = applyVictim(overlay, new PoolGraph(state.all()), engine, swaps);
  return { result, overlay, untouched: overlay.touched().length === 0 };
}

describe('applyVictim on V4 swaps: refused with a reason, never guessed', () => {
  it('prices a V4 swap by pool id beside a V2 swap, moving both pools', () => {
    const { result, overlay } = apply([v2Swap, v4Swap(plain, 'exactIn', E18 / 10n, 0n)]);
    expect('moved' in result && result.moved.map((pool) => pool.address)).toEqual([pair.address, plain.address]);
    expect((overlay.get(plain.address) as V4Pool).sqrtPriceX96).toBeLessThan(plain.sqrtPriceX96);
  });

  it('refuses every V4 swap when no PoolManager is configured', () => {
    const { result, untouched } = apply([v2Swap, v4Swap(plain, 'exactIn', E18, 0n)], { ...config, v4PoolManager: undefined });
    expect(result).toEqual({ reason: 'the victim makes a Uniswap V4 swap and no V4 PoolManager is configured (factories.v4)' });
    expect(untouched).toBe(true);
  });

  it('refuses an unknown pool id before moving anything (the V2 swap before it included)', () => {
    const unknown = { ...plain, poolId: `0x${'11'.repeat(32)}` as const };
    const { result, untouched } = apply([v2Swap, v4Swap(unknown, 'exactIn', E18, 0n)]);
    expect(result).toEqual({ reason: `unknown Uniswap V4 pool 0x${'11'.repeat(32)}` });
    expect(untouched).toBe(true);
  });

  it('refuses a simulate-only (hooked) pool', () => {
    const { result, untouched } = apply([v4Swap(hooked, 'exactIn', E18, 0n)]);
    expect(result).toEqual({ reason: `Uniswap V4 pool ${hooked.poolId} has a swap hook (simulate only): not priced by our math` });
    expect(untouched).toBe(true);
  });

  it('refuses a pool of another PoolManager than the configured one', () => {
    const { result } = apply([v4Swap(elsewhere, 'exactIn', E18, 0n)]);
    expect(result).toEqual({ reason: `Uniswap V4 pool ${elsewhere.poolId} is in PoolManager ${OTHER_MANAGER}, not the configured ${MANAGER}` });
  });

  it('refuses an amount the transaction leaves open (V4 OPEN_DELTA; a V2/V3 spend of a V4 output)', () => {
    expect(apply([v4Swap(plain, 'exactIn', E18, 0n, true, { openAmount: 'in' })]).result).toEqual({ reason: "the victim's v4 swap leaves its input to an earlier step's result, which the transaction alone does not fix" });
    expect(apply([{ ...v2Swap, openAmount: 'in' }]).result).toEqual({ reason: "the victim's uniswap-v2 swap leaves its input to an earlier step's result, which the transaction alone does not fix" });
  });

  it('refuses a swap with a per-hop price bound (2.1.1 minHopPriceX36, 2.1.0 maxHopSlippage) the engine does not check', () => {
    expect(apply([v4Swap(plain, 'exactIn', E18, 0n, true, { v4HopBound: true })]).result).toEqual({ reason: "the victim's Uniswap V4 swap sets a per-hop price bound the engine does not check" });
  });

  it('refuses a hop whose path contradicts the pool (a key and a path that disagree)', () => {
    const swap = v4Swap(plain, 'exactIn', E18, 0n);
    const { result } = apply([{ ...swap, pools: [{ ...swap.pools![0]!, zeroForOne: false }] }]);
    expect(result).toEqual({ reason: `Uniswap V4 hop 0 trades ${zeroAddress} -> ${lower(USDC)}, not pool ${plain.poolId}'s currencies in that direction` });
  });

  it("refuses on the victim's own limits: exact in below its minimum, exact out above its maximum (0 admits nothing in V4Router)", () => {
    expect(apply([v4Swap(plain, 'exactIn', E18 / 10n, 10n ** 30n)]).result).toEqual({ reason: 'the victim would revert (output below its minimum)' });
    expect(apply([v4Swap(plain, 'exactOut', 0n, 1_000n * 10n ** 6n)]).result).toEqual({ reason: 'the victim would revert (input above its maximum)' });
    expect('moved' in apply([v4Swap(plain, 'exactOut', 10n * E18, 1_000n * 10n ** 6n)]).result).toBe(true);
  });

  it('applies a swap the pool fills only in part as the PoolManager does (to the price limit), and refuses one it reverts', () => {
    // More USDC out than the pool holds: V4Router's swap runs to MIN_SQRT_PRICE + 1 and pays what there is.
    const { result, overlay } = apply([v4Swap(plain, 'exactOut', 10n ** 40n, 10n ** 20n)]);
    expect('moved' in result).toBe(true);
    expect((overlay.get(plain.address) as V4Pool).sqrtPriceX96).toBe(MIN_SQRT_RATIO + 1n);
    // A zero exact input: PoolManager reverts SwapAmountCannotBeZero.
    expect(apply([v4Swap(plain, 'exactIn', 0n, 0n)]).result).toEqual({ reason: "the victim's Uniswap V4 swap reverts in the PoolManager or pays nothing (zero amount, exact output at a 100% fee, or a price at its limit)" });
  });

  it('refuses a swap past the ticks loaded for its pool rather than throwing', () => {
    const windowed: V4Pool = { ...plain, ticks: [], liquidityNet: [], liquidityGross: [], wordRange: { from: -1, to: 0 } } as V4Pool;
    const state = market([pair, windowed]);
    const overlay = new PendingOverlay(state);
    const result = applyVictim(overlay, new PoolGraph(state.all()), config, [v4Swap(windowed, 'exactIn', E18, 0n)]);
    expect('reason' in result && result.reason).toMatch(/^the victim's swap runs past the ticks loaded for its pool/);
  });

  it('a prior trade that is refused leaves the overlay as it was; victimPools names the V4 pool ids', () => {
    const state = market();
    const overlay = new PendingOverlay(state);
    applyPriorTrades(overlay, new PoolGraph(state.all()), config, [{ swaps: [v2Swap, v4Swap(hooked, 'exactIn', E18, 0n)] }]);
    expect(overlay.touched()).toEqual([]);
    expect(victimPools(new PoolGraph(state.all()), config, [v4Swap(plain, 'exactIn', E18, 0n), v2Swap])).toEqual([plain.poolId, lower(pair.address)]);
  });
});

// WETH -> USDC in the native pool (ETH stands as WETH in the cycle), USDC -> WETH in the V2 pair.
const cycle: Cycle = {
  startToken: WETH,
  hops: [
    { pool: plain, tokenIn: WETH, tokenOut: USDC, zeroForOne: true },
    { pool: pair, tokenIn: USDC, tokenOut: WETH, zeroForOne: true },
  ],
};
const candidate = { victim: null, cycle, amountIn: E18, grossProfitWei: 10n ** 16n, bribeWei: 10n ** 15n } as Candidate;

describe('plans through a V4 pool', () => {
  it('planFor names the V4 pool by its key in the PoolManager; encodePlan with the context packs it native', () => {
    const plan = planFor(candidate, 100n, policy);
    expect(plan.hops[0]).toEqual({ pool: MANAGER, tokenOut: USDC, protocol: 'v4', zeroForOne: true, v4Key: plain.key });
    const context = planContext(WETH, MANAGER)!;
    expect(decodePlan(encodePlan(plan, context)).hops[0]).toEqual({ tokenOut: USDC, protocol: 'v4', zeroForOne: true, v4: { hooks: zeroAddress, fee: 3000, tickSpacing: 60, native: true } });
  });

  it('without a configured PoolManager there is no context, and a V4 plan is refused; another manager is refused too', () => {
    const plan = planFor(candidate, 100n, policy);
    expect(planContext(WETH, undefined)).toBeUndefined();
    expect(() => encodePlan(plan, planContext(WETH, undefined))).toThrow(PlanError);
    expect(() => encodePlan(plan, planContext(WETH, OTHER_MANAGER))).toThrow(/not the executor's/);
    // A V2/V3 plan needs none.
    expect(() => encodePlan({ ...plan, hops: [plan.hops[1]!, { ...plan.hops[1]!, tokenOut: WETH }] })).not.toThrow(/PoolManager/);
  });

  it('executeSized runs a cycle with a plain V4 hop, keyed on its pool id; refuses a simulate-only one', () => {
    const plan = sizedPlanFor({ cycle, targetBlock: 100n, ceiling: E18, minProfit: 0n, maxBuilderShareBps: 5000 });
    expect(plan.hops[0]).toEqual({ pool: MANAGER, tokenOut: USDC, protocol: 'v4', zeroForOne: true, v4Key: plain.key });
    const hookedCycle: Cycle = { ...cycle, hops: [{ ...cycle.hops[0]!, pool: hooked }, cycle.hops[1]!] };
    expect(() => sizedPlanFor({ cycle: hookedCycle, targetBlock: 100n, ceiling: E18, minProfit: 0n, maxBuilderShareBps: 5000 })).toThrow(/simulate-only Uniswap V4 pool \(hop 0\)/);
    const entries = [{ key: 1n, amountIn: E18 }, { key: 2n, amountIn: E18 }];
    expect(() => sizedLegsCalldata({ targetBlock: 100n, legs: [{ cycle: hookedCycle, pool: hooked, entries }], minProfit: 0n, builderShareBps: 5000, maxAmountIn: E18, context: planContext(WETH, MANAGER)! })).toThrow(PlanError);
    expect(sizedLegsCalldata({ targetBlock: 100n, legs: [{ cycle, pool: plain, entries }], minProfit: 0n, builderShareBps: 5000, maxAmountIn: E18, context: planContext(WETH, MANAGER)! })).toMatch(/^0x/);
  });

  it('the configured PoolManager: the one factories.v4 lists; none, or several different ones, is none', () => {
    expect(configuredV4PoolManager({})).toBeUndefined();
    expect(configuredV4PoolManager({ v4: [{ poolManager: MANAGER, venue: 'uniswapV4' }] })).toBe(MANAGER);
    expect(configuredV4PoolManager({ v4: [{ poolManager: MANAGER, venue: 'a' }, { poolManager: lower(MANAGER) as Address, venue: 'b' }] })).toBe(MANAGER);
    expect(configuredV4PoolManager({ v4: [{ poolManager: MANAGER, venue: 'a' }, { poolManager: OTHER_MANAGER, venue: 'b' }] })).toBeUndefined();
  });
});

describe('a V2/V3 router hop never resolves to a V4 pool', () => {
  it('a V3 swap on a pair whose only pool with its fee is a native V4 pool (walked as WETH) finds no tracked pool', () => {
    const state = market([plain]);
    const overlay = new PendingOverlay(state);
    const graph = new PoolGraph(state.all(), undefined, { nativeAs: WETH });
    // The graph links the native pool under WETH's name, with the V3 swap's fee; no venue names it apart.
    expect(graph.pools(WETH, USDC).map((pool) => pool.address)).toEqual([plain.address]);
    const v3Swap: SwapIntent = { ...v2Swap, protocol: 'uniswap-v3', fees: [plain.key.fee] };
    const result = applyVictim(overlay, graph, { ...config, venues: {} }, [v3Swap]);
    expect(result).toEqual({ reason: `no tracked pool for uniswap-v3 ${lower(WETH)} -> ${lower(USDC)}` });
    expect(overlay.touched()).toEqual([]);
  });
});
