import type { PublicClient } from 'viem';
import type { Logger } from '../log.ts';
import { discoverPools, readMarket, type DiscoveredPools, type Factories, type ReadMarketOptions } from './bootstrap.ts';
import { isDynamicFee, v4PoolId } from '../amm/v4/poolKey.ts';
import { poolStateTopics, stateLogKey } from './events.ts';
import { scanLogs } from './logScan.ts';
import type { BlockRef } from './market.ts';
import type { PoolCheckpoint, PoolCheckpointStore, RegisteredPool } from './poolCheckpoint.ts';
import type { TickWindows } from './reader.ts';
import type { Pool } from './types.ts';

export type LoadMarketParameters = {
  client: PublicClient;
  factories: Factories;
  /** The block the market is loaded at. */
  head: BlockRef;
  logger: Logger;
  /** Where the registry and states persist between runs (absent: every start is cold). */
  checkpoints?: { store: PoolCheckpointStore; scope: string };
  floor?: ReadMarketOptions['floor'];
  maxInFlight?: number;
  poolsPerCall?: number;
  windows?: TickWindows;
  logs?: { initialSpan?: bigint; maxSpan?: bigint };
  /**
   * A checkpoint further behind than this is not caught up log by log (reading every pool event of the gap would
   * cost more than reading the pools): its registry is kept, the states are read again.
   */
  maxWarmGap?: bigint;
};

export type BootstrapStats = {
  /** Pools the factories created (the registry). */
  discovered: number;
  /** Pools kept after the liquidity floor. */
  tracked: number;
  /** Whether a checkpoint was used (registry, and the unchanged pools' states). */
  warm: boolean;
  /** Pools whose state was read from the chain in this load. */
  read: number;
  /** The checkpoint's block, when one was used. */
  fromCheckpoint?: bigint;
  getLogsRequests: number;
  getLogsCapped: number;
  peakInFlight: number;
};

export type LoadMarketReturnType = { pools: Pool[]; registry: RegisteredPool[]; stats: BootstrapStats };

/** The registry entries of discovered pools (with their fee, venue, factory and creation block). */
export function registeredPools(found: DiscoveredPools): RegisteredPool[] {
  return [
    ...found.v2.map((pair) => ({
      address: pair.pair,
      kind: 'v2' as const,
      feeBps: pair.feeBps,
      ...(pair.venue ? { venue: pair.venue } : {}),
      ...(pair.factory ? { factory: pair.factory } : {}),
      ...(found.createdAt?.has(pair.pair) ? { createdAt: found.createdAt.get(pair.pair)! } : {}),
    })),
    ...found.v3.map((pool) => ({
      address: pool,
      kind: 'v3' as const,
      ...(found.v3Venues?.has(pool) ? { venue: found.v3Venues.get(pool)! } : {}),
      ...(found.v3Factories?.has(pool) ? { factory: found.v3Factories.get(pool)! } : {}),
      ...(found.createdAt?.has(pool) ? { createdAt: found.createdAt.get(pool)! } : {}),
    })),
    ...(found.v4 ?? []).map((entry) => {
      const id = v4PoolId(entry.key);
      return {
        address: id,
        kind: 'v4' as const,
        v4Key: entry.key,
        factory: entry.poolManager,
        ...(entry.venue ? { venue: entry.venue } : {}),
        ...(found.createdAt?.has(id) ? { createdAt: found.createdAt.get(id)! } : {}),
        token0: entry.key.currency0,
        token1: entry.key.currency1,
      };
    }),
  ];
}

/** Registry entries with the tokens of the pools just read (an untracked pool's later Sync is then valued without a read). */
function withTokens(entries: readonly RegisteredPool[], pools: readonly Pool[]): RegisteredPool[] {
  const tokens = new Map(pools.map((pool) => [pool.address.toLowerCase(), pool]));
  return entries.map((entry) => {
    const pool = tokens.get(entry.address.toLowerCase());
    return pool ? { ...entry, token0: pool.token0, token1: pool.token1 } : entry;
  });
}

/** The pools to read, in the shape the reader takes. */
export function toDiscovered(entries: readonly RegisteredPool[]): DiscoveredPools {
  const found: DiscoveredPools = { v2: [], v3: [], v3Venues: new Map(), v3Factories: new Map(), v4: [] };
  for (const entry of entries) {
    if (entry.kind === 'v4') {
      // An entry without its key or PoolManager cannot be read again (never written so): left out, not guessed.
      if (entry.v4Key && entry.factory) found.v4!.push({ key: entry.v4Key, poolManager: entry.factory, ...(entry.venue ? { venue: entry.venue } : {}) });
    } else if (entry.kind === 'v2') {
      found.v2.push({ pair: entry.address, feeBps: entry.feeBps ?? 30n, ...(entry.venue ? { venue: entry.venue } : {}), ...(entry.factory ? { factory: entry.factory } : {}) });
    } else {
      found.v3.push(entry.address);
      if (entry.venue) found.v3Venues!.set(entry.address, entry.venue);
      if (entry.factory) found.v3Factories!.set(entry.address, entry.factory);
    }
  }
  return found;
}

/** The checkpoint, if there is one and its block is still on this chain's canonical branch, at or below the head. */
async function usableCheckpoint(parameters: LoadMarketParameters): Promise<PoolCheckpoint | undefined> {
  const { checkpoints, client, head, logger } = parameters;
  if (!checkpoints) return undefined;
  let checkpoint: PoolCheckpoint | undefined;
  try {
    checkpoint = checkpoints.store.loadPoolCheckpoint(checkpoints.scope);
  } catch (error) {
    logger.warn({ err: (error as Error).message }, 'state: cannot read the pool checkpoint; bootstrapping cold');
    return undefined;
  }
  if (!checkpoint) return undefined;
  if (checkpoint.block.number > head.number) {
    logger.warn({ checkpoint: String(checkpoint.block.number), head: String(head.number) }, 'state: the pool checkpoint is ahead of the node; bootstrapping cold');
    return undefined;
  }
  const canonical = await client.getBlock({ blockNumber: checkpoint.block.number });
  if (canonical.hash !== checkpoint.block.hash) {
    logger.warn({ checkpoint: String(checkpoint.block.number) }, 'state: the pool checkpoint is not on the canonical chain (reorged); bootstrapping cold');
    return undefined;
  }
  return checkpoint;
}

/**
 * The market at `head`, in as little reading as the checkpoint allows. Cold: every pool the factories created
 * (from block 0), read and filtered by the floor. Warm: the checkpoint's registry plus the pools created since,
 * and only the pools with an event since the checkpoint read again; the others keep their checkpointed state,
 * which is still the chain's (a pool's state changes only with an event). The result is saved as the new
 * checkpoint; a failed save costs the next start its warmth, nothing else.
 */
export async function loadMarket(parameters: LoadMarketParameters): Promise<LoadMarketReturnType> {
  const { client, factories, head, logger } = parameters;
  const checkpoint = await usableCheckpoint(parameters);
  const fromBlock = checkpoint ? checkpoint.block.number + 1n : 0n;
  const found = await discoverPools(client, factories, head.number, { fromBlock, ...parameters.logs });
  const created = registeredPools(found);
  const read = {
    ...(parameters.maxInFlight ? { maxInFlight: parameters.maxInFlight } : {}),
    ...(parameters.poolsPerCall ? { poolsPerCall: parameters.poolsPerCall } : {}),
    ...(parameters.windows ? { windows: parameters.windows } : {}),
  };
  const stats = { getLogsRequests: found.requests, getLogsCapped: found.capped };
  const gap = checkpoint ? head.number - checkpoint.block.number : 0n;

  if (checkpoint && gap <= (parameters.maxWarmGap ?? 5_000n)) {
    // Which registered pools moved since the checkpoint: every pool event of the gap, by address.
    const events = fromBlock <= head.number ? await scanLogs(client, { topics: poolStateTopics, fromBlock, toBlock: head.number, ...parameters.logs }) : { logs: [], requests: 0, capped: 0 };
    const moved = new Set(events.logs.map(stateLogKey));
    // A dynamic fee moves with no event (the hook sets it): such pools are always read again.
    for (const entry of checkpoint.registry) if (entry.v4Key && isDynamicFee(entry.v4Key)) moved.add(entry.address.toLowerCase());
    const stale = [...checkpoint.registry.filter((entry) => moved.has(entry.address.toLowerCase())), ...created];
    const again = new Set(stale.map((entry) => entry.address.toLowerCase()));
    const kept = checkpoint.states.filter((pool) => !again.has(pool.address.toLowerCase()));
    const floor = parameters.floor ? { ...parameters.floor, priceReference: kept } : undefined;
    const result = await readMarket(client, toDiscovered(stale), head.number, { ...read, ...(floor ? { floor } : {}) });
    const pools = [...kept, ...result.tracked];
    const gone = new Set(result.gone.map((address) => address.toLowerCase()));
    const readNow = withTokens(stale, [...result.tracked, ...result.untracked]);
    const refreshed = new Map(readNow.map((entry) => [entry.address.toLowerCase(), entry]));
    const registry = [...checkpoint.registry, ...created].filter((entry) => !gone.has(entry.address.toLowerCase())).map((entry) => refreshed.get(entry.address.toLowerCase()) ?? entry);
    save(parameters, { block: head, registry: readNow.filter((entry) => !gone.has(entry.address.toLowerCase())), states: result.tracked, untracked: result.untracked.map((pool) => pool.address), removed: result.gone });
    return {
      pools,
      registry,
      stats: {
        discovered: registry.length,
        tracked: pools.length,
        warm: true,
        read: stale.length,
        fromCheckpoint: checkpoint.block.number,
        getLogsRequests: stats.getLogsRequests + events.requests,
        getLogsCapped: stats.getLogsCapped + events.capped,
        peakInFlight: result.peakInFlight,
      },
    };
  }

  if (checkpoint) logger.info({ checkpoint: String(checkpoint.block.number), gap: String(gap) }, 'state: the pool checkpoint is far behind; reading every registered pool again');
  const wanted = [...(checkpoint?.registry ?? []), ...created];
  const result = await readMarket(client, toDiscovered(wanted), head.number, { ...read, ...(parameters.floor ? { floor: parameters.floor } : {}) });
  const gone = new Set(result.gone.map((address) => address.toLowerCase()));
  const registry = withTokens(wanted.filter((entry) => !gone.has(entry.address.toLowerCase())), [...result.tracked, ...result.untracked]);
  save(parameters, { block: head, registry, states: result.tracked, untracked: [], replace: true });
  return {
    pools: result.tracked,
    registry,
    stats: {
      discovered: registry.length,
      tracked: result.tracked.length,
      warm: checkpoint !== undefined,
      read: registry.length,
      ...(checkpoint ? { fromCheckpoint: checkpoint.block.number } : {}),
      ...stats,
      peakInFlight: result.peakInFlight,
    },
  };
}

function save(parameters: LoadMarketParameters, update: Parameters<PoolCheckpointStore['savePoolCheckpoint']>[1]): void {
  const { checkpoints, logger } = parameters;
  if (!checkpoints) return;
  try {
    checkpoints.store.savePoolCheckpoint(checkpoints.scope, update);
  } catch (error) {
    logger.warn({ err: (error as Error).message }, 'state: cannot save the pool checkpoint; the next start will read every pool');
  }
}

