import { decodeAbiParameters, toEventSelector, type Hex } from 'viem';
import { poolIdOf, type TruthCycle, type TruthPool } from './cycles.ts';

/**
 * Which cycle a landed backrun of ours traded, read from its own receipt (the chain's Swap logs, not our plan or
 * our bookkeeping), so that the truth credits it on that cycle: a backrun that only took a gap standing on another
 * cycle than the victim's is worth to the victim what the victim added on the cycle it traded, not the victim's
 * best value anywhere.
 */

const v2Swap = toEventSelector('event Swap(address indexed sender, uint256 amount0In, uint256 amount1In, uint256 amount0Out, uint256 amount1Out, address indexed to)');
const v3Swap = toEventSelector('event Swap(address indexed sender, address indexed recipient, int256 amount0, int256 amount1, uint160 sqrtPriceX96, uint128 liquidity, int24 tick)');
const v4Swap = toEventSelector('event Swap(bytes32 indexed id, address indexed sender, int128 amount0, int128 amount1, uint160 sqrtPriceX96, uint128 liquidity, int24 tick, uint24 fee)');

/** One swap of our transaction: the pool (by `poolIdOf`) and the token that went into it (as the truth's pool names it: WETH for native ETH). */
export type TradedHop = { pool: string; tokenIn: string };

/**
 * Our transaction's swaps in log order. `unreadable` counts Swap logs the truth cannot place: a pool it does not
 * know, or amounts that do not say one input token (then no cycle of the truth can be said to be ours).
 */
export type OurTrade = { hops: TradedHop[]; unreadable: number };

type Log = { address: string; topics: readonly string[]; data: string };

/**
 * The pools our transaction moved and which way, from its receipt's logs: a V2 pair by its Swap's `amountXIn`, a
 * V3 pool by the sign of its Swap's amounts (positive: the pool received that token), a V4 pool by the
 * PoolManager's Swap (topic 1 its id; the amounts are the swapper's deltas, negative: the swapper paid that
 * currency in, as v4-core's Pool.swap builds them).
 */
export function tradeOfLogs(logs: readonly Log[], pools: readonly TruthPool[], poolManager: string): OurTrade {
  const byId = new Map(pools.map((pool) => [poolIdOf(pool), pool]));
  const manager = poolManager.toLowerCase();
  const hops: TradedHop[] = [];
  let unreadable = 0;
  const add = (id: string, zeroIn: boolean, oneIn: boolean) => {
    const pool = byId.get(id);
    if (!pool || zeroIn === oneIn) {
      unreadable++;
      return;
    }
    hops.push({ pool: id, tokenIn: (zeroIn ? pool.token0 : pool.token1).toLowerCase() });
  };
  for (const log of logs) {
    const topic = log.topics[0]?.toLowerCase();
    const address = log.address.toLowerCase();
    if (topic === v2Swap) {
      const [amount0In, amount1In] = decodeAbiParameters([{ type: 'uint256' }, { type: 'uint256' }, { type: 'uint256' }, { type: 'uint256' }], log.data as Hex);
      add(address, amount0In > 0n, amount1In > 0n);
    } else if (topic === v3Swap) {
      const [amount0, amount1] = decodeAbiParameters([{ type: 'int256' }, { type: 'int256' }], log.data as Hex);
      add(address, amount0 > 0n, amount1 > 0n);
    } else if (topic === v4Swap && address === manager && log.topics[1]) {
      const [amount0, amount1] = decodeAbiParameters([{ type: 'int128' }, { type: 'int128' }], log.data as Hex);
      add(log.topics[1].toLowerCase(), amount0 < 0n, amount1 < 0n);
    }
  }
  return { hops, unreadable };
}

const hopKey = (hop: TradedHop) => `${hop.pool}:${hop.tokenIn}`;
/** A directed cycle as a set of (pool, token in): from WETH round to WETH with no pool twice, the set fixes the cycle and its direction. */
const keyOf = (hops: readonly TradedHop[]) => hops.map(hopKey).sort().join('|');
const cycleHops = (cycle: TruthCycle): TradedHop[] => cycle.map((hop) => ({ pool: poolIdOf(hop.pool), tokenIn: hop.tokenIn.toLowerCase() }));

/**
 * What our backrun's own cycle is worth to the victim:
 * - `cycle`: our trade is one of the truth's cycles through the victim's pools (same pools, same direction); `gain`
 *   is the victim's own gain on it (after less before, 0 at least; 0 too when it gains nothing after the victim).
 * - `untouched`: every pool we traded is one the truth knows and the victim moved none of them: the victim did not
 *   change those pools' state, so it added nothing there (`gain` 0).
 * - `unmatched`: the truth cannot say (a pool it does not know, a hook pool, a longer cycle than it enumerates,
 *   unreadable amounts, no receipt): the caller keeps the old rule, credit up to the victim's overall value.
 */
export type OurCycle = { kind: 'cycle'; index: number; cycle: TruthCycle; gain: bigint } | { kind: 'untouched'; gain: 0n } | { kind: 'unmatched' };

/**
 * `cycles` are the truth's cycles through the victim's moved pools (`victimMoved`, by `poolIdOf`), `gains` each
 * one's own gain from the victim (indexed alike), `known` every pool id the truth prices (hook pools excluded).
 */
export function ourCycleOf(trade: OurTrade | undefined, cycles: readonly TruthCycle[], gains: readonly bigint[], victimMoved: ReadonlySet<string>, known: ReadonlySet<string>): OurCycle {
  if (!trade || trade.unreadable > 0 || trade.hops.length === 0) return { kind: 'unmatched' };
  const key = keyOf(trade.hops);
  const index = cycles.findIndex((cycle) => keyOf(cycleHops(cycle)) === key);
  if (index >= 0) {
    const gain = gains[index] ?? 0n;
    return { kind: 'cycle', index, cycle: cycles[index]!, gain: gain > 0n ? gain : 0n };
  }
  if (trade.hops.every((hop) => known.has(hop.pool) && !victimMoved.has(hop.pool))) return { kind: 'untouched', gain: 0n };
  return { kind: 'unmatched' };
}
