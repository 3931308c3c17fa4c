/**
 * The independent truth over Uniswap V4: on a devnet with scenarios/v4.json and V4 traffic through the
 * UniversalRouter, it finds the V4 victims (by the PoolManager's Swap logs) and gaining cycles through V4 pools
 * (quoted by V4Quoter), its best gains are what the executor really makes of those cycles on a fork of the chain,
 * and the simulate-only hook pools stay out of the headline, reported apart.
 */
import { join } from 'node:path';
import { encodeFunctionData, parseAbi, zeroAddress, type Address, type Hex } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executorAbi } from '../../src/abi/executor.generated.ts';
import { encodePlan, type ExecutorPlan } from '../../src/bundle/plan.ts';
import { mainnet, mainnetV4 } from '../../src/chain/addresses.ts';
import type { Devnet } from '../../src/devnet/devnet.ts';
import { loadScenario } from '../../src/devnet/scenario/load.ts';
import { measureCaptureByProtocol, type GradedSwap } from '../../src/devnet/truth.ts';
import type { TruthCycle } from '../../src/devnet/truth/cycles.ts';
import { TruthFork } from '../../src/devnet/truth/fork.ts';
import { rpc } from '../../src/devnet/truth/rpc.ts';
import { projectRoot } from '../../src/paths.ts';
import { startTestDevnet } from '../helpers/devnet.ts';

const blocks = 8;
const erc20 = parseAbi(['function balanceOf(address) view returns (uint256)']);
let devnet: Devnet;
let measured: Awaited<ReturnType<typeof measureCaptureByProtocol>>;
const graded: GradedSwap[] = [];

const isV4 = (cycle: TruthCycle) => cycle.some((hop) => hop.pool.venue === 'uniswapV4');

beforeAll(async () => {
  const base = loadScenario(join(projectRoot(), 'scenarios', 'v4.json'));
  const scenario = { ...base, privateFlow: null, traffic: { ...base.traffic, random: { ...base.traffic.random!, v4SwapsPerBlock: 4 } } };
  devnet = await startTestDevnet({ scenario, traffic: true });
  const handled = async () => {
    const head = await devnet.client.getBlockNumber({ cacheTime: 0 });
    while (devnet.traffic!.handledHead < head) await new Promise((resolve) => setTimeout(resolve, 10));
  };
  for (let block = 0; block < blocks; block++) {
    await handled();
    await devnet.client.mine({ blocks: 1 });
  }
  await handled();
  const start = BigInt(devnet.manifest.startBlock);
  // No bot ran: every victim is uncaptured, and the truth's figures are all there is to check.
  measured = await measureCaptureByProtocol({ devnet, landed: [], fromBlock: start + 1n, toBlock: start + BigInt(blocks), maxSwaps: 1_000, onGraded: (swap) => graded.push(swap) });
}, 900_000);

afterAll(async () => {
  await devnet?.stop();
});

describe('the capture truth over Uniswap V4', () => {
  it('finds V4 victims and gaining cycles through V4 pools, native ETH legs among them', () => {
    const { byProtocol, capture } = measured;
    expect(byProtocol.v4.analyzed).toBeGreaterThan(0);
    expect(byProtocol.v4.victims, JSON.stringify(byProtocol)).toBeGreaterThan(0);
    expect(BigInt(byProtocol.v4.bestGrossWei)).toBeGreaterThan(0n);
    const throughV4 = graded.filter((swap) => isV4(swap.best.cycle));
    expect(throughV4.length).toBeGreaterThan(0);
    // WETH in, ETH somewhere: the executor wraps and unwraps, so these are cycles like any other.
    expect(throughV4.some((swap) => swap.best.cycle.some((hop) => hop.pool.v4 && BigInt(hop.pool.v4.key.currency0) === 0n))).toBe(true);
    expect(capture.captured).toBe(0);
    expect(capture.unverified, JSON.stringify(capture.unverified)).toEqual([]);
  });

  it('splits the victims by protocol, and the parts add up to the capture', () => {
    const { byProtocol, capture } = measured;
    const parts = [byProtocol.v2, byProtocol.v3, byProtocol.v4];
    expect(parts.reduce((sum, part) => sum + part.victims, 0)).toBe(capture.victims);
    expect(parts.reduce((sum, part) => sum + part.analyzed, 0)).toBe(capture.analyzed);
    expect(parts.reduce((sum, part) => sum + BigInt(part.bestGrossWei), 0n)).toBe(BigInt(capture.bestGrossWei));
    expect(parts.reduce((sum, part) => sum + BigInt(part.uncappedBestGrossWei), 0n)).toBe(BigInt(capture.uncappedBestGrossWei));
    expect(byProtocol.v4.ratio).toBe(0);
    // A swap is V4 when it moved a V4 pool: the graded V4 swaps are exactly those.
    expect(graded.filter((swap) => swap.protocol === 'v4').length).toBeGreaterThanOrEqual(byProtocol.v4.victims);
  });

  it('the quoted best gain of V4 cycles is what the executor makes of them on the fork, to the wei', () => {
    const throughV4 = graded.filter((swap) => isV4(swap.best.cycle));
    expect(throughV4.length).toBeGreaterThan(0);
    for (const swap of throughV4) {
      expect('error' in swap.execution ? swap.execution.error : swap.execution.profit, swap.victim).toBe(swap.best.gross);
    }
  });

  it('a handful of V4 cycles, sent as real transactions after the victim on a fork, pay the executor exactly the quoted gain in WETH', async () => {
    const picks = graded.filter((swap) => isV4(swap.best.cycle)).slice(0, 3);
    expect(picks.length).toBeGreaterThan(0);
    const { manifest } = devnet;
    for (const swap of picks) {
      const block = await devnet.client.getBlock({ blockNumber: swap.block });
      const replayBlock = { number: swap.block, timestamp: block.timestamp, baseFeePerGas: block.baseFeePerGas!, gasLimit: block.gasLimit, miner: block.miner, transactions: block.transactions.map((hash) => ({ hash })) };
      const fork = await TruthFork.start({ devnetUrl: manifest.rpcUrl, chainId: manifest.chainId, atBlock: swap.block - 1n });
      try {
        await fork.replay(replayBlock, swap.index + 1);
        const wethOf = async () => BigInt(await rpc<Hex>(fork.url, 'eth_call', [{ to: mainnet.weth, data: encodeFunctionData({ abi: erc20, functionName: 'balanceOf', args: [manifest.executor.address] }) }, 'latest']));
        const before = await wethOf();
        const plan = planOf(swap.best.cycle, swap.best.amountIn, swap.block + 1n);
        await rpc(fork.url, 'anvil_impersonateAccount', [manifest.executor.operator]);
        const hash = await rpc<Hex>(fork.url, 'eth_sendTransaction', [{ from: manifest.executor.operator, to: manifest.executor.address, gas: '0x2dc6c0', data: encodeFunctionData({ abi: executorAbi, functionName: 'execute', args: [encodePlan(plan, { weth: mainnet.weth, poolManager: mainnetV4.poolManager })] }) }]);
        await rpc(fork.url, 'evm_mine');
        const receipt = await rpc<{ status: Hex; blockNumber: Hex }>(fork.url, 'eth_getTransactionReceipt', [hash]);
        expect(receipt.status, swap.victim).toBe('0x1');
        expect(BigInt(receipt.blockNumber)).toBe(swap.block + 1n);
        expect((await wethOf()) - before, swap.victim).toBe(swap.best.gross);
      } finally {
        await fork.stop();
      }
    }
  }, 300_000);

  it('keeps the simulate-only hook pools out of the headline and reports their value apart', () => {
    const { simulateOnly } = measured;
    const hookPools = devnet.manifest.v4.pools.filter((pool) => pool.hook !== 'none').map((pool) => pool.poolId.toLowerCase());
    expect(hookPools.length).toBe(2);
    expect(simulateOnly.pools.map((id) => id.toLowerCase()).sort()).toEqual([...hookPools].sort());
    expect(simulateOnly.reason).toMatch(/hook/);
    for (const swap of graded) {
      for (const hop of swap.best.cycle) expect(hookPools).not.toContain(hop.pool.v4?.poolId.toLowerCase());
    }
    // What they would add is counted only where it beats the headline best of the same swap.
    expect(BigInt(simulateOnly.extraGrossWei)).toBeLessThanOrEqual(BigInt(simulateOnly.bestGrossWei));
    expect(simulateOnly.swaps > 0).toBe(BigInt(simulateOnly.extraGrossWei) > 0n);
  });
});

/** The executor's plan for a cycle, written here from the plan's documented fields (WETH stands for a native pool's ETH). */
function planOf(cycle: TruthCycle, amountIn: bigint, targetBlock: bigint): ExecutorPlan {
  const factories: Record<string, Address> = { uniswapV2: mainnet.uniswapV2Factory, sushiswap: mainnet.sushiswapFactory, uniswapV3: mainnet.uniswapV3Factory };
  return {
    flash: false,
    targetBlock,
    amountIn,
    minProfit: 0n,
    builderPayment: 0n,
    maxBuilderShareBps: 0,
    startToken: mainnet.weth,
    hops: cycle.map((hop) => {
      if (hop.pool.v4) {
        const key = hop.pool.v4.key;
        const currencyIn = BigInt(key.currency0) === 0n && hop.tokenIn.toLowerCase() === mainnet.weth.toLowerCase() ? zeroAddress : hop.tokenIn;
        return { pool: mainnetV4.poolManager, tokenOut: hop.tokenOut, protocol: 'v4' as const, zeroForOne: currencyIn.toLowerCase() === key.currency0.toLowerCase(), v4Key: key };
      }
      const v3 = hop.pool.venue === 'uniswapV3';
      return { pool: hop.pool.address, factory: factories[hop.pool.venue]!, tokenOut: hop.tokenOut, protocol: v3 ? ('v3' as const) : ('v2' as const), zeroForOne: BigInt(hop.tokenIn) < BigInt(hop.tokenOut), ...(v3 ? { v3Fee: hop.pool.fee! } : { v2FeeBps: 30 }) };
    }),
  };
}
