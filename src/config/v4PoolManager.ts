import { getAddress, type Address } from 'viem';
import type { RunConfig } from './runConfig.ts';

/**
 * The Uniswap V4 PoolManager the bot plans V4 hops in and prices V4 victims in: the one `factories.v4` lists. The
 * executor swaps in a single PoolManager (its owner's setPoolManager; `searcher doctor` checks it is listed), so
 * with several different ones listed the bot cannot tell which without a chain read and uses none (V4 refused,
 * fail closed). Undefined: V4 off.
 */
export function configuredV4PoolManager(factories: Pick<RunConfig['factories'], 'v4'>): Address | undefined {
  const managers = new Set((factories.v4 ?? []).map((entry) => getAddress(entry.poolManager)));
  return managers.size === 1 ? [...managers][0] : undefined;
}
