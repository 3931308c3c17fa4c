/**
 * Uniswap V4 pools in the market's pipeline: found from a PoolManager's `Initialize` events (one PoolManager per
 * chain holds every pool, so it plays the part a factory plays for V2/V3), and read with extsload (v4Reader.ts).
 */
import { decodeEventLog, getAddress, parseAbiItem, toEventSelector, type Address, type Hex, type Log, type PublicClient } from 'viem';
import { v4PoolId, type V4PoolKey } from '../amm/v4/poolKey.ts';
import type { Limiter } from '../chain/inFlight.ts';
import { StateReadError, type TickWindows } from './reader.ts';
import type { V4Pool } from './types.ts';
import { readV4Pool, readV4Slot0s } from './v4Reader.ts';

export const initializeEvent = parseAbiItem(
  'event Initialize(bytes32 indexed id, address indexed currency0, address indexed currency1, uint24 fee, int24 tickSpacing, address hooks, uint160 sqrtPriceX96, int24 tick)',
);
export const initializeTopic: Hex = toEventSelector(initializeEvent);

/** A V4 pool to read: its key, the PoolManager that holds it, and the venue it is listed under. */
export type V4Entry = { key: V4PoolKey; poolManager: Address; venue?: string };

/** The V4 pool an `Initialize` log of a watched PoolManager announces, or undefined (another log, another emitter). */
export function initializedPool(log: Log, managers: ReadonlyArray<{ poolManager: Address; venue: string }>): (V4Entry & { poolId: Hex }) | undefined {
  if (log.topics[0] !== initializeTopic) return undefined;
  const manager = managers.find((m) => m.poolManager.toLowerCase() === log.address.toLowerCase());
  if (!manager) return undefined;
  let args;
  try {
    ({ args } = decodeEventLog({ abi: [initializeEvent], data: log.data, topics: log.topics as [Hex, ...Hex[]], strict: true }));
  } catch {
    return undefined;
  }
  const key: V4PoolKey = { currency0: getAddress(args.currency0), currency1: getAddress(args.currency1), fee: args.fee, tickSpacing: args.tickSpacing, hooks: getAddress(args.hooks) };
  // The id is recomputed from the key (the event's own id would be trusted only as far as the emitter is).
  const poolId = v4PoolId(key);
  if (poolId !== args.id.toLowerCase()) return undefined;
  return { key, poolManager: getAddress(manager.poolManager), venue: manager.venue, poolId };
}

export type ReadV4PoolsReturnType = { pools: V4Pool[]; gone: Hex[] };

/**
 * The state of V4 pools at one block. With tick windows, slot0 of every pool comes first (one extsload per
 * PoolManager) to centre each window on its tick. A pool the PoolManager does not hold initialized (gone with a
 * reorg) is named in `gone`; node errors are thrown.
 */
export async function readV4Pools(client: PublicClient, entries: readonly V4Entry[], blockNumber: bigint, options: { limiter?: Limiter; windows?: TickWindows } = {}): Promise<ReadV4PoolsReturnType> {
  const ranges = new Map<string, { from: number; to: number } | undefined>();
  if (options.windows) {
    const byManager = new Map<string, V4Entry[]>();
    for (const entry of entries) byManager.set(entry.poolManager.toLowerCase(), [...(byManager.get(entry.poolManager.toLowerCase()) ?? []), entry]);
    for (const group of byManager.values()) {
      const ids = group.map((entry) => v4PoolId(entry.key));
      const slot0s = await (options.limiter ?? ((work) => work()))(() => readV4Slot0s(client, group[0]!.poolManager, ids, blockNumber));
      ids.forEach((id, i) => {
        const slot0 = slot0s[i]!;
        if (slot0.sqrtPriceX96 !== 0n) ranges.set(id, options.windows!({ address: id, tick: slot0.tick, tickSpacing: group[i]!.key.tickSpacing }));
      });
    }
  }
  const gone: Hex[] = [];
  const read = await Promise.all(
    entries.map(async (entry) => {
      const range = ranges.get(v4PoolId(entry.key));
      try {
        return await readV4Pool(client, { ...entry, blockNumber, ...(range ? { wordRange: range } : {}), ...(options.limiter ? { limiter: options.limiter } : {}) });
      } catch (error) {
        if (error instanceof StateReadError && /not initialized/.test(error.message)) {
          gone.push(v4PoolId(entry.key));
          return undefined;
        }
        throw error;
      }
    }),
  );
  return { pools: read.filter((pool): pool is V4Pool => pool !== undefined), gone };
}

/** The entry to read a tracked V4 pool again. */
export const v4EntryOf = (pool: V4Pool): V4Entry => ({ key: pool.key, poolManager: pool.poolManager, ...(pool.venue ? { venue: pool.venue } : {}) });

/**
 * The keys of V4 pools named by id, from their PoolManager's `Initialize` events up to `toBlock` (a pool id is a
 * hash: only the event tells its currencies, fee, spacing and hooks). Ids never initialized are absent.
 */
export async function findV4Keys(client: PublicClient, poolManager: Address, poolIds: readonly Hex[], toBlock: bigint): Promise<Map<string, V4Entry>> {
  const found = new Map<string, V4Entry>();
  if (poolIds.length === 0) return found;
  const logs = await client.getLogs({ address: poolManager, event: initializeEvent, args: { id: [...poolIds] }, fromBlock: 0n, toBlock });
  for (const log of logs) {
    const entry = initializedPool(log as Log, [{ poolManager, venue: 'uniswapV4' }]);
    if (entry) found.set(entry.poolId, { key: entry.key, poolManager: entry.poolManager, ...(entry.venue ? { venue: entry.venue } : {}) });
  }
  return found;
}
