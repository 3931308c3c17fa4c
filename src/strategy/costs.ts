import gasSnapshot from '../../snapshots/ExecutorGasTest.json' with { type: 'json' };
import type { Cycle } from './cycle.ts';

/**
 * Gas of one executor transaction, calibrated from the committed forge gas snapshot (whole transactions,
 * cold state, inventory mode): the measured figure for the cycle shapes the snapshot has, else a linear fit
 * from them, plus the cost of each initialized V3 tick the swap crosses, plus a safety margin.
 */
const measured: Record<string, number> = {
  v2v2: Number(gasSnapshot.execute_v2v2_inventory),
  v2v3: Number(gasSnapshot.execute_v2v3_inventory),
  v3v2: Number(gasSnapshot.execute_v2v3_inventory),
  v3v3: Number(gasSnapshot.execute_v3v3_inventory),
  v2v2v2: Number(gasSnapshot.execute_triangle_inventory),
};
const perV2Hop = measured.v2v2v2! - measured.v2v2!;
const fixed = measured.v2v2! - 2 * perV2Hop;
const perV3Hop = Math.max(measured.v2v3! - fixed - perV2Hop, (measured.v3v3! - fixed) / 2);
const TICK_CROSS_GAS = 25_000;
const MARGIN = 1.1;

export function estimateGas(cycle: Cycle, ticksCrossed: number): bigint {
  const shape = cycle.hops.map((hop) => hop.pool.kind).join('');
  const base = measured[shape] ?? fixed + cycle.hops.reduce((sum, hop) => sum + (hop.pool.kind === 'v2' ? perV2Hop : perV3Hop), 0);
  return BigInt(Math.ceil((base + ticksCrossed * TICK_CROSS_GAS) * MARGIN));
}

export type CostPolicy = {
  /** Priority fee we pay per gas, on top of the next block's base fee. */
  priorityFeeWei: bigint;
  /** Share of the profit after gas that goes to the builder (bps). */
  builderShareBps: bigint;
  /** Net profit a candidate must leave us, after gas and the builder. */
  minNetProfitWei: bigint;
};

export type Costs = { gas: bigint; gasCostWei: bigint; bribeWei: bigint; netProfitWei: bigint };

export function applyCosts(grossProfitWei: bigint, gas: bigint, nextBaseFeeWei: bigint, policy: CostPolicy): Costs {
  const gasCostWei = gas * (nextBaseFeeWei + policy.priorityFeeWei);
  const afterGas = grossProfitWei - gasCostWei;
  const bribeWei = afterGas > 0n ? (afterGas * policy.builderShareBps) / 10_000n : 0n;
  return { gas, gasCostWei, bribeWei, netProfitWei: afterGas - bribeWei };
}
