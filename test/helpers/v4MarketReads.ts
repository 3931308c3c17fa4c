import { parseAbi, toEventSelector, type TransactionReceipt } from 'viem';
import { mainnetV4 } from '../../src/chain/addresses.ts';
import type { DevnetClient } from '../../src/devnet/client.ts';
import { bootstrapPools, discoverPools, type Factories } from '../../src/state/bootstrap.ts';
import { MarketState } from '../../src/state/market.ts';
import type { Pool } from '../../src/state/types.ts';
import { mainnetFactories } from '../../src/state/venues.ts';

/**
 * The devnet market as the bot loads it at a block, and the chain's own reads to grade it: the V4 tests that apply
 * victims to an overlay compare every pool the overlay moved with what the chain holds after the victims are mined.
 */
export const v4DevnetFactories: Factories = { ...mainnetFactories, v4: [{ poolManager: mainnetV4.poolManager, venue: 'uniswapV4' }] };

const stateViewAbi = parseAbi([
  'function getSlot0(bytes32 poolId) view returns (uint160 sqrtPriceX96, int24 tick, uint24 protocolFee, uint24 lpFee)',
  'function getLiquidity(bytes32 poolId) view returns (uint128)',
]);
const classicAbi = parseAbi([
  'function getReserves() view returns (uint112, uint112, uint32)',
  'function slot0() view returns (uint160 sqrtPriceX96, int24 tick, uint16, uint16, uint16, uint8, bool)',
  'function liquidity() view returns (uint128)',
]);
// PoolManager Swap / ModifyLiquidity / Donate carry the pool id in topic1; V2 Sync/Swap and V3 Swap/Mint/Burn come from the pool.
const poolIdTopics = new Set<string>(
  ['Swap(bytes32,address,int128,int128,uint160,uint128,int24,uint24)', 'ModifyLiquidity(bytes32,address,int24,int24,int256,bytes32)', 'Donate(bytes32,address,uint256,uint256)'].map((event) => toEventSelector(event)),
);

/** The market the bot would bootstrap at `block` (every V2/V3 pool of the mainnet factories, and the V4 PoolManager's). */
export async function marketAt(client: DevnetClient, block: bigint): Promise<MarketState> {
  const market = new MarketState(8);
  const header = await client.getBlock({ blockNumber: block });
  market.reset(await bootstrapPools(client as never, await discoverPools(client as never, v4DevnetFactories, block), block), { number: block, hash: header.hash!, parentHash: header.parentHash });
  return market;
}

/** The market keys a receipt's logs name, independently of the state layer's decoder: pool addresses (V2/V3), pool ids (V4). */
export function touchedKeys(receipt: TransactionReceipt): string[] {
  return receipt.logs.map((log) => (log.address.toLowerCase() === mainnetV4.poolManager.toLowerCase() && poolIdTopics.has(log.topics[0] ?? '') ? log.topics[1]! : log.address).toLowerCase());
}

/** The pool's state as the chain has it at `block`, in the fields a swap moves (StateView for V4, the pool's own views else). */
export async function chainState(client: DevnetClient, pool: Pool, block: bigint): Promise<Record<string, bigint | number>> {
  const at = { blockNumber: block };
  if (pool.kind === 'v4') {
    const [slot0, liquidity] = await Promise.all([
      client.readContract({ address: mainnetV4.stateView, abi: stateViewAbi, functionName: 'getSlot0', args: [pool.poolId], ...at }),
      client.readContract({ address: mainnetV4.stateView, abi: stateViewAbi, functionName: 'getLiquidity', args: [pool.poolId], ...at }),
    ]);
    return { sqrtPriceX96: slot0[0], tick: slot0[1], liquidity };
  }
  if (pool.kind === 'v3') {
    const [slot0, liquidity] = await Promise.all([
      client.readContract({ address: pool.address, abi: classicAbi, functionName: 'slot0', ...at }),
      client.readContract({ address: pool.address, abi: classicAbi, functionName: 'liquidity', ...at }),
    ]);
    return { sqrtPriceX96: slot0[0], tick: slot0[1], liquidity };
  }
  const [reserve0, reserve1] = await client.readContract({ address: pool.address, abi: classicAbi, functionName: 'getReserves', ...at });
  return { reserve0, reserve1 };
}

/** The same fields as our state holds them (what chainState must equal). */
export const predictedState = (pool: Pool): Record<string, bigint | number> =>
  pool.kind === 'v2' ? { reserve0: pool.reserve0, reserve1: pool.reserve1 } : { sqrtPriceX96: pool.sqrtPriceX96, tick: pool.tick, liquidity: pool.liquidity };
