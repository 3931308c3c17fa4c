import { createWalletClient, getAddress, http, parseAbi, type Address } from 'viem';
import { deployExecutor } from '../bundle/deployExecutor.ts';
import { executorAbi } from '../abi/executor.generated.ts';
import { executorFactoriesFor } from '../bundle/executorFactories.ts';
import { mainnetFactories } from '../state/venues.ts';
import { initCodeHashes, mainnet, mainnetV4 } from '../chain/addresses.ts';
import { callAndConfirm, type DevnetClient } from './client.ts';

const wethAbi = parseAbi(['function deposit() payable', 'function transfer(address, uint256) returns (bool)']);

/**
 * The devnet's factories as the executor must know them: Uniswap V2, SushiSwap and Uniswap V3 at their mainnet
 * addresses, but SushiSwap's factory runs Uniswap V2's bytecode here, so its pairs have Uniswap V2's init code
 * hash (not SushiSwap's mainnet one).
 */
export const devnetExecutorFactories = executorFactoriesFor(mainnetFactories, {
  uniswapV2: initCodeHashes.uniswapV2Pair,
  sushiswap: initCodeHashes.uniswapV2Pair,
  uniswapV3: initCodeHashes.uniswapV3Pool,
});

/** The builder-share cap of the devnet's executors (the bot's and each rival's). */
export const devnetMaxBuilderShareBps = 9900;

/**
 * Deploys the searcher's executor on the devnet (owner: the deployer account, operator: the searcher account)
 * and funds it with WETH inventory, so `searcher run` against the devnet needs no setup. Its V4 hops swap in the
 * devnet's PoolManager (placed at the mainnet address), and pools with `v4Hooks` (hooks the owner allows) may be
 * traded.
 */
export async function deployDevnetExecutor(
  client: DevnetClient,
  owner: Address,
  operator: Address,
  inventoryWei: bigint,
  v4Hooks: readonly Address[] = [],
): Promise<{ address: Address; owner: Address; operator: Address; inventoryWei: string }> {
  const wallet = createWalletClient({ account: owner, chain: client.chain, transport: http(client.transport.url as string) });
  const { address } = await deployExecutor(wallet, client as never, {
    owner,
    operator,
    weth: mainnet.weth,
    factories: devnetExecutorFactories,
    // The devnet's owner lets its operator bid up to 99%, as contested backruns need (a rival at 90% is beaten only
    // above it); a user's deploy keeps the 90% default unless the owner says otherwise.
    maxBuilderShareBps: devnetMaxBuilderShareBps,
    poolManager: mainnetV4.poolManager,
  });
  for (const hooks of new Set(v4Hooks.map((hooks) => getAddress(hooks)))) {
    await callAndConfirm(client, { from: owner, to: address, abi: executorAbi, functionName: 'setV4Hooks', args: [hooks, true], label: `allow V4 hooks ${hooks}` });
  }
  if (inventoryWei > 0n) {
    await client.setBalance({ address: owner, value: (await client.getBalance({ address: owner })) + inventoryWei });
    await callAndConfirm(client, { from: owner, to: mainnet.weth, abi: wethAbi, functionName: 'deposit', value: inventoryWei, label: 'wrap executor inventory' });
    await callAndConfirm(client, { from: owner, to: mainnet.weth, abi: wethAbi, functionName: 'transfer', args: [address, inventoryWei], label: 'fund executor' });
  }
  return { address, owner, operator, inventoryWei: inventoryWei.toString() };
}

/**
 * Makes more accounts operators of the executor (the owner's setOperator) and gives each gas money: on the devnet,
 * where the owner's key is at hand.
 */
export async function addDevnetOperators(client: DevnetClient, owner: Address, executor: Address, operators: readonly Address[], gasMoneyWei = 100n * 10n ** 18n): Promise<void> {
  for (const operator of operators) {
    await client.setBalance({ address: operator, value: gasMoneyWei });
    await callAndConfirm(client, { from: owner, to: executor, abi: executorAbi, functionName: 'setOperator', args: [operator, true], label: `make ${operator} an executor operator` });
  }
}
