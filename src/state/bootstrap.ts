import { decodeEventLog, getAddress, parseAbiItem, toEventSelector, type Address, type Hex, type Log, type PublicClient } from 'viem';
import { limitInFlight } from '../chain/inFlight.ts';
import { applyLiquidityFloor, type PriceLookup } from './liquidityFloor.ts';
import { scanLogs } from './logScan.ts';
import { readPoolHeaders, readPoolTicks, type ReadPoolsParameters, type TickWindows } from './reader.ts';
import type { Pool, V2Pair, V3Pool } from './types.ts';
import { initializedPool, initializeTopic, readV4Pools, type V4Entry } from './v4Pools.ts';

const pairCreated = parseAbiItem('event PairCreated(address indexed token0, address indexed token1, address pair, uint256 pairCount)');
const poolCreated = parseAbiItem(
  'event PoolCreated(address indexed token0, address indexed token1, uint24 indexed fee, int24 tickSpacing, address pool)',
);

export type Factories = {
  /** V2-style factories, their pairs' fee (bps) and the venue name their pools get. */
  v2: ReadonlyArray<{ address: Address; feeBps: bigint; venue: string }>;
  v3: ReadonlyArray<{ address: Address; venue: string }>;
  /** Uniswap V4 PoolManagers (one per chain): their `Initialize` events announce pools, named by pool id. */
  v4?: ReadonlyArray<{ poolManager: Address; venue: string }>;
};

export type DiscoveredPools = {
  v2: Array<{ pair: Address; feeBps: bigint; venue?: string; factory?: Address }>;
  v3: Address[];
  v3Venues?: Map<Address, string>;
  v3Factories?: Map<Address, Address>;
  /** V4 pools: key and PoolManager (the market keys them by pool id). */
  v4?: V4Entry[];
  /** The block of each pool's creation log, when discovered from logs (V4: by pool id). */
  createdAt?: Map<Address, bigint>;
};

/** topic0 of the factories' creation events (PairCreated, PoolCreated, V4 Initialize). */
export const creationTopics: readonly Hex[] = [toEventSelector(pairCreated), toEventSelector(poolCreated), initializeTopic];

/** The pools that creation logs of the configured factories announce (other logs are ignored). */
export function poolsCreatedIn(logs: readonly Log[], factories: Factories): DiscoveredPools {
  const found: DiscoveredPools = { v2: [], v3: [], v3Venues: new Map(), v3Factories: new Map(), v4: [], createdAt: new Map() };
  for (const log of logs) {
    const v4 = factories.v4 ? initializedPool(log, factories.v4) : undefined;
    if (v4) {
      const { poolId, ...entry } = v4;
      found.v4!.push(entry);
      if (log.blockNumber !== null && log.blockNumber !== undefined) found.createdAt!.set(poolId, log.blockNumber);
      continue;
    }
    const v2 = factories.v2.find((f) => f.address.toLowerCase() === log.address.toLowerCase());
    const v3 = factories.v3.find((f) => f.address.toLowerCase() === log.address.toLowerCase());
    if (!v2 && !v3) continue;
    let decoded;
    try {
      decoded = decodeEventLog({ abi: [v2 ? pairCreated : poolCreated], data: log.data, topics: log.topics as [Hex, ...Hex[]] });
    } catch {
      continue; // another event of the factory
    }
    if (v2) {
      const pair = getAddress((decoded.args as { pair: Address }).pair);
      found.v2.push({ pair, feeBps: v2.feeBps, venue: v2.venue, factory: getAddress(log.address) });
      if (log.blockNumber !== null && log.blockNumber !== undefined) found.createdAt!.set(pair, log.blockNumber);
    } else {
      const pool = getAddress((decoded.args as { pool: Address }).pool);
      if (log.blockNumber !== null && log.blockNumber !== undefined) found.createdAt!.set(pool, log.blockNumber);
      found.v3.push(pool);
      found.v3Venues!.set(pool, v3!.venue);
      found.v3Factories!.set(pool, getAddress(log.address));
    }
  }
  return found;
}

export type DiscoverOptions = { fromBlock?: bigint; initialSpan?: bigint; maxSpan?: bigint };

/** Every pool the factories created in [fromBlock, toBlock], from their creation events (ranges split when a provider caps them). */
export async function discoverPools(client: PublicClient, factories: Factories, toBlock: bigint, options: DiscoverOptions = {}): Promise<DiscoveredPools & { requests: number; capped: number }> {
  const addresses = [...factories.v2.map((f) => f.address), ...factories.v3.map((f) => f.address), ...(factories.v4 ?? []).map((m) => m.poolManager)];
  const fromBlock = options.fromBlock ?? 0n;
  if (addresses.length === 0 || fromBlock > toBlock) return { v2: [], v3: [], v3Venues: new Map(), v3Factories: new Map(), v4: [], createdAt: new Map(), requests: 0, capped: 0 };
  const scan = await scanLogs(client, {
    address: addresses,
    topics: creationTopics,
    fromBlock,
    toBlock,
    ...(options.initialSpan !== undefined ? { initialSpan: options.initialSpan } : {}),
    ...(options.maxSpan !== undefined ? { maxSpan: options.maxSpan } : {}),
  });
  return { ...poolsCreatedIn(scan.logs, factories), requests: scan.requests, capped: scan.capped };
}

export type ReadMarketOptions = {
  /** eth_calls in flight at once (default 8). */
  maxInFlight?: number;
  /** Pools per header call (default 200). */
  poolsPerCall?: number;
  /** Pools thinner than this (each side, in WETH) are not tracked; no floor: every pool is. */
  floor?: { weth: Address; minLiquidityWei: bigint; priceReference?: readonly Pool[]; knownPrices?: PriceLookup };
  /** Which V3 bitmap words to load per pool (default: all of them). */
  windows?: TickWindows;
};

export type ReadMarketReturnType = {
  /** Complete pool states (V3 with every tick) of the pools kept. */
  tracked: Pool[];
  /** Headers of the pools below the floor (V3 without ticks): not quoted, kept to know what exists. */
  untracked: Pool[];
  /** Pools whose state could not be read (no code there: gone with a reorg, or never a pool): left out. */
  gone: Address[];
  /** The most eth_calls that were in flight at once. */
  peakInFlight: number;
};

/**
 * The state of discovered pools at one block, in batched lens calls with a bounded number in flight: headers
 * first (reserves, prices, active liquidity), then the liquidity floor, then the V3 ticks of the pools kept only.
 */
export async function readMarket(client: PublicClient, pools: DiscoveredPools, blockNumber: bigint, options: ReadMarketOptions = {}): Promise<ReadMarketReturnType> {
  const limiter = limitInFlight(options.maxInFlight ?? 8);
  const perCall = options.poolsPerCall ?? 200;
  const fees = new Map(pools.v2.map((p) => [getAddress(p.pair), p.feeBps]));
  const batches: Array<Promise<{ v3: V3Pool[]; v2: V2Pair[] }>> = [];
  const gone: Address[] = [];
  for (let i = 0; i < Math.max(pools.v2.length, pools.v3.length); i += perCall) {
    batches.push(readHeadersIsolating(client, { v2: pools.v2.slice(i, i + perCall).map((p) => p.pair), v3: pools.v3.slice(i, i + perCall), blockNumber, v2FeeBps: (pair) => fees.get(pair) ?? 30n, limiter }, gone));
  }
  const venues = new Map<string, string | undefined>(pools.v2.map((p) => [p.pair.toLowerCase(), p.venue]));
  for (const [pool, venue] of pools.v3Venues ?? []) venues.set(pool.toLowerCase(), venue);
  const factories = new Map<string, Address | undefined>(pools.v2.map((p) => [p.pair.toLowerCase(), p.factory]));
  for (const [pool, factory] of pools.v3Factories ?? []) factories.set(pool.toLowerCase(), factory);
  // V4 pools are read whole by extsload (their headers and ticks are one storage read apart), then judged by the floor.
  const v4 = pools.v4 && pools.v4.length > 0 ? await readV4Pools(client, pools.v4, blockNumber, { limiter, ...(options.windows ? { windows: options.windows } : {}) }) : { pools: [], gone: [] };
  gone.push(...v4.gone);
  const headers = (await Promise.all(batches))
    .flatMap((batch): Pool[] => [...batch.v2, ...batch.v3])
    .concat(v4.pools)
    .map((pool): Pool => {
      const venue = venues.get(pool.address.toLowerCase());
      const factory = factories.get(pool.address.toLowerCase());
      return { ...pool, ...(venue ? { venue } : {}), ...(factory ? { factory } : {}) };
    });
  const kept = options.floor ? applyLiquidityFloor(headers, options.floor.weth, options.floor.minLiquidityWei, options.floor.priceReference, options.floor.knownPrices).kept : headers;
  const keep = new Set(kept);
  const untracked = headers.filter((pool) => !keep.has(pool));
  const withTicks = await readPoolTicks(client, kept.filter((pool): pool is V3Pool => pool.kind === 'v3'), blockNumber, limiter, options.windows);
  const ticked = new Map(withTicks.map((pool) => [pool.address, pool]));
  const tracked = kept.map((pool) => (pool.kind === 'v3' ? ticked.get(pool.address)! : pool));
  return { tracked, untracked, gone, peakInFlight: limiter.peak() };
}

/**
 * One lens call for a batch of headers; when the call reverts (a pool in it has no code: gone with a reorg, or
 * never a pool), the batch is halved until the culprits stand alone, and they are left out (named in `gone`)
 * rather than failing the whole market. Errors that are not reverts (the node down) are thrown.
 */
async function readHeadersIsolating(client: PublicClient, batch: ReadPoolsParameters & { blockNumber: bigint }, gone: Address[]): Promise<{ v3: V3Pool[]; v2: V2Pair[] }> {
  try {
    return await readPoolHeaders(client, batch);
  } catch (error) {
    if (!reverted(error)) throw error;
    const v2 = batch.v2 ?? [];
    const v3 = batch.v3 ?? [];
    if (v2.length + v3.length <= 1) {
      gone.push(...v2, ...v3);
      return { v2: [], v3: [] };
    }
    // Halve the batch as one list (V2 then V3), so each half is strictly smaller.
    const half = Math.ceil((v2.length + v3.length) / 2);
    const halves = [
      { ...batch, v2: v2.slice(0, half), v3: v3.slice(0, Math.max(0, half - v2.length)) },
      { ...batch, v2: v2.slice(half), v3: v3.slice(Math.max(0, half - v2.length)) },
    ];
    const [first, second] = await Promise.all(halves.map((half) => readHeadersIsolating(client, half, gone)));
    return { v2: [...first!.v2, ...second!.v2], v3: [...first!.v3, ...second!.v3] };
  }
}

/** The node ran the call and it reverted (as opposed to not answering). */
function reverted(error: unknown): boolean {
  for (let at = error, depth = 0; at && typeof at === 'object' && depth < 8; at = (at as { cause?: unknown }).cause, depth++) {
    const { details, shortMessage, code } = at as { details?: unknown; shortMessage?: unknown; code?: unknown };
    if (code === 3 || (typeof details === 'string' && /revert/i.test(details)) || (typeof shortMessage === 'string' && /reverted/i.test(shortMessage))) return true;
  }
  return false;
}

/** The complete state of the given pools at one block (no floor: every pool is tracked). */
export async function bootstrapPools(client: PublicClient, pools: DiscoveredPools, blockNumber: bigint, options: Omit<ReadMarketOptions, 'floor'> = {}): Promise<Pool[]> {
  return (await readMarket(client, pools, blockNumber, options)).tracked;
}
