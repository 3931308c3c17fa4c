import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getAddress, type Hex } from 'viem';
import { describe, expect, it } from 'vitest';
import type { BuilderVerdict } from '../../src/bundle/builderVerdict.ts';
import { mainnet } from '../../src/chain/addresses.ts';
import { createLogger } from '../../src/log.ts';
import type { CandidateReport } from '../../src/monitor/candidateReport.ts';
import { Ledger, wonBid } from '../../src/monitor/ledger.ts';
import { transferTopic, withdrawalTopic } from '../../src/chain/executionAccount.ts';
import { Store } from '../../src/monitor/store.ts';
import { parseRiskConfig } from '../../src/risk/config.ts';
import { RiskGate } from '../../src/risk/gate.ts';
import { BidPolicy, type BidOutcome } from '../../src/strategy/bidPolicy.ts';

const logger = createLogger('test');
const ether = 10n ** 18n;
const poolA = getAddress('0x00000000000000000000000000000000000000a1');
const poolB = getAddress('0x00000000000000000000000000000000000000b2');
const hash = (n: number) => `0x${n.toString(16).padStart(64, '0')}` as Hex;

function report(uuid: string, n: number): CandidateReport {
  return {
    block: 10n, victim: hash(n), path: [poolA, poolB], amountIn: ether, grossProfitWei: ether, gasCostWei: ether / 100n, bribeWei: ((ether - ether / 100n) * 5000n) / 10_000n,
    netProfitWei: ether / 2n, simulatedNetProfitWei: ether / 2n, simulatedGainWei: ether / 2n, decision: 'send', reason: 'ok', bundle: { uuid, ourTxHash: hash(1000 + n) },
    firstSeenMs: 0, latencyUs: { decode: 0, search: 0, simulate: 0, send: 0, total: 0 }, bidShareBps: 5000,
  };
}

/** A ledger on a fresh store in adaptive mode, its bid outcomes to `onBidOutcome`; no receipts unless given. */
function adaptiveLedger(onBidOutcome: (outcome: Omit<BidOutcome, 'nowMs'>) => void, chain: { client?: ConstructorParameters<typeof Ledger>[0]['client']; executor?: `0x${string}` } = {}) {
  const store = Store.open(join(mkdtempSync(join(tmpdir(), 'ledger-bids-')), 'store.db'));
  const ledger = new Ledger({
    store,
    risk: new RiskGate({ config: parseRiskConfig(), logger }),
    client: chain.client ?? { getTransactionReceipt: async () => { throw new Error('no receipts in this test'); } },
    executor: chain.executor ?? mainnet.weth,
    startToken: mainnet.weth,
    logger,
    bidPolicy: 'adaptive',
    onBidOutcome,
  });
  return { store, ledger };
}

describe('the ledger: what came of each bid, to the bidding policy and the store', () => {
  it("only a builder's own outbid raises the bid; a nonce failure, a guess and the bot's own 'outbid' do not", async () => {
    const policy = new BidPolicy({ settings: { policy: 'adaptive', maxBidShareBps: 9900, startShareBps: 5000, floorShareBps: 1000, marginBps: 100, outbidStepBps: 500, probeDownBps: 50, probeAfterWins: 3, rivalMemoryMs: 60_000 }, fixedShareBps: 5000, executorCapBps: 9900 });
    const learned: Array<Omit<BidOutcome, 'nowMs'>> = [];
    const { store, ledger } = adaptiveLedger((outcome) => {
      learned.push(outcome);
      policy.learn({ ...outcome, nowMs: 0 });
    });
    const miss = (uuid: string, reason: 'outbid' | 'not included', verdict?: BuilderVerdict) => ledger.missed({ uuid, key: uuid, block: 10n, reason, detail: 'x', ...(verdict ? { verdict } : {}) });
    const shareNow = () => policy.bid({ pools: [poolA], minNetProfitWei: 0n, nowMs: 1 }).shareBps;
    for (const [n, uuid] of ['nonce', 'guess', 'ours', 'outbid'].entries()) ledger.onCandidate(report(uuid, n));
    await ledger.settled();
    expect(store.recentBids(10).map((bid) => [bid.bundleId, bid.shareBps, bid.outcome])).toEqual(expect.arrayContaining([['nonce', 5000, 'pending'], ['outbid', 5000, 'pending']]));

    miss('nonce', 'not included', { kind: 'nonce', builder: 'local', detail: "nonce is ahead of its sender's" });
    miss('guess', 'outbid', { kind: 'other', detail: 'guessed: outbid: the victim landed without our backrun', guessed: true });
    miss('ours', 'outbid');
    expect(shareNow()).toBe(5000);
    const winnerBidWei = ((ether - ether / 100n) * 9000n) / 10_000n;
    miss('outbid', 'outbid', { kind: 'outbid', builder: 'local', detail: 'outbid', winner: { bidWei: winnerBidWei } });
    expect(shareNow()).toBe(9100);

    expect(learned.map((outcome) => [outcome.outcome, outcome.missKind, outcome.builder])).toEqual([
      ['missed', 'nonce', 'local'],
      ['missed', 'other', undefined],
      ['missed', 'other', undefined],
      ['outbid', undefined, 'local'],
    ]);
    expect(learned[3]).toMatchObject({ pools: [poolA, poolB], shareBps: 5000, grossWei: ether, gasCostWei: ether / 100n, winnerBidWei });
    const rows = new Map(store.recentBids(10).map((bid) => [bid.bundleId, bid]));
    expect(rows.get('nonce')).toMatchObject({ outcome: 'missed', missKind: 'nonce', outcomeBuilder: 'local' });
    expect(rows.get('ours')).toMatchObject({ outcome: 'missed', missKind: 'other' });
    expect(rows.get('outbid')).toMatchObject({ outcome: 'outbid', outcomeBuilder: 'local', winningBidWei: winnerBidWei });
    store.close();
  });

  it("an outbid carries to the policy the winner's price per gas and our bundle's gas and tips, as simulated", async () => {
    const learned: Array<Omit<BidOutcome, 'nowMs'>> = [];
    const { store, ledger } = adaptiveLedger((outcome) => learned.push(outcome));
    ledger.onCandidate({ ...report('valued', 0), bundleValue: { gasUsed: 300_000n, tipsWei: 420_000n * 10n ** 9n } });
    ledger.onCandidate(report('unvalued', 1));
    await ledger.settled();
    const winner = { bidWei: ether / 2n, gasPriceWei: 2_555_555_555n };
    for (const uuid of ['valued', 'unvalued']) ledger.missed({ uuid, key: uuid, block: 10n, reason: 'outbid', detail: 'x', verdict: { kind: 'outbid', builder: 'local', detail: 'outbid', winner } });
    await ledger.settled().catch(() => {});
    expect(learned).toHaveLength(2);
    expect(learned[0]).toMatchObject({ outcome: 'outbid', winnerBidWei: winner.bidWei, winnerGasPriceWei: winner.gasPriceWei, bundleGasUsed: 300_000n, bundleTipsWei: 420_000n * 10n ** 9n });
    // A bundle whose value was not simulated (a blind one) has no figures to compare: the policy falls back.
    expect(learned[1]).toMatchObject({ outcome: 'outbid', winnerGasPriceWei: winner.gasPriceWei });
    expect(learned[1]!.bundleGasUsed).toBeUndefined();
    store.close();
  });

  it('an outbid in a block where a bundle of ours landed on the same pools is no rival\'s price: not learned as an outbid', async () => {
    const learned: Array<Omit<BidOutcome, 'nowMs'>> = [];
    const { store, ledger } = adaptiveLedger((outcome) => learned.push(outcome));
    for (const [n, uuid] of ['winner', 'loser', 'elsewhere'].entries()) ledger.onCandidate(report(uuid, n));
    await ledger.settled();
    // Ours landed in block 10 on pools A and B (its receipt unread here: that does not matter); another of ours
    // on the same pools was "outbid" in that block, by it.
    ledger.included({ uuid: 'winner', key: 'winner', block: 10n, ourHash: hash(1000) });
    const outbid: BuilderVerdict = { kind: 'outbid', builder: 'local', detail: 'outbid', winner: { bidWei: ether } };
    ledger.missed({ uuid: 'loser', key: 'loser', block: 10n, reason: 'outbid', detail: 'x', verdict: outbid });
    // The same verdict in another block is a rival's price.
    ledger.missed({ uuid: 'elsewhere', key: 'elsewhere', block: 11n, reason: 'outbid', detail: 'x', verdict: outbid });
    await ledger.settled().catch(() => {});
    expect(learned.filter((outcome) => outcome.outcome !== 'won').map((outcome) => outcome.outcome)).toEqual(['missed', 'outbid']);
    store.close();
  });

  it('a bundle held to its floor is learnt as won at the share it paid of what it realised, not the share it was recorded at', async () => {
    const learned: Array<Omit<BidOutcome, 'nowMs'>> = [];
    const executor = getAddress('0x00000000000000000000000000000000000000e0');
    const word = (value: bigint) => `0x${value.toString(16).padStart(64, '0')}` as Hex;
    const topicOf = (address: string) => `0x${address.slice(2).toLowerCase().padStart(64, '0')}` as Hex;
    // On chain: 0.4 ether gross, gas 0.01 ether (1e6 gas at 1e10), and 0.117 ether to the builder: 30% of 0.39.
    const receipt = (txHash: Hex) => ({
      transactionHash: txHash, blockNumber: 10n, status: 'success' as const, gasUsed: 1_000_000n, effectiveGasPrice: 10n ** 10n, to: executor,
      logs: [
        { address: mainnet.weth, topics: [transferTopic, topicOf(poolA), topicOf(executor)], data: word((ether * 4n) / 10n) },
        { address: mainnet.weth, topics: [withdrawalTopic, topicOf(executor)], data: word((ether * 117n) / 1000n) },
      ],
    });
    const { store, ledger } = adaptiveLedger((outcome) => learned.push(outcome), { client: { getTransactionReceipt: async ({ hash: txHash }: { hash: Hex }) => receipt(txHash) }, executor });
    // Both recorded at 5000 bps; the first was held to the floor (its state was not the simulated one), the second not.
    ledger.onCandidate({ ...report('held', 1), uncompared: 'held to the floor for a later bundle of ours on the same pools' });
    ledger.onCandidate(report('exact', 2));
    await ledger.settled();
    ledger.included({ uuid: 'held', key: 'held', block: 10n, ourHash: hash(1001) });
    ledger.included({ uuid: 'exact', key: 'exact', block: 10n, ourHash: hash(1002) });
    await ledger.settled();
    expect(learned.map((outcome) => [outcome.outcome, outcome.shareBps])).toEqual([
      ['won', 3000],
      ['won', 5000],
    ]);
    // Nothing is lowered where it paid more than recorded, nor where it realised nothing after gas.
    const bid = { pools: [poolA], shareBps: 2000, grossWei: ether, gasCostWei: 0n };
    expect(wonBid(bid, 'held', { gross: ether, gasPaid: 0n, builderPayment: ether / 2n })).toBe(bid);
    expect(wonBid(bid, 'held', { gross: ether, gasPaid: ether, builderPayment: 0n })).toBe(bid);
    store.close();
  });
});
