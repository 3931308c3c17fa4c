/**
 * A Uniswap V4 pool is named by its key, not an address: one PoolManager holds every pool. The id is
 * keccak256(abi.encode(key)) (PoolIdLibrary.toId), which `Initialize`, `Swap` and `ModifyLiquidity` carry.
 */
import { encodeAbiParameters, getAddress, keccak256, zeroAddress, type Address, type Hex } from 'viem';

export type V4PoolKey = {
  /** The lower currency; address(0) is native ETH. */
  currency0: Address;
  currency1: Address;
  /** LP fee in hundredths of a basis point, or DYNAMIC_FEE_FLAG when the hook sets it. */
  fee: number;
  tickSpacing: number;
  hooks: Address;
};

export const NATIVE_CURRENCY: Address = zeroAddress;
/** LPFeeLibrary.DYNAMIC_FEE_FLAG: the pool's fee is set by its hook, read per block. */
export const DYNAMIC_FEE_FLAG = 0x800000;
/** LPFeeLibrary.MAX_LP_FEE: 100%. */
export const MAX_LP_FEE = 1_000_000;

/** The PoolKey struct's ABI fields, in order (what the id hashes, and what a router's swap params carry). */
export const v4PoolKeyComponents = [
  { type: 'address', name: 'currency0' },
  { type: 'address', name: 'currency1' },
  { type: 'uint24', name: 'fee' },
  { type: 'int24', name: 'tickSpacing' },
  { type: 'address', name: 'hooks' },
] as const;

export function v4PoolId(key: V4PoolKey): Hex {
  return keccak256(encodeAbiParameters(v4PoolKeyComponents, [key.currency0, key.currency1, key.fee, key.tickSpacing, key.hooks]));
}

/** Hook permissions live in the low 14 bits of the hook's address (Hooks.sol). */
export const hookFlags = {
  beforeInitialize: 1 << 13,
  afterInitialize: 1 << 12,
  beforeAddLiquidity: 1 << 11,
  afterAddLiquidity: 1 << 10,
  beforeRemoveLiquidity: 1 << 9,
  afterRemoveLiquidity: 1 << 8,
  beforeSwap: 1 << 7,
  afterSwap: 1 << 6,
  beforeDonate: 1 << 5,
  afterDonate: 1 << 4,
  beforeSwapReturnsDelta: 1 << 3,
  afterSwapReturnsDelta: 1 << 2,
  afterAddLiquidityReturnsDelta: 1 << 1,
  afterRemoveLiquidityReturnsDelta: 1 << 0,
} as const;

export function hookPermissions(hooks: Address): number {
  return Number(BigInt(hooks) & 0x3fffn);
}

/**
 * Whether our math alone may not quote this pool: a hook that runs around a swap may change its amounts (the
 * returns-delta flags), override its fee, or move state. A dynamic fee without swap hooks is quotable: the
 * hook sets it between blocks, and the state reader takes it from slot0 each block.
 */
export function isSimulateOnly(key: V4PoolKey): boolean {
  const swapHooks = hookFlags.beforeSwap | hookFlags.afterSwap | hookFlags.beforeSwapReturnsDelta | hookFlags.afterSwapReturnsDelta;
  return (hookPermissions(key.hooks) & swapHooks) !== 0;
}

export function isDynamicFee(key: V4PoolKey): boolean {
  return key.fee === DYNAMIC_FEE_FLAG;
}

/** Currencies ordered as the PoolManager requires (currency0 < currency1 as addresses; native ETH first). */
export function sortCurrencies(a: Address, b: Address): [Address, Address] {
  const [x, y] = [getAddress(a), getAddress(b)];
  return BigInt(x) < BigInt(y) ? [x, y] : [y, x];
}
