import type { Address, Hex } from 'viem';

/**
 * A transaction of the bundle, as the chain will run it. It lives with the bundle (signing builds it) and the
 * simulator takes it as input: sim/ imports bundle/, never the other way round.
 */
export type BundleTx = {
  from: Address;
  to: Address | null;
  data: Hex;
  value: bigint;
  gas: bigint;
  nonce?: number;
  maxFeePerGas?: bigint;
  maxPriorityFeePerGas?: bigint;
  /** The signed transaction (the fork backend sends it as is). */
  raw?: Hex;
};
