import { describe, expect, it } from 'vitest';
import { BidPolicy, breakEvenShareBps, shareToOutrankBps, type BiddingSettings } from '../../src/strategy/bidPolicy.ts';

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

describe('the share that outranks a winner', () => {
  // A victim (120k gas, 2 gwei tip) backrun by a rival (150k gas, 1 gwei tip) that paid the builder 0.0003 ETH; ours
  // uses 180k gas at a 1 gwei tip and leaves 0.0006 ETH after gas. Worked out here as the builder ranks (per gas).
  const gwei = 10n ** 9n;
  const victimTips = 120_000n * 2n * gwei;
  const winner = { coinbaseWei: victimTips + 150_000n * gwei + 300_000n * gwei, gasUsed: 270_000n };
  const ours = { gasUsed: 300_000n, tipsWei: victimTips + 180_000n * gwei, afterGas: 600_000n * gwei };
  const winnerGasPriceWei = winner.coinbaseWei / winner.gasUsed;
  /** Our bundle at `shareBps` gives the builder more per gas than the winner's did (exact cross-multiplication). */
  const outranks = (shareBps: number) => (ours.tipsWei + (ours.afterGas * BigInt(shareBps)) / 10_000n) * winner.gasUsed > winner.coinbaseWei * ours.gasUsed;

  it('is the least share (to a basis point) at which our bundle ranks above the winner per gas', () => {
    const share = shareToOutrankBps({ grossWei: ours.afterGas + 1000n, gasCostWei: 1000n, winnerGasPriceWei, bundleGasUsed: ours.gasUsed, bundleTipsWei: ours.tipsWei })!;
    expect(outranks(share)).toBe(true);
    expect(outranks(share - 2)).toBe(false);
    // The winner's payment over what ours left reads 50% here; ours has more gas, so it must pay more than that.
    expect(share).toBeGreaterThan(5000);
    // Its coinbase total over what ours left is above 100% (the tips): that older reading names no level at all.
    expect(winner.coinbaseWei * 10_000n > ours.afterGas * 10_000n).toBe(true);
  });

  it('is undefined without the figures, when nothing was left after gas, or when our tips alone outranked the winner', () => {
    const basis = { grossWei: ours.afterGas + 1000n, gasCostWei: 1000n, winnerGasPriceWei, bundleGasUsed: ours.gasUsed, bundleTipsWei: ours.tipsWei };
    expect(shareToOutrankBps({ ...basis, bundleGasUsed: undefined })).toBeUndefined();
    expect(shareToOutrankBps({ ...basis, winnerGasPriceWei: undefined })).toBeUndefined();
    expect(shareToOutrankBps({ ...basis, gasCostWei: basis.grossWei })).toBeUndefined();
    expect(shareToOutrankBps({ ...basis, bundleTipsWei: 10n ** 18n })).toBeUndefined();
  });

  it('an adaptive pool outbid on a small backrun whose winner carried large tips moves to just above that share, not a blind step', () => {
    const policy = new BidPolicy({ settings: adaptive, fixedShareBps: 5000, executorCapBps: 10_000 });
    const grossWei = ours.afterGas + 1000n;
    policy.learn({ pools: [poolA], builder: 'local', shareBps: 5000, grossWei, gasCostWei: 1000n, outcome: 'outbid', winnerBidWei: winner.coinbaseWei, winnerGasPriceWei, bundleGasUsed: ours.gasUsed, bundleTipsWei: ours.tipsWei, nowMs: 1 });
    const next = policy.bid({ pools: [poolA], grossWei, gasCostWei: 1000n, minNetProfitWei: 0n, nowMs: 2 }).shareBps;
    expect(outranks(next)).toBe(true);
    expect(next).toBeLessThan(5000 + adaptive.outbidStepBps + 2000);
    expect(next).not.toBe(5000 + adaptive.outbidStepBps);
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

/** An adaptive policy fed a relay's outcomes on pool A: wins and losses no builder explains, at a share and a time. */
function relayedBids(builder: string) {
  const policy = new BidPolicy({ settings: adaptive, fixedShareBps: 5000, executorCapBps: 10_000 });
  const base = { pools: [poolA], builder, grossWei: ether, gasCostWei: ether / 100n };
  const won = (shareBps: number, nowMs: number) => policy.learn({ ...base, shareBps, outcome: 'won', nowMs });
  const lostUnexplained = (shareBps: number, nowMs: number) => policy.learn({ ...base, shareBps, outcome: 'missed', missKind: 'other', lostUnexplained: true, nowMs });
  const now = (nowMs: number) => policy.bid({ ...opportunity, nowMs }).shareBps;
  return { policy, base, won, lostUnexplained, now };
}

describe('the adaptive policy', () => {
  it('losses nobody explains (a relay\'s bundle) under the level it stepped down from: back up once they are two and more frequent than up there, and it probes no lower', () => {
    const { policy, base, won, lostUnexplained, now } = relayedBids('mevBlocker');
    for (let i = 0; i < adaptive.probeAfterWins; i++) won(5000, i);
    const stepped = now(10);
    expect(stepped).toBe(5000 - adaptive.probeDownBps);
    // One is no evidence; two, where up there none was lost: a rival between the levels. Back up, and stay there.
    lostUnexplained(stepped, 11);
    expect(now(12)).toBe(stepped);
    lostUnexplained(stepped, 13);
    expect(now(14)).toBe(5000);
    for (let i = 0; i < 3 * adaptive.probeAfterWins; i++) won(5000, 20 + i);
    expect(now(40)).toBe(5000);
    // An unexplained loss at a level it did not step down to, or a miss of another kind, changes nothing.
    lostUnexplained(5000, 41);
    lostUnexplained(5000, 42);
    policy.learn({ ...base, shareBps: 5000, outcome: 'missed', missKind: 'nonce', nowMs: 43 });
    expect(now(44)).toBe(5000);
  });

  it('losses nobody explains that come as often at every level (a rival far above, now and then) do not stop the probing down', () => {
    const { won, lostUnexplained, now } = relayedBids('mevShare');
    for (let i = 0; i < adaptive.probeAfterWins; i++) won(5000, i);
    // One loss in three at each level: 4900, 4800, 4700 each lose one and win two, and it goes on down.
    for (let round = 0; round < 3; round++) {
      const level = now(10 * round + 10);
      lostUnexplained(level, 10 * round + 11);
      won(level, 10 * round + 12);
      won(level, 10 * round + 13);
    }
    expect(now(50)).toBe(5000 - 4 * adaptive.probeDownBps);
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
    // A pool of the same route not bid on yet starts at the route's level (a rival backruns the route's flow, not a
    // pool); on another route, at the configured share.
    expect(policy.bid({ ...opportunity, pools: [poolB], nowMs: 2 }).shareBps).toBe(next.shareBps);
    expect(policy.bid({ ...opportunity, pools: [poolB], route: 'mevShare', nowMs: 2 }).shareBps).toBe(5000);
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

  it('an uncontested route steps down with wins on any of its pools: a new pool there starts lower; a rival on the route holds it up', () => {
    const policy = new BidPolicy({ settings: { ...adaptive, probeDownBps: 1000, probeAfterWins: 1 }, fixedShareBps: 5000, executorCapBps: 10_000 });
    const pools = ['0x0000000000000000000000000000000000000001', '0x0000000000000000000000000000000000000002', '0x0000000000000000000000000000000000000003'];
    const shares: number[] = [];
    // Each win on a different pool of the route: none of them learned anything of its own before.
    for (const [i, pool] of pools.entries()) {
      const share = policy.bid({ ...opportunity, pools: [pool], route: 'mevShare', nowMs: i }).shareBps;
      shares.push(share);
      policy.learn({ pools: [pool], builder: 'local', route: 'mevShare', shareBps: share, grossWei: ether, gasCostWei: ether / 100n, outcome: 'won', nowMs: i });
    }
    expect(shares).toEqual([5000, 4000, 3000]);
    expect(policy.bid({ ...opportunity, pools: [poolB], route: 'mevShare', nowMs: 10 }).shareBps).toBe(2000);
    expect(policy.routeShareBps('mevShare')).toBe(2000);
    // Another route learned nothing from them.
    expect(policy.bid({ ...opportunity, pools: [poolB], route: 'public', nowMs: 10 }).shareBps).toBe(5000);
    // A 60% rival on one pool of the route: the route goes to just above it and wins elsewhere do not take it under.
    const winnerBidWei = ((ether - ether / 100n) * 6000n) / 10_000n;
    policy.learn({ pools: [poolA], builder: 'local', route: 'mevShare', shareBps: 2000, grossWei: ether, gasCostWei: ether / 100n, outcome: 'outbid', winnerBidWei, nowMs: 11 });
    expect(policy.routeShareBps('mevShare')).toBe(6100);
    policy.learn({ pools: [pools[0]!], builder: 'local', route: 'mevShare', shareBps: 6100, grossWei: ether, gasCostWei: ether / 100n, outcome: 'won', nowMs: 12 });
    expect(policy.bid({ ...opportunity, pools: [poolB], route: 'mevShare', nowMs: 13 }).shareBps).toBe(6100);
  });

  it('keeps per-builder counts of what it learned', () => {
    const policy = new BidPolicy({ settings: adaptive, fixedShareBps: 5000, executorCapBps: 10_000 });
    policy.learn({ pools: [poolA], builder: 'titan', shareBps: 5000, grossWei: ether, gasCostWei: 0n, outcome: 'outbid', winnerBidWei: ether / 2n, nowMs: 0 });
    policy.learn({ pools: [poolA], builder: 'flashbots', shareBps: 5200, grossWei: ether, gasCostWei: 0n, outcome: 'won', nowMs: 1 });
    policy.learn({ pools: [poolA], builder: 'flashbots', shareBps: 5200, grossWei: ether, gasCostWei: 0n, outcome: 'missed', missKind: 'nonce', nowMs: 2 });
    expect(policy.builders()).toEqual({ titan: { won: 0, outbid: 1, missed: 0 }, flashbots: { won: 1, outbid: 0, missed: 1 } });
  });
});
