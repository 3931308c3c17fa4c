/**
 * The capture truth credits our backrun on the cycle it traded (read from its own receipt), not up to the victim's
 * value whatever it traded. The scene, on one devnet with no bot running: a WETH dump into Uniswap V2 WETH/USDC that
 * nobody backruns leaves a gap standing on the cycles that buy WETH back there; in the next block a victim dumps WETH
 * into V3 WETH/USDC 0.05% (its own value: buying WETH back cheap there), and our "backrun", an executor transaction
 * from the devnet's operator, trades only the standing cycle WETH -> USDC on the V3 pool -> WETH on the V2 pair. The
 * victim made that cycle worse, not better: it added nothing there, so our backrun is credited 0, where the old rule
 * credited it up to the victim's value. A second scene on a devnet with V4 pools: our backrun takes the victim's own
 * gap through a native-ETH V4 pool, and the truth reads that V4 leg's direction from the PoolManager's Swap log and
 * credits it min(ours, what the victim added on that cycle).
 */
import { join } from 'node:path';
import type { Address } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExecutorPlan } from '../../src/bundle/plan.ts';
import { signExecutorTransaction } from '../../src/bundle/signTransaction.ts';
import { mainnet, mainnetV4 } from '../../src/chain/addresses.ts';
import { devAccount } from '../../src/devnet/accounts.ts';
import type { Devnet } from '../../src/devnet/devnet.ts';
import { loadScenario } from '../../src/devnet/scenario/load.ts';
import { measureCapture, type Capture, type GradedSwap } from '../../src/devnet/truth.ts';
import { accountInclusion, type RealisedExecution } from '../../src/monitor/accounting.ts';
import { projectRoot } from '../../src/paths.ts';
import { signVictim, type VictimOrder } from '../helpers/backrun.ts';
import { sendRivalBundle } from '../helpers/builderRpc.ts';
import { startTestDevnet } from '../helpers/devnet.ts';

const ether = 10n ** 18n;
const lower = (address: string) => address.toLowerCase();

type Scene = { capture: Capture; graded: GradedSwap[]; victim: `0x${string}`; ours: RealisedExecution; plan: ExecutorPlan };

const build = async (devnet: Devnet) => BigInt((await devnet.builder.buildBlock()).blockNumber);

/** The devnet's WETH/USDC pools of the default market: the Uniswap V2 pair and the V3 0.05% pool. */
function wethUsdc(devnet: Devnet) {
  const { manifest } = devnet;
  const usdc = manifest.tokens.find((token) => token.symbol === 'USDC')!.address;
  const isWethUsdc = (pool: { token0: Address; token1: Address }) => [lower(pool.token0), lower(pool.token1)].sort().join() === [lower(usdc), lower(mainnet.weth)].sort().join();
  const v2 = manifest.pools.find((pool) => pool.dex === 'uniswapV2' && isWethUsdc(pool))!;
  const v3 = manifest.pools.find((pool) => pool.dex === 'uniswapV3' && pool.fee === 500 && isWethUsdc(pool))!;
  return { usdc, v2, v3 };
}

/**
 * A victim (signed, not sent) and our executor transaction right after it, trading `plan` from the executor's
 * inventory, as one bundle in the next block; then the truth over `fromBlock` to that block.
 */
async function victimAndOurs(devnet: Devnet, order: VictimOrder, plan: (target: bigint) => ExecutorPlan, fromBlock?: bigint): Promise<Scene> {
  const { manifest } = devnet;
  const victim = await signVictim(devnet, order, false);
  const target = (await devnet.client.getBlockNumber({ cacheTime: 0 })) + 1n;
  const operator = devAccount(manifest.accounts.searcher.index);
  const head = await devnet.client.getBlock({ blockTag: 'pending' });
  const signed = plan(target);
  const backrun = await signExecutorTransaction({
    account: operator,
    chainId: manifest.chainId,
    executor: manifest.executor.address,
    plan: signed,
    context: { weth: mainnet.weth, poolManager: mainnetV4.poolManager },
    nonce: await devnet.client.getTransactionCount({ address: operator.address, blockTag: 'latest' }),
    gas: 1_000_000n,
    maxPriorityFeePerGas: 10n ** 9n,
    maxFeePerGas: head.baseFeePerGas! * 2n + 10n ** 9n,
  });
  await sendRivalBundle(devnet, [victim.raw, backrun.raw], target);
  expect(await build(devnet)).toBe(target);
  const ours = await accountInclusion(devnet.client, { txHash: backrun.hash, executor: manifest.executor.address, startToken: mainnet.weth });
  const graded: GradedSwap[] = [];
  const capture = await measureCapture({ devnet, landed: [{ victim: victim.hash, execution: ours }], fromBlock: fromBlock ?? target, toBlock: target, onGraded: (swap) => graded.push(swap) });
  return { capture, graded, victim: victim.hash, ours, plan: signed };
}

const plainPlan = (target: bigint, amountIn: bigint, hops: ExecutorPlan['hops']): ExecutorPlan => ({
  flash: false,
  targetBlock: target,
  amountIn,
  minProfit: 1n,
  builderPayment: 0n,
  maxBuilderShareBps: 0,
  startToken: mainnet.weth,
  hops,
});

const dump = (order: Omit<VictimOrder, 'path'>): VictimOrder => ({ path: ['WETH', 'USDC'], ...order });

describe('a backrun that took only a gap standing on another cycle', () => {
  let devnet: Devnet;
  let scene: Scene;

  beforeAll(async () => {
    devnet = await startTestDevnet();
    const { usdc, v2, v3 } = wethUsdc(devnet);
    // Block N: 60 WETH dumped into the V2 pair, public, nobody backruns it: WETH stands cheap there.
    await signVictim(devnet, dump({ router: 'uniswapV2Router02', amount: 60n * ether, trader: 3 }));
    const n = await build(devnet);
    // Block N+1: the victim dumps 40 WETH into the V3 0.05% pool; our transaction right after it trades only the
    // standing cycle: 5 WETH -> USDC on the V3 pool (where the victim just made WETH cheaper) -> WETH on the V2 pair.
    scene = await victimAndOurs(
      devnet,
      dump({ router: 'swapRouter', fees: [500], amount: 40n * ether, trader: 4 }),
      (target) =>
        plainPlan(target, 5n * ether, [
          { pool: v3.address, factory: mainnet.uniswapV3Factory, tokenOut: usdc, protocol: 'v3', zeroForOne: lower(mainnet.weth) < lower(usdc), v3Fee: 500 },
          { pool: v2.address, factory: mainnet.uniswapV2Factory, tokenOut: mainnet.weth, protocol: 'v2', zeroForOne: lower(usdc) < lower(mainnet.weth), v2FeeBps: 30 },
        ]),
      n,
    );
  }, 600_000);

  afterAll(async () => {
    await devnet?.stop();
  });

  it('the scene is real: our transaction landed right after the victim and gained, and the victim has a value of its own', () => {
    const { ours, graded, victim, capture } = scene;
    expect(ours.status).toBe('success');
    expect(ours.gross).toBeGreaterThan(0n);
    const graded2 = graded.find((swap) => swap.victim === victim)!;
    expect(graded2.marginal!.gross).toBeGreaterThan(0n);
    expect(capture.verified, JSON.stringify(capture.unverified)).toBe(2);
    expect(capture.captured).toBe(1);
  });

  it('the truth reads from the receipt the cycle we signed, pools and direction, and the victim added nothing on it', () => {
    const { graded, victim, plan } = scene;
    const swap = graded.find((candidate) => candidate.victim === victim)!;
    const cycle = swap.ours!.cycle;
    expect(cycle.kind).toBe('cycle');
    if (cycle.kind !== 'cycle') return;
    // The truth's cycle is the plan we signed, hop by hop (the executor's plan names the pools and what comes out).
    expect(cycle.cycle.map((hop) => [lower(hop.pool.address), lower(hop.tokenOut)])).toEqual(plan.hops.map((hop) => [lower(hop.pool), lower(hop.tokenOut)]));
    expect(lower(cycle.cycle[0]!.tokenIn)).toBe(lower(mainnet.weth));
    // The gap on it stood before the victim (our trade gained after it), and the victim only narrowed it.
    expect(swap.marginal!.gains[cycle.index]).toBe(0n);
    expect(cycle.gain).toBe(0n);
  });

  it('credits it what the victim added on that cycle (0), where the old rule credited up to the victim\'s value', () => {
    const { capture, graded, victim, ours } = scene;
    const value = graded.find((swap) => swap.victim === victim)!.marginal!.gross;
    const oldCredit = ours.gross < value ? ours.gross : value;
    expect(oldCredit).toBeGreaterThan(0n);
    expect(capture.anyCycleCapturedGrossWei).toBe(String(oldCredit));
    expect(capture.capturedGrossWei).toBe('0');
    expect(capture.ratio).toBe(0);
    expect(capture.creditUnmatched).toBe(0);
    expect(capture.standingGapBackrunGrossWei).toBe(String(ours.gross));
    // The old rule's figures are unchanged beside it: our gross in full.
    expect(capture.afterOnlyCapturedGrossWei).toBe(String(ours.gross));
  });
});

describe('a backrun through a native-ETH V4 pool, on the victim\'s own gap', () => {
  let devnet: Devnet;
  let scene: Scene;
  let poolId: `0x${string}`;

  beforeAll(async () => {
    const base = loadScenario(join(projectRoot(), 'scenarios', 'v4.json'));
    devnet = await startTestDevnet({ scenario: { ...base, privateFlow: null } });
    const { usdc, v3 } = wethUsdc(devnet);
    // The hookless ETH/USDC 0.05% pool: currency0 is native ETH, which the executor unwraps WETH into.
    const v4 = devnet.manifest.v4.pools.find((pool) => BigInt(pool.key.currency0) === 0n && lower(pool.key.currency1) === lower(usdc) && pool.key.fee === 500 && BigInt(pool.key.hooks) === 0n)!;
    poolId = v4.poolId;
    // The victim dumps 40 WETH into the V3 0.05% pool; our transaction sells 2 WETH as ETH for USDC in the V4 pool and
    // buys WETH back cheap in the V3 pool: the victim's own gap.
    scene = await victimAndOurs(devnet, dump({ router: 'swapRouter', fees: [500], amount: 40n * ether, trader: 4 }), (target) =>
      plainPlan(target, 2n * ether, [
        { pool: mainnetV4.poolManager, tokenOut: usdc, protocol: 'v4', zeroForOne: true, v4Key: v4.key },
        { pool: v3.address, factory: mainnet.uniswapV3Factory, tokenOut: mainnet.weth, protocol: 'v3', zeroForOne: lower(usdc) < lower(mainnet.weth), v3Fee: 500 },
      ]),
    );
  }, 600_000);

  afterAll(async () => {
    await devnet?.stop();
  });

  it('reads the V4 leg\'s direction from the PoolManager\'s Swap log: ETH (WETH in the cycles) went in', () => {
    const { ours, graded, victim } = scene;
    expect(ours.status).toBe('success');
    expect(ours.gross).toBeGreaterThan(0n);
    const swap = graded.find((candidate) => candidate.victim === victim)!;
    const { v3 } = wethUsdc(devnet);
    expect(swap.ours!.trade).toEqual({
      hops: [
        { pool: lower(poolId), tokenIn: lower(mainnet.weth) },
        { pool: lower(v3.address), tokenIn: lower(wethUsdc(devnet).usdc) },
      ],
      unreadable: 0,
    });
  });

  it('credits it min(ours, what the victim added on that cycle)', () => {
    const { capture, graded, victim, ours, plan } = scene;
    const swap = graded.find((candidate) => candidate.victim === victim)!;
    const cycle = swap.ours!.cycle;
    expect(cycle.kind).toBe('cycle');
    if (cycle.kind !== 'cycle') return;
    expect(cycle.cycle.map((hop) => [hop.pool.v4?.poolId ?? lower(hop.pool.address), lower(hop.tokenOut)])).toEqual([
      [poolId, lower(plan.hops[0]!.tokenOut)],
      [lower(plan.hops[1]!.pool), lower(plan.hops[1]!.tokenOut)],
    ]);
    // Buying WETH back in the pool the victim dumped into: that gap is the victim's (nothing stood there before it).
    expect(cycle.gain).toBeGreaterThan(0n);
    expect(cycle.gain).toBe(swap.marginal!.gains[cycle.index]);
    expect(cycle.gain).toBeLessThanOrEqual(swap.marginal!.gross);
    const credit = ours.gross < cycle.gain ? ours.gross : cycle.gain;
    expect(capture.captured).toBe(1);
    expect(capture.capturedGrossWei).toBe(String(credit));
    expect(capture.standingGapBackrunGrossWei).toBe(String(ours.gross - credit));
    expect(capture.creditUnmatched).toBe(0);
  });
});
