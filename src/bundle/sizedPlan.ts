import { encodeFunctionData, type Address, type Hex } from 'viem';
import type { LocalAccount } from 'viem/accounts';
import { executorAbi } from '../abi/executor.generated.ts';
import type { Pool } from '../state/types.ts';
import type { Cycle } from '../strategy/cycle.ts';
import type { SizingEntry } from '../strategy/sizingTable.ts';
import { encodePlan, type PlanContext } from './plan.ts';
import { signExecutorCall, type SignedExecutorTransaction } from './signTransaction.ts';
import { encodeSizing } from './sizing.ts';
import { sizedPlanFor } from './toPlan.ts';

/** One blind leg as the executor runs it: a cycle through `pool`, its input read off `entries` by the pool's live state. */
export type SizedLeg = { cycle: Cycle; pool: Pool; entries: readonly SizingEntry[] };

export type SizedLegsCall = {
  targetBlock: bigint;
  legs: readonly SizedLeg[];
  /** What the whole call must leave us after the builder's share (gas plus the minimum net): carried by the first leg. */
  minProfit: bigint;
  builderShareBps: number;
  /** The most any leg may take from inventory (what the risk layer approved). */
  maxAmountIn: bigint;
  /** What the plans are checked against (encodePlan: a V4 hop needs the executor's PoolManager). */
  context?: PlanContext;
};

/** The calldata of `executeSizedLegs(plans, sizings)`: one plan and table per leg, the floor on the first. */
export function sizedLegsCalldata(call: SizedLegsCall): Hex {
  const plans = call.legs.map((leg, i) => sizedPlanFor({ cycle: leg.cycle, targetBlock: call.targetBlock, ceiling: call.maxAmountIn, minProfit: i === 0 ? call.minProfit : 0n, maxBuilderShareBps: call.builderShareBps }));
  const sizings = call.legs.map((leg, i) => encodeSizing(plans[i]!, { pool: leg.pool.address, builderShareBps: call.builderShareBps, entries: leg.entries }));
  return encodeFunctionData({ abi: executorAbi, functionName: 'executeSizedLegs', args: [plans.map((plan) => encodePlan(plan, call.context)), sizings] });
}

export type SignSizedLegsParameters = SizedLegsCall & {
  account: LocalAccount;
  chainId: number;
  executor: Address;
  nonce: number;
  gas: bigint;
  maxFeePerGas: bigint;
  maxPriorityFeePerGas: bigint;
};

/** Signs the executor call that runs the blind legs (an EIP-1559 transaction; the key never leaves the account). */
export function signSizedLegsTransaction(parameters: SignSizedLegsParameters): Promise<SignedExecutorTransaction> {
  return signExecutorCall(parameters, sizedLegsCalldata(parameters));
}
