import { encodeAbiParameters, encodeEventTopics, parseAbi, type Address, type Hex } from 'viem';
import { describe, expect, it } from 'vitest';
import { countVictim, creditOf, emptyVictimTally, marginalOf, type VictimGrade } from '../../src/devnet/truth/baseline.ts';
import type { CycleBest } from '../../src/devnet/truth/best.ts';
import { ourCycleOf, tradeOfLogs, type OurTrade } from '../../src/devnet/truth/credit.ts';
import { poolIdOf, type TruthCycle, type TruthPool } from '../../src/devnet/truth/cycles.ts';

const WETH = '0x00000000000000000000000000000000000000ee' as Address;
const USDC = '0x00000000000000000000000000000000000000cc' as Address;
const MANAGER = '0x000000000004444c5dc75cb358380d2e3de08a90' as Address;
const pool = (n: number, venue: TruthPool['venue'] = 'uniswapV2'): TruthPool => ({ address: `0x${String(n).padStart(40, '0')}` as Address, venue, token0: USDC, token1: WETH });
const P = pool(1, 'uniswapV3');
const Q = pool(2);
const R = pool(3);
const V4: TruthPool = { address: MANAGER, venue: 'uniswapV4', token0: WETH, token1: USDC, fee: 500, v4: { poolId: `0x${'ab'.repeat(32)}`, key: { currency0: '0x0000000000000000000000000000000000000000', currency1: USDC, fee: 500, tickSpacing: 10, hooks: '0x0000000000000000000000000000000000000000' }, simulateOnly: false } };
const pools = [P, Q, R, V4];
/** WETH -> USDC on `a`, USDC -> WETH on `b`. */
const cycle = (a: TruthPool, b: TruthPool): TruthCycle => [
  { pool: a, tokenIn: WETH, tokenOut: USDC },
  { pool: b, tokenIn: USDC, tokenOut: WETH },
];
const best = (c: TruthCycle, gross: bigint): CycleBest => ({ cycle: c, amountIn: 10n ** 18n, gross });

const events = parseAbi([
  'event Swap(address indexed sender, uint256 amount0In, uint256 amount1In, uint256 amount0Out, uint256 amount1Out, address indexed to)',
  'event Swap(address indexed sender, address indexed recipient, int256 amount0, int256 amount1, uint160 sqrtPriceX96, uint128 liquidity, int24 tick)',
  'event Swap(bytes32 indexed id, address indexed sender, int128 amount0, int128 amount1, uint160 sqrtPriceX96, uint128 liquidity, int24 tick, uint24 fee)',
]);
const someone = '0x0000000000000000000000000000000000000077' as Address;
const v2Log = (address: Address, amounts: [bigint, bigint, bigint, bigint]) => ({
  address,
  topics: encodeEventTopics({ abi: [events[0]], eventName: 'Swap', args: { sender: someone, to: someone } }) as string[],
  data: encodeAbiParameters([{ type: 'uint256' }, { type: 'uint256' }, { type: 'uint256' }, { type: 'uint256' }], amounts),
});
const v3Log = (address: Address, amount0: bigint, amount1: bigint) => ({
  address,
  topics: encodeEventTopics({ abi: [events[1]], eventName: 'Swap', args: { sender: someone, recipient: someone } }) as string[],
  data: encodeAbiParameters([{ type: 'int256' }, { type: 'int256' }, { type: 'uint160' }, { type: 'uint128' }, { type: 'int24' }], [amount0, amount1, 2n ** 96n, 10n ** 18n, 0]),
});
const v4Log = (id: Hex, amount0: bigint, amount1: bigint) => ({
  address: MANAGER,
  topics: encodeEventTopics({ abi: [events[2]], eventName: 'Swap', args: { id, sender: someone } }) as string[],
  data: encodeAbiParameters([{ type: 'int128' }, { type: 'int128' }, { type: 'uint160' }, { type: 'uint128' }, { type: 'int24' }, { type: 'uint24' }], [amount0, amount1, 2n ** 96n, 10n ** 18n, 0, 500]),
});

describe('which cycle our backrun traded, from its Swap logs', () => {
  it('reads each pool and the token that went in: V2 by amountIn, V3 by a positive amount, V4 by a negative (swapper) delta', () => {
    const trade = tradeOfLogs(
      [
        v3Log(P.address, -3000n, 1n),              // P (token1 = WETH) received WETH
        v2Log(Q.address, [3000n, 0n, 0n, 2n]),     // Q (token0 = USDC) received USDC
        v4Log(V4.v4!.poolId, -5n, 15_000n),        // the swapper paid currency0 (native ETH, WETH in the cycles)
        { address: someone, topics: ['0x' + '11'.repeat(32)], data: '0x' }, // a Transfer-like log: not a swap
      ],
      pools,
      MANAGER,
    );
    expect(trade).toEqual({
      hops: [
        { pool: poolIdOf(P), tokenIn: WETH },
        { pool: poolIdOf(Q), tokenIn: USDC },
        { pool: poolIdOf(V4), tokenIn: WETH },
      ],
      unreadable: 0,
    });
  });

  it('a swap on a pool the truth does not know, or with no single input, is unreadable', () => {
    expect(tradeOfLogs([v2Log(pool(9).address, [1n, 0n, 0n, 1n])], pools, MANAGER).unreadable).toBe(1);
    expect(tradeOfLogs([v2Log(Q.address, [1n, 1n, 0n, 1n])], pools, MANAGER).unreadable).toBe(1);
    expect(tradeOfLogs([v4Log(`0x${'cd'.repeat(32)}`, -1n, 1n)], pools, MANAGER).unreadable).toBe(1);
  });

  const trade = (...hops: Array<[TruthPool, Address]>): OurTrade => ({ hops: hops.map(([p, tokenIn]) => ({ pool: poolIdOf(p), tokenIn: tokenIn.toLowerCase() })), unreadable: 0 });
  const cycles = [cycle(P, Q), cycle(Q, P), cycle(R, P)];
  const moved = new Set([poolIdOf(P)]);
  const known = new Set(pools.map(poolIdOf));

  it('matches the truth\'s cycle with the same pools in the same direction, whatever the log order', () => {
    const ours = ourCycleOf(trade([Q, USDC], [P, WETH]), cycles, [0n, 7n, 9n], moved, known);
    expect(ours).toMatchObject({ kind: 'cycle', index: 0, gain: 0n });
    // The reverse way round is another cycle: WETH -> USDC on Q, USDC -> WETH on P.
    expect(ourCycleOf(trade([Q, WETH], [P, USDC]), cycles, [0n, 7n, 9n], moved, known)).toMatchObject({ kind: 'cycle', index: 1, gain: 7n });
  });

  it('pools the victim did not move are worth nothing to it; a cycle the truth does not enumerate is unmatched', () => {
    expect(ourCycleOf(trade([Q, WETH], [R, USDC]), cycles, [0n, 7n, 9n], moved, known)).toEqual({ kind: 'untouched', gain: 0n });
    // Three hops through P the truth did not list (here: not among `cycles`), and a trade it could not read.
    expect(ourCycleOf(trade([P, WETH], [Q, USDC], [R, WETH]), cycles, [0n, 7n, 9n], moved, known)).toEqual({ kind: 'unmatched' });
    expect(ourCycleOf({ hops: trade([P, WETH], [Q, USDC]).hops, unreadable: 1 }, cycles, [0n, 7n, 9n], moved, known)).toEqual({ kind: 'unmatched' });
    expect(ourCycleOf(undefined, cycles, [0n, 7n, 9n], moved, known)).toEqual({ kind: 'unmatched' });
  });
});

describe('our backrun credited on the cycle it traded', () => {
  // Cycle 0 (P -> Q) stood at 10 before the victim and 8 after; cycle 2 (R -> P) gained nothing before, 9 after.
  const after = { capped: [best(cycle(P, Q), 8n), undefined, best(cycle(R, P), 9n)], uncapped: [best(cycle(P, Q), 8n), undefined, best(cycle(R, P), 9n)] };
  const before = { capped: [best(cycle(P, Q), 10n), undefined, undefined], uncapped: [best(cycle(P, Q), 10n), undefined, undefined] };
  const marginal = marginalOf(after, before);
  const grade = (ours: bigint, oursCycle?: VictimGrade['oursCycle']): VictimGrade => ({ afterOnly: 9n, afterOnlyUncapped: 9n, marginal, ours, ...(oursCycle ? { oursCycle } : {}) });

  it('keeps each cycle\'s own gain beside the victim\'s value', () => {
    expect(marginal.gross).toBe(9n);
    expect(marginal.gains).toEqual([0n, 0n, 9n]);
  });

  it('a backrun that took the gap standing on another cycle is credited what the victim added there (0), not the victim\'s value', () => {
    const standingOnly = grade(8n, { kind: 'cycle', index: 0, cycle: cycle(P, Q), gain: marginal.gains[0]! });
    expect(creditOf(standingOnly)).toBe(0n);
    // The old rule, kept where the cycle is not placed, would have credited min(8, 9).
    expect(creditOf(grade(8n, { kind: 'unmatched' }))).toBe(8n);
    expect(creditOf(grade(8n))).toBe(8n);
  });

  it('a backrun on the victim\'s own cycle is credited min(ours, its gain there); pools the victim did not move earn nothing', () => {
    expect(creditOf(grade(12n, { kind: 'cycle', index: 2, cycle: cycle(R, P), gain: 9n }))).toBe(9n);
    expect(creditOf(grade(5n, { kind: 'cycle', index: 2, cycle: cycle(R, P), gain: 9n }))).toBe(5n);
    expect(creditOf(grade(5n, { kind: 'untouched', gain: 0n }))).toBe(0n);
    expect(creditOf({ ...grade(5n), ours: undefined })).toBe(0n);
  });

  it('counts the victims credited by the old rule, and books the rest of our gross as standing', () => {
    const tally = emptyVictimTally();
    countVictim(tally, grade(8n, { kind: 'cycle', index: 0, cycle: cycle(P, Q), gain: 0n }));
    countVictim(tally, grade(8n, { kind: 'unmatched' }));
    countVictim(tally, grade(12n, { kind: 'cycle', index: 2, cycle: cycle(R, P), gain: 9n }));
    expect(tally.captured).toBe(3);
    expect(tally.capturedGross).toBe(0n + 8n + 9n);
    expect(tally.standing).toBe(8n + 0n + 3n);
    expect(tally.creditUnmatched).toBe(1);
    // The previous rule: each held to the victim's value (9), whatever it traded.
    expect(tally.anyCycleCredit).toBe(8n + 8n + 9n);
  });
});
