import type { Address } from 'viem';
import type { Pool } from '../state/types.ts';

/**
 * A pool of a cycle as the store keeps it beside the opportunity (migration 11): what it was when we traded it, so
 * the report and the dashboard can name it by protocol, venue, fee and pair long after the market forgot it. A V4
 * pool is named by its pool id (32 bytes), never an address; its fee and tick spacing come from its key, with its
 * hooks; a currency of address(0) is native ETH.
 */
export type HopRecord = {
  /** The pool's address (V2/V3), or the V4 pool id (bytes32, lowercase). */
  pool: string;
  protocol: 'v2' | 'v3' | 'v4';
  /** The DEX it belongs to (the factory's name in the config), when known. */
  venue?: string;
  /** The LP fee in hundredths of a basis point (V2's bps times 100); V4: the key's fee, the dynamic-fee flag kept. */
  feePips: number;
  /** V3 and V4. */
  tickSpacing?: number;
  /** V4: the key's hooks (address(0) for none). */
  hooks?: Address;
  /** V4: a hook may change the swap, so only a simulation prices it. */
  simulateOnly?: boolean;
  token0: Address;
  token1: Address;
};

/** Pure: the store's record of one pool of a cycle, from the market's pool. */
export function hopRecord(pool: Pool): HopRecord {
  const common = { pool: pool.address, token0: pool.token0, token1: pool.token1, ...(pool.venue !== undefined ? { venue: pool.venue } : {}) };
  if (pool.kind === 'v2') return { ...common, protocol: 'v2', feePips: Number(pool.feeBps) * 100 };
  if (pool.kind === 'v3') return { ...common, protocol: 'v3', feePips: pool.fee, tickSpacing: pool.tickSpacing };
  return { ...common, pool: pool.poolId.toLowerCase(), protocol: 'v4', feePips: pool.key.fee, tickSpacing: pool.key.tickSpacing, hooks: pool.key.hooks, simulateOnly: pool.simulateOnly };
}

const hexOf = (value: unknown, bytes: number): value is string => typeof value === 'string' && new RegExp(`^0x[0-9a-fA-F]{${bytes * 2}}$`).test(value);
const smallInt = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value);

/**
 * Pure: the hops column read back, or null when the row has none (rows from before migration 11, or a cycle
 * whose pools the market no longer held) or it is not what `hopRecord` writes: a report shows such a pool by its
 * id alone rather than guess its fee.
 */
export function parseHops(text: string | null): HopRecord[] | null {
  if (text === null) return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (!Array.isArray(value)) return null;
  const hops: HopRecord[] = [];
  for (const item of value as Array<Record<string, unknown>>) {
    if (typeof item !== 'object' || item === null) return null;
    const { pool, protocol, venue, feePips, tickSpacing, hooks, simulateOnly, token0, token1 } = item;
    if (protocol !== 'v2' && protocol !== 'v3' && protocol !== 'v4') return null;
    if (!hexOf(pool, protocol === 'v4' ? 32 : 20) || !smallInt(feePips) || !hexOf(token0, 20) || !hexOf(token1, 20)) return null;
    if (venue !== undefined && typeof venue !== 'string') return null;
    if (tickSpacing !== undefined && !smallInt(tickSpacing)) return null;
    if (hooks !== undefined && !hexOf(hooks, 20)) return null;
    if (simulateOnly !== undefined && typeof simulateOnly !== 'boolean') return null;
    hops.push({
      pool,
      protocol,
      feePips,
      token0: token0 as Address,
      token1: token1 as Address,
      ...(venue !== undefined ? { venue } : {}),
      ...(tickSpacing !== undefined ? { tickSpacing } : {}),
      ...(hooks !== undefined ? { hooks: hooks as Address } : {}),
      ...(simulateOnly !== undefined ? { simulateOnly } : {}),
    });
  }
  return hops;
}
