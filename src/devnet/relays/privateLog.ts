import type { Hex } from 'viem';
import type { SwapRoute } from '../traffic/privateRoute.ts';

/** The devnet-only method each relay answers: every private transaction it took, with its route. */
export const privateTransactionsMethod = 'devnet_privateTransactions';

export type PrivateTransactionEntry = { hash: Hex; route: Exclude<SwapRoute, 'public'> };

/** How many private transactions a relay's log keeps (oldest forgotten first): far more than any devnet run sends. */
const maxLogged = 200_000;

/**
 * A relay's record of every private transaction it took, kept after the transaction lands (the relay's working
 * set forgets it then). Served by `devnet_privateTransactions`, so the devnet's truth can group victims by the
 * route each user chose, in the relay's own words.
 */
export class PrivateLog {
  private readonly hashes = new Set<string>();

  constructor(readonly route: Exclude<SwapRoute, 'public'>) {}

  record(hash: Hex): void {
    this.hashes.add(hash.toLowerCase());
    if (this.hashes.size > maxLogged) this.hashes.delete(this.hashes.values().next().value!);
  }

  list(): PrivateTransactionEntry[] {
    return [...this.hashes].map((hash) => ({ hash: hash as Hex, route: this.route }));
  }
}
