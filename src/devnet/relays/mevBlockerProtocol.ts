import { isHex, keccak256, stringToHex, type Hex, type TransactionSerializable } from 'viem';
import { z } from 'zod';
import { rpcErrorCodes } from '../builder/protocol.ts';
import { RpcError } from '../builder/server.ts';
import type { SignedTx } from '../builder/simulate.ts';

/**
 * MEV Blocker's searcher protocol (docs.cow.fi, mevblocker/searchers): the stream
 * `eth_subscribe ["mevblocker_partialPendingTransactions"]` sends each private transaction without v, r, s; a bid
 * is `eth_sendBundle` whose txs[0] is the pending target's hash (one target per bundle) followed by the backrun,
 * which pays its bid as an ETH transfer to the block's fee recipient; `replacementUuid` replaces.
 */
export const partialPendingTopic = 'mevblocker_partialPendingTransactions';

const hex = z.string().refine((value) => isHex(value, { strict: true }), 'expected 0x-prefixed hex');
const hash = z.string().regex(/^0x[0-9a-fA-F]{64}$/, 'expected a 32-byte hash');

export const relayBundleParams = z.tuple([
  z.object({
    txs: z.array(hex).min(1, 'a bundle needs the target hash and a backrun'),
    blockNumber: z.string().regex(/^0x[0-9a-fA-F]+$/, 'expected a hex quantity'),
    minTimestamp: z.number().int().nonnegative().optional(),
    maxTimestamp: z.number().int().nonnegative().optional(),
    revertingTxHashes: z.array(hash).optional(),
    replacementUuid: z.string().min(1).max(128).optional(),
  }),
]);
export type RelayBundle = z.infer<typeof relayBundleParams>[0];

const isHash = (value: string) => /^0x[0-9a-fA-F]{64}$/.test(value);

/** Splits a bid into the held target and the backrun transactions; refuses what MEV Blocker refuses. */
export function splitBid(txs: readonly string[], held: (hash: string) => SignedTx | undefined): { target: SignedTx; backruns: Hex[] } {
  const refuse = (message: string) => new RpcError(rpcErrorCodes.invalidParams, message);
  const [first, ...rest] = txs;
  if (!first || !isHash(first)) throw refuse("txs[0] must be the target's hash (32 bytes), not a raw transaction");
  const extra = rest.findIndex(isHash);
  if (extra >= 0) throw refuse(`one target per bundle: txs[${extra + 1}] is a hash; only txs[0] may be`);
  const target = held(first);
  if (!target) throw refuse(`unknown target ${first}: the relay holds no pending private transaction with this hash`);
  if (rest.length === 0) throw refuse('a bundle needs a backrun after the target');
  return { target, backruns: rest as Hex[] };
}

/** The fields MEV Blocker streams for a private transaction: everything but the signature. */
export function partialTransaction(tx: SignedTx, parsed: TransactionSerializable): Record<string, unknown> {
  const quantity = (value: bigint | number) => `0x${value.toString(16)}`;
  const typeByte = { legacy: '0x0', eip2930: '0x1', eip1559: '0x2' } as Record<string, string>;
  const fees =
    parsed.type === 'eip1559'
      ? { maxPriorityFeePerGas: quantity(tx.maxPriorityFeePerGas), maxFeePerGas: quantity(tx.maxFeePerGas) }
      : { gasPrice: quantity(tx.maxFeePerGas) };
  return {
    chainId: quantity(tx.chainId ?? 0),
    to: tx.to?.toLowerCase() ?? null,
    value: quantity(tx.value),
    data: tx.data,
    accessList: tx.accessList ?? [],
    nonce: quantity(tx.nonce),
    ...fees,
    gas: quantity(tx.gas),
    type: typeByte[parsed.type ?? 'legacy'] ?? '0x0',
    hash: tx.hash,
    from: tx.from.toLowerCase(),
  };
}

/**
 * The uuid the relay gives the builder for a searcher's `replacementUuid`: every bid reaches the builder under the
 * relay's one signer, so the searcher's identity is part of it (one searcher cannot replace another's bid).
 */
export function builderUuid(identity: string, replacementUuid: string): string {
  const digest = keccak256(stringToHex(`${identity}\n${replacementUuid}`)).slice(2, 34);
  return `${digest.slice(0, 8)}-${digest.slice(8, 12)}-${digest.slice(12, 16)}-${digest.slice(16, 20)}-${digest.slice(20, 32)}`;
}
