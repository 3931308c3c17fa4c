import { numberToHex, type Hex } from 'viem';
import type { LocalAccount } from 'viem/accounts';
import { signFlashbotsBody } from './flashbotsAuth.ts';
import type { Explain } from './submitter.ts';

/**
 * Asks builders that answer `flashbots_getBundleStatsV2` why a bundle did not land. Flashbots' own answer
 * only says whether it was considered and sealed; builders that add `status`/`reason`/`detail` (the local
 * builder does) are quoted word for word.
 */
export function bundleStatsExplainer(builders: ReadonlyArray<{ name: string; url: string; timeoutMs: number }>, auth: LocalAccount): Explain {
  return async (bundleHash: Hex, block: bigint) => {
    for (const builder of builders) {
      const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'flashbots_getBundleStatsV2', params: [{ bundleHash, blockNumber: numberToHex(block) }] });
      const response = await fetch(builder.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'X-Flashbots-Signature': await signFlashbotsBody(auth, body) },
        body,
        signal: AbortSignal.timeout(builder.timeoutMs),
      }).catch(() => undefined);
      if (!response?.ok) continue;
      const json = (await response.json().catch(() => undefined)) as { result?: { status?: string; reason?: string; detail?: string; consideredByBuildersAt?: unknown[] } } | undefined;
      const result = json?.result;
      if (!result) continue;
      if (result.reason) return { reason: `${builder.name}: ${result.reason}`, ...(result.detail ? { detail: result.detail } : {}) };
      if (Array.isArray(result.consideredByBuildersAt) && result.consideredByBuildersAt.length > 0) return { reason: `${builder.name}: considered, not sealed` };
    }
    return undefined;
  };
}
