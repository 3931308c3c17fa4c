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

/** The fee as the pool charges it: "0.3%", "0.05% ts 10", V4 "0.3% ts 60" with "hooks 0x…" when it has any, "dynamic" for a hook-set fee. */
export function feeLabel(hop: Pick<HopRecord, 'protocol' | 'feePips' | 'tickSpacing' | 'hooks'>): string {
  const fee = hop.protocol === 'v4' && hop.feePips === DYNAMIC_FEE_FLAG ? 'dynamic' : percent(hop.feePips);
  const spacing = hop.tickSpacing !== undefined ? ` ts ${hop.tickSpacing}` : '';
  const hooks = hop.hooks !== undefined && BigInt(hop.hooks) !== 0n ? ` hooks ${shortId(hop.hooks)}` : '';
  return `${fee}${spacing}${hooks}`;
}

/** "v4 uniswapV4", "v2 sushiswap", or the protocol alone when the venue is not known. */
export function venueLabel(hop: Pick<HopRecord, 'protocol' | 'venue'>): string {
  return hop.venue ? `${hop.protocol} ${hop.venue}` : hop.protocol;
}

/** "ETH/USDC": the pool's tokens in its own order. */
export function pairLabel(hop: Pick<HopRecord, 'token0' | 'token1'>): string {
  return `${tokenLabel(hop.token0)}/${tokenLabel(hop.token1)}`;
}

/** A pool of a path, short: "v4 0x1234ab…cdef" (the id alone when nothing else is known of it). */
export function hopLabel(pool: string, hop: Pick<HopRecord, 'protocol'> | undefined): string {
  return hop ? `${hop.protocol} ${shortId(pool)}` : shortId(pool);
}
