import { isHex, type Address, type Hex } from 'viem';
import { z } from 'zod';
import { formatPath } from '../../errors.ts';

/** The Flashbots bundle limits the local builder enforces, as mainnet builders do. */
export const bundleLimits = { maxTxs: 100, maxBytes: 300_000 } as const;

/** JSON-RPC 2.0 error codes we answer with. */
export const rpcErrorCodes = { parse: -32700, invalidRequest: -32600, methodNotFound: -32601, invalidParams: -32602, unauthorized: -32001, internal: -32603 } as const;

const hex = z.string().refine((value) => isHex(value, { strict: true }), 'expected 0x-prefixed hex');
const hash = z.string().regex(/^0x[0-9a-fA-F]{64}$/, 'expected a 32-byte hash');
const quantity = z.string().regex(/^0x[0-9a-fA-F]+$/, 'expected a hex quantity').transform((value) => BigInt(value));
const seconds = z.number().int().nonnegative();
const uuid = z.string().regex(/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/, 'expected a UUID');

const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, 'expected an address');

/**
 * eth_sendBundle with the extensions BuilderNet's and Titan's builders document: `droppingTxHashes` (listed
 * transactions that revert or cannot run are left out, the rest runs), `refundPercent` (an integer 1-99) with
 * `refundRecipient` (default: the sender of the first transaction) and `refundTxHashes` (at most one: the transaction
 * whose payment to the builder the refund is a share of; default the last), `replacementNonce` (orders bundles that
 * share a `replacementUuid`). Checks that need the decoded transactions (a listed hash must be one of the bundle's)
 * are made in the builder.
 */
export const sendBundleParams = z.tuple([
  z
    .object({
      txs: z.array(hex).min(1, 'a bundle needs at least one transaction'),
      blockNumber: quantity,
      minTimestamp: seconds.optional(),
      maxTimestamp: seconds.optional(),
      revertingTxHashes: z.array(hash).optional(),
      droppingTxHashes: z.array(hash).optional(),
      replacementUuid: uuid.optional(),
      replacementNonce: z.number().int().nonnegative().optional(),
      refundPercent: z.number().int().min(1).max(99).optional(),
      refundRecipient: address.optional(),
      refundTxHashes: z.array(hash).max(1, 'at most 1 transaction hash').optional(),
    })
    .refine((bundle) => bundle.refundRecipient === undefined || bundle.refundPercent !== undefined, 'refundRecipient needs refundPercent')
    .refine((bundle) => (bundle.refundTxHashes ?? []).length === 0 || bundle.refundPercent !== undefined, 'refundTxHashes needs refundPercent')
    .refine((bundle) => bundle.replacementNonce === undefined || bundle.replacementUuid !== undefined, 'replacementNonce needs replacementUuid'),
]);

export const callBundleParams = z.tuple([
  z.object({
    txs: z.array(hex).min(1, 'a bundle needs at least one transaction'),
    blockNumber: quantity,
    stateBlockNumber: z.union([quantity, z.literal('latest')]).default('latest'),
    timestamp: seconds.optional(),
    coinbase: z.string().regex(/^0x[0-9a-fA-F]{40}$/).optional(),
  }),
]);

/** Flashbots' eth_sendPrivateTransaction: one signed transaction, included by `maxBlockNumber` or dropped. */
export const sendPrivateTransactionParams = z.tuple([
  z.object({
    tx: hex,
    maxBlockNumber: quantity.optional(),
    preferences: z.unknown().optional(),
  }),
]);

export const cancelBundleParams = z.tuple([z.object({ replacementUuid: uuid })]);

export const bundleStatsParams = z.tuple([z.object({ bundleHash: hash, blockNumber: quantity })]);

export const blockReportParams = z.union([z.tuple([quantity]), z.tuple([z.object({ blockNumber: quantity })]).transform(([value]) => [value.blockNumber] as const)]);

/** Why a bundle was not in the block it targeted. */
export type ExclusionReason = 'reverted' | 'outbid' | 'wrong block' | 'expired' | 'too early' | 'cancelled' | 'gas limit' | 'unpaid';

/** A bundle as the builder holds it. */
export type StoredBundle = {
  bundleHash: Hex;
  signer: Address;
  txs: Hex[];
  txHashes: Hex[];
  blockNumber: bigint;
  minTimestamp?: number;
  maxTimestamp?: number;
  revertingTxHashes: Set<string>;
  /** Lowercase hashes of transactions the builder leaves out when they revert or cannot run. */
  droppingTxHashes: Set<string>;
  replacementUuid?: string;
  replacementNonce?: number;
  /**
   * Paid by the builder in the block the bundle lands in (see refunds.ts): `percent` of what the transaction
   * `txHash` (refundTxHashes[0]; without it, the last that ran) paid the coinbase, to `recipient`.
   */
  refund?: { percent: number; recipient: Address; txHash?: Hex };
  /**
   * A relay's rule for the bundles it forwards (MEV Blocker): the transactions after the target must pay the
   * block's fee recipient by ETH transfer; checked where the bundle is placed, after the bundles ahead of it.
   */
  paidByTransfer?: true;
  receivedAtMs: number;
  cancelled?: string;
  /** Set once the target block is built. */
  /** `winningBid`: for an outbid bundle, the bid of the bundle that won (see builder.ts bundleStats). */
  outcome?: { included: true; blockHash: Hex } | { included: false; reason: ExclusionReason; detail: string; winningBid?: { coinbaseDiff: string; gasUsed: string; bundleGasPrice: string } };
  simulatedAtMs?: number;
};

/** What a simulated transaction did, in the shape eth_callBundle answers with. */
export type TxOutcome = {
  txHash: Hex;
  fromAddress: Address;
  toAddress: Address | null;
  gasUsed: bigint;
  /** Priority fees paid to the coinbase. */
  gasFees: bigint;
  ethSentToCoinbase: bigint;
  reverted: boolean;
  returnData: Hex;
  error?: string;
};

export function invalidParamsMessage(error: z.ZodError): string {
  return error.issues.map((issue) => `${formatPath(issue.path) || 'params'}: ${issue.message}`).join('; ');
}
