/**
 * The devnet's V4 hooks: v4-core's own test hooks, each placed at an address whose low 14 bits are exactly its
 * permission flags (the PoolManager reads a hook's permissions from its address, Hooks.sol), so it never needs a
 * salt search: the address is chosen, and the code and storage are copied there (placeContract).
 */
import { parseAbi, getAddress, type Address } from 'viem';
import { mainnetV4 } from '../../chain/addresses.ts';
import { hookFlags } from '../../amm/v4/poolKey.ts';
import { callAndConfirm, type DevnetClient } from '../client.ts';
import { placeContract } from '../place.ts';
import { v4Artifact } from './artifacts.ts';

export type V4HookKind = 'dynamicFee' | 'deltaReturning';

/** DynamicFeesTestHook sets the fee after initialize and before each swap; DeltaReturningHook takes a cut around swaps. */
export const hookFlagsOf: Record<V4HookKind, number> = {
  dynamicFee: hookFlags.afterInitialize | hookFlags.beforeSwap,
  deltaReturning: hookFlags.beforeSwap | hookFlags.afterSwap | hookFlags.beforeSwapReturnsDelta | hookFlags.afterSwapReturnsDelta,
};

const hookAbi = parseAbi([
  'function setManager(address manager)',
  'function setFee(uint24 fee)',
  'function setDeltaUnspecifiedAfterSwap(int128 delta)',
]);

/** 0x4444…<slot><flags>: a fixed prefix, one slot per hook (bits 16..47), the permission flags in the low 14 bits. */
export function hookAddress(slot: number, flags: number): Address {
  if (flags >= 1 << 14) throw new RangeError(`hook flags ${flags} exceed 14 bits`);
  const value = (0x4444n << 144n) | (BigInt(slot) << 16n) | BigInt(flags);
  return getAddress(`0x${value.toString(16).padStart(40, '0')}`);
}

export type PlacedHook = { kind: V4HookKind; address: Address };

/**
 * Places one hook for one pool. dynamicFee: `value` is the LP fee (pips) it sets; deltaReturning: the base units
 * of the unspecified currency it takes after each swap (a positive delta: the hook is paid, the swapper gets less).
 */
export async function placeHook(client: DevnetClient, deployer: Address, kind: V4HookKind, slot: number, value: bigint): Promise<PlacedHook> {
  const address = hookAddress(slot, hookFlagsOf[kind]);
  const label = `${kind} hook ${slot}`;
  if (kind === 'dynamicFee') {
    await placeContract(client, { deployer, artifact: v4Artifact('@uniswap/v4-core/out', 'DynamicFeesTestHook'), target: address, label });
    await callAndConfirm(client, { from: deployer, to: address, abi: hookAbi, functionName: 'setManager', args: [mainnetV4.poolManager], label: `${label}: manager` });
    await callAndConfirm(client, { from: deployer, to: address, abi: hookAbi, functionName: 'setFee', args: [Number(value)], label: `${label}: fee` });
  } else {
    await placeContract(client, { deployer, artifact: v4Artifact('@uniswap/v4-core/out', 'DeltaReturningHook'), target: address, args: [mainnetV4.poolManager], label });
    await callAndConfirm(client, { from: deployer, to: address, abi: hookAbi, functionName: 'setDeltaUnspecifiedAfterSwap', args: [value], label: `${label}: delta` });
  }
  return { kind, address };
}
