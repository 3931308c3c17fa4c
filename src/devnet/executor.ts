import { createWalletClient, http, parseAbi, type Address } from 'viem';
import { deployExecutor } from '../bundle/deployExecutor.ts';
import { mainnet } from './addresses.ts';
import { callAndConfirm, type DevnetClient } from './client.ts';

const wethAbi = parseAbi(['function deposit() payable', 'function transfer(address, uint256) returns (bool)']);

/**
 * Deploys the searcher's executor on the devnet (owner: the deployer account, operator: the searcher account)
 * and funds it with WETH inventory, so `searcher run` against the devnet needs no setup.
 */
export async function deployDevnetExecutor(
  client: DevnetClient,
  owner: Address,
  operator: Address,
  inventoryWei: bigint,
): Promise<{ address: Address; owner: Address; operator: Address; inventoryWei: string }> {
  const wallet = createWalletClient({ account: owner, chain: client.chain, transport: http(client.transport.url as string) });
  const { address } = await deployExecutor(wallet, client as never, { owner, operator, weth: mainnet.weth });
  if (inventoryWei > 0n) {
    await client.setBalance({ address: owner, value: (await client.getBalance({ address: owner })) + inventoryWei });
    await callAndConfirm(client, { from: owner, to: mainnet.weth, abi: wethAbi, functionName: 'deposit', value: inventoryWei, label: 'wrap executor inventory' });
    await callAndConfirm(client, { from: owner, to: mainnet.weth, abi: wethAbi, functionName: 'transfer', args: [address, inventoryWei], label: 'fund executor' });
  }
  return { address, owner, operator, inventoryWei: inventoryWei.toString() };
}
