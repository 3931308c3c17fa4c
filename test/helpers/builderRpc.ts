import type { Hex } from 'viem';
import { generatePrivateKey, privateKeyToAccount, type PrivateKeyAccount } from 'viem/accounts';
import { signFlashbotsBody } from '../../src/bundle/flashbotsAuth.ts';
import type { Devnet } from '../../src/devnet/devnet.ts';

/**
 * One signed JSON-RPC call to the devnet's local builder, as a searcher makes it (X-Flashbots-Signature by `signer`,
 * a fresh reputation key unless given): the answer's result or error, unread.
 */
export async function builderRpc<T = any>(devnet: Devnet, method: string, params: unknown[], signer: PrivateKeyAccount = privateKeyToAccount(generatePrivateKey())) {
  const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method, params });
  const response = await fetch(devnet.manifest.builderUrl, { method: 'POST', headers: { 'content-type': 'application/json', 'X-Flashbots-Signature': await signFlashbotsBody(signer, body) }, body });
  return (await response.json()) as { result?: T; error?: { code: number; message: string } };
}

/** A rival's bundle `[victim, its backrun]` for `block`, under its own reputation key: the builder's bundle hash. */
export async function sendRivalBundle(devnet: Devnet, txs: readonly Hex[], block: bigint): Promise<Hex> {
  const answer = await builderRpc<{ bundleHash: Hex }>(devnet, 'eth_sendBundle', [{ txs, blockNumber: `0x${block.toString(16)}` }]);
  if (!answer.result) throw new Error(`the builder refused the rival's bundle: ${answer.error?.message}`);
  return answer.result.bundleHash;
}
