import { decodeErrorResult, encodeFunctionData, type Address, type Hex } from 'viem';
import { executorAbi } from '../../abi/executor.generated.ts';
import { executorRevertAbi } from '../../abi/executorRevert.ts';
import { encodePlan, type ExecutorPlan } from '../../bundle/plan.ts';
import { mainnet, mainnetV4 } from '../../chain/addresses.ts';
import type { TruthCycle, TruthHop } from './cycles.ts';
import { rpcBatch } from './rpc.ts';

const factoryOf = { uniswapV2: mainnet.uniswapV2Factory, sushiswap: mainnet.sushiswapFactory, uniswapV3: mainnet.uniswapV3Factory } as const;

/** A hop as the executor's plan names it: a factory-made pool by its factory, a V4 pool by its key in the PoolManager. */
function planHop(hop: TruthHop): ExecutorPlan['hops'][number] {
  const zeroForOne = hop.tokenIn.toLowerCase() === hop.pool.token0.toLowerCase();
  // The cycle's tokens stand WETH for a native pool's ETH: the plan says WETH too and the executor unwraps and wraps.
  if (hop.pool.v4) return { pool: mainnetV4.poolManager, tokenOut: hop.tokenOut, protocol: 'v4', zeroForOne, v4Key: hop.pool.v4.key };
  const venue = hop.pool.venue as keyof typeof factoryOf;
  return {
    pool: hop.pool.address,
    factory: factoryOf[venue],
    tokenOut: hop.tokenOut,
    protocol: venue === 'uniswapV3' ? 'v3' : 'v2',
    zeroForOne,
    ...(venue === 'uniswapV3' ? { v3Fee: hop.pool.fee! } : { v2FeeBps: 30 }),
  };
}

/** The executor's packed plan for a cycle the truth found (no builder payment). */
function planOf(cycle: TruthCycle, amountIn: bigint, targetBlock: bigint, minProfit: bigint): ExecutorPlan {
  return {
    flash: false,
    targetBlock,
    amountIn,
    minProfit,
    builderPayment: 0n,
    maxBuilderShareBps: 0,
    startToken: cycle[0]!.tokenIn,
    hops: cycle.map(planHop),
  };
}

export type Execution = { profit: bigint; gasUsed: bigint } | { error: string };

/**
 * Runs the found cycle for real through the devnet's executor on the fork's head (as its operator, from its
 * inventory, in the next block), twice over in one batch: asked for an impossible profit, the executor reverts
 * with InsufficientProfit(realised profit, required), which reads out exactly what the trade makes; asked for
 * nothing, it succeeds and eth_simulateV1 tells the gas the transaction burns. The quotes found the trade; this
 * checks the chain pays it and prices its gas.
 */
export async function executeOnFork(url: string, input: { executor: Address; operator: Address; cycle: TruthCycle; amountIn: bigint; nextBlock: bigint }): Promise<Execution> {
  const call = (minProfit: bigint) => ({
    from: input.operator,
    to: input.executor,
    data: encodeFunctionData({ abi: executorAbi, functionName: 'execute', args: [encodePlan(planOf(input.cycle, input.amountIn, input.nextBlock, minProfit), { weth: mainnet.weth, poolManager: mainnetV4.poolManager })] }),
  });
  // The simulated block is the one after the fork's head, said explicitly (nodes differ in what they default to).
  const next = { number: `0x${input.nextBlock.toString(16)}` };
  const [probe, run] = await rpcBatch(url, [
    { method: 'eth_simulateV1', params: [{ blockStateCalls: [{ blockOverrides: next, calls: [call((1n << 127n) - 1n)] }], validation: false }, 'latest'] },
    { method: 'eth_simulateV1', params: [{ blockStateCalls: [{ blockOverrides: next, calls: [call(0n)] }], validation: false }, 'latest'] },
  ]);
  type Simulated = Array<{ number: Hex; calls: Array<{ status: Hex; gasUsed: Hex; returnData: Hex; error?: { message: string; data?: Hex } }> }>;
  if (!probe || !run || 'error' in probe || 'error' in run) return { error: `eth_simulateV1 failed: ${probe && 'error' in probe ? probe.error.message : run && 'error' in run ? run.error.message : 'no answer'}` };
  const probed = (probe.result as Simulated)[0]?.calls[0];
  const ran = (run.result as Simulated)[0]?.calls[0];
  if (!probed || !ran) return { error: 'eth_simulateV1 returned no call' };
  if (ran.status !== '0x1') return { error: `the executor reverted the trade: ${describe(ran)}` };
  const data = probed.error?.data ?? probed.returnData;
  try {
    const decoded = decodeErrorResult({ abi: executorRevertAbi, data });
    if (decoded.errorName !== 'InsufficientProfit') return { error: `the executor reverted with ${decoded.errorName}` };
    return { profit: decoded.args[0] as bigint, gasUsed: BigInt(ran.gasUsed) };
  } catch {
    return { error: `unreadable revert ${data}` };
  }
}

function describe(call: { returnData: Hex; error?: { message: string; data?: Hex } }): string {
  const data = call.error?.data ?? call.returnData;
  try {
    const decoded = decodeErrorResult({ abi: executorRevertAbi, data });
    return `${decoded.errorName}(${(decoded.args ?? []).map(String).join(', ')})`;
  } catch {
    return call.error?.message ?? data;
  }
}
