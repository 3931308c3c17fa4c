import { describe, expect, it } from 'vitest';
import { bundleValue } from '../../src/bundle/builderValue.ts';

const gwei = 10n ** 9n;

describe('what a backrun bundle gives the builder besides our payment', () => {
  it('sums each victim\'s effective tip times its gas and ours, over the whole bundle\'s gas', () => {
    // Base fee 10 gwei. An EIP-1559 victim (max 30, tip 2: tips 2), one whose fee cap leaves less than its tip (max 11,
    // tip 5: tips 1), a legacy one at 13 gwei (tips 3), and ours at a 1 gwei tip.
    const value = bundleValue({
      victims: [
        { maxFeePerGas: 30n * gwei, maxPriorityFeePerGas: 2n * gwei, gasUsed: 100_000n },
        { maxFeePerGas: 11n * gwei, maxPriorityFeePerGas: 5n * gwei, gasUsed: 50_000n },
        { maxFeePerGas: 13n * gwei, gasUsed: 21_000n },
      ],
      ourGasUsed: 200_000n,
      ourPriorityFeeWei: gwei,
      baseFeeWei: 10n * gwei,
    });
    expect(value).toEqual({ gasUsed: 371_000n, tipsWei: (200_000n + 50_000n + 63_000n + 200_000n) * gwei });
  });

  it('is undefined when a victim cannot pay the base fee (it would not be in the block)', () => {
    expect(bundleValue({ victims: [{ maxFeePerGas: 9n * gwei, maxPriorityFeePerGas: gwei, gasUsed: 100_000n }], ourGasUsed: 1n, ourPriorityFeeWei: gwei, baseFeeWei: 10n * gwei })).toBeUndefined();
  });
});
