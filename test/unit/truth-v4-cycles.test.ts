import { getAddress, keccak256, toHex, zeroAddress, type Address } from 'viem';
import { describe, expect, it } from 'vitest';
import { cyclesThrough, poolIdOf, v4PoolsOfManifest } from '../../src/devnet/truth/cycles.ts';

const address = (n: number | bigint): Address => getAddress(`0x${n.toString(16).padStart(40, '0')}`);
const [W, A, MANAGER] = [address(0xeee1), address(0xaaa1), address(0x4444)];
const id = (n: number) => keccak256(toHex(n));
const key = (currency0: Address, currency1: Address, hooks: Address = zeroAddress) => ({ currency0, currency1, fee: 3000, tickSpacing: 60, hooks });

describe('the truth\'s V4 pools and cycles', () => {
  // Native ETH/A, WETH/A (hookless), and A/WETH pools behind hooks with and without swap permissions.
  const pools = v4PoolsOfManifest(
    [
      { poolId: id(1), key: key(zeroAddress, A) },
      { poolId: id(2), key: key(A, W) },
      // Hook permissions in the address's low 14 bits (Hooks.sol): afterInitialize only, then beforeSwap (1 << 7).
      { poolId: id(3), key: key(A, W, address((0x4444n << 144n) | (1n << 12n))) },
      { poolId: id(4), key: key(A, W, address((0x4444n << 144n) | (1n << 12n) | (1n << 7n))) },
    ],
    MANAGER,
    W,
  );

  it('lists a V4 pool by its id in the manager, native ETH as WETH, and marks as simulate-only only the hooks that run around swaps', () => {
    expect(pools.map(poolIdOf)).toEqual([id(1), id(2), id(3), id(4)]);
    expect(pools.every((pool) => pool.address === MANAGER && pool.venue === 'uniswapV4')).toBe(true);
    expect([pools[0]!.token0, pools[0]!.token1]).toEqual([W, A]);
    expect(pools[0]!.v4!.key.currency0).toBe(zeroAddress);
    expect(pools.map((pool) => pool.v4!.simulateOnly)).toEqual([false, false, false, true]);
  });

  it('closes WETH -> A -> ETH through the native pool, with the moved pool named by its id, each pool once', () => {
    const cycles = cyclesThrough(pools, new Set([id(1)]), W, new Set());
    const paths = cycles.map((cycle) => cycle.map((hop) => `${poolIdOf(hop.pool)}:${hop.tokenIn === W ? 'W' : 'A'}`).join(' '));
    // The native pool first or last, against each of the three A/WETH pools.
    expect(paths.sort()).toEqual(
      [2, 3, 4].flatMap((other) => [`${id(1)}:W ${id(other)}:A`, `${id(other)}:W ${id(1)}:A`]).sort(),
    );
    // Pools are told apart by id, not by the manager's address they share.
    expect(cyclesThrough(pools, new Set([MANAGER.toLowerCase()]), W, new Set())).toEqual([]);
  });
});
