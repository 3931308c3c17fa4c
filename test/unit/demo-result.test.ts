import { describe, expect, it } from 'vitest';
import { formatSourcesLine, formatV4Line, realizedEqualsSimulated } from '../../src/cli/demoResult.ts';
import type { LandedBundle } from '../../src/monitor/ledger.ts';

/** A landed bundle whose realised net is `net` and whose simulation predicted `simulated`. */
function landed(uuid: string, net: bigint, simulated: bigint | null): LandedBundle {
  return {
    uuid,
    block: 100n,
    simulatedNetWei: simulated,
    execution: { net } as LandedBundle['execution'],
  };
}

describe('the demo result: realised against simulated', () => {
  it('is null, not true, when nothing landed: there is nothing to compare', () => {
    expect(realizedEqualsSimulated([])).toBeNull();
  });

  it('is true only when every landed bundle realised exactly what its simulation said, to the wei', () => {
    expect(realizedEqualsSimulated([landed('a', 5n, 5n)])).toBe(true);
    expect(realizedEqualsSimulated([landed('a', 5n, 5n), landed('b', -3n, -3n)])).toBe(true);
    expect(realizedEqualsSimulated([landed('a', 5n, 5n), landed('b', 7n, 8n)])).toBe(false);
    expect(realizedEqualsSimulated([landed('a', 5n, 4n)])).toBe(false);
  });

  it('leaves out blind backruns sized on chain (nothing was simulated for them), and only them', () => {
    const blind = { ...landed('blind', 9n, null), uncompared: 'sized on chain' };
    expect(realizedEqualsSimulated([blind])).toBeNull();
    expect(realizedEqualsSimulated([landed('a', 5n, 5n), blind])).toBe(true);
    expect(realizedEqualsSimulated([landed('a', 5n, 4n), blind])).toBe(false);
  });

  it('is false when a landed bundle has no simulated figure (never compared means not equal)', () => {
    expect(realizedEqualsSimulated([landed('a', 0n, null)])).toBe(false);
    expect(realizedEqualsSimulated([landed('a', 5n, 5n), landed('b', 0n, null)])).toBe(false);
  });
});

/** The old rule's figures beside the headline (not shown in the lines). */
const afterOnly = { afterOnlyVictims: 0, afterOnlyCaptured: 0, afterOnlyBestGrossWei: '0', afterOnlyCapturedGrossWei: '0', afterOnlyRatio: null, standingGapBackrunGrossWei: '0' };

describe('the demo result: the per-source line', () => {
  it('shows each source\'s captured victims, ratio and refunds, exactly in ETH', () => {
    const source = (victims: number, captured: number, ratio: number | null, refundsWei: string) => ({ victims, captured, bestGrossWei: '0', capturedGrossWei: '0', ratio, ...afterOnly, refundsWei, refundsUnread: 0 });
    const line = formatSourcesLine({ public: source(4, 3, 0.9512, '0'), mevBlocker: source(2, 2, 1, '0'), mevShare: source(0, 0, null, '1230000000000000') });
    expect(line).toBe('by source: public 3/4 victims, capture 0.9512; MEV Blocker 2/2 victims, capture 1, refunds 0 ETH; MEV-Share 0/0 victims, capture -, refunds 0.00123 ETH');
  });
});

const routeFigures = { victims: 0, captured: 0, bestGrossWei: '0', capturedGrossWei: '0', ratio: null, ...afterOnly };

describe('the demo result: the V4 line', () => {
  it('shows the V4 victims captured, the ratio and the truth in ETH, and the simulate-only pools\' extra apart', () => {
    const v4 = { victims: 27, captured: 25, bestGrossWei: '1500000000000000000', capturedGrossWei: '1480000000000000000', ratio: 0.9866, uncappedBestGrossWei: '1500000000000000000', analyzed: 30, ...afterOnly, afterOnlyUncappedBestGrossWei: '0', bySource: { public: routeFigures, mevBlocker: routeFigures, mevShare: routeFigures } };
    const simulateOnly = { pools: ['0x01', '0x02'] as `0x${string}`[], reason: 'hooks', swaps: 3, bestGrossWei: '900000000000000000', extraGrossWei: '250000000000000000' };
    expect(formatV4Line(v4, simulateOnly)).toBe('V4 25/27 victims, capture 0.9866 (truth 1.5 ETH); simulate-only hook pools (2, not in the ratio): 0.25 ETH more on 3 swaps');
    expect(formatV4Line({ ...v4, victims: 0, captured: 0, ratio: null, bestGrossWei: '0' }, { ...simulateOnly, swaps: 0, extraGrossWei: '0' })).toBe('V4 0/0 victims, capture - (truth 0 ETH); simulate-only hook pools (2, not in the ratio): 0 ETH more on 0 swaps');
  });
});
