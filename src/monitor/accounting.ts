import { isAddressEqual, type Address, type Hash } from 'viem';
import { AccountingError, accountExecution, type ExecutionAccount, type LogLike } from '../chain/executionAccount.ts';

/**
 * The realised profit of our landed transactions: the receipt read from the node (this shell), accounted by
 * chain/executionAccount.ts (the pure core the fork simulator also measures with).
 */

export type RealisedExecution = ExecutionAccount & {
  txHash: Hash;
  blockNumber: bigint;
  status: 'success' | 'reverted';
  gasUsed: bigint;
  effectiveGasPrice: bigint;
};

type ReceiptLike = {
  transactionHash: Hash;
  blockNumber: bigint;
  status: 'success' | 'reverted';
  gasUsed: bigint;
  effectiveGasPrice: bigint;
  to: Address | null;
  logs: readonly LogLike[];
};

/** What the shell needs from a viem client (a PublicClient has it). */
export type ReceiptReader = { getTransactionReceipt(args: { hash: Hash }): Promise<ReceiptLike> };

export type AccountInclusionParameters = { txHash: Hash; executor: Address; startToken: Address; weth?: Address };

/** Thin shell: reads the receipt of our landed transaction and accounts it. */
export async function accountInclusion(client: ReceiptReader, parameters: AccountInclusionParameters): Promise<RealisedExecution> {
  let receipt: ReceiptLike;
  try {
    receipt = await client.getTransactionReceipt({ hash: parameters.txHash });
  } catch (cause) {
    throw new AccountingError('ACCOUNTING', `cannot read the receipt of ${parameters.txHash}: ${(cause as Error).message.split('\n')[0]}`, { cause });
  }
  if (receipt.to === null || !isAddressEqual(receipt.to, parameters.executor)) {
    throw new AccountingError('ACCOUNTING', `${parameters.txHash} is not a call to the executor ${parameters.executor}`);
  }
  const account = accountExecution({
    executor: parameters.executor,
    startToken: parameters.startToken,
    weth: parameters.weth,
    status: receipt.status,
    gasUsed: receipt.gasUsed,
    effectiveGasPrice: receipt.effectiveGasPrice,
    logs: receipt.logs,
  });
  return {
    ...account,
    txHash: receipt.transactionHash,
    blockNumber: receipt.blockNumber,
    status: receipt.status,
    gasUsed: receipt.gasUsed,
    effectiveGasPrice: receipt.effectiveGasPrice,
  };
}
