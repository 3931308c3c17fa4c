/**
 * Child process of test/integration/store-fleet.test.ts: one instance of a fleet writing its plan to a shared
 * store, then exiting 0. The store's location has no password (it comes from PGPASSFILE).
 *
 * Usage: node --import tsx test/helpers/fleetWriter.ts STORE INSTANCE
 */
import type { Hash } from 'viem';
import { Store } from '../../src/monitor/store.ts';

/** What instance `instance` lands, per block: amounts past 2^63 (SQLite's and PostgreSQL's BIGINT limit). */
export function fleetPlan(instance: 'east' | 'west') {
  const offset = instance === 'east' ? 1n : 2n;
  return [0, 1, 2, 3, 4, 5].map((i) => {
    const gross = 2n ** 64n * offset + BigInt(i) * 10n ** 18n + 12_345n;
    const builderPayment = 2n ** 63n + BigInt(i);
    const gasUsed = 150_000n + BigInt(i);
    const effectiveGasPrice = 3_000_000_007n;
    const gasPaid = gasUsed * effectiveGasPrice;
    return { block: 7000 + i, bundleId: `bundle-${i}`, gross, builderPayment, gasUsed, effectiveGasPrice, gasPaid, net: gross - builderPayment - gasPaid };
  });
}

if (process.argv[1]?.endsWith('fleetWriter.ts')) {
  const [location, instance] = process.argv.slice(2) as [string, 'east' | 'west'];
  const store = Store.open(location, { instance });
  const txHash = (i: number) => `0x${(instance === 'east' ? 0xea000 + i : 0x3e000 + i).toString(16).padStart(64, '0')}` as Hash;
  for (const [i, p] of fleetPlan(instance).entries()) {
    store.countSeen(p.block, 2);
    const opportunityId = store.recordOpportunity({
      block: p.block,
      victim: null,
      path: [],
      amountInWei: p.gross,
      grossWei: p.gross,
      gasWei: p.gasPaid,
      bribeWei: p.builderPayment,
      netWei: p.net,
      decision: 'send',
      reason: `${instance} ${i}`,
      latencyUs: 10,
    });
    store.recordBundle({ id: p.bundleId, opportunityId, targetBlock: p.block, ourTxHash: txHash(i), txHashes: [txHash(i)], predictedNetWei: p.net, simulatedNetWei: p.net });
    store.recordSubmission({ bundleId: p.bundleId, builder: `builder-${instance}`, outcome: 'accepted', latencyMs: 2 });
    const { gross, builderPayment, gasUsed, effectiveGasPrice, gasPaid, net } = p;
    store.recordInclusion({
      bundleId: p.bundleId,
      execution: { txHash: txHash(i), blockNumber: BigInt(p.block), status: 'success', gross, builderPayment, gasUsed, effectiveGasPrice, gasPaid, net },
      simulatedNetWei: net,
    });
  }
  store.close();
}
