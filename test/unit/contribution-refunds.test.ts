import { describe, expect, it } from 'vitest';
import { flatTaxRefunds } from '../../src/devnet/builder/contributionRefunds.ts';

const a = '0x000000000000000000000000000000000000000a' as const;
const b = '0x000000000000000000000000000000000000000b' as const;

describe('BuilderNet flat-tax refunds (contributionRefunds option)', () => {
  it('refunds each identity its marginal contribution, bounded by its payment, when the block keeps enough', () => {
    // Block worth 1000; without a it is worth 700 (a contributes 300, paid 500); without b 900 (b contributes 100, but paid 60).
    const refunds = flatTaxRefunds(1000n, 0n, [
      { signer: a, paymentWei: 500n, valueWithoutWei: 700n, bundleHashes: [] },
      { signer: b, paymentWei: 60n, valueWithoutWei: 900n, bundleHashes: [] },
    ]);
    expect(refunds.map((refund) => [refund.signer, refund.contributionWei, refund.refundWei])).toEqual([
      [a, 300n, 300n],
      [b, 60n, 60n],
    ]);
  });

  it('shares what is left after the proposer pro rata when it is less than the contributions, rounding down', () => {
    // Contributions 300 and 60 (sum 360); the proposer takes 900 of 1000, leaving 100: 300*100/360 = 83, 60*100/360 = 16.
    const refunds = flatTaxRefunds(1000n, 900n, [
      { signer: a, paymentWei: 500n, valueWithoutWei: 700n, bundleHashes: [] },
      { signer: b, paymentWei: 60n, valueWithoutWei: 900n, bundleHashes: [] },
    ]);
    expect(refunds.map((refund) => refund.refundWei)).toEqual([83n, 16n]);
  });

  it('pays nothing to an identity whose removal loses the block nothing (a rival would have paid as much)', () => {
    expect(flatTaxRefunds(1000n, 0n, [{ signer: a, paymentWei: 500n, valueWithoutWei: 1000n, bundleHashes: [] }])).toEqual([]);
    expect(flatTaxRefunds(1000n, 0n, [{ signer: a, paymentWei: 500n, valueWithoutWei: 1200n, bundleHashes: [] }])).toEqual([]);
  });
});
