import { type Account, type Address, type Chain, type Hex, type PublicClient, type Transport, type WalletClient } from 'viem';
import { executorAbi, executorBytecode } from '../abi/executor.generated.ts';
import { SearcherError } from '../errors.ts';
import { builderShareCapInputProblem, DEFAULT_MAX_BUILDER_SHARE_BPS } from './builderShareCap.ts';
import { mainnetExecutorFactories, type ExecutorFactory } from './executorFactories.ts';

export class ExecutorDeployError extends SearcherError {}

export type DeployExecutorParameters = {
  /** Withdraws and administers (factories, listed pools, start tokens, operators): keep it a cold key. */
  owner: Address;
  /** Calls `execute`: the bot's hot key. */
  operator: Address;
  weth: Address;
  /** Factories whose pools plans may name, registered by the constructor. Default: mainnet Uniswap V2, SushiSwap, Uniswap V3. */
  factories?: readonly ExecutorFactory[];
  /** Allow owner == operator (tests, throwaway devnets). Otherwise a stolen hot key would also be the owner. */
  sameOwner?: boolean;
  /** The owner's cap on the builder's share of a profit, 0..10000 bps. Default DEFAULT_MAX_BUILDER_SHARE_BPS (9,000). */
  maxBuilderShareBps?: number;
};
export type DeployExecutorReturnType = { address: Address; transactionHash: `0x${string}`; gasUsed: bigint };

/**
 * Deploys the executor and proves the deployment by calls: owner, WETH, the operator, the builder-share cap and every factory's init
 * code hash must read back as given, or it throws (a wrong owner would lock funds; a wrong WETH would make every
 * builder payment fail; a wrong hash would make every plan through that factory's pools revert).
 * Refuses, before sending anything, an owner that is the operator unless `sameOwner` is set, and a cap outside 0..10000.
 */
export async function deployExecutor(
  wallet: WalletClient<Transport, Chain, Account>,
  client: PublicClient,
  parameters: DeployExecutorParameters,
): Promise<DeployExecutorReturnType> {
  const { owner, operator, weth, factories = mainnetExecutorFactories, sameOwner = false, maxBuilderShareBps = DEFAULT_MAX_BUILDER_SHARE_BPS } = parameters;
  const badCap = builderShareCapInputProblem(maxBuilderShareBps);
  if (badCap) throw new ExecutorDeployError('EXECUTOR_BAD_CAP', badCap);
  if (!sameOwner && owner.toLowerCase() === operator.toLowerCase()) {
    throw new ExecutorDeployError(
      'EXECUTOR_SAME_OWNER',
      `owner and operator are the same account (${owner}): the owner should be a cold key, the operator is the bot's hot key; pass --same-owner (sameOwner) to deploy anyway`,
    );
  }
  const transactionHash = await wallet.deployContract({
    abi: executorAbi,
    bytecode: executorBytecode,
    args: [owner, operator, weth, factories.map((f) => ({ ...f })), maxBuilderShareBps],
  });
  const receipt = await client.waitForTransactionReceipt({ hash: transactionHash });
  if (receipt.status !== 'success' || !receipt.contractAddress) {
    throw new ExecutorDeployError('EXECUTOR_DEPLOY', `executor deployment reverted (tx ${transactionHash})`);
  }
  const address = receipt.contractAddress;
  const read = <T>(functionName: 'owner' | 'WETH' | 'isOperator' | 'initCodeHashOf' | 'maxBuilderShareBps', args: readonly unknown[] = []) =>
    client.readContract({ address, abi: executorAbi, functionName, args } as never) as Promise<T>;
  const [actualOwner, actualWeth, isOperator, actualCap, hashes] = await Promise.all([
    read<Address>('owner'),
    read<Address>('WETH'),
    read<boolean>('isOperator', [operator]),
    read<number>('maxBuilderShareBps'),
    Promise.all(factories.map((f) => read<Hex>('initCodeHashOf', [f.factory, f.v3, f.v2FeeBps]))),
  ]);
  const wrong: string[] = [];
  if (actualOwner.toLowerCase() !== owner.toLowerCase()) wrong.push(`owner() = ${actualOwner}, expected ${owner}`);
  if (actualWeth.toLowerCase() !== weth.toLowerCase()) wrong.push(`WETH() = ${actualWeth}, expected ${weth}`);
  if (!isOperator) wrong.push(`isOperator(${operator}) = false`);
  if (actualCap !== maxBuilderShareBps) wrong.push(`maxBuilderShareBps() = ${actualCap}, expected ${maxBuilderShareBps}`);
  for (const [index, f] of factories.entries()) {
    if (hashes[index]!.toLowerCase() !== f.initCodeHash.toLowerCase()) wrong.push(`initCodeHashOf(${f.factory}) = ${hashes[index]}, expected ${f.initCodeHash}`);
  }
  if (wrong.length > 0) {
    throw new ExecutorDeployError('EXECUTOR_DEPLOY', `executor at ${address} does not verify: ${wrong.join('; ')}`);
  }
  return { address, transactionHash, gasUsed: receipt.gasUsed };
}
