import type { Address, Log } from 'viem';
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
  /** Each earlier transaction's gas (the victims'), in order: with ours, what the builder divides the bundle's value by. */
  victimsGasUsed?: bigint[];
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

export type SimulateLogsParameters = Omit<SimulateBundleParameters, 'executor' | 'startToken'>;

/** One simulated transaction: did it succeed, and the logs it emitted (in order). */
export type SimulatedTx = { ok: boolean; logs: Log[] };

/**
 * A bundle simulator. The engine and the decision know only this interface: what differs between backends is
 * said here (does it run signed bytes, does it follow the heads, does it hold resources), never found out by
 * asking which class it is.
 */
export interface BundleSimulator {
  readonly name: string;
  /**
   * The backend runs signed transactions as they are (the victims' raw bytes from the node, ours signed by
   * the operator key); otherwise it takes the calls unsigned (no signing on the hot path).
   */
  readonly runsSignedTransactions: boolean;
  simulate(parameters: SimulateBundleParameters): Promise<BundleSimulation>;
  /**
   * Runs transactions (after `prefix`, unmeasured) in one simulated block and returns each one's status and logs.
   * Unset: the backend cannot say what a transaction emits (a victim priced by its logs is then refused).
   */
  simulateLogs?(parameters: SimulateLogsParameters): Promise<SimulatedTx[]>;
  /** A new head: later simulations run on top of block `number`, whose successor pays `nextBaseFeePerGas`. */
  onHead(number: bigint, nextBaseFeePerGas: bigint): Promise<void>;
  /** Releases what the backend holds (processes, ports); simulate is not called after. */
  stop(): Promise<void>;
}
