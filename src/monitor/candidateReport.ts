import type { Address, Hex } from 'viem';

/**
 * One evaluated opportunity, as `searcher run --json` prints it. The decision makes it and the ledger records it:
 * it lives here, in the lower of the two layers.
 */
export type CandidateReport = {
  block: bigint;
  victim: string | null;
  path: Address[];
  amountIn: bigint;
  grossProfitWei: bigint;
  gasCostWei: bigint;
  bribeWei: bigint;
  netProfitWei: bigint;
  simulatedNetProfitWei: bigint | null;
  /** The executor's start-token gain in the simulation (gross − builder payment); must equal the prediction. */
  simulatedGainWei: bigint | null;
  decision: 'send' | 'reject';
  reason: string;
  /** The bundle, when the candidate went to the builders (or to the dry-run log). */
  bundle?: { uuid: string; ourTxHash: Hex };
  simulatedGas?: bigint;
  /** The first leg is borrowed in a flash swap. */
  flash?: boolean;
  /** The best input, when the exposure caps held amountIn below it. */
  optimalAmountIn?: bigint;
  /** performance.now() when the victim was first seen (or the block search started). */
  firstSeenMs: number;
  latencyUs: { decode: number; search: number; simulate: number; send: number; total: number };
};
