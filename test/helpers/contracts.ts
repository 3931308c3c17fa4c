import { encodeDeployData, type Abi, type Address, type Hex } from 'viem';
import { forgeArtifact } from '../../src/devnet/artifacts.ts';
import { sendAndConfirm, type DevnetClient } from '../../src/devnet/client.ts';

/** Deploys one of our compiled contracts (out/) from an unlocked dev account; automine must be on. */
export async function deployForge(
  client: DevnetClient,
  from: Address,
  file: string,
  contract: string,
  args: readonly unknown[] = [],
): Promise<{ address: Address; abi: Abi }> {
  const artifact = forgeArtifact(file, contract);
  const data: Hex = encodeDeployData({ abi: artifact.abi, bytecode: artifact.bytecode, args });
  const receipt = await sendAndConfirm(client, { from, data, label: `deploy ${contract}` });
  return { address: receipt.contractAddress!, abi: artifact.abi };
}
