import type { IncludedBundle } from './assemble.ts';
import type { StoredBundle } from './protocol.ts';

/** A winning bundle's bid as the sealed block shows it: what it paid the coinbase, its gas, and the two divided. */
export type WinningBid = { coinbaseDiff: string; gasUsed: string; bundleGasPrice: string };

export const bidOf = (winner: IncludedBundle): WinningBid => ({
  coinbaseDiff: String(winner.coinbaseDiff),
  gasUsed: String(winner.gasUsed),
  bundleGasPrice: String(winner.gasUsed === 0n ? 0n : winner.coinbaseDiff / winner.gasUsed),
});

const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

/**
 * The `flashbots_getBundleStatsV2` answer for one of the caller's bundles: Flashbots' fields (isHighPriority,
 * isSimulated, simulatedAt, receivedAt, consideredByBuildersAt, sealedByBuildersAt), then what the local builder
 * adds. `sealedAtS`: the target block's timestamp once built. Pure.
 */
export function bundleStatsAnswer(bundle: StoredBundle, sealedAtS: number | undefined, nowMs: number) {
  const outcome = bundle.outcome;
  const at = iso(sealedAtS !== undefined ? sealedAtS * 1000 : nowMs);
  return {
    isHighPriority: true,
    isSimulated: bundle.simulatedAtMs !== undefined || outcome !== undefined,
    simulatedAt: iso(bundle.simulatedAtMs),
    receivedAt: iso(bundle.receivedAtMs),
    consideredByBuildersAt: outcome && outcome.included === false && outcome.reason === 'wrong block' ? [] : outcome ? [{ pubkey: 'local', timestamp: at }] : [],
    sealedByBuildersAt: outcome?.included ? [{ pubkey: 'local', timestamp: at }] : [],
    // Not in the Flashbots answer: the local builder can say what happened and why.
    status: outcome ? (outcome.included ? 'included' : 'excluded') : 'pending',
    ...(outcome && !outcome.included ? { reason: outcome.reason, detail: outcome.winningBid ? 'a conflicting bundle paid the builder more per gas' : outcome.detail } : {}),
    // Flashbots' answer carries no reason and no rival's bid. Once the block is sealed, the winner's transactions
    // and what they paid the coinbase are public on chain, so the loser is told that much and no more: not the
    // winner's signer nor its bundle hash (private to the winner; the devnet's block report names them).
    ...(outcome && !outcome.included && outcome.winningBid ? { winningBid: outcome.winningBid } : {}),
  };
}
