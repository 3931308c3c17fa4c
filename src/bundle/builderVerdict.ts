import { getAddress, isAddress, type Address, type Hex } from 'viem';

/**
 * Why a bundle missed its block, in the builder's terms. The bidding policy learns from these, so each is what a
 * builder said (or a fact of ours: we cancelled); the bot's own inference is kept apart as a guess ("other").
 */
export const builderMissKinds = ['outbid', 'reverted', 'nonce', 'late', 'cancelled', 'other'] as const;
export type BuilderMissKind = (typeof builderMissKinds)[number];

/** Who won the block space we lost, as far as the builder exposes it. */
export type Winner = { bundleHash?: Hex; signer?: Address; bidWei?: bigint; gasPriceWei?: bigint };

export type BuilderVerdict = {
  kind: BuilderMissKind;
  /** The builder that said it; absent for a guess and for our own cancel. */
  builder?: string;
  /** The builder's words (its exclusion reason and detail), or what the guess rests on. */
  detail: string;
  winner?: Winner;
  /** The bot's inference, not a builder's answer: never learned from as a builder outcome. */
  guessed?: true;
};

// A sender's nonce the builder could not line up: "nonce too low/high", "nonce is ahead of its sender's", geth's
// "nonce too low: address ..., tx: 5 state: 6". Checked before the exclusion word, which names the conflict instead.
const noncePattern = /\bnonce (too (low|high)|is (ahead|behind))|\bnonce gap\b|\binvalid nonce\b/i;
const revertPattern = /revert/i;
// A target the head has already reached: "in the past", "too late", the devnet builder's and relays' "blockNumber 11
// is not after the head (11)" and "maxBlock 11 is not after the head 12".
const latePattern = /\b(in the past|too late|block .* (already|passed)|expired|past target|not after the head)\b/i;

/** Whether a builder's refusal says the bundle came too late for its target block (the block is sealed already). */
export function isLateRefusal(message: string): boolean {
  return latePattern.test(message) && !noncePattern.test(message) && !revertPattern.test(message);
}

/**
 * The local builder's exclusion reasons (devnet/builder/protocol.ts ExclusionReason) in our kinds. Not imported:
 * the runtime never imports devnet/, and a mainnet builder that adopts the words means the same.
 */
const exclusionKinds: Record<string, BuilderMissKind> = {
  outbid: 'outbid',
  reverted: 'reverted',
  'wrong block': 'late',
  expired: 'late',
  cancelled: 'cancelled',
  'too early': 'other',
  'gas limit': 'other',
  unpaid: 'other',
};

const decimal = (value: unknown): bigint | undefined => (typeof value === 'string' && /^[0-9]+$/.test(value) ? BigInt(value) : undefined);
const record = (value: unknown): Record<string, unknown> | undefined => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined);
const count = (value: unknown): number => (Array.isArray(value) ? value.length : 0);
const builders = (n: number) => `${n} builder${n === 1 ? '' : 's'}`;

/**
 * A `flashbots_getBundleStatsV2` answer as a miss verdict; undefined when it says nothing about a miss (landed,
 * pending, not an object). Builders that add `status`/`reason`/`detail` (the local builder) are classified by them;
 * the Flashbots shape (`isSimulated`, `receivedAt`, `consideredByBuildersAt`, `sealedByBuildersAt`) says only how far
 * the bundle got, so it is "other" in those words, or "late" when it was received after the block's timestamp.
 */
export function classifyBundleStats(builder: string, answer: unknown, context: { blockTimestampSec?: number } = {}): BuilderVerdict | undefined {
  const stats = record(answer);
  if (!stats) return undefined;
  if (stats.status === 'included' || stats.status === 'pending') return undefined;
  if (typeof stats.reason === 'string' && stats.reason.length > 0) {
    const detail = typeof stats.detail === 'string' ? stats.detail : '';
    const words = detail ? `${stats.reason}: ${detail}` : stats.reason;
    const kind: BuilderMissKind = noncePattern.test(detail) || noncePattern.test(stats.reason) ? 'nonce' : (exclusionKinds[stats.reason] ?? 'other');
    const verdict: BuilderVerdict = { kind, builder, detail: words };
    // "shares tx X with bundle Y": Y took our victim. A state conflict names every bundle ahead, none of them alone.
    const winner = kind === 'outbid' ? /with bundle (0x[0-9a-fA-F]{64})/.exec(detail)?.[1] : undefined;
    if (winner) verdict.winner = { bundleHash: winner as Hex };
    // The winner's bid as the sealed block shows it (what it paid the coinbase, and per gas), without its identity.
    const bid = kind === 'outbid' ? record(stats.winningBid) : undefined;
    const bidWei = decimal(bid?.coinbaseDiff);
    const gasPriceWei = decimal(bid?.bundleGasPrice);
    if (bidWei !== undefined || gasPriceWei !== undefined) verdict.winner = { ...verdict.winner, ...(bidWei !== undefined ? { bidWei } : {}), ...(gasPriceWei !== undefined ? { gasPriceWei } : {}) };
    return verdict;
  }
  if (stats.isSimulated !== true && typeof stats.receivedAt !== 'string') return { kind: 'other', builder, detail: 'not received by the relay' };
  const received = typeof stats.receivedAt === 'string' ? Date.parse(stats.receivedAt) : Number.NaN;
  if (context.blockTimestampSec !== undefined && Number.isFinite(received) && received > context.blockTimestampSec * 1000) {
    return { kind: 'late', builder, detail: `received at ${stats.receivedAt as string}, after the block (timestamp ${new Date(context.blockTimestampSec * 1000).toISOString()})` };
  }
  const sealed = count(stats.sealedByBuildersAt);
  if (sealed > 0) return { kind: 'other', builder, detail: `sealed by ${builders(sealed)}: that block was not the one proposed` };
  const considered = count(stats.consideredByBuildersAt);
  if (considered > 0) return { kind: 'other', builder, detail: `considered by ${builders(considered)}, sealed by none` };
  return { kind: 'other', builder, detail: stats.isSimulated === true ? 'simulated, considered by no builder' : 'received, not simulated' };
}

/**
 * Adds what a block report (the local builder's `builder_blockReport`) exposes about an outbid's winner: its
 * bundle, signer, what it paid the builder (coinbase difference) and per gas, found by our bundle's hash
 * (`excluded[].outbidBy`) or by the winner's (`included[]`). Anything it does not hold, or holds malformed, is left
 * out.
 */
export function withBlockReport(verdict: BuilderVerdict, report: unknown, ourBundleHash?: Hex): BuilderVerdict {
  if (verdict.kind !== 'outbid') return verdict;
  const rows = (key: string) => {
    const value = record(report)?.[key];
    return Array.isArray(value) ? value.map(record) : [];
  };
  const same = (value: unknown, hash: string) => typeof value === 'string' && value.toLowerCase() === hash.toLowerCase();
  // The report names who outbid each excluded bundle (`excluded[].outbidBy`); older reports only list the winners.
  const ours = ourBundleHash ? rows('excluded').find((row) => same(row?.bundleHash, ourBundleHash)) : undefined;
  const hash = verdict.winner?.bundleHash;
  const entry = record(ours?.outbidBy) ?? (hash ? rows('included').find((row) => same(row?.bundleHash, hash)) : undefined);
  if (!entry) return verdict;
  const winnerHash = typeof entry.bundleHash === 'string' && /^0x[0-9a-fA-F]{64}$/.test(entry.bundleHash) ? (entry.bundleHash as Hex) : hash;
  const bidWei = decimal(entry.coinbaseDiff) ?? verdict.winner?.bidWei;
  const gasPriceWei = decimal(entry.bundleGasPrice) ?? verdict.winner?.gasPriceWei;
  const signer = typeof entry.signer === 'string' && isAddress(entry.signer, { strict: false }) ? getAddress(entry.signer) : undefined;
  return {
    ...verdict,
    winner: { ...(winnerHash ? { bundleHash: winnerHash } : {}), ...(signer ? { signer } : {}), ...(bidWei !== undefined ? { bidWei } : {}), ...(gasPriceWei !== undefined ? { gasPriceWei } : {}) },
  };
}

/** A builder's refusal at `eth_sendBundle` (its JSON-RPC error message), in our kinds. */
export function classifyRefusal(builder: string, message: string): BuilderVerdict {
  const kind: BuilderMissKind = noncePattern.test(message) ? 'nonce' : revertPattern.test(message) ? 'reverted' : latePattern.test(message) ? 'late' : 'other';
  return { kind, builder, detail: `refused: ${message}` };
}

/** The bot's own inference when no builder said anything: "other", and marked as a guess. */
export function guessedVerdict(reason: string, detail: string): BuilderVerdict {
  return { kind: 'other', detail: `guessed: ${reason}: ${detail}`, guessed: true };
}

