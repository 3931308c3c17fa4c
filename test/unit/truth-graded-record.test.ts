import { encodeAbiParameters, encodeEventTopics, parseAbi, type Address, type Hex } from 'viem';
import { describe, expect, it } from 'vitest';
import { creditOf, marginalOf } from '../../src/devnet/truth/baseline.ts';
import type { CycleBest } from '../../src/devnet/truth/best.ts';
import { ourCycleOf, tradeOfLogs } from '../../src/devnet/truth/credit.ts';
import { poolIdOf, type TruthCycle, type TruthPool } from '../../src/devnet/truth/cycles.ts';
import { cycleLabel, gradedRecord } from '../../src/devnet/truth/gradedRecord.ts';

const WETH = '0x00000000000000000000000000000000000000EE' as Address;
const USDC = '0x00000000000000000000000000000000000000CC' as Address;
const MANAGER = '0x000000000004444c5dc75cb358380d2e3de08a90' as Address;
const V2: TruthPool = { address: '0x00000000000000000000000000000000000000A1', venue: 'uniswapV2', token0: USDC, token1: WETH };
const V3: TruthPool = { address: '0x00000000000000000000000000000000000000A2', venue: 'uniswapV3', token0: USDC, token1: WETH, fee: 500 };
const V4: TruthPool = { address: MANAGER, venue: 'uniswapV4', token0: WETH, token1: USDC, fee: 500, v4: { poolId: `0x${'Ab'.repeat(32)}`, key: { currency0: '0x0000000000000000000000000000000000000000', currency1: USDC, fee: 500, tickSpacing: 10, hooks: '0x0000000000000000000000000000000000000000' }, simulateOnly: false } };
const pools = [V2, V3, V4];
/** WETH -> USDC on `a`, USDC -> WETH on `b`. */
const cycle = (a: TruthPool, b: TruthPool): TruthCycle => [
  { pool: a, tokenIn: WETH, tokenOut: USDC },
  { pool: b, tokenIn: USDC, tokenOut: WETH },
];
const at = (c: TruthCycle, amountIn: bigint, gross: bigint): CycleBest => ({ cycle: c, amountIn, gross });

const events = parseAbi([
  'event Swap(address indexed sender, uint256 amount0In, uint256 amount1In, uint256 amount0Out, uint256 amount1Out, address indexed to)',
  'event Swap(bytes32 indexed id, address indexed sender, int128 amount0, int128 amount1, uint160 sqrtPriceX96, uint128 liquidity, int24 tick, uint24 fee)',
]);
const someone = '0x0000000000000000000000000000000000000077' as Address;
const v2Log = (address: Address, amounts: [bigint, bigint, bigint, bigint]) => ({
  address,
  topics: encodeEventTopics({ abi: [events[0]], eventName: 'Swap', args: { sender: someone, to: someone } }) as string[],
  data: encodeAbiParameters([{ type: 'uint256' }, { type: 'uint256' }, { type: 'uint256' }, { type: 'uint256' }], amounts),
});
const v4Log = (id: Hex, amount0: bigint, amount1: bigint) => ({
  address: MANAGER,
  topics: encodeEventTopics({ abi: [events[1]], eventName: 'Swap', args: { id, sender: someone } }) as string[],
  data: encodeAbiParameters([{ type: 'int128' }, { type: 'int128' }, { type: 'uint160' }, { type: 'uint128' }, { type: 'int24' }, { type: 'uint24' }], [amount0, amount1, 2n ** 96n, 10n ** 18n, 0, 500]),
});

describe('a graded victim as a record (diagnosis of a shortfall)', () => {
  // The victim's best cycle is V3 -> V2 (after 10, before 1: its own value 9); ours traded V4 -> V2 (after 8, before 2).
  const cycles = [cycle(V3, V2), cycle(V4, V2)];
  const after = [at(cycles[0]!, 5n, 10n), at(cycles[1]!, 4n, 8n)];
  const before = [at(cycles[0]!, 2n, 1n), at(cycles[1]!, 3n, 2n)];
  const marginal = marginalOf({ capped: after, uncapped: after }, { capped: before, uncapped: before });
  // Our transaction: ETH into the V4 pool (the swapper's negative delta on currency0), then USDC into the V2 pair.
  const trade = tradeOfLogs([v4Log(V4.v4!.poolId, -4n, 9n), v2Log(V2.address, [9n, 0n, 0n, 7n])], pools, MANAGER);
  const oursCycle = ourCycleOf(trade, cycles, marginal.gains, new Set([poolIdOf(V2)]), new Set(pools.map(poolIdOf)));
  const ours = 7n;
  const credited = creditOf({ afterOnly: 10n, afterOnlyUncapped: 10n, marginal, ours, oursCycle });
  const record = gradedRecord({ victim: `0x${'11'.repeat(32)}`, block: 452n, index: 4, protocol: 'v4', route: 'public', afterOnly: after[0], marginal, after, before, ours, credited, oursTx: `0x${'22'.repeat(32)}`, oursTrade: trade, oursCycle });

  it("spells our receipt's hops as the truth spells its cycles, so a record says whether we traded the truth's cycle", () => {
    expect(record.oursHops).toBe(cycleLabel(cycles[1]!));
    expect(record.oursHops).not.toBe(record.marginalAfter!.cycle);
    expect(record.marginalAfter!.cycle).toBe(cycleLabel(cycles[0]!));
  });

  it("carries the victim's best, our cycle's own best after and before it, and the credit", () => {
    expect(record.marginalWei).toBe('9');
    expect(record.marginalAfter).toEqual({ cycle: cycleLabel(cycles[0]!), amountInWei: '5', grossWei: '10' });
    expect(record.marginalBefore).toEqual({ cycle: cycleLabel(cycles[0]!), amountInWei: '2', grossWei: '1' });
    expect(record.oursKind).toBe('cycle');
    expect(record.oursGainWei).toBe('6');
    expect(record.oursAfter).toEqual({ cycle: cycleLabel(cycles[1]!), amountInWei: '4', grossWei: '8' });
    expect(record.oursBefore).toEqual({ cycle: cycleLabel(cycles[1]!), amountInWei: '3', grossWei: '2' });
    expect(record.oursWei).toBe('7');
    expect(record.creditedWei).toBe('6');
    expect(JSON.parse(JSON.stringify(record))).toEqual(record);
  });

  it('leaves our side empty for a victim we did not backrun', () => {
    const missed = gradedRecord({ victim: `0x${'11'.repeat(32)}`, block: 450n, index: 5, protocol: 'v4', route: 'mevBlocker', afterOnly: after[0], marginal, after, before, ours: undefined, credited: 0n, oursTx: undefined, oursTrade: undefined, oursCycle: undefined });
    expect(missed).toMatchObject({ oursWei: null, creditedWei: '0', oursTx: null, oursHops: null, oursKind: null, oursGainWei: null, oursAfter: null, oursBefore: null });
  });
});
