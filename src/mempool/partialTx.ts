import type { Checked } from './nodeJson.ts';
import { isTxHash } from './nodeJson.ts';

/**
 * A transaction as MEV Blocker streams it: every field of the signed transaction but v, r, s. The calldata is
 * `data` there (`input` in a node's JSON; either is accepted, both must then agree). Pure.
 */
export type PartialTx = {
  hash: string;
  from: string;
  to: string | null;
  value: string;
  input: string;
  nonce: string;
  gas: string;
  maxFeePerGas?: string;
  maxPriorityFeePerGas?: string;
  gasPrice?: string;
};

const address20 = /^0x[0-9a-fA-F]{40}$/;
/** A JSON-RPC quantity of at most 256 bits. */
const quantity = /^0x[0-9a-fA-F]{1,64}$/;
const data = /^0x(?:[0-9a-fA-F]{2})*$/;

const isQuantity = (value: unknown): value is string => typeof value === 'string' && quantity.test(value);
const present = (value: unknown) => value !== undefined && value !== null;

export function checkPartialTx(value: unknown, chainId?: number): Checked<PartialTx> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, reason: 'not an object' };
  const json = value as Record<string, unknown>;
  if (!isTxHash(json.hash)) return { ok: false, reason: 'hash must be 32 bytes of hex' };
  if (typeof json.from !== 'string' || !address20.test(json.from)) return { ok: false, reason: 'from must be an address' };
  if (present(json.to) && (typeof json.to !== 'string' || !address20.test(json.to))) return { ok: false, reason: 'to must be an address or null' };
  const input = json.data ?? json.input;
  if (typeof input !== 'string' || !data.test(input)) return { ok: false, reason: 'data must be even-length hex' };
  if (present(json.data) && present(json.input) && String(json.data).toLowerCase() !== String(json.input).toLowerCase()) return { ok: false, reason: 'data and input differ' };
  for (const field of ['value', 'nonce', 'gas'] as const) if (!isQuantity(json[field])) return { ok: false, reason: `${field} must be a quantity` };
  for (const field of ['maxFeePerGas', 'maxPriorityFeePerGas', 'gasPrice', 'chainId', 'type'] as const) {
    if (present(json[field]) && !isQuantity(json[field])) return { ok: false, reason: `${field} must be a quantity` };
  }
  // The fee cap is what a backrun is priced against: a transaction without one cannot be judged.
  if (!present(json.maxFeePerGas) && !present(json.gasPrice)) return { ok: false, reason: 'maxFeePerGas or gasPrice is required' };
  if (chainId !== undefined && present(json.chainId) && BigInt(json.chainId as string) !== BigInt(chainId)) return { ok: false, reason: `chainId ${BigInt(json.chainId as string)} is not this chain (${chainId})` };
  return {
    ok: true,
    value: {
      hash: json.hash,
      from: json.from,
      to: present(json.to) ? (json.to as string) : null,
      value: json.value as string,
      input,
      nonce: json.nonce as string,
      gas: json.gas as string,
      ...(present(json.maxFeePerGas) ? { maxFeePerGas: json.maxFeePerGas as string } : {}),
      ...(present(json.maxPriorityFeePerGas) ? { maxPriorityFeePerGas: json.maxPriorityFeePerGas as string } : {}),
      ...(present(json.gasPrice) ? { gasPrice: json.gasPrice as string } : {}),
    },
  };
}
