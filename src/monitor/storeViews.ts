import type { Address, Hash } from 'viem';
import type { MissReason, SubmissionOutcome } from './records.ts';
import type { OrderFlowSource } from '../mempool/types.ts';
import type { HopRecord } from './hops.ts';

/** What the store's reads return (queries.ts), for `searcher report`, the dashboard and the bot's own summaries. */

export type BlockSummary = {
  number: number;
  hash: Hash | null;
  /** Unix seconds. */
  timestamp: number | null;
  baseFeeWei: bigint | null;
  /** Pending swaps seen while this block was next. */
  seen: number;
  candidates: number;
  sent: number;
  included: number;
  /** Realised, from the receipts of our transactions landed in this block. */
  grossWei: bigint;
  gasWei: bigint;
  bribeWei: bigint;
  netWei: bigint;
  /** What the simulations said the landed bundles would net (for simulated vs realised). */
  simulatedNetWei: bigint;
  /** Realised net of every block up to and including this one. */
  cumulativeNetWei: bigint;
};

export type Totals = {
  blocks: number;
  seen: number;
  candidates: number;
  sent: number;
  included: number;
  /** Our transaction landed and reverted (gas lost). */
  reverted: number;
  missed: number;
  grossWei: bigint;
  gasWei: bigint;
  bribeWei: bigint;
  netWei: bigint;
  simulatedNetWei: bigint;
  mismatches: number;
};

export type BuilderStats = {
  builder: string;
  /** Distinct bundles sent to this builder. */
  sent: number;
  submissions: number;
  accepted: number;
  refused: number;
  timeout: number;
  error: number;
  /** Bundles it was sent that landed: credited to the block's builder when known, else to every builder that accepted. */
  included: number;
  /** included / sent, 0 when nothing was sent. */
  inclusionRate: number;
  meanLatencyMs: number;
};

export type BundleStatus = 'pending' | 'included' | 'reverted' | 'missed';

export type BundleView = {
  /** The instance that sent it. */
  instance: string;
  id: string;
  opportunityId: number | null;
  targetBlock: number;
  ourTxHash: Hash;
  txHashes: Hash[];
  predictedNetWei: bigint;
  simulatedNetWei: bigint | null;
  sentAtMs: number;
  status: BundleStatus;
  /** The miss reason, 'reverted' for a reverted landing, null otherwise. */
  reason: MissReason | null;
  /** The builder's words for a miss. */
  detail: string | null;
  /** Realised net when landed. */
  netWei: bigint | null;
  landedBlock: number | null;
  /** The pools its candidate traded (empty when it has no candidate row), and their hops when recorded. */
  path: string[];
  hops: HopRecord[] | null;
  submissions: Array<{ builder: string; outcome: SubmissionOutcome; latencyMs: number; error: string | null; bundleHash: string | null }>;
};

export type Mismatch = { bundleId: string; block: number; txHash: Hash; netWei: bigint; simulatedNetWei: bigint; differenceWei: bigint };

export type OpportunityView = {
  /** The instance that found it. */
  instance: string;
  id: number;
  block: number;
  victim: Hash | null;
  /** Pools of the cycle: addresses, and V4 pool ids (32 bytes). */
  path: Address[];
  /** The same pools with protocol, venue, fee and tokens (null for rows from before migration 11). */
  hops: HopRecord[] | null;
  amountInWei: bigint;
  grossWei: bigint;
  gasWei: bigint;
  bribeWei: bigint;
  netWei: bigint;
  decision: 'send' | 'reject';
  reason: string;
  firstSeenMs: number | null;
  latencyUs: number;
  /** Where the victim was seen (public for block arbitrage and rows from before sources were recorded). */
  source: OrderFlowSource;
  simulations: Array<{ backend: string; ok: boolean; gainWei: bigint | null; netWei: bigint | null; gasUsed: number | null; error: string | null }>;
};
