import { describe, expect, it } from 'vitest';
import { BidPolicy, breakEvenShareBps, type BiddingSettings } from '../../src/strategy/bidPolicy.ts';

const poolA = '0x00000000000000000000000000000000000000aA';
const poolB = '0x00000000000000000000000000000000000000bB';
const ether = 10n ** 18n;

const adaptive: BiddingSettings = {
  policy: 'adaptive',
  startShareBps: 5000,
  floorShareBps: 1000,
  maxBidShareBps: 9900,
  marginBps: 100,
  outbidStepBps: 500,
  probeDownBps: 100,
  probeAfterWins: 2,
  rivalMemoryMs: 600_000,
};

/** What a bid at `shareBps` pays and leaves, worked out here by hand (not by the policy). */
function paid(grossWei: bigint, gasCostWei: bigint, shareBps: number) {
  const afterGas = grossWei - gasCostWei;
  const bidWei = (afterGas * BigInt(shareBps)) / 10_000n;
  return { bidWei, netWei: grossWei - gasCostWei - bidWei };
}

const opportunity = { pools: [poolA], grossWei: ether, gasCostWei: ether / 100n, minNetProfitWei: ether / 20n };

describe('break-even share', () => {
  it('is the largest share that leaves the minimum net after gas, and 0 when nothing is left', () => {
    // after gas 0.99 ETH, 0.05 must stay: (0.94 / 0.99) * 10000 = 9494.9 -> 9494
    expect(breakEvenShareBps(ether, ether / 100n, ether / 20n)).toBe(9494);
    expect(paid(ether, ether / 100n, 9494).netWei >= ether / 20n).toBe(true);
    expect(paid(ether, ether / 100n, 9495).netWei < ether / 20n).toBe(true);
    expect(breakEvenShareBps(ether, ether, 0n)).toBe(0);
    expect(breakEvenShareBps(ether, 2n * ether, 0n)).toBe(0);
  });
});

describe('the fixed policy', () => {
  it("bids the configured share whatever it learns (today's behaviour)", () => {
    const policy = new BidPolicy({ settings: { ...adaptive, policy: 'fixed' }, fixedShareBps: 5000, executorCapBps: 9000 });
    expect(policy.bid({ ...opportunity, nowMs: 0 }).shareBps).toBe(5000);
    policy.learn({ pools: [poolA], builder: 'local', shareBps: 5000, grossWei: ether, gasCostWei: ether / 100n, outcome: 'outbid', winnerBidWei: (ether * 9n) / 10n, nowMs: 1 });
    expect(policy.bid({ ...opportunity, nowMs: 2 }).shareBps).toBe(5000);
  });
});

describe('the adaptive policy', () => {
  it('a loss nobody explains (a relay\'s bundle) right after a step down goes back to the level that last won, and probes no lower', () => {
    const policy = new BidPolicy({ settings: adaptive, fixedShareBps: 5000, executorCapBps: 10_000 });
    const base = { pools: [poolA], builder: 'mevBlocker', grossWei: ether, gasCostWei: ether / 100n };
    for (let i = 0; i < adaptive.probeAfterWins; i++) policy.learn({ ...base, shareBps: 5000, outcome: 'won', nowMs: i });
    const stepped = policy.bid({ ...opportunity, nowMs: 10 }).shareBps;
    expect(stepped).toBe(5000 - adaptive.probeDownBps);
    policy.learn({ ...base, shareBps: stepped, outcome: 'missed', missKind: 'other', lostUnexplained: true, nowMs: 11 });
    expect(policy.bid({ ...opportunity, nowMs: 12 }).shareBps).toBe(5000);
    for (let i = 0; i < 3 * adaptive.probeAfterWins; i++) policy.learn({ ...base, shareBps: 5000, outcome: 'won', nowMs: 20 + i });
    expect(policy.bid({ ...opportunity, nowMs: 40 }).shareBps).toBe(5000);
    // An unexplained loss at the level that wins, or a miss of another kind, changes nothing.
    policy.learn({ ...base, shareBps: 5000, outcome: 'missed', missKind: 'other', lostUnexplained: true, nowMs: 41 });
    policy.learn({ ...base, shareBps: 5000, outcome: 'missed', missKind: 'nonce', nowMs: 42 });
    expect(policy.bid({ ...opportunity, nowMs: 43 }).shareBps).toBe(5000);
  });

  it('learns each route apart: an outbid on a public pool does not raise what MEV-Share backruns through it bid', () => {
    const policy = new BidPolicy({ settings: adaptive, fixedShareBps: 5000, executorCapBps: 10_000 });
    policy.learn({ pools: [poolA], builder: 'local', route: 'public', shareBps: 5000, grossWei: ether, gasCostWei: ether / 100n, outcome: 'outbid', winnerBidWei: (ether * 9n) / 10n, nowMs: 1 });
    expect(policy.bid({ ...opportunity, route: 'public', nowMs: 2 }).shareBps).toBeGreaterThan(9000);
    expect(policy.bid({ ...opportunity, nowMs: 2 }).shareBps).toBeGreaterThan(9000); // no route: public
    expect(policy.bid({ ...opportunity, route: 'mevShare', nowMs: 2 }).shareBps).toBe(5000);
    expect(policy.poolShareBps(poolA, 'mevShare')).toBeUndefined();
  });

  it('a winning bid above all our trade leaves after gas (the fees it carries, on a small backrun) is no level to jump to: a step up instead', () => {
    const policy = new BidPolicy({ settings: adaptive, fixedShareBps: 5000, executorCapBps: 10_000 });
    const small = { pools: [poolA], grossWei: ether / 1000n, gasCostWei: ether / 2000n, minNetProfitWei: 0n };
    // After gas 0.0005 ETH; the winner's bundle paid the builder 0.00065 ETH (its tips and the victim's included).
    policy.learn({ pools: [poolA], builder: 'local', shareBps: 5000, grossWei: small.grossWei, gasCostWei: small.gasCostWei, outcome: 'outbid', winnerBidWei: (ether * 65n) / 100_000n, nowMs: 1 });
    expect(policy.bid({ ...small, nowMs: 2 }).shareBps).toBe(5000 + adaptive.outbidStepBps);
  });

  it('after an outbid by a 90% rival, bids above 90% of the opportunity but below break-even', () => {
    const policy = new BidPolicy({ settings: adaptive, fixedShareBps: 5000, executorCapBps: 10_000 });
    const first = policy.bid({ ...opportunity, nowMs: 0 });
    expect(first.shareBps).toBe(5000);
    // The rival paid 90% of what the backrun leaves after gas.
    const winnerBidWei = ((ether - ether / 100n) * 9000n) / 10_000n;
    policy.learn({ pools: [poolA], builder: 'local', shareBps: first.shareBps, grossWei: ether, gasCostWei: ether / 100n, outcome: 'outbid', winnerBidWei, nowMs: 1 });
    const next = policy.bid({ ...opportunity, nowMs: 2 });
    expect(next.shareBps).toBeGreaterThan(9000);
    const { bidWei, netWei } = paid(ether, ether / 100n, next.shareBps);
    expect(bidWei).toBeGreaterThan(winnerBidWei);
    expect(netWei >= opportunity.minNetProfitWei).toBe(true);
    // Another pool has not been contested: it still starts at the configured share.
    expect(policy.bid({ ...opportunity, pools: [poolB], nowMs: 2 }).shareBps).toBe(5000);
    // A cycle through both pools bids what the contested one needs.
    expect(policy.bid({ ...opportunity, pools: [poolB, poolA], nowMs: 2 }).shareBps).toBe(next.shareBps);
  });

  it('does not raise the bid after a miss that is not an outbid (nonce, reverted, late, cancelled, other)', () => {
    const policy = new BidPolicy({ settings: adaptive, fixedShareBps: 5000, executorCapBps: 10_000 });
    for (const kind of ['nonce', 'reverted', 'late', 'cancelled', 'other'] as const) {
      policy.learn({ pools: [poolA], builder: 'local', shareBps: 5000, grossWei: ether, gasCostWei: ether / 100n, outcome: 'missed', missKind: kind, winnerBidWei: ether, nowMs: 1 });
    }
    expect(policy.bid({ ...opportunity, nowMs: 2 }).shareBps).toBe(5000);
  });

  it("an outbid whose winning bid is not exposed raises the bid by the configured step", () => {
    const policy = new BidPolicy({ settings: adaptive, fixedShareBps: 5000, executorCapBps: 10_000 });
    policy.learn({ pools: [poolA], builder: 'local', shareBps: 5000, grossWei: ether, gasCostWei: ether / 100n, outcome: 'outbid', nowMs: 1 });
    expect(policy.bid({ ...opportunity, nowMs: 2 }).shareBps).toBe(5500);
  });

  it("never bids above the operator's ceiling nor the executor's cap", () => {
    const ceiling = new BidPolicy({ settings: { ...adaptive, maxBidShareBps: 9200 }, fixedShareBps: 5000, executorCapBps: 10_000 });
    const cheap = { ...opportunity, minNetProfitWei: 0n };
    ceiling.learn({ pools: [poolA], builder: 'local', shareBps: 5000, grossWei: ether, gasCostWei: ether / 100n, outcome: 'outbid', winnerBidWei: (ether * 95n) / 100n, nowMs: 1 });
    expect(ceiling.bid({ ...cheap, nowMs: 2 }).shareBps).toBe(9200);
    const capped = new BidPolicy({ settings: adaptive, fixedShareBps: 5000, executorCapBps: 8000 });
    capped.learn({ pools: [poolA], builder: 'local', shareBps: 5000, grossWei: ether, gasCostWei: ether / 100n, outcome: 'outbid', winnerBidWei: (ether * 95n) / 100n, nowMs: 1 });
    expect(capped.bid({ ...cheap, nowMs: 2 }).shareBps).toBe(8000);
    // Even the fixed policy is held under the cap (a share above it would revert every plan).
    expect(new BidPolicy({ settings: { ...adaptive, policy: 'fixed' }, fixedShareBps: 9500, executorCapBps: 9000 }).bid({ ...cheap, nowMs: 0 }).shareBps).toBe(9000);
  });

  it('never bids above break-even when gas eats most of the opportunity', () => {
    const policy = new BidPolicy({ settings: adaptive, fixedShareBps: 5000, executorCapBps: 10_000 });
    policy.learn({ pools: [poolA], builder: 'local', shareBps: 5000, grossWei: ether, gasCostWei: ether / 100n, outcome: 'outbid', winnerBidWei: (ether * 95n) / 100n, nowMs: 1 });
    // Gas 0.9 ETH of a 1 ETH gross, 0.05 ETH must stay: at most (0.05 / 0.1) of what is left after gas.
    const heavy = { pools: [poolA], grossWei: ether, gasCostWei: (ether * 9n) / 10n, minNetProfitWei: ether / 20n, nowMs: 2 };
    const bid = policy.bid(heavy);
    expect(bid.shareBps).toBe(5000);
    expect(paid(heavy.grossWei, heavy.gasCostWei, bid.shareBps).netWei).toBe(ether / 20n);
    // Nothing left after gas and the minimum: nothing bid.
    expect(policy.bid({ ...heavy, gasCostWei: ether }).shareBps).toBe(0);
  });

  it('probes down slowly after wins, not below a recent rival, and below it once the rival is forgotten', () => {
    const policy = new BidPolicy({ settings: adaptive, fixedShareBps: 5000, executorCapBps: 10_000 });
    const won = (nowMs: number, shareBps: number) => policy.learn({ pools: [poolA], builder: 'local', shareBps, grossWei: ether, gasCostWei: ether / 100n, outcome: 'won', nowMs });
    const winnerBidWei = ((ether - ether / 100n) * 8000n) / 10_000n;
    policy.learn({ pools: [poolA], builder: 'local', shareBps: 5000, grossWei: ether, gasCostWei: ether / 100n, outcome: 'outbid', winnerBidWei, nowMs: 0 });
    const raised = policy.bid({ ...opportunity, nowMs: 1 }).shareBps;
    expect(raised).toBe(8100);
    // Within the rival's memory, wins do not take the bid under what beat us.
    for (let i = 0; i < 6; i++) won(10 + i, policy.bid({ ...opportunity, nowMs: 10 + i }).shareBps);
    expect(policy.bid({ ...opportunity, nowMs: 20 }).shareBps).toBe(8100);
    // Once the rival is forgotten, every second win lowers it by one step.
    const later = adaptive.rivalMemoryMs + 100;
    won(later, 8100);
    expect(policy.bid({ ...opportunity, nowMs: later }).shareBps).toBe(8100);
    won(later + 1, 8100);
    expect(policy.bid({ ...opportunity, nowMs: later + 2 }).shareBps).toBe(8000);
  });

  it('remembers a rival twice as long when it beats us again at the same level after we probed under it', () => {
    const policy = new BidPolicy({ settings: { ...adaptive, probeAfterWins: 1 }, fixedShareBps: 5000, executorCapBps: 10_000 });
    const afterGas = ether - ether / 100n;
    const outbid = (nowMs: number) => policy.learn({ pools: [poolA], builder: 'local', shareBps: 0, grossWei: ether, gasCostWei: ether / 100n, outcome: 'outbid', winnerBidWei: (afterGas * 8000n) / 10_000n, nowMs });
    const won = (nowMs: number) => policy.learn({ pools: [poolA], builder: 'local', shareBps: 0, grossWei: ether, gasCostWei: ether / 100n, outcome: 'won', nowMs });
    const memory = adaptive.rivalMemoryMs;
    outbid(0);
    // Forgotten after one memory: a win probes under it, and the same rival beats us again.
    won(memory + 1);
    expect(policy.bid({ ...opportunity, nowMs: memory + 2 }).shareBps).toBe(8000);
    outbid(memory + 3);
    // Now held for two memories: a win one and a half memories later does not probe under it.
    won(memory + 3 + (3 * memory) / 2);
    expect(policy.bid({ ...opportunity, nowMs: memory + 4 + (3 * memory) / 2 }).shareBps).toBe(8100);
    won(memory + 3 + 2 * memory + 1);
    expect(policy.bid({ ...opportunity, nowMs: memory + 5 + 2 * memory }).shareBps).toBe(8000);
  });

  it('drifts an uncontested pool down to the floor share, not below', () => {
    const policy = new BidPolicy({ settings: { ...adaptive, probeDownBps: 1000, probeAfterWins: 1 }, fixedShareBps: 5000, executorCapBps: 10_000 });
    const shares: number[] = [];
    for (let i = 0; i < 8; i++) {
      const share = policy.bid({ ...opportunity, nowMs: i }).shareBps;
      shares.push(share);
      policy.learn({ pools: [poolA], builder: 'local', shareBps: share, grossWei: ether, gasCostWei: ether / 100n, outcome: 'won', nowMs: i });
    }
    expect(shares).toEqual([5000, 4000, 3000, 2000, 1000, 1000, 1000, 1000]);
  });

  it('keeps per-builder counts of what it learned', () => {
    const policy = new BidPolicy({ settings: adaptive, fixedShareBps: 5000, executorCapBps: 10_000 });
    policy.learn({ pools: [poolA], builder: 'titan', shareBps: 5000, grossWei: ether, gasCostWei: 0n, outcome: 'outbid', winnerBidWei: ether / 2n, nowMs: 0 });
    policy.learn({ pools: [poolA], builder: 'flashbots', shareBps: 5200, grossWei: ether, gasCostWei: 0n, outcome: 'won', nowMs: 1 });
    policy.learn({ pools: [poolA], builder: 'flashbots', shareBps: 5200, grossWei: ether, gasCostWei: 0n, outcome: 'missed', missKind: 'nonce', nowMs: 2 });
    expect(policy.builders()).toEqual({ titan: { won: 0, outbid: 1, missed: 0 }, flashbots: { won: 1, outbid: 0, missed: 1 } });
  });
});
