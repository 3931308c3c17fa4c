import calibration from './gasCalibration.json' with { type: 'json' };
import type { Cycle } from './cycle.ts';

type Mode = 'inventory' | 'flash';

/**
 * Gas of one executor transaction before it is simulated (the pre-filter and the builder payment's basis;
 * what is sent is judged on the simulated gas). The figures are the project's calibration
 * (gasCalibration.json, written by scripts/calibrate-gas.ts from the real executor on anvil, per cycle shape and
 * mode, with a builder payment): the measured figure for a shape it has; for a longer shape, the dearest
 * measured shape of three hops plus, per extra hop, the dearest measured cost of adding a hop of that kind;
 * then the cost of each initialized V3 tick the swap crosses, and a safety margin.
 */
const measured = calibration.shapes as Record<string, Record<Mode, number>>;
const TICK_CROSS_GAS = 25_000;
const MARGIN = 1.1;
const LOW_FACTOR = 0.85;

function extrapolate(shape: string[], mode: Mode): number {
  const gas = (kinds: string[]) => measured[kinds.join('')]?.[mode];
  let base = 0;
  for (const [name, modes] of Object.entries(measured)) if (name.length === 6 && modes[mode] > base) base = modes[mode];
  // Adding a hop of a kind: every measured pair of shapes that differ by one hop of that kind at either end.
  const addedCost = (kind: string) => {
    let worst = 0;
    for (const name of Object.keys(measured)) {
      const kinds = name.match(/v[234]/g)!;
      for (const longer of [[kind, ...kinds], [...kinds, kind]]) {
        const more = gas(longer);
        if (more !== undefined) worst = Math.max(worst, more - measured[name]![mode]);
      }
    }
    return worst;
  };
  return base + shape.slice(3).reduce((sum, kind) => sum + addedCost(kind), 0);
}

/** Extrapolated figures by shape and mode (the calibration is fixed: worked out once, not per candidate). */
const extrapolated = new Map<string, number>();

function calibrated(cycle: Cycle, flash: boolean): number {
  const mode: Mode = flash ? 'flash' : 'inventory';
  const shape = cycle.hops.map((hop) => hop.pool.kind as string);
  const name = shape.join('');
  const known = measured[name]?.[mode];
  if (known !== undefined) return known;
  const key = `${name}:${mode}`;
  let gas = extrapolated.get(key);
  if (gas === undefined) extrapolated.set(key, (gas = extrapolate(shape, mode)));
  return gas;
}

/** The gas the builder payment is priced on: above what the transaction should burn, so the payment never
 *  takes more than its share of what the real gas leaves. */
export function estimateGas(cycle: Cycle, ticksCrossed: number, flash = false): bigint {
  return BigInt(Math.ceil((calibrated(cycle, flash) + ticksCrossed * TICK_CROSS_GAS) * MARGIN));
}

/**
 * The least gas the transaction can plausibly burn: what the pre-filter prices, so that it never drops a trade
 * the simulation would have sent. A backrun often burns less than the calibration (the victim already wrote the
 * pools' per-block oracle slots in the same block), a few percent; 15% below covers it.
 */
export function lowGasEstimate(cycle: Cycle, flash = false): bigint {
  return BigInt(Math.floor(calibrated(cycle, flash) * LOW_FACTOR));
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

/**
 * What a simulated bundle leaves us in a given block: the executor's gain (already net of the builder payment)
 * minus the gas it burned at the price our transaction pays there (that block's base fee plus our tip).
 */
export function netAfterGasWei(input: { gainWei: bigint; gasUsed: bigint; baseFeeWei: bigint; priorityFeeWei: bigint }): bigint {
  return input.gainWei - input.gasUsed * (input.baseFeeWei + input.priorityFeeWei);
}
