import { describe, expect, it } from 'vitest';
import type { LocalAccount } from 'viem/accounts';
import { Dispatcher } from '../../src/bundle/dispatch.ts';
import type { Submitter } from '../../src/bundle/submitter.ts';
import type { BundleProposal } from '../../src/risk/types.ts';
import type { Candidate } from '../../src/strategy/candidates.ts';
import type { PendingSwaps } from '../../src/mempool/watcher.ts';
import { createLogger } from '../../src/log.ts';

/**
 * MEV Blocker takes a searcher's bid only as an ETH transfer from the backrun to the block's fee recipient: a bundle
 * whose backrun transfers 0 wei is left out by its rule (the devnet's relay and builder: "unpaid"), whatever else it
 * pays. Measured: victim 0x77375a02… (a V3/V2 backrun whose gross was below the gas at the high estimate, so its
 * bribe was 0, and the simulation's lower gas still netted 3054110794617 wei) went out and was excluded as unpaid.
 */
function dispatcher(submitted: unknown[]) {
  const submitter = { outstanding: 0, submit: async (opportunity: unknown) => (submitted.push(opportunity), { uuid: 'u', ourHash: '0x01', delivered: Promise.resolve([]) }) } as unknown as Submitter;
  return new Dispatcher({
    submitter,
    account: { address: '0x0000000000000000000000000000000000000002' } as unknown as LocalAccount,
    risk: { check: () => ({ ok: true }), recheck: () => ({ ok: true }), onBundleSent: () => {} } as never,
    chainId: 31337,
    executor: '0x0000000000000000000000000000000000000001',
    policy: { priorityFeeWei: 1n, builderShareBps: 5000n, minNetProfitWei: 0n },
    nextBaseFee: () => 1n,
    fetchRaw: async () => '0x',
    logger: createLogger('test'),
  });
}

const victim = (source: PendingSwaps['source']) => ({ tx: { hash: '0x77375a02b4660e5c357acecf07a4a774656af7f2749793e99479c7fc4b94d97f' }, swaps: [], source }) as unknown as PendingSwaps;
const proposal = { targetBlock: 12n, pools: [], gasLimit: 200_000n } as unknown as BundleProposal;
const candidate = (bribeWei: bigint) => ({ bribeWei, grossProfitWei: 268499292028950n }) as unknown as Candidate;
const simulated = { gainWei: 268499292028950n, gasUsed: 180_000n };

describe('Dispatcher: a MEV Blocker bid must be a transfer of more than 0 wei', () => {
  it('a MEV Blocker backrun that pays the builder nothing by transfer is not sent (the relay leaves it out as unpaid)', async () => {
    const submitted: unknown[] = [];
    const result = await dispatcher(submitted).send({ candidate: candidate(0n), victim: victim('mevBlocker'), target: 12n, simulated }, proposal);
    expect(result.sent).toBe(false);
    expect(result.reason).toMatch(/MEV Blocker.*transfer.*0 wei/);
    expect(submitted).toHaveLength(0);
  });

  it('a paying MEV Blocker backrun, and a public bundle paying nothing by transfer (its priority fee pays), still go out', async () => {
    const submitted: unknown[] = [];
    expect((await dispatcher(submitted).send({ candidate: candidate(1n), victim: victim('mevBlocker'), target: 12n, simulated }, proposal)).sent).toBe(true);
    expect((await dispatcher(submitted).send({ candidate: candidate(0n), target: 12n, simulated }, proposal)).sent).toBe(true);
    expect(submitted).toHaveLength(2);
  });
});
