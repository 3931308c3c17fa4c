import { zeroAddress } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executorAbi } from '../../src/abi/executor.generated.ts';
import type { V4PoolKey } from '../../src/amm/v4/poolKey.ts';
import { encodePlan, type ExecutorPlan } from '../../src/bundle/plan.ts';
import { startV4ExecutorChain, type V4ExecutorChain } from '../helpers/v4ExecutorChain.ts';

/**
 * The TS plan encoding of V4 hops, run by the executor on a real anvil against the real Uniswap V4 PoolManager
 * (v4-core 1.0.2's compiled artifact): a native ETH/TKN pool and a WETH/TKN pool; the executor's gain must equal the
 * periphery's V4Quoter, hop by hop, on the same state.
 */
let chain: V4ExecutorChain;
let ethPool: V4PoolKey;
let wethPool: V4PoolKey;
const E18 = 10n ** 18n;

beforeAll(async () => {
  chain = await startV4ExecutorChain();
  const { weth, token } = chain;
  // ETH dear in the native pool (3,200 TKN), cheap in the WETH pool (2,900 TKN): WETH -> TKN -> WETH pays.
  ethPool = await chain.v4Pool(zeroAddress, token, 3000, 60, 3200n, 1n);
  const wethIs0 = BigInt(weth) < BigInt(token);
  wethPool = await chain.v4Pool(wethIs0 ? weth : token, wethIs0 ? token : weth, 500, 10, wethIs0 ? 2900n : 1n, wethIs0 ? 1n : 2900n);
}, 120_000);

afterAll(async () => {
  await chain?.stop();
});

async function plan(flash: boolean, amountIn: bigint, flashSource?: ExecutorPlan['flashSource']): Promise<ExecutorPlan> {
  const { client, weth, token, poolManager } = chain;
  // cacheTime 0: viem caches the block number, and a stale one names a block already mined.
  const targetBlock = (await client.getBlockNumber({ cacheTime: 0 })) + 1n;
  const wethIs0 = BigInt(wethPool.currency0) === BigInt(weth);
  return {
    flash,
    ...(flashSource ? { flashSource } : {}),
    targetBlock,
    amountIn,
    minProfit: 0n,
    builderPayment: 0n,
    maxBuilderShareBps: 0,
    startToken: weth,
    hops: [
      // WETH -> TKN as ETH -> TKN: ETH is currency 0, zero for one
      { pool: poolManager, tokenOut: token, protocol: 'v4', zeroForOne: true, v4Key: ethPool },
      { pool: poolManager, tokenOut: weth, protocol: 'v4', zeroForOne: !wethIs0, v4Key: wethPool },
    ],
  };
}

describe('executor V4 hops on anvil with the real PoolManager', () => {
  const modes = [
    { name: 'inventory', flash: false },
    { name: 'flash (first V4 hop lends)', flash: true },
    { name: 'flash (V4 native ETH loan)', flash: true, flashSource: 'v4Native' as const },
  ];
  for (const { name, flash, flashSource } of modes) {
    it(`runs the TS-encoded ${name} plan (native ETH pool, then WETH pool) and gains what V4Quoter quotes`, async () => {
      const { client, account, weth, poolManager, executor, quote, wethOf } = chain;
      const amountIn = 3n * E18;
      const built = await plan(flash, amountIn, flashSource);
      const middle = await quote(ethPool, true, amountIn);
      const back = await quote(wethPool, built.hops[1]!.zeroForOne, middle);
      expect(back).toBeGreaterThan(amountIn);
      const before = await wethOf(executor);
      // Sent with a fixed gas limit (no estimate: an estimate runs in a block of the node's choosing).
      const hash = await client.writeContract({ account, address: executor, abi: executorAbi, functionName: 'execute', args: [encodePlan(built, { weth, poolManager })], gas: 1_000_000n });
      const receipt = await client.waitForTransactionReceipt({ hash, pollingInterval: 10 });
      expect(receipt.status).toBe('success');
      expect(receipt.blockNumber).toBe(built.targetBlock);
      expect((await wethOf(executor)) - before).toBe(back - amountIn);
      expect(await client.getBalance({ address: executor })).toBe(0n);
    }, 60_000);
  }

  it('refuses the same plan with a wrong tick spacing (no such pool): the executor reverts and keeps its WETH', async () => {
    const { client, account, weth, poolManager, executor, wethOf } = chain;
    // eth_call runs in the latest block's number: target it, so only the pool key can make it revert.
    const built = { ...(await plan(false, E18)), targetBlock: await client.getBlockNumber({ cacheTime: 0 }) };
    built.hops[1] = { ...built.hops[1]!, v4Key: { ...wethPool, tickSpacing: 60 } };
    const before = await wethOf(executor);
    await expect(
      client.simulateContract({ account, address: executor, abi: executorAbi, functionName: 'execute', args: [encodePlan(built, { weth, poolManager })] }),
    ).rejects.toThrow(/0x486aa307/); // PoolManager's PoolNotInitialized()
    expect(await wethOf(executor)).toBe(before);
  });
});
