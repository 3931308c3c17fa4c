import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nextBaseFee } from '../../src/chain/baseFee.ts';
import { effectiveGasPrice, effectivePriorityFee, FeeError, feesForTargetBlock, maxBaseFeeAfter, worstCaseBaseFee } from '../../src/bundle/fees.ts';

const gwei = 10n ** 9n;

/** The protocol, block by block: k full blocks at this gas limit. */
function fullBlocks(baseFee: bigint, k: number, gasLimit: bigint): bigint {
  let fee = baseFee;
  for (let i = 0; i < k; i++) fee = nextBaseFee(fee, gasLimit, gasLimit);
  return fee;
}

describe('maxFeePerGas for a block k after the next', () => {
  it('exact values: ceil(nextBaseFee * (9/8)^k) + priority fee', () => {
    const priorityFee = 2n * gwei;
    expect(feesForTargetBlock({ nextBaseFee: 10n * gwei, blocksAfterNext: 0, priorityFee })).toEqual({ maxFeePerGas: 12n * gwei, maxPriorityFeePerGas: priorityFee });
    // 10 gwei * 9/8 = 11.25 gwei; * 81/64 = 12.65625 gwei; * 729/512 = 14.23828125 gwei (exact, no rounding).
    expect(maxBaseFeeAfter(10n * gwei, 1)).toBe(11_250_000_000n);
    expect(maxBaseFeeAfter(10n * gwei, 2)).toBe(12_656_250_000n);
    expect(maxBaseFeeAfter(10n * gwei, 3)).toBe(14_238_281_250n);
    expect(feesForTargetBlock({ nextBaseFee: 10n * gwei, blocksAfterNext: 2, priorityFee }).maxFeePerGas).toBe(14_656_250_000n);
    // Rounds up: 1001 * 9/8 = 1126.125 -> 1127; 1001 * 81/64 = 1266.890625 -> 1267.
    expect(maxBaseFeeAfter(1001n, 1)).toBe(1127n);
    expect(maxBaseFeeAfter(1001n, 2)).toBe(1267n);
    // Tiny fees rise by the protocol's 1-wei minimum step, faster than 12.5%: 1 -> 2 -> 3 -> 4.
    expect(maxBaseFeeAfter(1n, 3)).toBe(4n);
    expect(maxBaseFeeAfter(0n, 2)).toBe(2n);
  });

  it('covers the worst-case base fee after k full blocks (chain/baseFee.ts nextBaseFee applied k times)', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 10n ** 15n }),
        fc.integer({ min: 0, max: 25 }),
        fc.bigInt({ min: 0n, max: 10n ** 12n }),
        (baseFee, k, priorityFee) => {
          const worst = fullBlocks(baseFee, k, 30_000_000n);
          const { maxFeePerGas } = feesForTargetBlock({ nextBaseFee: baseFee, blocksAfterNext: k, priorityFee });
          expect(maxFeePerGas - priorityFee).toBeGreaterThanOrEqual(worst);
          expect(worstCaseBaseFee(baseFee, k)).toBe(worst);
          // From 8 wei up (even limits) the 12.5% bound is the binding one: exactly ceil(b * 9^k / 8^k).
          const scale = 8n ** BigInt(k);
          if (baseFee >= 8n) expect(maxFeePerGas - priorityFee).toBe((baseFee * 9n ** BigInt(k) + scale - 1n) / scale);
          // At that bound the transaction still pays its full tip.
          expect(effectivePriorityFee({ baseFee: worst, maxFeePerGas, maxPriorityFeePerGas: priorityFee })).toBe(priorityFee);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('covers odd gas limits too, where a full block adds a hair more than 12.5%', () => {
    const oddLimit = 30_000_001n;
    const worst = fullBlocks(10n ** 9n, 3, oddLimit);
    expect(worst).toBeGreaterThan(maxBaseFeeAfter(10n ** 9n, 3)); // the plain 9/8 bound falls short here
    expect(maxBaseFeeAfter(10n ** 9n, 3, oddLimit)).toBe(worst);
    expect(feesForTargetBlock({ nextBaseFee: 10n ** 9n, blocksAfterNext: 3, priorityFee: 0n, gasLimit: oddLimit }).maxFeePerGas).toBe(worst);
  });

  it('rejects nonsense inputs', () => {
    expect(() => maxBaseFeeAfter(-1n, 1)).toThrow(FeeError);
    expect(() => maxBaseFeeAfter(1n, -1)).toThrow(FeeError);
    expect(() => maxBaseFeeAfter(1n, 1.5)).toThrow(FeeError);
    expect(() => feesForTargetBlock({ nextBaseFee: 1n, blocksAfterNext: 0, priorityFee: -1n })).toThrow(FeeError);
  });
});

describe('effective priority fee and gas price', () => {
  it('pays min(maxPriorityFeePerGas, maxFeePerGas - baseFee)', () => {
    const tx = { maxFeePerGas: 50n * gwei, maxPriorityFeePerGas: 3n * gwei };
    expect(effectivePriorityFee({ ...tx, baseFee: 20n * gwei })).toBe(3n * gwei); // tip capped by maxPriority
    expect(effectiveGasPrice({ ...tx, baseFee: 20n * gwei })).toBe(23n * gwei);
    expect(effectivePriorityFee({ ...tx, baseFee: 48n * gwei })).toBe(2n * gwei); // squeezed by maxFee
    expect(effectiveGasPrice({ ...tx, baseFee: 48n * gwei })).toBe(50n * gwei);
    expect(effectivePriorityFee({ ...tx, baseFee: 50n * gwei })).toBe(0n);
  });

  it('refuses a base fee above maxFeePerGas (not includable) and a tip above the cap', () => {
    expect(() => effectivePriorityFee({ baseFee: 51n, maxFeePerGas: 50n, maxPriorityFeePerGas: 1n })).toThrow(/cannot be included/);
    expect(() => effectivePriorityFee({ baseFee: 1n, maxFeePerGas: 50n, maxPriorityFeePerGas: 51n })).toThrow(FeeError);
  });
});
