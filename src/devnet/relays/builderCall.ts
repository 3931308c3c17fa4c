import type { LocalAccount } from 'viem/accounts';
import { signFlashbotsBody } from '../../bundle/flashbotsAuth.ts';
import { rpcErrorCodes } from '../builder/protocol.ts';
import { RpcError } from '../builder/server.ts';

let nextId = 1;

/**
 * One JSON-RPC call to the local builder, signed with the relay's own Flashbots auth key. A builder error comes
 * back as an RpcError with the builder's code and message, so the relay can pass it on to the searcher.
 */
export async function callBuilder<T>(builderUrl: string, auth: LocalAccount, method: string, params: unknown[]): Promise<T> {
  const body = JSON.stringify({ jsonrpc: '2.0', id: nextId++, method, params });
  const response = await fetch(builderUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'X-Flashbots-Signature': await signFlashbotsBody(auth, body) },
    body,
  });
  const answer = (await response.json()) as { result?: T; error?: { code: number; message: string } };
  if (answer.error) throw new RpcError(answer.error.code, `builder: ${answer.error.message}`);
  if (!('result' in answer)) throw new RpcError(rpcErrorCodes.internal, `builder: no result (HTTP ${response.status})`);
  return answer.result as T;
}
