import type { Hash } from 'viem';
import type { RealisedExecution } from '../../src/monitor/accounting.ts';
import type { OpportunityRecord, Store } from '../../src/monitor/store.ts';

/** Rows for the store test-suites (test/unit/store*.test.ts): what the pipeline records, with amounts that add up. */

/** The suites' clock (unix ms): rows' `at` columns; tests move it forward. */
export const clock = { ms: 1_700_000_000_000 };
export const now = () => clock.ms;

export const hash = (n: number) => `0x${n.toString(16).padStart(64, '0')}` as Hash;
export const pool = (n: number) => `0x${n.toString(16).padStart(40, '0')}` as `0x${string}`;

export function opportunity(block: number, overrides: Partial<OpportunityRecord> = {}): OpportunityRecord {
  return {
    block,
    victim: hash(block),
    path: [pool(1), pool(2)],
    amountInWei: 10n ** 18n,
    grossWei: 5n * 10n ** 15n,
    gasWei: 10n ** 14n,
    bribeWei: 2n * 10n ** 15n,
    netWei: 29n * 10n ** 14n,
    decision: 'send',
    reason: 'simulated gain equals the prediction',
    firstSeenMs: clock.ms - 5,
    latencyUs: 1234,
    ...overrides,
  };
}

/** A landed execution that adds up: net = gross - payment - gasUsed * price. */
export function execution(block: number, gross: bigint, builderPayment: bigint, gasUsed = 150_000n, price = 2_000_000_000n, status: 'success' | 'reverted' = 'success'): RealisedExecution {
  const gasPaid = gasUsed * price;
  return { txHash: hash(10_000 + block), blockNumber: BigInt(block), status, gasUsed, effectiveGasPrice: price, gross, gasPaid, builderPayment, net: gross - builderPayment - gasPaid };
}

export function sendBundle(store: Store, id: string, block: number, predictedNetWei = 10n ** 15n, simulatedNetWei: bigint | null = 10n ** 15n): number {
  const opportunityId = store.recordOpportunity(opportunity(block));
  store.recordBundle({ id, opportunityId, targetBlock: block, ourTxHash: hash(10_000 + block), txHashes: [hash(block), hash(10_000 + block)], predictedNetWei, simulatedNetWei });
  return opportunityId;
}
