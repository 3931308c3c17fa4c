import { keccak256, serializeTransaction, type AccessList, type Address, type Hex, type SignedAuthorizationList, type TransactionSerializable } from 'viem';
import { SearcherError } from '../errors.ts';

/**
 * The victim's signed bytes could not be recovered. `VICTIM_RAW_UNSUPPORTED`: a transaction type a bundle
 * cannot carry this way (blob transactions need their sidecar); `VICTIM_RAW_MISMATCH`: neither the
 * re-serialisation nor the node gave bytes that hash to the transaction's hash.
 */
export class VictimRawError extends SearcherError {}

/**
 * The signed fields of a transaction, as viem's `Transaction` (from getTransaction, a block, or a pending-tx
 * subscription) carries them. Every viem Transaction fits this shape.
 */
export type SignedTransactionFields = {
  hash: Hex;
  type?: string;
  chainId?: number;
  nonce?: number;
  gas?: bigint;
  gasPrice?: bigint;
  maxFeePerGas?: bigint;
  maxPriorityFeePerGas?: bigint;
  to?: Address | null;
  value?: bigint;
  input?: Hex;
  accessList?: AccessList;
  authorizationList?: SignedAuthorizationList;
  r?: Hex;
  s?: Hex;
  v?: bigint;
  yParity?: number;
};

/** Asks a node for a transaction's signed bytes (`eth_getRawTransactionByHash`); null when it does not know it. */
export type RawTransactionSource = (hash: Hex) => Promise<Hex | null | undefined>;

/** A RawTransactionSource over any EIP-1193 style client (a viem client's `request`). */
export function nodeRawTransactionSource(client: { request: (args: never) => Promise<unknown> }): RawTransactionSource {
  // viem types `request` per method and knows no eth_getRawTransactionByHash; the call itself is plain JSON-RPC.
  const request = client.request as unknown as (args: { method: string; params: unknown[] }) => Promise<unknown>;
  return async (hash) => {
    const raw = await request({ method: 'eth_getRawTransactionByHash', params: [hash] });
    return typeof raw === 'string' && raw.startsWith('0x') && raw.length > 2 ? (raw as Hex) : null;
  };
}

function need<T>(tx: SignedTransactionFields, name: keyof SignedTransactionFields, value: T | undefined): T {
  if (value === undefined || value === null) {
    throw new VictimRawError('VICTIM_RAW_FIELDS', `transaction ${tx.hash}: no ${String(name)} field, cannot rebuild its signed bytes`);
  }
  return value;
}

function yParityOf(tx: SignedTransactionFields): number {
  if (tx.yParity === 0 || tx.yParity === 1) return tx.yParity;
  if (tx.v === 0n || tx.v === 27n) return 0;
  if (tx.v === 1n || tx.v === 28n) return 1;
  throw new VictimRawError('VICTIM_RAW_FIELDS', `transaction ${tx.hash}: no usable yParity/v in its signature`);
}

/** A node omits `type` on pre-Berlin legacy transactions. */
function typeOf(tx: SignedTransactionFields): string {
  if (tx.type) return tx.type;
  if (tx.maxFeePerGas !== undefined) return 'eip1559';
  if (tx.accessList !== undefined) return 'eip2930';
  return 'legacy';
}

/**
 * Re-serialises a signed transaction from its fields (RLP per its type, with its own signature). Pure: it does
 * not check the result; `victimRawTransaction` does.
 */
export function reserializeSignedTransaction(tx: SignedTransactionFields): Hex {
  const type = typeOf(tx);
  const r = need(tx, 'r', tx.r);
  const s = need(tx, 's', tx.s);
  const common = { nonce: need(tx, 'nonce', tx.nonce), gas: need(tx, 'gas', tx.gas), to: tx.to ?? null, value: tx.value ?? 0n, data: tx.input ?? '0x' };
  let fields: TransactionSerializable;
  let signature: { r: Hex; s: Hex; v?: bigint; yParity?: number };
  switch (type) {
    case 'legacy': {
      const v = need(tx, 'v', tx.v);
      // v says which form was signed: 27/28 before EIP-155 (no chain id in the hash), 35+ with the chain id in v.
      if (v !== 27n && v !== 28n && v < 35n) throw new VictimRawError('VICTIM_RAW_FIELDS', `transaction ${tx.hash}: legacy v ${v} is neither 27/28 nor EIP-155`);
      fields = { type: 'legacy', gasPrice: need(tx, 'gasPrice', tx.gasPrice), ...common };
      signature = { r, s, v };
      break;
    }
    case 'eip2930':
      fields = { type: 'eip2930', chainId: need(tx, 'chainId', tx.chainId), gasPrice: need(tx, 'gasPrice', tx.gasPrice), accessList: tx.accessList ?? [], ...common };
      signature = { r, s, yParity: yParityOf(tx) };
      break;
    case 'eip1559':
      fields = {
        type: 'eip1559',
        chainId: need(tx, 'chainId', tx.chainId),
        maxFeePerGas: need(tx, 'maxFeePerGas', tx.maxFeePerGas),
        maxPriorityFeePerGas: need(tx, 'maxPriorityFeePerGas', tx.maxPriorityFeePerGas),
        accessList: tx.accessList ?? [],
        ...common,
      };
      signature = { r, s, yParity: yParityOf(tx) };
      break;
    case 'eip7702':
      fields = {
        type: 'eip7702',
        chainId: need(tx, 'chainId', tx.chainId),
        maxFeePerGas: need(tx, 'maxFeePerGas', tx.maxFeePerGas),
        maxPriorityFeePerGas: need(tx, 'maxPriorityFeePerGas', tx.maxPriorityFeePerGas),
        accessList: tx.accessList ?? [],
        authorizationList: need(tx, 'authorizationList', tx.authorizationList),
        ...common,
        to: need(tx, 'to', tx.to ?? undefined),
      };
      signature = { r, s, yParity: yParityOf(tx) };
      break;
    case 'eip4844':
      throw new VictimRawError('VICTIM_RAW_UNSUPPORTED', `transaction ${tx.hash}: blob transactions need their blob sidecar, which a transaction object does not carry`);
    default:
      throw new VictimRawError('VICTIM_RAW_UNSUPPORTED', `transaction ${tx.hash}: unknown transaction type ${type}`);
  }
  try {
    return serializeTransaction(fields, signature as never);
  } catch (cause) {
    throw new VictimRawError('VICTIM_RAW_FIELDS', `transaction ${tx.hash}: its fields do not serialise (${(cause as { shortMessage?: string }).shortMessage ?? String(cause)})`, { cause });
  }
}

export type VictimRaw = { raw: Hex; source: 'reserialized' | 'node' };

/**
 * The victim's exact signed bytes, proven by keccak256(raw) === hash: first re-serialised from the signed
 * fields we already hold (no round trip), then, if that fails, from the node (`eth_getRawTransactionByHash`).
 * Bytes that do not hash to the victim's hash are never returned: a builder would run a different transaction.
 */
export async function victimRawTransaction(tx: SignedTransactionFields, options: { fetchRaw?: RawTransactionSource } = {}): Promise<VictimRaw> {
  const expected = tx.hash.toLowerCase();
  let local: string;
  try {
    const raw = reserializeSignedTransaction(tx);
    if (keccak256(raw) === expected) return { raw, source: 'reserialized' };
    local = 're-serialised bytes hash to something else';
  } catch (error) {
    if (error instanceof VictimRawError && error.code === 'VICTIM_RAW_UNSUPPORTED') throw error;
    local = error instanceof Error ? error.message : String(error);
  }
  if (!options.fetchRaw) throw new VictimRawError('VICTIM_RAW_MISMATCH', `transaction ${tx.hash}: cannot recover its signed bytes (${local}; no node to ask)`);
  let fromNode: Hex | null | undefined;
  try {
    fromNode = await options.fetchRaw(tx.hash);
  } catch (cause) {
    throw new VictimRawError('VICTIM_RAW_MISMATCH', `transaction ${tx.hash}: cannot recover its signed bytes (${local}; the node request failed)`, { cause });
  }
  if (fromNode && keccak256(fromNode) === expected) return { raw: fromNode, source: 'node' };
  throw new VictimRawError(
    'VICTIM_RAW_MISMATCH',
    `transaction ${tx.hash}: cannot recover its signed bytes (${local}; the node ${fromNode ? 'returned bytes with another hash' : 'does not know it'})`,
  );
}
