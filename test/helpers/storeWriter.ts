/**
 * Child process of test/integration/store-crash.test.ts: writes to a store as fast as it can, forever, and
 * acknowledges each committed write on stdout (one line, written synchronously after the call returned,
 * i.e. after the transaction committed). The parent kills it with SIGKILL mid-way.
 *
 * Usage: node --import tsx test/helpers/storeWriter.ts STORE START [INSTANCE]   (STORE: a SQLite file or a postgres:// URL)
 */
import { writeSync } from 'node:fs';
import type { Hash } from 'viem';
import { Store } from '../../src/monitor/store.ts';

/** The exact values iteration i writes, so the parent can check what it finds to the wei. */
export function planned(i: number) {
  const block = 1000 + Math.floor(i / 16);
  const gasUsed = 100_000n + BigInt(i);
  const effectiveGasPrice = 1_000_000_007n;
  const gross = 2n ** 70n + BigInt(i) * 10n ** 15n;
  const builderPayment = BigInt(i) * 1_000_003n;
  const gasPaid = gasUsed * effectiveGasPrice;
  return {
    block,
    bundleId: `bundle-${i}`,
    txHash: `0x${i.toString(16).padStart(64, '0')}` as Hash,
    amountInWei: 10n ** 18n + BigInt(i),
    execution: { gasUsed, effectiveGasPrice, gross, builderPayment, gasPaid, net: gross - builderPayment - gasPaid },
  };
}

const ack = (line: string) => writeSync(1, `${line}\n`);

if (process.argv[1]?.endsWith('storeWriter.ts')) {
  const [file, start, instance] = process.argv.slice(2);
  const store = Store.open(file!, instance ? { instance } : {});
  ack('ready');
  for (let i = Number(start); ; i++) {
    const p = planned(i);
    store.countSeen(p.block, 3);
    ack(`seen ${p.block}`);
    const opportunityId = store.recordOpportunity({
      block: p.block,
      victim: p.txHash,
      path: ['0x0000000000000000000000000000000000000001', '0x0000000000000000000000000000000000000002'],
      amountInWei: p.amountInWei,
      grossWei: p.execution.gross,
      gasWei: p.execution.gasPaid,
      bribeWei: p.execution.builderPayment,
      netWei: p.execution.net,
      decision: i % 3 === 0 ? 'reject' : 'send',
      reason: `iteration ${i}`,
      latencyUs: i,
    });
    ack(`opportunity ${i} ${opportunityId}`);
    if (i % 3 === 0) continue;
    store.recordBundle({ id: p.bundleId, opportunityId, targetBlock: p.block, ourTxHash: p.txHash, txHashes: [p.txHash], predictedNetWei: p.execution.net, simulatedNetWei: p.execution.net });
    ack(`bundle ${i}`);
    store.recordSubmission({ bundleId: p.bundleId, builder: `builder-${i % 4}`, outcome: 'accepted', latencyMs: 1.5 });
    ack(`submission ${i}`);
    if (i % 2 === 0) {
      store.recordInclusion({
        bundleId: p.bundleId,
        execution: { txHash: p.txHash, blockNumber: BigInt(p.block), status: 'success', ...p.execution },
        simulatedNetWei: p.execution.net,
      });
      ack(`inclusion ${i}`);
    } else {
      store.recordMiss({ bundleId: p.bundleId, block: p.block, reason: 'not_included', detail: `missed ${i}` });
      ack(`miss ${i}`);
    }
  }
}
