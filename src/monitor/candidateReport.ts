import type { Address, Hex } from 'viem';
import type { BundleValue } from '../bundle/builderValue.ts';
import type { OrderFlowSource } from '../mempool/types.ts';
import type { HopRecord } from './hops.ts';

/**
 * One evaluated opportunity, as `searcher run --json` prints it. The decision makes it and the ledger records it:
 * it lives here, in the lower of the two layers.
 */
export type CandidateReport = {
  block: bigint;
  victim: string | null;
  /** The cycle's pools in order: addresses, and V4 pool ids (32 bytes). */
  path: Address[];
  /**
   * The same pools with protocol, venue, fee and tokens (monitor/hops.ts `hopRecord` of each hop's pool), when the
   * reporter has them; otherwise the ledger looks them up in the market.
   */
  hops?: HopRecord[];
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
  /** What the bundle gives the builder apart from our payment, and its gas (victims' and ours), as simulated. */
  bundleValue?: BundleValue;
  /** The first leg is borrowed in a flash swap. */
  flash?: boolean;
  /** The best input, when the exposure caps held amountIn below it. */
  optimalAmountIn?: bigint;
  /** performance.now() when the victim was first seen (or the block search started). */
  firstSeenMs: number;
  latencyUs: { decode: number; search: number; simulate: number; send: number; total: number };
  /**
   * Why what this bundle realises is not held to its simulation, when it is not: a blind MEV-Share backrun is sized
   * on chain from a state nobody could simulate; a backrun sent after a blind one of ours on the same pools meets
   * a state that one leaves, unknown to the wei. Both still carry the executor's profit floor (no loss).
   */
  uncompared?: string;
  /**
   * Where the victim was seen: the public mempool, MEV Blocker's stream or MEV-Share's hints. Absent means public
   * (block arbitrage has no victim and needs no private flow, so it is public too). The ledger carries it to the
   * bundle, its inclusion, the store and the metrics.
   */
  source?: OrderFlowSource;
  /**
   * The share of our payment to the builder (priority fees + coinbase transfer) the relay refunds the victim's user,
   * in percent, when it is not the source's default (MEV-Share: 90; MEV Blocker and public: none).
   */
  refundPercent?: number;
  /** The share of the profit after gas bid to the builder (bps), as the bidding policy picked it for this opportunity. */
  bidShareBps?: number;
};
