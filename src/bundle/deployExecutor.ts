import { type Account, type Address, type Chain, type PublicClient, type Transport, type WalletClient } from 'viem';
import { executorAbi, executorBytecode } from '../abi/executor.generated.ts';
import { SearcherError } from '../errors.ts';

export class ExecutorDeployError extends SearcherError {}

export type DeployExecutorParameters = { owner: Address; operator: Address; weth: Address };
export type DeployExecutorReturnType = { address: Address; transactionHash: `0x${string}`; gasUsed: bigint };

/**
 * Deploys the executor and proves the deployment by calls: owner, WETH and the operator must read back as
 * given, or it throws (a wrong owner would lock funds; a wrong WETH would make every builder payment fail).
 */
export async function deployExecutor(
  wallet: WalletClient<Transport, Chain, Account>,
  client: PublicClient,
  parameters: DeployExecutorParameters,
): Promise<DeployExecutorReturnType> {
  const { owner, operator, weth } = parameters;
  const transactionHash = await wallet.deployContract({
    abi: executorAbi,
    bytecode: executorBytecode,
    args: [owner, operator, weth],
  });
  const receipt = await client.waitForTransactionReceipt({ hash: transactionHash });
  if (receipt.status !== 'success' || !receipt.contractAddress) {
    throw new ExecutorDeployError('EXECUTOR_DEPLOY', `executor deployment reverted (tx ${transactionHash})`);
  }
  const address = receipt.contractAddress;
  const read = <T>(functionName: 'owner' | 'WETH' | 'isOperator', args: readonly unknown[] = []) =>
    client.readContract({ address, abi: executorAbi, functionName, args } as never) as Promise<T>;
  const [actualOwner, actualWeth, isOperator] = await Promise.all([
    read<Address>('owner'),
    read<Address>('WETH'),
    read<boolean>('isOperator', [operator]),
  ]);
  const wrong: string[] = [];
  if (actualOwner.toLowerCase() !== owner.toLowerCase()) wrong.push(`owner() = ${actualOwner}, expected ${owner}`);
  if (actualWeth.toLowerCase() !== weth.toLowerCase()) wrong.push(`WETH() = ${actualWeth}, expected ${weth}`);
  if (!isOperator) wrong.push(`isOperator(${operator}) = false`);
  if (wrong.length > 0) {
    throw new ExecutorDeployError('EXECUTOR_DEPLOY', `executor at ${address} does not verify: ${wrong.join('; ')}`);
  }
  return { address, transactionHash, gasUsed: receipt.gasUsed };
}
