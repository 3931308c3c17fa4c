import { nextBaseFee as protocolNextBaseFee } from '../chain/baseFee.ts';
import { SearcherError } from '../errors.ts';

export class FeeError extends SearcherError {
  constructor(message: string) {
    super('FEE', message);
  }
}

function assertBlocksAfterNext(k: number): void {
  if (!Number.isSafeInteger(k) || k < 0 || k > 1024) throw new FeeError(`blocks after the next one must be an integer 0..1024 (got ${k})`);
}

function assertNonNegative(name: string, value: bigint): void {
  if (value < 0n) throw new FeeError(`${name} must not be negative (got ${value})`);
}

/**
 * The highest base fee block next+k can have, exactly: each full parent block raises the base fee by
 * floor(fee * (gasUsed - target) / target / 8), and by at least 1 wei. With an even gas limit that is
 * fee + max(floor(fee / 8), 1); an odd limit (target = floor(limit / 2)) can add a hair more, so pass the
 * current limit when you know it.
 */
export function worstCaseBaseFee(nextBaseFee: bigint, blocksAfterNext: number, gasLimit = 30_000_000n): bigint {
  assertNonNegative('nextBaseFee', nextBaseFee);
  assertBlocksAfterNext(blocksAfterNext);
  let fee = nextBaseFee;
  for (let i = 0; i < blocksAfterNext; i++) fee = protocolNextBaseFee(fee, gasLimit, gasLimit);
  return fee;
}

/**
 * ceil(nextBaseFee * (9/8)^k) in exact integer math: the 12.5%-per-block bound, raised to the protocol's exact
 * worst case where that is higher (tiny fees, where the 1-wei minimum step beats 12.5%, and odd gas limits).
 */
export function maxBaseFeeAfter(nextBaseFee: bigint, blocksAfterNext: number, gasLimit?: bigint): bigint {
  assertNonNegative('nextBaseFee', nextBaseFee);
  assertBlocksAfterNext(blocksAfterNext);
  const k = BigInt(blocksAfterNext);
  const numerator = 9n ** k;
  const denominator = 8n ** k;
  const bound = (nextBaseFee * numerator + denominator - 1n) / denominator;
  const exact = worstCaseBaseFee(nextBaseFee, blocksAfterNext, gasLimit);
  return exact > bound ? exact : bound;
}

export type TargetBlockFeesParameters = {
  /** The base fee of the block after the head (known exactly from the head). */
  nextBaseFee: bigint;
  /** 0 targets the next block; k targets k blocks after it. */
  blocksAfterNext: number;
  /** The tip we are willing to pay per gas. */
  priorityFee: bigint;
  /** The head's gas limit, if known: covers the odd-limit case exactly. */
  gasLimit?: bigint;
};

/** EIP-1559 fees that stay valid in the target block whatever the blocks before it do. */
export function feesForTargetBlock(parameters: TargetBlockFeesParameters): { maxFeePerGas: bigint; maxPriorityFeePerGas: bigint } {
  assertNonNegative('priorityFee', parameters.priorityFee);
  const maxBaseFee = maxBaseFeeAfter(parameters.nextBaseFee, parameters.blocksAfterNext, parameters.gasLimit);
  return { maxFeePerGas: maxBaseFee + parameters.priorityFee, maxPriorityFeePerGas: parameters.priorityFee };
}

export type EffectiveFeeParameters = {
  baseFee: bigint;
  maxFeePerGas: bigint;
  maxPriorityFeePerGas: bigint;
};

/** What the block's coinbase gets per gas: min(maxPriorityFeePerGas, maxFeePerGas - baseFee). Throws if not includable. */
export function effectivePriorityFee(parameters: EffectiveFeeParameters): bigint {
  const { baseFee, maxFeePerGas, maxPriorityFeePerGas } = parameters;
  assertNonNegative('baseFee', baseFee);
  if (maxPriorityFeePerGas > maxFeePerGas) throw new FeeError(`maxPriorityFeePerGas ${maxPriorityFeePerGas} exceeds maxFeePerGas ${maxFeePerGas}`);
  if (maxFeePerGas < baseFee) throw new FeeError(`maxFeePerGas ${maxFeePerGas} is below the base fee ${baseFee}: the transaction cannot be included`);
  const headroom = maxFeePerGas - baseFee;
  return maxPriorityFeePerGas < headroom ? maxPriorityFeePerGas : headroom;
}

/** The price per gas actually paid at this base fee: baseFee + the effective priority fee. */
export function effectiveGasPrice(parameters: EffectiveFeeParameters): bigint {
  return parameters.baseFee + effectivePriorityFee(parameters);
}
