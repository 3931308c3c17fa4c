import { zeroAddress } from 'viem';
import { mainnet, mainnetTokens } from '../chain/addresses.ts';
import { DYNAMIC_FEE_FLAG } from '../amm/v4/poolKey.ts';
import { formatUnitsExact } from '../units/decimal.ts';
import type { HopRecord } from './hops.ts';

/**
 * How the report and the dashboard name a pool: one short form for a 20-byte address and a 32-byte V4 pool id
 * alike (the full one goes beside it: --json, the page's hover), its protocol and venue, its fee (and tick spacing
 * and hooks where it has them), and its pair with native ETH as ETH.
 */

/** "0x1234ab…cdef": the first 3 bytes and the last 2, whatever the length (an address or a pool id). */
export function shortId(id: string): string {
  return /^0x[0-9a-fA-F]{11,}$/.test(id) ? `${id.slice(0, 8)}…${id.slice(-4)}` : id;
}

const symbols = new Map<string, string>([
  [zeroAddress, 'ETH'],
  [mainnet.weth.toLowerCase(), 'WETH'],
  ...Object.entries(mainnetTokens).map(([symbol, address]) => [address.toLowerCase(), symbol] as [string, string]),
]);

/** A token by its symbol where it is well known (address(0) is native ETH), else its short address. */
export function tokenLabel(token: string): string {
  return symbols.get(token.toLowerCase()) ?? shortId(token);
}

/** "0.3%" from hundredths of a basis point, exact. */
const percent = (pips: number) => `${formatUnitsExact(BigInt(pips), 4)}%`;

/**
 * The fee as the pool charges it: "0.3%", "0.05% ts 10", V4 "0.3% ts 60" with "hooks 0x…" when it has any, "dynamic"
 * for a hook-set fee; '' for a pool recorded by its id alone.
 */
export function feeLabel(hop: { protocol: HopRecord['protocol'] | null } & Partial<Pick<HopRecord, 'feePips' | 'tickSpacing' | 'hooks'>>): string {
  if (hop.protocol === null || hop.feePips === undefined) return '';
  const fee = hop.protocol === 'v4' && hop.feePips === DYNAMIC_FEE_FLAG ? 'dynamic' : percent(hop.feePips);
  const spacing = hop.tickSpacing !== undefined ? ` ts ${hop.tickSpacing}` : '';
  const hooks = hop.hooks !== undefined && BigInt(hop.hooks) !== 0n ? ` hooks ${shortId(hop.hooks)}` : '';
  return `${fee}${spacing}${hooks}`;
}

/** "ETH/USDC": the pool's tokens in its own order; '' when they are not known. */
export function pairLabel(hop: Partial<Pick<HopRecord, 'token0' | 'token1'>>): string {
  return hop.token0 && hop.token1 ? `${tokenLabel(hop.token0)}/${tokenLabel(hop.token1)}` : '';
}

/** A pool of a path, short: "v4 0x1234ab…cdef" (the id alone when nothing else is known of it). */
export function hopLabel(pool: string, hop: Pick<HopRecord, 'protocol'> | undefined): string {
  return hop ? `${hop.protocol} ${shortId(pool)}` : shortId(pool);
}
