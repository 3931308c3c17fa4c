import type { Address } from 'viem';
import type { BundleTx } from '../bundle/bundleTx.ts';

/** What a bundle simulation reports about our transaction (the last of the bundle). */
export type BundleSimulation = {
  /** Our transaction succeeded. */
  ok: boolean;
  /** Each earlier transaction (the victims) succeeded. */
  victimsOk: boolean;
  /** Start-token balance change of the executor over the whole bundle. */
  gain: bigint;
  gasUsed: bigint;
  revertReason?: string;
};

export type SimulateBundleParameters = {
  txs: readonly BundleTx[];
  /** Our earlier bundles for the same block, run first and not measured (the new bundle lands after them). */
  prefix?: readonly BundleTx[];
  executor: Address;
  startToken: Address;
  targetBlock: bigint;
  /** The target block's timestamp and base fee, when the backend lets us set them. */
  timestamp?: bigint;
  baseFeePerGas?: bigint;
};

export interface BundleSimulator {
  readonly name: string;
  simulate(parameters: SimulateBundleParameters): Promise<BundleSimulation>;
}
