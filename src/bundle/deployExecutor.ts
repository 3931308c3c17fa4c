import { zeroAddress, type Account, type Address, type Chain, type Hex, type PublicClient, type Transport, type WalletClient } from 'viem';
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
  /**
   * The Uniswap V4 PoolManager V4 hops swap in (mainnet: mainnetV4.poolManager), set by `setPoolManager` right
   * after the deploy. Only the owner may set it, so the deploying account must be the owner. Absent: V4 stays off.
   */
  poolManager?: Address;
};
export type DeployExecutorReturnType = { address: Address; transactionHash: `0x${string}`; gasUsed: bigint };

/**
 * Deploys the executor and proves the deployment by calls: owner, WETH, the operator, the builder-share cap, every factory's init
 * code hash and the PoolManager must read back as given, or it throws (a wrong owner would lock funds; a wrong WETH would make every
 * builder payment fail; a wrong hash would make every plan through that factory's pools revert; a wrong manager every V4 hop).
 * Refuses, before sending anything, an owner that is the operator unless `sameOwner` is set, a cap outside 0..10000,
 * and a PoolManager when the deploying account is not the owner (only the owner may set it).
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
  const poolManager = parameters.poolManager ?? zeroAddress;
  if (BigInt(poolManager) !== 0n && wallet.account.address.toLowerCase() !== owner.toLowerCase()) {
    throw new ExecutorDeployError(
      'EXECUTOR_POOL_MANAGER',
      `only the owner ${owner} can set the PoolManager, and the deployer is ${wallet.account.address}: deploy from the owner's key, or deploy without a PoolManager (V4 off) and have the owner call setPoolManager`,
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
  if (BigInt(poolManager) !== 0n) {
    const hash = await wallet.writeContract({ address, abi: executorAbi, functionName: 'setPoolManager', args: [poolManager] });
    const set = await client.waitForTransactionReceipt({ hash });
    if (set.status !== 'success') throw new ExecutorDeployError('EXECUTOR_DEPLOY', `setPoolManager(${poolManager}) on the executor at ${address} reverted (tx ${hash})`);
  }
  await verifyExecutor(client, address, { ...parameters, owner, operator, weth, factories, maxBuilderShareBps, poolManager });
  return { address, transactionHash, gasUsed: receipt.gasUsed };
}

/**
 * Reads back what a deploy set and throws ExecutorDeployError naming every setting that differs: owner, WETH, the
 * operator, the builder-share cap, each factory's init code hash, and the PoolManager (address(0) = V4 off when
 * `poolManager` is absent).
 */
export async function verifyExecutor(client: PublicClient, address: Address, expected: DeployExecutorParameters): Promise<void> {
  const { owner, operator, weth, factories = mainnetExecutorFactories, maxBuilderShareBps = DEFAULT_MAX_BUILDER_SHARE_BPS } = expected;
  const poolManager = expected.poolManager ?? zeroAddress;
  const read = <T>(functionName: 'owner' | 'WETH' | 'isOperator' | 'initCodeHashOf' | 'maxBuilderShareBps' | 'poolManager', args: readonly unknown[] = []) =>
    client.readContract({ address, abi: executorAbi, functionName, args } as never) as Promise<T>;
  const [actualOwner, actualWeth, isOperator, actualCap, actualManager, hashes] = await Promise.all([
    read<Address>('owner'),
    read<Address>('WETH'),
    read<boolean>('isOperator', [operator]),
    read<number>('maxBuilderShareBps'),
    read<Address>('poolManager'),
    Promise.all(factories.map((f) => read<Hex>('initCodeHashOf', [f.factory, f.v3, f.v2FeeBps]))),
  ]);
  const wrong: string[] = [];
  if (actualOwner.toLowerCase() !== owner.toLowerCase()) wrong.push(`owner() = ${actualOwner}, expected ${owner}`);
  if (actualWeth.toLowerCase() !== weth.toLowerCase()) wrong.push(`WETH() = ${actualWeth}, expected ${weth}`);
  if (!isOperator) wrong.push(`isOperator(${operator}) = false`);
  if (actualCap !== maxBuilderShareBps) wrong.push(`maxBuilderShareBps() = ${actualCap}, expected ${maxBuilderShareBps}`);
  if (actualManager.toLowerCase() !== poolManager.toLowerCase()) wrong.push(`poolManager() = ${actualManager}, expected ${poolManager}`);
  for (const [index, f] of factories.entries()) {
    if (hashes[index]!.toLowerCase() !== f.initCodeHash.toLowerCase()) wrong.push(`initCodeHashOf(${f.factory}) = ${hashes[index]}, expected ${f.initCodeHash}`);
  }
  if (wrong.length > 0) {
    throw new ExecutorDeployError('EXECUTOR_DEPLOY', `executor at ${address} does not verify: ${wrong.join('; ')}`);
  }
}
