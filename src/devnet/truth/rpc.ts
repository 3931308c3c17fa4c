import { SearcherError } from '../../errors.ts';

export class TruthError extends SearcherError {}

export type RpcCall = { method: string; params: unknown[] };
/** One answer of a batch: the result, or the node's error (a reverted eth_call is an answer, not a failure). */
export type RpcAnswer = { result: unknown } | { error: { code: number; message: string } };

/** Requests per HTTP body: anvil answers a batch in one go, and a few hundred keep each body small. */
const CHUNK = 500;

/**
 * Sends calls as JSON-RPC batches (one HTTP request per chunk) and returns the answers in the order asked.
 * Transport failures throw; per-call errors come back as values.
 */
export async function rpcBatch(url: string, calls: readonly RpcCall[]): Promise<RpcAnswer[]> {
  const answers: RpcAnswer[] = [];
  for (let from = 0; from < calls.length; from += CHUNK) {
    const chunk = calls.slice(from, from + CHUNK);
    const body = JSON.stringify(chunk.map((call, i) => ({ jsonrpc: '2.0', id: i, method: call.method, params: call.params })));
    let response: Response;
    try {
      response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    } catch (cause) {
      throw new TruthError('TRUTH_RPC', `the truth's fork did not answer a batch of ${chunk.length} calls`, { cause });
    }
    if (!response.ok) throw new TruthError('TRUTH_RPC', `the truth's fork answered HTTP ${response.status} to a batch`);
    const parsed = (await response.json()) as Array<{ id: number; result?: unknown; error?: { code: number; message: string } }> | { error?: { message: string } };
    if (!Array.isArray(parsed)) throw new TruthError('TRUTH_RPC', `the truth's fork refused a batch: ${parsed.error?.message ?? 'not an array'}`);
    const byId = new Map(parsed.map((entry) => [entry.id, entry]));
    for (let i = 0; i < chunk.length; i++) {
      const entry = byId.get(i);
      if (!entry) throw new TruthError('TRUTH_RPC', `the truth's fork left call ${chunk[i]!.method} of a batch unanswered`);
      answers.push(entry.error ? { error: entry.error } : { result: entry.result });
    }
  }
  return answers;
}

/** One call whose failure is a failure (not a revert to read). */
export async function rpc<T>(url: string, method: string, params: unknown[] = []): Promise<T> {
  const [answer] = await rpcBatch(url, [{ method, params }]);
  if (!answer || 'error' in answer) throw new TruthError('TRUTH_RPC', `${method} failed on the truth's fork: ${answer && 'error' in answer ? answer.error.message : 'no answer'}`);
  return answer.result as T;
}
