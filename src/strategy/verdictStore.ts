import type { Address } from 'viem';

/** A token verdict as it is kept across runs: only real verdicts ("unknown" is never stored). */
export type StoredVerdict = {
  token: Address;
  verdict: 'safe' | 'unsafe';
  reason: string;
  /** The block the probe ran at. */
  probeBlock: bigint;
  /** Unix ms. */
  probedAt: number;
};

/**
 * Where token verdicts persist (the SQLite store implements it in monitor/; strategy/ does not import monitor/).
 * `scope` names the chain (chain id and genesis hash), so a verdict never applies to another chain's contract
 * at the same address. Reads happen once at start; writes are batched off the decision path.
 */
export interface VerdictStore {
  loadTokenVerdicts(scope: string): StoredVerdict[];
  saveTokenVerdicts(scope: string, verdicts: readonly StoredVerdict[]): void;
}
