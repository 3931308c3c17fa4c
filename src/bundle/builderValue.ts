import { effectivePriorityFee } from './fees.ts';

/**
 * What a backrun bundle gives the builder apart from our payment, and the gas it divides that by: a builder ranks
 * conflicting bundles by (priority fees + coinbase transfers) per gas of the whole bundle, the victims' included.
 * With a rival's winning bundle price this says exactly what we had to pay to rank above it (bidPolicy.ts).
 */
export type BundleValue = { gasUsed: bigint; tipsWei: bigint };

export type BundleValueInput = {
  /** Each victim's fee fields and the gas it used in our simulation, in bundle order. */
  victims: ReadonlyArray<{ maxFeePerGas: bigint; maxPriorityFeePerGas?: bigint; gasUsed: bigint }>;
  ourGasUsed: bigint;
  ourPriorityFeeWei: bigint;
  /** The target block's base fee. */
  baseFeeWei: bigint;
};

/**
 * Pure. Undefined when a victim could not pay the base fee (it would not be in the block: no bundle value to speak
 * of). A legacy transaction (no priority fee field) tips all its price above the base fee.
 */
export function bundleValue(input: BundleValueInput): BundleValue | undefined {
  let tipsWei = 0n;
  let gasUsed = input.ourGasUsed;
  for (const victim of input.victims) {
    if (victim.maxFeePerGas < input.baseFeeWei) return undefined;
    const priority = victim.maxPriorityFeePerGas ?? victim.maxFeePerGas;
    const tip = effectivePriorityFee({ baseFee: input.baseFeeWei, maxFeePerGas: victim.maxFeePerGas, maxPriorityFeePerGas: priority < victim.maxFeePerGas ? priority : victim.maxFeePerGas });
    tipsWei += tip * victim.gasUsed;
    gasUsed += victim.gasUsed;
  }
  tipsWei += input.ourGasUsed * input.ourPriorityFeeWei;
  return { gasUsed, tipsWei };
}
