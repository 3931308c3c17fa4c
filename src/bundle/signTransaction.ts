import { encodeFunctionData, keccak256, type Address, type Hex } from 'viem';
import type { LocalAccount } from 'viem/accounts';
import { executorAbi } from '../abi/executor.generated.ts';
import { SearcherError } from '../errors.ts';
import type { BundleTx } from './bundleTx.ts';
import { encodePlan, type ExecutorPlan } from './plan.ts';

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
export function signExecutorTransaction(parameters: SignExecutorTransactionParameters): Promise<SignedExecutorTransaction> {
  const plan = typeof parameters.plan === 'string' ? parameters.plan : encodePlan(parameters.plan);
  return signExecutorCall({ ...parameters, data: encodeFunctionData({ abi: executorAbi, functionName: 'execute', args: [plan] }) });
}

/** Signs any call to the executor (`execute`, `executeSizedLegs`) as an EIP-1559 transaction, after checking its fields. */
export async function signExecutorCall(parameters: Omit<SignExecutorTransactionParameters, 'plan'> & { data: Hex }): Promise<SignedExecutorTransaction> {
  const { account, chainId, executor, nonce, gas, maxFeePerGas, maxPriorityFeePerGas, data } = parameters;
  if (!Number.isSafeInteger(chainId) || chainId <= 0) throw new SignTransactionError(`chainId must be a positive integer (got ${chainId})`);
  if (!Number.isSafeInteger(nonce) || nonce < 0) throw new SignTransactionError(`nonce must be a non-negative integer (got ${nonce})`);
  if (gas <= 0n) throw new SignTransactionError(`gas must be positive (got ${gas})`);
  if (maxPriorityFeePerGas < 0n || maxFeePerGas < maxPriorityFeePerGas) {
    throw new SignTransactionError(`fees must satisfy 0 <= maxPriorityFeePerGas (${maxPriorityFeePerGas}) <= maxFeePerGas (${maxFeePerGas})`);
  }
  let raw: Hex;
  try {
    raw = await account.signTransaction({ type: 'eip1559', chainId, to: executor, data, value: 0n, gas, nonce, maxFeePerGas, maxPriorityFeePerGas, accessList: [] });
  } catch (cause) {
    throw new SignTransactionError('the operator account could not sign the executor transaction', { cause });
  }
  return { from: account.address, to: executor, data, value: 0n, gas, nonce, maxFeePerGas, maxPriorityFeePerGas, raw, hash: keccak256(raw) };
}
