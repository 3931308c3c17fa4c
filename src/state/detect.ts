import { getAddress, parseAbi, type Address, type PublicClient } from 'viem';
import { readPools } from './reader.ts';
import type { Pool } from './types.ts';

const probeAbi = parseAbi([
  'function slot0() view returns (uint160, int24, uint16, uint16, uint16, uint8, bool)',
  'function getReserves() view returns (uint112, uint112, uint32)',
]);

export type PoolKind = 'v2' | 'v3' | 'unknown';

/** Tells a V3 pool (answers slot0) from a V2-style pair (answers getReserves); one batched round trip. */
export async function detectPoolKinds(client: PublicClient, pools: readonly Address[], blockNumber: bigint): Promise<Map<Address, PoolKind>> {
  const results = await Promise.all(
    pools.map(async (address) => {
      const [v3, v2] = await Promise.allSettled([
        client.readContract({ address, abi: probeAbi, functionName: 'slot0', blockNumber }),
        client.readContract({ address, abi: probeAbi, functionName: 'getReserves', blockNumber }),
      ]);
      const kind: PoolKind = v3.status === 'fulfilled' ? 'v3' : v2.status === 'fulfilled' ? 'v2' : 'unknown';
      return [getAddress(address), kind] as const;
    }),
  );
  return new Map(results);
}

/** Loads pools of unknown kind at one block; addresses that are neither a pair nor a pool are left out. */
export async function loadPools(
  client: PublicClient,
  addresses: readonly Address[],
  blockNumber: bigint,
  v2FeeBps = 30n,
): Promise<{ pools: Map<Address, Pool> }> {
  const kinds = await detectPoolKinds(client, [...new Set(addresses.map((a) => getAddress(a)))], blockNumber);
  const of = (kind: PoolKind) => [...kinds].filter(([, k]) => k === kind).map(([address]) => address);
  const read = await readPools(client, { v2: of('v2'), v3: of('v3'), blockNumber, v2FeeBps: () => v2FeeBps });
  return { pools: new Map([...read.v2, ...read.v3].map((pool) => [pool.address, pool])) };
}
