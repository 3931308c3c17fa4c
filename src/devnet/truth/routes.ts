import { SearcherError } from '../../errors.ts';
import type { DevnetManifest } from '../manifest.ts';
import type { SwapRoute } from '../traffic/privateRoute.ts';
import { devnetCall } from './devnetCall.ts';
import { privateTransactionsMethod, type PrivateTransactionEntry } from '../relays/privateLog.ts';

export class SwapRoutesError extends SearcherError {}

export { privateTransactionsMethod };

/** Which route each private transaction took, by lower-case hash; a hash not in it went to the public mempool. */
export type SwapRoutes = ReadonlyMap<string, SwapRoute>;

/** The route of a transaction: what a relay recorded, else public (the devnet's default). */
export const routeOf = (routes: SwapRoutes, hash: string): SwapRoute => routes.get(hash.toLowerCase()) ?? 'public';

/**
 * The relays' own record of the private transactions they took (`devnet_privateTransactions` on the MEV Blocker
 * relay's and the MEV-Share relay's JSON-RPC endpoints), read over HTTP: the devnet may run in another process.
 * A relay that cannot answer fails the read (fail closed): a truth that silently counted its swaps as public
 * would grade the private routes as empty.
 */
export async function readSwapRoutes(manifest: Pick<DevnetManifest, 'mevBlocker' | 'mevShare'>): Promise<Map<string, SwapRoute>> {
  const routes = new Map<string, SwapRoute>();
  const urls = [manifest.mevBlocker.rpcUrl, ...(manifest.mevShare ? [manifest.mevShare.apiUrl] : [])];
  for (const url of urls) {
    for (const entry of await privateTransactionsOf(url)) routes.set(entry.hash.toLowerCase(), entry.route);
  }
  return routes;
}

async function privateTransactionsOf(url: string): Promise<PrivateTransactionEntry[]> {
  let result: unknown;
  try {
    result = await devnetCall<unknown>(url, privateTransactionsMethod, []);
  } catch (cause) {
    throw new SwapRoutesError('SWAP_ROUTES', `the relay at ${url} did not list its private transactions: ${(cause as Error).message}`, { cause });
  }
  if (!Array.isArray(result)) throw new SwapRoutesError('SWAP_ROUTES', `the relay at ${url} answered ${privateTransactionsMethod} with no list`);
  return result as PrivateTransactionEntry[];
}
