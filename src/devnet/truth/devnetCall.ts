import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { signFlashbotsBody } from '../../bundle/flashbotsAuth.ts';
import { SearcherError } from '../../errors.ts';

export class DevnetCallError extends SearcherError {}

/**
 * The truth's reader's identity at the devnet's builder and relays: a key made here, in memory, and never used to
 * sign a transaction. The local builder and the MEV-Share relay ask every request for a Flashbots signature.
 */
const reader = privateKeyToAccount(generatePrivateKey());

/** One signed JSON-RPC call to a devnet endpoint (builder or relay). An error answer or a failed request throws. */
export async function devnetCall<T>(url: string, method: string, params: unknown[]): Promise<T> {
  const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method, params });
  let answer: { result?: unknown; error?: { message?: string } };
  try {
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'X-Flashbots-Signature': await signFlashbotsBody(reader, body) }, body });
    answer = (await response.json()) as typeof answer;
  } catch (cause) {
    throw new DevnetCallError('DEVNET_CALL', `${method} at ${url} did not answer`, { cause });
  }
  if (answer.error || !('result' in answer)) throw new DevnetCallError('DEVNET_CALL', `${method} at ${url} failed: ${answer.error?.message ?? 'no result'}`);
  return answer.result as T;
}
