import { getAddress, type Address, type Hex } from 'viem';
import type { Factories } from '../state/bootstrap.ts';
import { mainnetFactories, mainnetInitCodeHashes } from '../state/venues.ts';
import { SearcherError } from '../errors.ts';

/** A factory the executor lets plans name (its constructor's `Factory` tuple): pools are recomputed from it. */
export type ExecutorFactory = { factory: Address; v3: boolean; v2FeeBps: number; initCodeHash: Hex };

/**
 * The executor registrations for a set of tracked factories: each venue's factory with its pools' init code
 * hash (by venue name) and, for V2-style ones, the fee the bot prices its pairs with. Throws if a venue has no
 * hash: a factory the executor does not know would make every plan through its pools revert.
 */
export function executorFactoriesFor(factories: Factories, initCodeHashes: Readonly<Record<string, Hex>>): ExecutorFactory[] {
  const hashOf = (venue: string): Hex => {
    const hash = initCodeHashes[venue];
    if (!hash) throw new SearcherError('EXECUTOR_FACTORIES', `no init code hash for venue ${venue}`);
    return hash;
  };
  return [
    ...factories.v2.map((f) => ({ factory: getAddress(f.address), v3: false, v2FeeBps: Number(f.feeBps), initCodeHash: hashOf(f.venue) })),
    ...factories.v3.map((f) => ({ factory: getAddress(f.address), v3: true, v2FeeBps: 0, initCodeHash: hashOf(f.venue) })),
  ];
}

/** What a mainnet executor registers at deployment: Uniswap V2 and SushiSwap (30 bps) and Uniswap V3. */
export const mainnetExecutorFactories: readonly ExecutorFactory[] = executorFactoriesFor(mainnetFactories, mainnetInitCodeHashes);
