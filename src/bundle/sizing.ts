import { concat, getAddress, hexToBigInt, hexToNumber, numberToHex, sliceHex, type Address, type Hex } from 'viem';
import { v4PoolId } from '../amm/v4/poolKey.ts';
import type { SizingEntry } from '../strategy/sizingTable.ts';
import { PlanError, type ExecutorPlan } from './plan.ts';

/**
 * A sizing table for `Executor.executeSized` (contracts/src/libraries/Sizing.sol documents the same layout):
 * header 24 bytes = pool address | hopIndex u8 | builderShareBps u16 | count u8, then 36 bytes per entry =
 * key u160 | amountIn u128, keys strictly increasing; for a table keyed on a V4 hop, the header's pool is the
 * PoolManager and a 32-byte pool id follows the entries (the executor checks it is the hop's own key's id).
 *
 * For a victim whose amounts are hidden (a MEV-Share hint names only the pool), the bot lists, for a grid of
 * possible victim sizes in one direction, the touched pool's state after the victim (the key) and the cycle's
 * best input there. The executor reads the pool's live key at execution time, interpolates the input linearly
 * between the two entries around it, caps it at the plan's amountIn, and pays the builder `builderShareBps` of the
 * realised profit. A key outside the table or an input of 0 reverts with NoOpportunity before any swap.
 * The bot builds the entries with src/strategy/sizingTable.ts.
 */
export type { SizingEntry };

export type SizingTable = {
  /**
   * The touched pool: must be the pool of one of the plan's hops (the executor checks it against its own derivation).
   * A V4 pool is named by its pool id (32 bytes, as the market keys it), never by the PoolManager's address.
   */
  pool: Address | Hex;
  /** block.coinbase's share of the realised profit, at most the plan's maxBuilderShareBps. */
  builderShareBps: number;
  /** 2..64 entries with distinct keys, in any order (encoded sorted by key). */
  entries: readonly SizingEntry[];
};

/**
 * What the key of a hop's pool is: the executor reads reserve0 of a V2 pair, sqrtPriceX96 of a V3 pool's slot0, and
 * sqrtPriceX96 of a V4 pool's slot0 in the PoolManager (extsload).
 */
export type SizingKeyKind = 'v2Reserve0' | 'v3SqrtPriceX96' | 'v4SqrtPriceX96';

/** `pool` as packed (the PoolManager for a V4 table, whose pool is then `poolId`). */
export type DecodedSizing = { pool: Address; hopIndex: number; builderShareBps: number; entries: SizingEntry[]; poolId?: Hex };

export const SIZING_HEADER_SIZE = 24;
export const SIZING_ENTRY_SIZE = 36;
export const SIZING_MIN_ENTRIES = 2;
export const SIZING_MAX_ENTRIES = 64;
/** The V4 pool id trailer of a table keyed on a V4 hop. */
export const SIZING_POOL_ID_SIZE = 32;

const MAX_U160 = (1n << 160n) - 1n;
const MAX_U128 = (1n << 128n) - 1n;

/**
 * Gas `executeSized` costs above `execute` for the same plan and input, as a bound for the transaction's gas
 * limit: the table's calldata (about 570 gas an entry), the read of the pool and the lookup. Measured 2,700 to
 * 11,500 for 2 to 16 entries on two-hop V2 and V3 cycles (since the V4 pool id trailer exists, ~270 more than
 * before); contracts/test/executor/ExecutorSizedGas.t.sol checks this bound (snapshots/ExecutorSizedGasTest.json).
 */
export function sizedExtraGas(entryCount: number): bigint {
  return 2_800n + 650n * BigInt(entryCount);
}

/** The most legs one `executeSizedLegs` call may carry (Executor.MAX_SIZED_LEGS). */
export const MAX_SIZED_LEGS = 8;

/**
 * Gas `executeSizedLegs` costs above `execute` of the one leg that trades, for `legs` legs of at most
 * `entriesPerLeg` entries each, as a bound for the transaction's gas limit: the trading leg as in sizedExtraGas plus
 * the bytes[] encoding and the second pass (every leg is sized before any swaps), and per skipped leg its plan's and
 * table's calldata, the plan checks, its pools' addresses, one pool read and the lookup. Measured (two-hop V2 and V3
 * cycles, the skipped legs the other direction of the same pool): 6,400 to 42,200 for one leg of 2 to 64 entries;
 * 13,400 to 49,200 per skipped leg; a skipped V4-keyed leg (its key trailer, pool id and extsload) up to ~16,900 at
 * 2 entries (contracts/test/executor/ExecutorSizedV4Gas.t.sol);
 * contracts/test/executor/ExecutorSizedLegsGas.t.sol checks this bound (snapshots/ExecutorSizedLegsGasTest.json).
 * Throws PlanError outside 1..MAX_SIZED_LEGS legs or SIZING_MIN_ENTRIES..SIZING_MAX_ENTRIES entries.
 */
export function sizedLegsExtraGas(legs: number, entriesPerLeg: number): bigint {
  if (!Number.isInteger(legs) || legs < 1 || legs > MAX_SIZED_LEGS) {
    throw new PlanError(`executeSizedLegs takes 1 to ${MAX_SIZED_LEGS} legs (got ${legs})`);
  }
  if (!Number.isInteger(entriesPerLeg) || entriesPerLeg < SIZING_MIN_ENTRIES || entriesPerLeg > SIZING_MAX_ENTRIES) {
    throw new PlanError(`a sizing table has ${SIZING_MIN_ENTRIES} to ${SIZING_MAX_ENTRIES} entries (got ${entriesPerLeg})`);
  }
  const entries = BigInt(entriesPerLeg);
  return 7_000n + 650n * entries + BigInt(legs - 1) * (15_500n + 650n * entries);
}

const isPoolId = (pool: string): boolean => pool.length === 66;

/**
 * The plan hop whose pool the table keys on; throws unless exactly that pool is one of the plan's hops. A V4 pool is
 * named by its id (the PoolManager's address would name all of its pools at once, so it names none here).
 */
export function sizingHopIndex(plan: Pick<ExecutorPlan, 'hops'>, pool: Address | Hex): number {
  if (isPoolId(pool)) {
    const id = pool.toLowerCase();
    const index = plan.hops.findIndex((hop) => hop.protocol === 'v4' && hop.v4Key !== undefined && v4PoolId(hop.v4Key).toLowerCase() === id);
    if (index < 0) throw new PlanError(`sizing pool id ${id} is not the pool of one of the plan's V4 hops`);
    return index;
  }
  const wanted = getAddress(pool);
  const index = plan.hops.findIndex((hop) => getAddress(hop.pool) === wanted);
  if (index < 0) throw new PlanError(`sizing pool ${wanted} is not one of the plan's hops`);
  if (plan.hops[index]!.protocol === 'v4') throw new PlanError(`sizing pool ${wanted} is a V4 hop's PoolManager: name the V4 pool by its pool id`);
  return index;
}

/** The key the executor reads for `pool` in `plan`. */
export function sizingKeyKind(plan: Pick<ExecutorPlan, 'hops'>, pool: Address | Hex): SizingKeyKind {
  const { protocol } = plan.hops[sizingHopIndex(plan, pool)]!;
  return protocol === 'v4' ? 'v4SqrtPriceX96' : protocol === 'v3' ? 'v3SqrtPriceX96' : 'v2Reserve0';
}

/**
 * Packs `table` for `executeSized(plan, sizing)`, refusing what the contract would refuse as malformed and what
 * it would run differently from what the caller meant: a flash plan, a plan with a fixed builder payment, a share
 * above the plan's cap, a pool not in the plan, duplicate keys.
 */
export function encodeSizing(plan: ExecutorPlan, table: SizingTable): Hex {
  if (plan.flash) throw new PlanError('executeSized runs inventory plans only (flash is set)');
  if (plan.builderPayment !== 0n) throw new PlanError('a sized plan pays the builder a share of the realised profit: builderPayment must be 0');
  const share = table.builderShareBps;
  if (!Number.isInteger(share) || share < 0 || share > plan.maxBuilderShareBps) {
    throw new PlanError(`builderShareBps must be an integer 0..${plan.maxBuilderShareBps} (the plan's cap; got ${share})`);
  }
  const hopIndex = sizingHopIndex(plan, table.pool);
  const hop = plan.hops[hopIndex]!;
  const count = table.entries.length;
  if (count < SIZING_MIN_ENTRIES || count > SIZING_MAX_ENTRIES) {
    throw new PlanError(`a sizing table has ${SIZING_MIN_ENTRIES} to ${SIZING_MAX_ENTRIES} entries (got ${count})`);
  }
  const entries = [...table.entries].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const parts: Hex[] = [getAddress(hop.pool), numberToHex(hopIndex, { size: 1 }), numberToHex(share, { size: 2 }), numberToHex(count, { size: 1 })];
  for (const [index, entry] of entries.entries()) {
    if (entry.key < 0n || entry.key > MAX_U160) throw new PlanError(`sizing key ${entry.key} does not fit in 160 bits`);
    if (entry.amountIn < 0n || entry.amountIn > MAX_U128) throw new PlanError(`sizing amountIn ${entry.amountIn} does not fit in 128 bits`);
    if (index > 0 && entry.key === entries[index - 1]!.key) throw new PlanError(`sizing key ${entry.key} appears twice`);
    parts.push(numberToHex(entry.key, { size: 20 }), numberToHex(entry.amountIn, { size: 16 }));
  }
  if (hop.protocol === 'v4') parts.push(v4PoolId(hop.v4Key!));
  return concat(parts).toLowerCase() as Hex;
}

/** Unpacks a sizing table (for logs and post-mortems). */
export function decodeSizing(data: Hex): DecodedSizing {
  const size = (data.length - 2) / 2;
  if (size < SIZING_HEADER_SIZE) throw new PlanError(`a sizing table is at least ${SIZING_HEADER_SIZE} bytes (got ${size})`);
  const field = (start: number, length: number) => sliceHex(data, start, start + length, { strict: true });
  const count = hexToNumber(field(23, 1));
  const entriesEnd = SIZING_HEADER_SIZE + count * SIZING_ENTRY_SIZE;
  if (size !== entriesEnd && size !== entriesEnd + SIZING_POOL_ID_SIZE) {
    throw new PlanError(`a ${count}-entry sizing table is ${entriesEnd} bytes, or ${entriesEnd + SIZING_POOL_ID_SIZE} with a V4 pool id (got ${size})`);
  }
  const entries: SizingEntry[] = [];
  for (let index = 0; index < count; index++) {
    const at = SIZING_HEADER_SIZE + index * SIZING_ENTRY_SIZE;
    entries.push({ key: hexToBigInt(field(at, 20)), amountIn: hexToBigInt(field(at + 20, 16)) });
  }
  return {
    pool: getAddress(field(0, 20)),
    hopIndex: hexToNumber(field(20, 1)),
    builderShareBps: hexToNumber(field(21, 2)),
    entries,
    ...(size > entriesEnd ? { poolId: field(entriesEnd, SIZING_POOL_ID_SIZE) } : {}),
  };
}

/**
 * The input `executeSized` runs with when the pool's live key is `key` and the plan's amountIn is `ceiling`, or
 * undefined where it reverts NoOpportunity (key outside the table, input 0). The same rule as the contract:
 * linear between the two entries around the key, the step rounded toward the lower key's amount. For a bot that
 * wants to know what a table will do in a simulated state (tests check it against the contract).
 */
export function sizedAmountIn(entries: readonly SizingEntry[], key: bigint, ceiling: bigint): bigint | undefined {
  const sorted = [...entries].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  if (sorted.some((entry, index) => index > 0 && entry.key === sorted[index - 1]!.key)) throw new PlanError('sizing keys must be distinct');
  if (sorted.length < SIZING_MIN_ENTRIES || key < sorted[0]!.key || key > sorted[sorted.length - 1]!.key) return undefined;
  let amount = sorted[0]!.amountIn;
  for (let index = 1; index < sorted.length && key > sorted[index - 1]!.key; index++) {
    const [low, high] = [sorted[index - 1]!, sorted[index]!];
    if (key > high.key) continue;
    const [step, span] = [key - low.key, high.key - low.key];
    amount = high.amountIn >= low.amountIn ? low.amountIn + ((high.amountIn - low.amountIn) * step) / span : low.amountIn - ((low.amountIn - high.amountIn) * step) / span;
    break;
  }
  if (amount > ceiling) amount = ceiling;
  return amount === 0n ? undefined : amount;
}
