/**
 * Checks of what a node sends us (pending transactions, heads, block bodies) before any of it is used: a
 * missing or ill-typed field is a reason string, never an exception later on the hot path. Pure.
 */

/** A node's transaction object (eth_getTransactionByHash, txpool_content, full-body subscriptions). */
export type NodeTx = {
  hash: string;
  from: string;
  to: string | null;
  value: string;
  input: string;
  nonce?: string;
  blockNumber?: string | null;
  maxFeePerGas?: string;
  maxPriorityFeePerGas?: string;
  gasPrice?: string;
  gas?: string;
};

/** The header fields the watcher reads from a newHeads notification. */
export type NodeHead = {
  number: string;
  hash: string;
  parentHash: string;
  baseFeePerGas: string;
  gasUsed: string;
  gasLimit: string;
  timestamp: string;
};

export type Checked<T> = { ok: true; value: T } | { ok: false; reason: string };

const hash32 = /^0x[0-9a-fA-F]{64}$/;
const address20 = /^0x[0-9a-fA-F]{40}$/;
/** A JSON-RPC quantity of at most 256 bits. */
const quantity = /^0x[0-9a-fA-F]{1,64}$/;
const data = /^0x(?:[0-9a-fA-F]{2})*$/;

export function isTxHash(value: unknown): value is string {
  return typeof value === 'string' && hash32.test(value);
}

function object(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** The first of `fields` that is present (not undefined/null) and not a quantity. */
function badQuantity(json: Record<string, unknown>, fields: readonly string[]): string | undefined {
  return fields.find((field) => json[field] !== undefined && json[field] !== null && !(typeof json[field] === 'string' && quantity.test(json[field])));
}

export function checkNodeTx(value: unknown): Checked<NodeTx> {
  const json = object(value);
  if (!json) return { ok: false, reason: 'not an object' };
  if (!isTxHash(json.hash)) return { ok: false, reason: 'hash must be 32 bytes of hex' };
  if (typeof json.from !== 'string' || !address20.test(json.from)) return { ok: false, reason: 'from must be an address' };
  if (json.to !== undefined && json.to !== null && (typeof json.to !== 'string' || !address20.test(json.to))) return { ok: false, reason: 'to must be an address or null' };
  if (typeof json.value !== 'string' || !quantity.test(json.value)) return { ok: false, reason: 'value must be a quantity' };
  if (typeof json.input !== 'string' || !data.test(json.input)) return { ok: false, reason: 'input must be even-length hex' };
  const bad = badQuantity(json, ['nonce', 'blockNumber', 'maxFeePerGas', 'maxPriorityFeePerGas', 'gasPrice', 'gas']);
  if (bad) return { ok: false, reason: `${bad} must be a quantity` };
  return { ok: true, value: { ...(json as NodeTx), to: (json.to as string | null | undefined) ?? null } };
}

export function checkNodeHead(value: unknown): Checked<NodeHead> {
  const json = object(value);
  if (!json) return { ok: false, reason: 'not an object' };
  if (typeof json.number !== 'string' || !quantity.test(json.number)) return { ok: false, reason: 'number must be a quantity' };
  if (!isTxHash(json.hash)) return { ok: false, reason: 'hash must be 32 bytes of hex' };
  if (!isTxHash(json.parentHash)) return { ok: false, reason: 'parentHash must be 32 bytes of hex' };
  // Required, not only well-formed: the next block's base fee is computed from them, and a missing one read as 0
  // would price our gas at nothing and sign transactions below the real fee.
  const bad = ['timestamp', 'baseFeePerGas', 'gasUsed', 'gasLimit'].find((field) => typeof json[field] !== 'string' || !quantity.test(json[field] as string));
  if (bad) return { ok: false, reason: `${bad} must be a quantity` };
  return { ok: true, value: json as NodeHead };
}

/** eth_getBlockByHash(hash, false): null (unknown block) or an object whose transactions are hashes. */
export function checkBlockHashes(value: unknown): Checked<readonly string[] | undefined> {
  if (value === null) return { ok: true, value: undefined };
  const json = object(value);
  if (!json) return { ok: false, reason: 'block is not an object' };
  const transactions = json.transactions;
  if (!Array.isArray(transactions) || !transactions.every(isTxHash)) return { ok: false, reason: 'transactions must be a list of hashes' };
  return { ok: true, value: transactions as string[] };
}
