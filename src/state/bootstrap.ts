import { decodeEventLog, getAddress, parseAbiItem, toEventSelector, type Address, type Hex, type Log, type PublicClient } from 'viem';
import { readPools } from './reader.ts';
import type { Pool } from './types.ts';

const pairCreated = parseAbiItem('event PairCreated(address indexed token0, address indexed token1, address pair, uint256 pairCount)');
const poolCreated = parseAbiItem(
  'event PoolCreated(address indexed token0, address indexed token1, uint24 indexed fee, int24 tickSpacing, address pool)',
);

export type Factories = {
  /** V2-style factories, their pairs' fee (bps) and the venue name their pools get. */
  v2: ReadonlyArray<{ address: Address; feeBps: bigint; venue: string }>;
  v3: ReadonlyArray<{ address: Address; venue: string }>;
};

export type DiscoveredPools = {
  v2: Array<{ pair: Address; feeBps: bigint; venue?: string; factory?: Address }>;
  v3: Address[];
  v3Venues?: Map<Address, string>;
  v3Factories?: Map<Address, Address>;
};

/** topic0 of the factories' creation events (PairCreated, PoolCreated). */
export const creationTopics: readonly Hex[] = [toEventSelector(pairCreated), toEventSelector(poolCreated)];

/** The pools that creation logs of the configured factories announce (other logs are ignored). */
export function poolsCreatedIn(logs: readonly Log[], factories: Factories): DiscoveredPools {
  const found: DiscoveredPools = { v2: [], v3: [], v3Venues: new Map(), v3Factories: new Map() };
  for (const log of logs) {
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
      found.v2.push({ pair: getAddress((decoded.args as { pair: Address }).pair), feeBps: v2.feeBps, venue: v2.venue, factory: getAddress(log.address) });
    } else {
      const pool = getAddress((decoded.args as { pool: Address }).pool);
      found.v3.push(pool);
      found.v3Venues!.set(pool, v3!.venue);
      found.v3Factories!.set(pool, getAddress(log.address));
    }
  }
  return found;
}

/** Finds every pool the factories created up to `toBlock`, from their creation events (chunked by block range). */
export async function discoverPools(
  client: PublicClient,
  factories: Factories,
  toBlock: bigint,
  fromBlock = 0n,
  blocksPerQuery = 50_000n,
): Promise<DiscoveredPools> {
  const found: DiscoveredPools = { v2: [], v3: [], v3Venues: new Map(), v3Factories: new Map() };
  const addresses = [...factories.v2.map((f) => f.address), ...factories.v3.map((f) => f.address)];
  if (addresses.length === 0) return found;
  for (let start = fromBlock; start <= toBlock; start += blocksPerQuery) {
    const end = start + blocksPerQuery - 1n < toBlock ? start + blocksPerQuery - 1n : toBlock;
    const logs = await client.getLogs({ address: addresses, fromBlock: start, toBlock: end, topics: [[...creationTopics]] } as never);
    const chunk = poolsCreatedIn(logs as Log[], factories);
    found.v2.push(...chunk.v2);
    found.v3.push(...chunk.v3);
    for (const [pool, venue] of chunk.v3Venues!) found.v3Venues!.set(pool, venue);
    for (const [pool, factory] of chunk.v3Factories!) found.v3Factories!.set(pool, factory);
  }
  return found;
}

/** Discovers (or takes) the pools and reads their full state at one block, in a few batched calls. */
export async function bootstrapPools(
  client: PublicClient,
  pools: DiscoveredPools,
  blockNumber: bigint,
  batchSize = 200,
): Promise<Pool[]> {
  const fees = new Map(pools.v2.map((p) => [p.pair, p.feeBps]));
  const batches: Array<Promise<{ v3: Pool[]; v2: Pool[] }>> = [];
  for (let i = 0; i < Math.max(pools.v2.length, pools.v3.length); i += batchSize) {
    batches.push(
      readPools(client, {
        v2: pools.v2.slice(i, i + batchSize).map((p) => p.pair),
        v3: pools.v3.slice(i, i + batchSize),
        blockNumber,
        v2FeeBps: (pair) => fees.get(pair) ?? 30n,
      }),
    );
  }
  const venues = new Map<Address, string | undefined>(pools.v2.map((p) => [p.pair, p.venue]));
  for (const [pool, venue] of pools.v3Venues ?? []) venues.set(pool, venue);
  const factories = new Map<Address, Address | undefined>(pools.v2.map((p) => [p.pair, p.factory]));
  for (const [pool, factory] of pools.v3Factories ?? []) factories.set(pool, factory);
  return (await Promise.all(batches))
    .flatMap((batch) => [...batch.v2, ...batch.v3])
    .map((pool) => {
      const venue = venues.get(pool.address);
      const factory = factories.get(pool.address);
      return { ...pool, ...(venue ? { venue } : {}), ...(factory ? { factory } : {}) };
    });
}
