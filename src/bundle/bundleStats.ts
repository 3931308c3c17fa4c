import { numberToHex, type Hex } from 'viem';
import type { LocalAccount } from 'viem/accounts';
import { classifyBundleStats, withBlockReport, type BuilderVerdict } from './builderVerdict.ts';
import { signFlashbotsBody } from './flashbotsAuth.ts';
import type { Explain } from './submitter.ts';

type Builder = { name: string; url: string; timeoutMs: number };

/** One signed JSON-RPC call; undefined for any failure (no answer, an error, not JSON): the caller falls back. */
async function call(builder: Builder, auth: LocalAccount, method: string, params: unknown[]): Promise<unknown> {
  const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method, params });
  const response = await fetch(builder.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'X-Flashbots-Signature': await signFlashbotsBody(auth, body) },
    body,
    signal: AbortSignal.timeout(builder.timeoutMs),
  }).catch(() => undefined);
  if (!response?.ok) return undefined;
  const json = (await response.json().catch(() => undefined)) as { result?: unknown } | undefined;
  return json?.result;
}

/**
 * Asks builders that answer `flashbots_getBundleStatsV2` why a bundle did not land, and classifies the answer
 * (builderVerdict.ts). Flashbots' own answer only says how far the bundle got; builders that add
 * `status`/`reason`/`detail` (the local builder does) are quoted word for word. For an outbid whose winner the
 * builder names, its `builder_blockReport` (where it has one) adds the winner's signer and bid.
 */
export function bundleStatsExplainer(builders: ReadonlyArray<Builder>, auth: LocalAccount): Explain {
  return async (bundleHash: Hex, block: bigint, context) => {
    // A builder that only says it never got the bundle, or got it and no more, is asked no more than the next one.
    let weak: { reason: string; verdict: BuilderVerdict } | undefined;
    for (const builder of builders) {
      const result = (await call(builder, auth, 'flashbots_getBundleStatsV2', [{ bundleHash, blockNumber: numberToHex(block) }])) as
        | { status?: string; reason?: string; detail?: string; consideredByBuildersAt?: unknown[] }
        | undefined;
      if (!result || typeof result !== 'object') continue;
      let verdict = classifyBundleStats(builder.name, result, context ?? {});
      if (verdict?.kind === 'outbid') verdict = withBlockReport(verdict, await call(builder, auth, 'builder_blockReport', [numberToHex(block)]), bundleHash);
      if (result.reason) return { reason: `${builder.name}: ${result.reason}`, ...(result.detail ? { detail: result.detail } : {}), ...(verdict ? { verdict } : {}) };
      if (verdict?.kind !== 'late' && Array.isArray(result.consideredByBuildersAt) && result.consideredByBuildersAt.length > 0) return { reason: `${builder.name}: considered, not sealed`, ...(verdict ? { verdict } : {}) };
      if (verdict?.kind === 'late') return { reason: `${builder.name}: ${verdict.detail}`, verdict };
      if (verdict) weak ??= { reason: `${builder.name}: ${verdict.detail}`, verdict };
    }
    return weak;
  };
}
