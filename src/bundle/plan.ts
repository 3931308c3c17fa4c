import { concat, getAddress, numberToHex, sliceHex, hexToBigInt, hexToNumber, zeroAddress, type Address, type Hex } from 'viem';
import type { V4PoolKey } from '../amm/v4/poolKey.ts';
import { SearcherError } from '../errors.ts';

/**
 * The executor's packed plan (contracts/src/libraries/Plan.sol documents the same layout):
 * header 80 bytes = flags u8 | targetBlock u64 | amountIn u128 | minProfit u128 | builderPayment u128 |
 * maxBuilderShareBps u16 | startToken address | hopCount u8, then 44 bytes per hop = source address (the
 * pool's factory, or the pool itself if listed) | tokenOut address | flags u8 (bit 0 V3, bit 1 zeroForOne,
 * bit 2 listed pool) | fee u24 (V2 bps, V3 fee tier).
 *
 * A Uniswap V4 hop (flag bit 3) is a swap in the executor owner's PoolManager: source = the pool key's hooks,
 * fee = the key's fee, flag bit 4 = native (the pool holds ETH where the plan says WETH: the executor unwraps and
 * wraps), bits 5..7 = the hop's index in the trailer; the header's flag bits 1..4 count the V4 hops, and the plan
 * ends with one int24 tick spacing per V4 hop.
 *
 * The plan does not carry a factory-made pool's address: the executor recomputes it by CREATE2 from the factory
 * (which its owner must have registered, with the V2 fee), the hop's tokens and the V3 fee tier, so a stolen
 * operator key cannot name any other contract.
 */
export type PlanHop = {
  /** The pool (for logs and checks; for a factory-made pool the executor derives it and the plan omits it). */
  pool: Address;
  /** The factory that deployed `pool`. Without one, the plan names `pool` itself as one the owner listed. */
  factory?: Address;
  tokenOut: Address;
  protocol: 'v2' | 'v3' | 'v4';
  zeroForOne: boolean;
  /** V2-style pairs only: 30 for Uniswap V2 and SushiSwap (must be the fee registered with the factory). */
  v2FeeBps?: number;
  /** V3 pools: the fee tier in hundredths of a basis point (500, 3000, 10000). */
  v3Fee?: number;
  /**
   * V4 pools: the pool key (`pool` is then the PoolManager, for logs). A key with native ETH (currency0 =
   * address(0)) trades the plan's WETH side as ETH; zeroForOne is the direction in the pool (ETH sorts first).
   */
  v4Key?: V4PoolKey;
};

/** What a V4 hop of a packed plan says about its pool key (its currencies follow from the path). */
export type DecodedV4Hop = { hooks: Address; fee: number; tickSpacing: number; native: boolean };

/** A decoded hop: what the plan says, which for a factory-made pool is the factory, not the pool. */
export type DecodedPlanHop = Omit<PlanHop, 'pool' | 'factory' | 'v4Key'> &
  ({ factory: Address } | { pool: Address; listed: true } | { v4: DecodedV4Hop });

export type ExecutorPlan = {
  /** Borrow the first leg from its pool (flash swap / V3 callback) instead of using the executor's inventory. */
  flash: boolean;
  /**
   * Flash mode only: borrow the input from the V4 PoolManager instead of the first pool (take, run the cycle,
   * settle; no fee): 'v4' lends the start token itself, 'v4Native' native ETH wrapped into WETH (the start token
   * must be WETH: the executor reverts BadPlan otherwise). Absent: the first pool lends.
   */
  flashSource?: 'v4' | 'v4Native';
  /** The only block the plan may run in. */
  targetBlock: bigint;
  amountIn: bigint;
  /** Net of the builder payment, in the start token. */
  minProfit: bigint;
  /** Wei paid to block.coinbase out of profit (start token must be WETH when non-zero). */
  builderPayment: bigint;
  /** Cap on builderPayment as a share of gross profit. */
  maxBuilderShareBps: number;
  startToken: Address;
  hops: PlanHop[];
};

export const PLAN_HEADER_SIZE = 80;
export const PLAN_HOP_SIZE = 44;
export const PLAN_MAX_HOPS = 8;
export const PLAN_V4_TRAILER_ENTRY = 3;

export class PlanError extends SearcherError {
  constructor(message: string) {
    super('PLAN_INVALID', message);
  }
}

/**
 * What a plan with V4 hops or a native V4 loan is checked against: the PoolManager the executor's owner set (a hop
 * in any other manager names a pool the executor cannot reach) and the chain's WETH (the only token that may stand
 * for native ETH). Plans with V2/V3 hops only need neither.
 */
export type PlanContext = { weth: Address; poolManager: Address };

const MAX_U128 = (1n << 128n) - 1n;
const MAX_U24 = (1 << 24) - 1;
const HOP_V3 = 1;
const HOP_ZERO_FOR_ONE = 2;
const HOP_LISTED = 4;
const HOP_V4 = 8;
const HOP_V4_NATIVE = 16;
const MAX_TICK_SPACING = 32_767;
const FLAG_V4_LOAN = 32;
const FLAG_V4_LOAN_NATIVE = 64;
const MAX_U64 = (1n << 64n) - 1n;

function uint(value: bigint, max: bigint, name: string, bytes: number): Hex {
  if (value < 0n || value > max) throw new PlanError(`${name} ${value} does not fit in ${bytes * 8} bits`);
  return numberToHex(value, { size: bytes });
}

/**
 * Packs a plan for `Executor.execute`, refusing anything the contract would reject as malformed. V4 hops and a
 * 'v4Native' loan need `context` (without it they are refused: fail closed rather than guess the manager).
 */
export function encodePlan(plan: ExecutorPlan, context?: PlanContext): Hex {
  const { hops } = plan;
  if (hops.length < 2 || hops.length > PLAN_MAX_HOPS) throw new PlanError(`a plan needs 2 to ${PLAN_MAX_HOPS} hops (got ${hops.length})`);
  if (getAddress(hops[hops.length - 1]!.tokenOut) !== getAddress(plan.startToken)) {
    throw new PlanError('the last hop must return to the start token');
  }
  if (!Number.isInteger(plan.maxBuilderShareBps) || plan.maxBuilderShareBps < 0 || plan.maxBuilderShareBps > 10_000) {
    throw new PlanError(`maxBuilderShareBps must be 0..10000 (got ${plan.maxBuilderShareBps})`);
  }
  if (plan.flashSource !== undefined && !plan.flash) throw new PlanError('flashSource needs flash mode');
  if (plan.flashSource === 'v4Native') {
    if (!context) throw new PlanError("a 'v4Native' loan needs the chain's WETH to check the start token");
    if (getAddress(plan.startToken) !== getAddress(context.weth)) {
      throw new PlanError(`a 'v4Native' loan lends WETH: the start token ${getAddress(plan.startToken)} is not WETH ${getAddress(context.weth)}`);
    }
  }
  const loan = plan.flashSource === 'v4' ? FLAG_V4_LOAN : plan.flashSource === 'v4Native' ? FLAG_V4_LOAN | FLAG_V4_LOAN_NATIVE : 0;
  const v4Count = hops.filter((hop) => hop.protocol === 'v4').length;
  if (v4Count > 0 && !context) throw new PlanError("V4 hops need the executor's PoolManager and the chain's WETH to be checked");
  const parts: Hex[] = [
    numberToHex((plan.flash ? 1 : 0) | (v4Count << 1) | loan, { size: 1 }),
    uint(plan.targetBlock, MAX_U64, 'targetBlock', 8),
    uint(plan.amountIn, MAX_U128, 'amountIn', 16),
    uint(plan.minProfit, MAX_U128, 'minProfit', 16),
    uint(plan.builderPayment, MAX_U128, 'builderPayment', 16),
    numberToHex(plan.maxBuilderShareBps, { size: 2 }),
    getAddress(plan.startToken),
    numberToHex(hops.length, { size: 1 }),
  ];
  let tokenIn = getAddress(plan.startToken);
  const trailer: Hex[] = [];
  for (const [index, hop] of hops.entries()) {
    if (hop.protocol === 'v4') {
      const { key, native } = v4Hop(hop, tokenIn, index, context!);
      const flags = HOP_V4 | (hop.zeroForOne ? HOP_ZERO_FOR_ONE : 0) | (native ? HOP_V4_NATIVE : 0) | (trailer.length << 5);
      parts.push(getAddress(key.hooks), getAddress(hop.tokenOut), numberToHex(flags, { size: 1 }), numberToHex(key.fee, { size: 3 }));
      trailer.push(numberToHex(key.tickSpacing, { size: 3 }));
      tokenIn = getAddress(hop.tokenOut);
      continue;
    }
    const fee = hopFee(hop, index);
    // Pools order their tokens by address; the executor finds no pool for a hop whose direction contradicts it.
    if (hop.zeroForOne !== tokenIn.toLowerCase() < hop.tokenOut.toLowerCase()) {
      throw new PlanError(`hop ${index}: zeroForOne ${hop.zeroForOne} contradicts the order of ${tokenIn} and ${hop.tokenOut}`);
    }
    tokenIn = getAddress(hop.tokenOut);
    const flags = (hop.protocol === 'v3' ? HOP_V3 : 0) | (hop.zeroForOne ? HOP_ZERO_FOR_ONE : 0) | (hop.factory ? 0 : HOP_LISTED);
    parts.push(getAddress(hop.factory ?? hop.pool), getAddress(hop.tokenOut), numberToHex(flags, { size: 1 }), numberToHex(fee, { size: 3 }));
  }
  return concat([...parts, ...trailer]).toLowerCase() as Hex;
}

/**
 * A V4 hop's key checked against the path: its currencies are the hop's tokens (on a native key, the token that is
 * not currency1 stands for ETH and must be WETH: the executor unwraps only WETH and would revert BadPlan), zeroForOne
 * is the direction in the pool, and `pool` is the executor's PoolManager (the plan cannot name another one).
 */
function v4Hop(hop: PlanHop, tokenIn: Address, index: number, context: PlanContext): { key: V4PoolKey; native: boolean } {
  const key = hop.v4Key;
  if (!key) throw new PlanError(`hop ${index}: a V4 hop needs its pool key`);
  if (getAddress(hop.pool) !== getAddress(context.poolManager)) {
    throw new PlanError(`hop ${index}: the V4 pool is in PoolManager ${getAddress(hop.pool)}, not the executor's ${getAddress(context.poolManager)}`);
  }
  const [currency0, currency1, tokenOut] = [getAddress(key.currency0), getAddress(key.currency1), getAddress(hop.tokenOut)];
  const native = currency0 === zeroAddress;
  if (native) {
    const weth = getAddress(context.weth);
    for (const token of [tokenIn, tokenOut]) {
      if (token !== currency1 && token !== weth) throw new PlanError(`hop ${index}: ${token} stands for native ETH but is not WETH ${weth}`);
    }
  }
  const asCurrency = (token: Address) => (native && token !== currency1 ? zeroAddress : token);
  const [currencyIn, currencyOut] = [asCurrency(tokenIn), asCurrency(tokenOut)];
  const pair = new Set([currencyIn, currencyOut]);
  if (currencyIn === currencyOut || !pair.has(currency0) || !pair.has(currency1) || BigInt(currency0) >= BigInt(currency1)) {
    throw new PlanError(`hop ${index}: ${tokenIn} -> ${tokenOut} is not the pool key's pair ${currency0}/${currency1}`);
  }
  if (hop.zeroForOne !== (currencyIn === currency0)) {
    throw new PlanError(`hop ${index}: zeroForOne ${hop.zeroForOne} contradicts the pool key's order (${currencyIn} in)`);
  }
  if (!Number.isInteger(key.fee) || key.fee < 0 || key.fee > MAX_U24) throw new PlanError(`hop ${index}: V4 fee ${key.fee} does not fit in 24 bits`);
  if (!Number.isInteger(key.tickSpacing) || key.tickSpacing < 1 || key.tickSpacing > MAX_TICK_SPACING) {
    throw new PlanError(`hop ${index}: tick spacing ${key.tickSpacing} is out of range (1..${MAX_TICK_SPACING})`);
  }
  return { key, native };
}

function hopFee(hop: PlanHop, index: number): number {
  if (hop.protocol === 'v2') {
    const fee = hop.v2FeeBps ?? 30;
    if (!Number.isInteger(fee) || fee < 0 || fee >= 10_000) throw new PlanError(`hop ${index}: V2 fee ${fee} bps is out of range`);
    return fee;
  }
  const fee = hop.v3Fee;
  if (fee === undefined || !Number.isInteger(fee) || fee <= 0 || fee > MAX_U24) {
    throw new PlanError(`hop ${index}: a V3 hop needs its pool's fee tier (got ${fee})`);
  }
  return fee;
}

export type DecodedPlan = Omit<ExecutorPlan, 'hops'> & { hops: DecodedPlanHop[] };

/** Unpacks a plan (for logs and post-mortems). Factory-made pools come back as their factory. */
export function decodePlan(data: Hex): DecodedPlan {
  const size = (data.length - 2) / 2;
  if (size < PLAN_HEADER_SIZE) throw new PlanError(`a plan is at least ${PLAN_HEADER_SIZE} bytes (got ${size})`);
  const field = (start: number, length: number) => sliceHex(data, start, start + length, { strict: true });
  const hopCount = hexToNumber(field(79, 1));
  const v4Count = (hexToNumber(field(0, 1)) >> 1) & 15;
  const expected = PLAN_HEADER_SIZE + hopCount * PLAN_HOP_SIZE + v4Count * PLAN_V4_TRAILER_ENTRY;
  if (size !== expected) {
    const v4 = v4Count === 0 ? '' : ` with ${v4Count} V4 hops`;
    throw new PlanError(`a ${hopCount}-hop plan${v4} is ${expected} bytes (got ${size})`);
  }
  // One encoding per plan, as Plan.canonical in the executor: header bit 7 clear, V4 hops neither V3 nor listed
  // and numbered 0, 1, ... in hop order in the trailer, no V4 bits on other hops, one trailer entry per V4 hop.
  if (hexToNumber(field(0, 1)) & 128) throw new PlanError('header flag bit 7 is reserved (must be clear)');
  const hops: DecodedPlanHop[] = [];
  for (let index = 0; index < hopCount; index++) {
    const at = PLAN_HEADER_SIZE + index * PLAN_HOP_SIZE;
    const flags = hexToNumber(field(at + 40, 1));
    const fee = hexToNumber(field(at + 41, 3));
    const source = getAddress(field(at, 20));
    if (flags & HOP_V4) {
      if (flags & (HOP_V3 | HOP_LISTED)) throw new PlanError(`hop ${index}: a V4 hop with the V3 or listed flag`);
      const entry = flags >> 5;
      if (entry >= v4Count) throw new PlanError(`hop ${index}: V4 trailer index ${entry} is outside the ${v4Count} entries`);
      const v4Before = hops.filter((hop) => hop.protocol === 'v4').length;
      if (entry !== v4Before) throw new PlanError(`hop ${index}: V4 trailer index ${entry}, expected ${v4Before} (in hop order)`);
      const tickSpacing = hexToNumber(field(PLAN_HEADER_SIZE + hopCount * PLAN_HOP_SIZE + entry * PLAN_V4_TRAILER_ENTRY, 3));
      const v4 = { hooks: source, fee, tickSpacing, native: (flags & HOP_V4_NATIVE) !== 0 };
      hops.push({ tokenOut: getAddress(field(at + 20, 20)), protocol: 'v4', zeroForOne: (flags & HOP_ZERO_FOR_ONE) !== 0, v4 });
      continue;
    }
    if (flags >> 4) throw new PlanError(`hop ${index}: V4 flag bits on a V2/V3 hop (flags ${flags})`);
    const protocol = flags & HOP_V3 ? 'v3' : 'v2';
    const common = {
      tokenOut: getAddress(field(at + 20, 20)),
      protocol,
      zeroForOne: (flags & HOP_ZERO_FOR_ONE) !== 0,
      ...(protocol === 'v2' ? { v2FeeBps: fee } : { v3Fee: fee }),
    } as const;
    hops.push(flags & HOP_LISTED ? { ...common, pool: source, listed: true } : { ...common, factory: source });
  }
  const v4Hops = hops.filter((hop) => hop.protocol === 'v4').length;
  if (v4Hops !== v4Count) throw new PlanError(`the header counts ${v4Count} V4 hops, the plan has ${v4Hops}`);
  const flags = hexToNumber(field(0, 1));
  const flash = (flags & 1) === 1;
  const flashSource = !flash || !(flags & FLAG_V4_LOAN) ? undefined : flags & FLAG_V4_LOAN_NATIVE ? 'v4Native' : 'v4';
  return {
    flash,
    ...(flashSource ? { flashSource } : {}),
    targetBlock: hexToBigInt(field(1, 8)),
    amountIn: hexToBigInt(field(9, 16)),
    minProfit: hexToBigInt(field(25, 16)),
    builderPayment: hexToBigInt(field(41, 16)),
    maxBuilderShareBps: hexToNumber(field(57, 2)),
    startToken: getAddress(field(59, 20)),
    hops,
  };
}
