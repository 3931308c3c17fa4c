import type { RawTx, SwapIntent } from './types.ts';

export class TxLineError extends Error {}

const hexString = /^0x[0-9a-fA-F]*$/;
const addressString = /^0x[0-9a-fA-F]{40}$/;

/** Parses one `{hash, from, to, value, input}` line (value as hex or decimal wei). Throws TxLineError. */
export function parseTxLine(line: string): RawTx {
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(line);
  } catch {
    throw new TxLineError('not JSON');
  }
  if (typeof json !== 'object' || json === null) throw new TxLineError('not a JSON object');
  const { hash, from, to, value, input } = json as Record<string, unknown>;
  if (typeof hash !== 'string' || !hexString.test(hash)) throw new TxLineError('hash must be a hex string');
  if (typeof from !== 'string' || !addressString.test(from)) throw new TxLineError('from must be an address');
  if (to !== null && to !== undefined && (typeof to !== 'string' || !addressString.test(to))) throw new TxLineError('to must be an address or null');
  if (typeof input !== 'string' || !hexString.test(input) || input.length % 2 !== 0) throw new TxLineError('input must be even-length hex');
  let wei: bigint;
  try {
    wei = value === undefined || value === null ? 0n : BigInt(value as string);
  } catch {
    throw new TxLineError('value must be wei, hex or decimal');
  }
  if (wei < 0n) throw new TxLineError('value must not be negative');
  return { hash, from: from.toLowerCase(), to: typeof to === 'string' ? to.toLowerCase() : null, value: wei, input };
}

/**
 * The decode output's JSON form: amounts as decimal strings, addresses lower-case. V4 swaps add, after the
 * common fields, each hop's tick spacing and hooks, the pools (key, id, direction, hook data) and openAmount
 * when the plan leaves an amount open; V2/V3 swaps keep exactly the common fields.
 */
export function swapToJson(swap: SwapIntent): Record<string, unknown> {
  const json = common(swap);
  if (swap.protocol !== 'v4' || !swap.pools) return json;
  json.tickSpacings = swap.pools.map((pool) => pool.tickSpacing);
  json.hooks = swap.pools.map((pool) => pool.hooks);
  json.pools = swap.pools.map((pool) => ({ ...pool }));
  if (swap.openAmount) json.openAmount = swap.openAmount;
  return json;
}

function common(swap: SwapIntent): Record<string, unknown> {
  return {
    protocol: swap.protocol,
    router: swap.router,
    kind: swap.kind,
    tokenIn: swap.tokenIn,
    tokenOut: swap.tokenOut,
    path: swap.path,
    fees: swap.fees,
    amountIn: swap.amountIn.toString(),
    amountOut: swap.amountOut.toString(),
    recipient: swap.recipient,
    deadline: swap.deadline === null ? null : swap.deadline.toString(),
  };
}
