import { encodeFunctionData, keccak256, type Address, type Hex } from 'viem';
import type { LocalAccount } from 'viem/accounts';
import { executorAbi } from '../abi/executor.generated.ts';
import { SearcherError } from '../errors.ts';
import type { BundleTx } from './bundleTx.ts';
import { encodePlan, type ExecutorPlan, type PlanContext } from './plan.ts';
import { encodeSizing, type SizingTable } from './sizing.ts';

export class SignTransactionError extends SearcherError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('SIGN_TX', message, options);
  }
}

export type SignExecutorTransactionParameters = {
  /** The operator: an account the executor lists as operator. */
  account: LocalAccount;
  chainId: number;
  executor: Address;
  /** The plan, packed (`encodePlan`) or as fields. */
  plan: Hex | ExecutorPlan;
  /** What a plan given as fields with V4 hops is checked against (encodePlan): without it such a plan is refused. */
  context?: PlanContext;
  nonce: number;
  gas: bigint;
  maxFeePerGas: bigint;
  maxPriorityFeePerGas: bigint;
};

/** Our signed transaction, ready for a bundle (and for the simulator: it is a BundleTx). */
export type SignedExecutorTransaction = BundleTx & {
  raw: Hex;
  hash: Hex;
  nonce: number;
  gas: bigint;
  maxFeePerGas: bigint;
  maxPriorityFeePerGas: bigint;
};

/** Builds and signs `executor.execute(plan)` as an EIP-1559 transaction. The key never leaves the account. */
export async function signExecutorTransaction(parameters: SignExecutorTransactionParameters): Promise<SignedExecutorTransaction> {
  const plan = typeof parameters.plan === 'string' ? parameters.plan : encodePlan(parameters.plan, parameters.context);
  return signExecutorCall(parameters, encodeFunctionData({ abi: executorAbi, functionName: 'execute', args: [plan] }));
}

/**
 * `executeSized(plan, sizing)`: the plan and its sizing table as fields (the table names its pool, which must be
 * one of the plan's hops), or both already packed (`encodePlan`, `encodeSizing`).
 */
export type SignExecutorSizedTransactionParameters = Omit<SignExecutorTransactionParameters, 'plan'> &
  ({ plan: ExecutorPlan; sizing: SizingTable } | { plan: Hex; sizing: Hex });

/**
 * Builds and signs `executor.executeSized(plan, sizing)` as an EIP-1559 transaction: the executor reads the sized
 * pool's live state, takes the input from the table (at most plan.amountIn) and pays the builder
 * sizing.builderShareBps of the realised profit. The key never leaves the account.
 */
export async function signExecutorSizedTransaction(parameters: SignExecutorSizedTransactionParameters): Promise<SignedExecutorTransaction> {
  const [plan, sizing] =
    typeof parameters.plan === 'string'
      ? [parameters.plan, parameters.sizing as Hex]
      : [encodePlan(parameters.plan, parameters.context), encodeSizing(parameters.plan, parameters.sizing as SizingTable)];
  return signExecutorCall(parameters, encodeFunctionData({ abi: executorAbi, functionName: 'executeSized', args: [plan, sizing] }));
}

type TransactionFields = Omit<SignExecutorTransactionParameters, 'plan' | 'context'>;

function checkTransactionFields({ chainId, nonce, gas, maxFeePerGas, maxPriorityFeePerGas }: TransactionFields): void {
  if (!Number.isSafeInteger(chainId) || chainId <= 0) throw new SignTransactionError(`chainId must be a positive integer (got ${chainId})`);
  if (!Number.isSafeInteger(nonce) || nonce < 0) throw new SignTransactionError(`nonce must be a non-negative integer (got ${nonce})`);
  if (gas <= 0n) throw new SignTransactionError(`gas must be positive (got ${gas})`);
  if (maxPriorityFeePerGas < 0n || maxFeePerGas < maxPriorityFeePerGas) {
    throw new SignTransactionError(`fees must satisfy 0 <= maxPriorityFeePerGas (${maxPriorityFeePerGas}) <= maxFeePerGas (${maxFeePerGas})`);
  }
}

/** Signs any call to the executor (`execute`, `executeSized`, `executeSizedLegs`) after checking its fields. */
export async function signExecutorCall(parameters: TransactionFields, data: Hex): Promise<SignedExecutorTransaction> {
  checkTransactionFields(parameters);
  const { account, chainId, executor, nonce, gas, maxFeePerGas, maxPriorityFeePerGas } = parameters;
  let raw: Hex;
  try {
    raw = await account.signTransaction({ type: 'eip1559', chainId, to: executor, data, value: 0n, gas, nonce, maxFeePerGas, maxPriorityFeePerGas, accessList: [] });
  } catch (cause) {
    throw new SignTransactionError('the operator account could not sign the executor transaction', { cause });
  }
  return { from: account.address, to: executor, data, value: 0n, gas, nonce, maxFeePerGas, maxPriorityFeePerGas, raw, hash: keccak256(raw) };
}
