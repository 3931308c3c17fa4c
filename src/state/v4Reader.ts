/**
 * Reads a Uniswap V4 pool's swap state from the PoolManager's storage with `extsload(bytes32[])`: slot0 and
 * liquidity, then the tick bitmap words, then the initialized ticks the words name. Three eth_calls at one
 * block, however many ticks. The arithmetic of slots lives in amm/v4/stateSlots.ts; this is only I/O.
 */
import { hexToBigInt, parseAbi, type Address, type Hex, type PublicClient } from 'viem';
import { isSimulateOnly, v4PoolId, type V4PoolKey } from '../amm/v4/poolKey.ts';
import type { Limiter } from '../chain/inFlight.ts';
import { decodeSlot0, decodeTickInfo, liquiditySlot, slot0Slot, tickBitmapSlot, tickInfoSlot, ticksInWord, type V4Slot0 } from '../amm/v4/stateSlots.ts';
import { StateReadError, fullWordRange } from './reader.ts';
import type { V4Pool } from './types.ts';

export const extsloadAbi = parseAbi(['function extsload(bytes32[] slots) view returns (bytes32[])']);

export type { V4Pool } from './types.ts';

export type ReadV4PoolParameters = {
  poolManager: Address;
  key: V4PoolKey;
  /** Default: latest. All three reads use the same block. */
  blockNumber?: bigint;
  /** Bitmap words to load (inclusive); default every word of the pool's tick range. */
  wordRange?: { from: number; to: number };
  /** Every eth_call goes through it (bounds the requests in flight); default: unbounded. */
  limiter?: Limiter;
  venue?: string;
};

export async function readV4Pool(client: PublicClient, parameters: ReadV4PoolParameters): Promise<V4Pool> {
  const { poolManager, key } = parameters;
  const poolId = v4PoolId(key);
  const blockNumber = parameters.blockNumber ?? (await client.getBlockNumber({ cacheTime: 0 }));
  const load = async (slots: readonly Hex[]): Promise<readonly Hex[]> => {
    try {
      const read = () => client.readContract({ address: poolManager, abi: extsloadAbi, functionName: 'extsload', args: [slots], blockNumber });
      return await (parameters.limiter ? parameters.limiter(read) : read());
    } catch (cause) {
      throw new StateReadError('STATE_READ', `extsload of V4 pool ${poolId} at block ${blockNumber} failed`, { cause });
    }
  };
  const [slot0Word, liquidityWord] = await load([slot0Slot(poolId), liquiditySlot(poolId)]);
  const slot0 = decodeSlot0(slot0Word!);
  if (slot0.sqrtPriceX96 === 0n) throw new StateReadError('STATE_READ', `V4 pool ${poolId} is not initialized`);
  const range = parameters.wordRange ?? fullWordRange(key.tickSpacing);
  const positions = Array.from({ length: range.to - range.from + 1 }, (_, i) => range.from + i);
  const words = await load(positions.map((position) => tickBitmapSlot(poolId, position)));
  const ticks = positions.flatMap((position, i) => ticksInWord(position, hexToBigInt(words[i]!), key.tickSpacing));
  const infos = ticks.length > 0 ? (await load(ticks.map((tick) => tickInfoSlot(poolId, tick)))).map(decodeTickInfo) : [];
  const partial = parameters.wordRange !== undefined;
  return {
    kind: 'v4',
    address: poolId,
    poolId,
    key,
    poolManager,
    token0: key.currency0,
    token1: key.currency1,
    simulateOnly: isSimulateOnly(key),
    ...(parameters.venue ? { venue: parameters.venue } : {}),
    sqrtPriceX96: slot0.sqrtPriceX96,
    tick: slot0.tick,
    liquidity: hexToBigInt(liquidityWord!) & ((1n << 128n) - 1n),
    lpFee: slot0.lpFee,
    protocolFee: slot0.protocolFee,
    fee: slot0.lpFee,
    tickSpacing: key.tickSpacing,
    ticks,
    liquidityNet: infos.map((info) => info.liquidityNet),
    liquidityGross: infos.map((info) => info.liquidityGross),
    ...(partial ? { wordRange: range } : {}),
  };
}

/** slot0 of several pools of one PoolManager at one block, in one extsload (the per-block read of dynamic fees). */
export async function readV4Slot0s(client: PublicClient, poolManager: Address, poolIds: readonly Hex[], blockNumber: bigint): Promise<V4Slot0[]> {
  if (poolIds.length === 0) return [];
  let words: readonly Hex[];
  try {
    words = await client.readContract({ address: poolManager, abi: extsloadAbi, functionName: 'extsload', args: [poolIds.map(slot0Slot)], blockNumber });
  } catch (cause) {
    throw new StateReadError('STATE_READ', `extsload of ${poolIds.length} V4 slot0s at block ${blockNumber} failed`, { cause });
  }
  return words.map(decodeSlot0);
}
