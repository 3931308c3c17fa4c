import { encodeFunctionData, type Address, type Hex } from 'viem';
import type { LocalAccount } from 'viem/accounts';
import { executorAbi } from '../abi/executor.generated.ts';
import { signExecutorTransaction } from '../bundle/signTransaction.ts';
import type { PendingTx } from '../mempool/watcher.ts';
import type { BundleTx } from '../bundle/bundleTx.ts';

/** A pending transaction as the simulator runs it (with its signed bytes when the backend needs them). */
export function pendingBundleTx(tx: PendingTx, raw?: Hex): BundleTx {
  return {
    from: tx.from as Address,
    to: tx.to as Address,
    data: tx.input as Hex,
    value: tx.value,
    gas: tx.gas ?? 1_000_000n,
    nonce: Number(tx.nonce),
    maxFeePerGas: tx.maxFeePerGas,
    ...(tx.maxPriorityFeePerGas !== undefined ? { maxPriorityFeePerGas: tx.maxPriorityFeePerGas } : {}),
    ...(raw ? { raw } : {}),
  };
}

export type ExecutorBundleTxParameters = {
  operator: Address;
  executor: Address;
  plan: Hex;
  nonce: number;
  priorityFeeWei: bigint;
  nextBaseFeeWei: bigint;
  /** Signs it too (the fork backend mines signed transactions); without it the simulation uses the call. */
  signer?: LocalAccount;
  chainId: number;
};

/** Our executor call as simulated (a generous gas limit: the simulation measures what it uses). */
export async function executorBundleTx(parameters: ExecutorBundleTxParameters): Promise<BundleTx> {
  const { operator, executor, plan, nonce, priorityFeeWei, signer } = parameters;
  const fees = { maxPriorityFeePerGas: priorityFeeWei, maxFeePerGas: parameters.nextBaseFeeWei * 2n + priorityFeeWei };
  const gas = 1_000_000n;
  if (signer) return signExecutorTransaction({ account: signer, chainId: parameters.chainId, executor, plan, nonce, gas, ...fees });
  const data = encodeFunctionData({ abi: executorAbi, functionName: 'execute', args: [plan] });
  return { from: operator, to: executor, data, value: 0n, gas, nonce, ...fees };
}
