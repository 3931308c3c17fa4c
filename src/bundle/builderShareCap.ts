import type { Address, PublicClient } from 'viem';
import { executorAbi } from '../abi/executor.generated.ts';

/**
 * The owner's cap on the builder's share of a profit, as deploy scripts set it unless told otherwise: at least
 * 10% of every profit stays with the owner even when a stolen operator key writes the plans, while leaving room
 * above the strategy's default share (5,000 bps). An owner bidding in auctions that need more raises it with the
 * cold key (setMaxBuilderShareBps, at most 10,000).
 */
export const DEFAULT_MAX_BUILDER_SHARE_BPS = 9000;

/** Why a strategy share cannot run on an executor with this cap (every plan would revert), or undefined. */
export function builderShareProblem(builderShareBps: number, capBps: number, executor: Address): string | undefined {
  if (builderShareBps <= capBps) return undefined;
  return `strategy.builderShareBps (${builderShareBps}) is above the executor's cap (${executor} maxBuilderShareBps() = ${capBps}): every plan would revert; lower the config or have the owner raise the cap`;
}

/** Reads the executor's cap; an executor without one (older bytecode, or no code at that address) throws. */
export async function readBuilderShareCap(client: PublicClient, executor: Address): Promise<number> {
  return client.readContract({ address: executor, abi: executorAbi, functionName: 'maxBuilderShareBps' });
}

/** Validates a cap before anything is sent: the contract would refuse it too, but only after a paid deployment. */
export function builderShareCapInputProblem(bps: number, name = 'maxBuilderShareBps'): string | undefined {
  return Number.isInteger(bps) && bps >= 0 && bps <= 10_000 ? undefined : `${name} must be an integer 0..10000 (got ${bps})`;
}
