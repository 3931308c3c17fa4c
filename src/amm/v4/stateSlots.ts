/**
 * Where the PoolManager keeps a pool's state, and how slot0 packs it (Pool.State, StateLibrary): pure
 * arithmetic on slots so the reader that fetches them (state/v4Reader.ts) stays a thin shell.
 */
import { encodeAbiParameters, hexToBigInt, keccak256, type Hex } from 'viem';

/** PoolManager storage slot of `mapping(PoolId => Pool.State) _pools` (StateLibrary.POOLS_SLOT). */
export const POOLS_SLOT = 6n;
/** Offsets inside Pool.State: slot0, feeGrowthGlobal0/1, liquidity, ticks, tickBitmap, positions. */
export const LIQUIDITY_OFFSET = 3n;
export const TICKS_OFFSET = 4n;
export const TICK_BITMAP_OFFSET = 5n;

const word = (value: bigint): Hex => `0x${value.toString(16).padStart(64, '0')}`;

export function poolStateSlot(poolId: Hex): bigint {
  return hexToBigInt(keccak256(encodeAbiParameters([{ type: 'bytes32' }, { type: 'uint256' }], [poolId, POOLS_SLOT])));
}

export const slot0Slot = (poolId: Hex): Hex => word(poolStateSlot(poolId));
export const liquiditySlot = (poolId: Hex): Hex => word(poolStateSlot(poolId) + LIQUIDITY_OFFSET);

/** ticks[tick]'s first word: liquidityGross (low 128 bits) and liquidityNet (high 128, signed). */
export function tickInfoSlot(poolId: Hex, tick: number): Hex {
  return keccak256(encodeAbiParameters([{ type: 'int24' }, { type: 'uint256' }], [tick, poolStateSlot(poolId) + TICKS_OFFSET]));
}

export function tickBitmapSlot(poolId: Hex, wordPosition: number): Hex {
  return keccak256(encodeAbiParameters([{ type: 'int16' }, { type: 'uint256' }], [wordPosition, poolStateSlot(poolId) + TICK_BITMAP_OFFSET]));
}

export type V4Slot0 = { sqrtPriceX96: bigint; tick: number; protocolFee: number; lpFee: number };

const signed24 = (value: bigint): number => Number(BigInt.asIntN(24, value));

/** Slot0 bits: sqrtPriceX96 0-159, tick 160-183 (int24), protocolFee 184-207, lpFee 208-231. */
export function decodeSlot0(value: Hex | bigint): V4Slot0 {
  const raw = typeof value === 'bigint' ? value : hexToBigInt(value);
  return {
    sqrtPriceX96: raw & ((1n << 160n) - 1n),
    tick: signed24((raw >> 160n) & 0xffffffn),
    protocolFee: Number((raw >> 184n) & 0xffffffn),
    lpFee: Number((raw >> 208n) & 0xffffffn),
  };
}

export function decodeTickInfo(value: Hex | bigint): { liquidityGross: bigint; liquidityNet: bigint } {
  const raw = typeof value === 'bigint' ? value : hexToBigInt(value);
  return { liquidityGross: raw & ((1n << 128n) - 1n), liquidityNet: BigInt.asIntN(128, raw >> 128n) };
}

/** The initialized ticks a bitmap word names, ascending. */
export function ticksInWord(wordPosition: number, bits: bigint, tickSpacing: number): number[] {
  const ticks: number[] = [];
  for (let bit = 0; bits !== 0n; bit++, bits >>= 1n) {
    if (bits & 1n) ticks.push((wordPosition * 256 + bit) * tickSpacing);
  }
  return ticks;
}
