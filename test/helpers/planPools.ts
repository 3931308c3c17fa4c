import type { Address, PublicClient } from 'viem';
import { executorAbi } from '../../src/abi/executor.generated.ts';
import type { DecodedPlan, ExecutorPlan, PlanHop } from '../../src/bundle/plan.ts';

/**
 * A decoded plan with each hop's pool, as the executor itself derives it on chain (`poolFor`, CREATE2 from the
 * hop's factory): the plan carries the factory, and the tests quote the very pool the executor traded.
 */
export async function planWithPools(client: PublicClient, executor: Address, plan: DecodedPlan): Promise<ExecutorPlan> {
  const hops: PlanHop[] = [];
  let tokenIn = plan.startToken;
  for (const hop of plan.hops) {
    // V4 hops name no pool address (one PoolManager holds them all); the tests using this helper trade V2/V3 only.
    if ('v4' in hop) throw new Error('planWithPools: V4 hops are not supported');
    const pool =
      'factory' in hop
        ? await client.readContract({
            address: executor,
            abi: executorAbi,
            functionName: 'poolFor',
            args: [hop.factory, hop.protocol === 'v3', tokenIn, hop.tokenOut, hop.protocol === 'v3' ? hop.v3Fee! : hop.v2FeeBps!],
          })
        : hop.pool;
    hops.push({ ...hop, pool });
    tokenIn = hop.tokenOut;
  }
  return { ...plan, hops };
}
