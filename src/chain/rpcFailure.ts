/**
 * What an RPC failure means for a call whose answer is a verdict (the token probe): the node answered that
 * the call reverts (a fact about the chain), or the answer never came (timeout, refused or reset connection,
 * HTTP 5xx, rate limit, a node-side resource error): a fact about the network that says nothing about the call.
 * Read from viem's error chain by error name and JSON-RPC code, so it holds for every transport.
 */
export type RpcFailureKind = 'revert' | 'transient' | 'other';

type Link = { name?: unknown; code?: unknown; status?: unknown; message?: unknown; shortMessage?: unknown; details?: unknown; cause?: unknown };

const transientNames = new Set(['TimeoutError', 'WebSocketRequestError', 'SocketClosedError', 'LimitExceededRpcError', 'ResourceUnavailableRpcError', 'InternalRpcError']);
const revertNames = new Set(['ExecutionRevertedError', 'ContractFunctionRevertedError']);
/** JSON-RPC codes a provider uses for "not now": limit exceeded, resource unavailable, internal error. */
const transientCodes = new Set([-32005, -32002, -32603, 429]);
/** Node messages that are about its own state, not the call (a pruned or lagging node). */
const transientMessage = /header not found|missing trie node|unknown block|timeout|timed out|rate limit|too many requests|ECONNREFUSED|ECONNRESET|EPIPE|socket hang up|other side closed|fetch failed/i;

function* chain(error: unknown): Generator<Link> {
  for (let link = error as Link | undefined, depth = 0; link && typeof link === 'object' && depth < 12; link = link.cause as Link | undefined, depth++) yield link;
}

export function classifyRpcFailure(error: unknown): RpcFailureKind {
  const links = [...chain(error)];
  // A revert first: a node that says "execution reverted" has run the call, whatever else the chain says.
  if (links.some((link) => revertNames.has(String(link.name)) || link.code === 3 || /execution reverted|revert/i.test(String(link.details ?? '')))) return 'revert';
  for (const link of links) {
    if (transientNames.has(String(link.name))) return 'transient';
    if (link.name === 'HttpRequestError') {
      const status = typeof link.status === 'number' ? link.status : undefined;
      // No status: the request never got an answer (refused, reset, DNS); 5xx, 408 and 429: the server's trouble.
      if (status === undefined || status >= 500 || status === 408 || status === 429) return 'transient';
    }
    if (typeof link.code === 'number' && transientCodes.has(link.code)) return 'transient';
    if (transientMessage.test(`${String(link.details ?? '')} ${String(link.message ?? '')}`)) return 'transient';
  }
  return 'other';
}

/** A one-line account of a failure for a verdict's reason: the status or the transport's own words. */
export function describeRpcFailure(error: unknown): string {
  const links = [...chain(error)];
  const http = links.find((link) => link.name === 'HttpRequestError');
  if (http && typeof http.status === 'number') return `HTTP ${http.status}`;
  if (links.some((link) => link.name === 'TimeoutError')) return 'the node did not answer in time';
  const detailed = links.find((link) => typeof link.details === 'string' && link.details.length > 0);
  const text = String(detailed?.details ?? (links[0]?.shortMessage as string | undefined) ?? links[0]?.message ?? 'unknown error');
  return text.split('\n')[0]!.slice(0, 200);
}
