import type { Address } from 'viem';
import { describe, expect, it } from 'vitest';
import { mainnet } from '../../src/chain/addresses.ts';
import { parseRiskConfig, type RiskConfigInput } from '../../src/risk/config.ts';
import { RiskGate, type HaltNotice } from '../../src/risk/gate.ts';
import type { BundleOutcome, BundleProposal, RiskEvent, Verdict } from '../../src/risk/types.ts';

const ether = 10n ** 18n;
// A bucket boundary, so rolling-window expiries are easy to state.
const T0 = 1_700_000_040_000;
const poolA = '0x00000000000000000000000000000000000000aa' as Address;
const poolB = '0x00000000000000000000000000000000000000bb' as Address;
const poolC = '0x00000000000000000000000000000000000000cc' as Address;

const proposal = (over: Partial<BundleProposal> = {}): BundleProposal => ({
  targetBlock: 101n,
  gasLimit: 300_000n,
  maxGasCostWei: 1_000n,
  pools: [poolA, poolB],
  startToken: mainnet.weth,
  amountIn: ether,
  flash: false,
  ...over,
});

const outcome = (id: string, over: Partial<BundleOutcome> = {}): BundleOutcome => ({ id, included: true, netWei: 0n, gasPaidWei: 0n, failed: false, ...over });

/** A gate on a fake clock with equity known and a head seen: every breaker healthy. */
function setup(config: RiskConfigInput = {}) {
  const clock = { t: T0 };
  let head = 100n;
  const gate = new RiskGate({ config: parseRiskConfig(config), now: () => clock.t });
  const events: RiskEvent[] = [];
  const halts: HaltNotice[] = [];
  gate.onEvent((event) => events.push(event));
  gate.onHalt((notice) => halts.push(notice));
  gate.setEquity(100n * ether);
  gate.onHead({ number: head });
  return {
    gate,
    clock,
    events,
    halts,
    /** Moves the clock on; a new head arrives with it unless told otherwise. */
    advance(ms: number, withHead = true) {
      clock.t += ms;
      if (withHead) gate.onHead({ number: ++head });
    },
    /** check() must allow it; then it is sent. */
    send(id: string, over: Partial<BundleProposal> = {}) {
      const p = proposal(over);
      expect(gate.check(p)).toEqual({ ok: true });
      gate.onBundleSent(id, p);
    },
  };
}

const refusedBy = (verdict: Verdict) => (verdict.ok ? undefined : verdict.breaker);

describe('gas caps', () => {
  it('refuses a bundle above the per-bundle gas limit, and only above it', () => {
    const { gate } = setup({ gas: { maxGasPerBundle: 500_000n } });
    expect(gate.check(proposal({ gasLimit: 500_000n }))).toEqual({ ok: true });
    const refused = gate.check(proposal({ gasLimit: 500_001n }));
    expect(refusedBy(refused)).toBe('gas');
    expect(!refused.ok && refused.reason).toMatch(/gas limit 500001 is above the per-bundle cap 500000/);
    expect(gate.check(proposal({ gasLimit: 499_999n }))).toEqual({ ok: true });
  });

  it('counts paid plus outstanding per target block', () => {
    const { gate, send } = setup({ gas: { maxSpendPerBlockWei: 500n } });
    send('a', { targetBlock: 101n, maxGasCostWei: 300n });
    expect(gate.check(proposal({ targetBlock: 101n, maxGasCostWei: 200n }))).toEqual({ ok: true });
    expect(refusedBy(gate.check(proposal({ targetBlock: 101n, maxGasCostWei: 201n })))).toBe('gas');
    expect(gate.check(proposal({ targetBlock: 102n, maxGasCostWei: 500n }))).toEqual({ ok: true });
    // it landed for less than its worst case: the block has that much more room
    gate.onBundleResolved(outcome('a', { gasPaidWei: 250n, netWei: 10n }));
    expect(gate.check(proposal({ targetBlock: 101n, maxGasCostWei: 250n }))).toEqual({ ok: true });
    expect(refusedBy(gate.check(proposal({ targetBlock: 101n, maxGasCostWei: 251n })))).toBe('gas');
  });

  it('caps the rolling window spend at exactly the threshold, and frees it as the window slides', () => {
    const { gate, events, advance, send } = setup({ bucketMs: 1_000, gas: { maxSpendPerWindowWei: 1_000n, windowMs: 10_000 } });
    send('a', { maxGasCostWei: 400n });
    gate.onBundleResolved(outcome('a', { gasPaidWei: 400n, netWei: 100n }));
    advance(2_000);
    send('b', { maxGasCostWei: 500n }); // outstanding: counted at its worst case
    expect(gate.check(proposal({ maxGasCostWei: 100n }))).toEqual({ ok: true });
    expect(refusedBy(gate.check(proposal({ maxGasCostWei: 101n })))).toBe('gas');
    advance(1_000);
    gate.onBundleResolved(outcome('b', { gasPaidWei: 300n, netWei: 100n }));
    expect(gate.check(proposal({ maxGasCostWei: 300n }))).toEqual({ ok: true });
    expect(events.filter((event) => event.breaker === 'gas')).toEqual([]);
    send('c', { maxGasCostWei: 300n });
    gate.onBundleResolved(outcome('c', { gasPaidWei: 300n, netWei: 100n }));
    // 400 + 300 + 300 = the cap: used up, nothing that costs gas passes
    expect(events.filter((event) => event.breaker === 'gas').map((event) => event.kind)).toEqual(['trip']);
    expect(gate.status().breakers.find((row) => row.breaker === 'gas' && row.limit === 'perWindow')).toMatchObject({ state: 'tripped', current: '1000', threshold: '1000' });
    const refused = gate.check(proposal({ maxGasCostWei: 1n }));
    expect(refusedBy(refused)).toBe('gas');
    // the first 400 (bucket [T0, T0+1000)) counts until T0 + 999 + 10000
    advance(T0 + 10_998 - gate.status().at);
    expect(refusedBy(gate.check(proposal({ maxGasCostWei: 1n })))).toBe('gas');
    advance(1);
    expect(gate.check(proposal({ maxGasCostWei: 400n }))).toEqual({ ok: true });
    expect(refusedBy(gate.check(proposal({ maxGasCostWei: 401n })))).toBe('gas');
    expect(events.filter((event) => event.breaker === 'gas').map((event) => event.kind)).toEqual(['trip', 'reset']);
  });

  it('assumes a bundle never resolved paid its worst case', () => {
    const { gate, advance, send } = setup({ gas: { maxSpendPerWindowWei: 1_000n, outstandingTimeoutMs: 60_000 } });
    send('lost', { maxGasCostWei: 700n });
    advance(59_999);
    expect(gate.status().outstandingBundles).toBe(1);
    advance(1);
    expect(gate.status()).toMatchObject({ outstandingBundles: 0, counters: { timedOut: 1 } });
    expect(gate.check(proposal({ maxGasCostWei: 300n }))).toEqual({ ok: true });
    expect(refusedBy(gate.check(proposal({ maxGasCostWei: 301n })))).toBe('gas');
  });
});

describe('loss caps', () => {
  it('latches a halt when the hourly drawdown reaches its share of equity, not one wei before', () => {
    // equity 100 ETH; 100 bps per hour = 1 ETH
    const { gate, halts, advance, send } = setup();
    send('a');
    gate.onBundleResolved(outcome('a', { netWei: -(ether - 1n), gasPaidWei: 1_000n }));
    expect(gate.check(proposal())).toEqual({ ok: true });
    send('b');
    gate.onBundleResolved(outcome('b', { netWei: -1n }));
    expect(gate.halted).toMatchObject({ breaker: 'loss', by: 'risk' });
    expect(halts).toEqual([expect.objectContaining({ breaker: 'loss', latched: true })]);
    const refused = gate.check(proposal());
    expect(refusedBy(refused)).toBe('loss');
    expect(!refused.ok && refused.reason).toMatch(/realised loss 1000000000000000000 wei in the last hour reached the cap 1000000000000000000 wei/);
    // latched: the window sliding past the loss does not clear it
    advance(2 * 3_600_000);
    expect(refusedBy(gate.check(proposal()))).toBe('loss');
    expect(gate.resume('ops')).toBe(true);
    expect(gate.check(proposal())).toEqual({ ok: true });
  });

  it('measures the daily cap (2% of equity) across hours, as a drawdown from the peak', () => {
    const { gate, advance, send } = setup();
    const lose = (id: string, wei: bigint) => {
      send(id);
      gate.onBundleResolved(outcome(id, { netWei: -wei }));
    };
    lose('a', (6n * ether) / 10n);
    advance(70 * 60_000);
    lose('b', (6n * ether) / 10n);
    advance(70 * 60_000);
    lose('c', (6n * ether) / 10n);
    advance(70 * 60_000);
    lose('d', (2n * ether) / 10n - 1n);
    expect(gate.halted).toBeUndefined(); // 2 ETH - 1 wei over the day; never 1 ETH in an hour
    lose('e', 1n);
    expect(gate.halted?.reason).toMatch(/in the last day reached the cap 2000000000000000000 wei \(200 bps/);
    expect(gate.resume('ops')).toBe(true);
    // the losses so far were forgiven by the resume
    lose('f', 1_000n);
    expect(gate.halted).toBeUndefined();
    // a gain does not hide a loss after it: peak to trough (the cap is 1 ETH an hour)
    advance(60_000);
    send('g');
    gate.onBundleResolved(outcome('g', { netWei: 5n * ether }));
    advance(60_000);
    lose('h', ether - 1n);
    expect(gate.halted).toBeUndefined();
    lose('i', 1n);
    expect(gate.halted?.breaker).toBe('loss');
  });

  it('refuses everything while the equity is unknown', () => {
    const gate = new RiskGate({ config: parseRiskConfig(), now: () => T0 });
    gate.onHead({ number: 1n });
    expect(gate.check(proposal())).toMatchObject({ ok: false, breaker: 'loss', reason: expect.stringMatching(/equity unknown/) });
    gate.setEquity(ether);
    expect(gate.check(proposal())).toEqual({ ok: true });
  });
});

describe('consecutive failures', () => {
  it('stops sending at the Nth losing or failed bundle in a row, until the cooldown elapses', () => {
    const { gate, events, halts, advance, send } = setup({ failures: { maxConsecutive: 3, cooldownMs: 60_000 } });
    const resolve = (id: string, over: Partial<BundleOutcome>) => {
      send(id);
      gate.onBundleResolved(outcome(id, over));
    };
    resolve('1', { failed: true, included: false });
    resolve('2', { netWei: -10n }); // landed at a loss
    resolve('3', { included: false }); // did not land: neither breaks nor extends the streak
    expect(gate.check(proposal())).toEqual({ ok: true });
    resolve('4', { netWei: 5n }); // a win ends the streak
    resolve('5', { failed: true, included: false });
    resolve('6', { failed: true, included: true, netWei: -3n });
    expect(gate.check(proposal())).toEqual({ ok: true });
    expect(halts).toEqual([]);
    resolve('7', { failed: true, included: false });
    const refused = gate.check(proposal());
    expect(refusedBy(refused)).toBe('failures');
    expect(!refused.ok && refused.reason).toMatch(/3 losing or failed bundles in a row/);
    expect(halts).toEqual([expect.objectContaining({ breaker: 'failures', latched: false })]);
    advance(59_999);
    expect(refusedBy(gate.check(proposal()))).toBe('failures');
    advance(1);
    expect(gate.check(proposal())).toEqual({ ok: true });
    expect(events.filter((event) => event.breaker === 'failures').map((event) => event.kind)).toEqual(['trip', 'reset']);
  });
});

describe('order frequency', () => {
  it('drops bundles beyond the per-pool and global rates, counting them, until the second has passed', () => {
    const { gate, clock, events, send } = setup({ frequency: { maxPerSecond: 5, maxPerPoolPerSecond: 3 } });
    const start = clock.t;
    send('1', { pools: [poolA] });
    clock.t += 100;
    send('2', { pools: [poolA] });
    send('3', { pools: [poolA, poolB] });
    const refused = gate.check(proposal({ pools: [poolC, poolA] }));
    expect(refused).toMatchObject({ ok: false, breaker: 'frequency', scope: poolA });
    expect(refusedBy(gate.check(proposal({ pools: [poolA] })))).toBe('frequency');
    send('4', { pools: [poolB] });
    send('5', { pools: [poolC] }); // 5 in the last second: the global limit
    expect(refusedBy(gate.check(proposal({ pools: [poolC] })))).toBe('frequency');
    expect(gate.status().counters.refused.frequency).toBe(3);
    clock.t = start + 999;
    expect(refusedBy(gate.check(proposal({ pools: [poolC] })))).toBe('frequency');
    clock.t = start + 1_000; // bundle 1 has left the window: 4 overall, 2 on pool A
    expect(gate.check(proposal({ pools: [poolC] }))).toEqual({ ok: true });
    expect(gate.check(proposal({ pools: [poolA] }))).toEqual({ ok: true });
    // one 'drop' event per saturated stretch, not one per drop
    expect(events.filter((event) => event.kind === 'drop').map((event) => event.scope ?? 'all')).toEqual([poolA.toLowerCase(), 'all']);
  });
});

describe('connectivity', () => {
  it('stops at the third head latency above the bound in a row, and resumes on a good sample', () => {
    const { gate, halts } = setup({ connectivity: { maxHeadLatencyMs: 4_000, consecutiveSamples: 3 } });
    gate.onHead({ number: 200n, latencyMs: 4_001 });
    gate.onHead({ number: 201n, latencyMs: 9_000 });
    gate.onHead({ number: 202n, latencyMs: 4_000 }); // within the bound: the streak starts over
    gate.onHead({ number: 203n, latencyMs: 5_000 });
    gate.onHead({ number: 204n, latencyMs: 5_000 });
    expect(gate.check(proposal())).toEqual({ ok: true });
    gate.onHead({ number: 205n, latencyMs: 5_000 });
    expect(gate.check(proposal())).toMatchObject({ ok: false, breaker: 'connectivity', reason: expect.stringMatching(/head latency above 4000 ms for 3 samples/) });
    expect(halts.map((notice) => notice.breaker)).toEqual(['connectivity']);
    gate.onHead({ number: 206n, latencyMs: 900 });
    expect(gate.check(proposal())).toEqual({ ok: true });
  });

  it('stops at the third slow socket round trip in a row', () => {
    const { gate } = setup({ connectivity: { maxSocketLatencyMs: 1_000 } });
    gate.onSocketLatency(1_500);
    gate.onSocketLatency(1_001);
    expect(gate.check(proposal())).toEqual({ ok: true });
    gate.onSocketLatency(2_000);
    expect(refusedBy(gate.check(proposal()))).toBe('connectivity');
    gate.onSocketLatency(1_000);
    expect(gate.check(proposal())).toEqual({ ok: true });
  });

  it('stops when no head has come for S seconds, until the next head', () => {
    const { gate, advance } = setup({ connectivity: { maxHeadSilenceMs: 30_000 } });
    advance(29_999, false);
    expect(gate.check(proposal())).toEqual({ ok: true });
    advance(1, false);
    expect(gate.check(proposal())).toMatchObject({ ok: false, breaker: 'connectivity', reason: expect.stringMatching(/no new head for 30000 ms/) });
    gate.onHead({ number: 300n });
    expect(gate.check(proposal())).toEqual({ ok: true });
  });

  it('once the bot stopped listening (shutdown), the heads\' silence trips nothing and records no event', () => {
    const { gate, advance, events } = setup({ connectivity: { maxHeadSilenceMs: 30_000 } });
    advance(10_000, false);
    gate.onStoppedListening();
    const before = events.length;
    advance(60_000, false);
    expect(gate.status().ok).toBe(true);
    expect(events.slice(before)).toEqual([]);
  });

  it("stops while the mempool watcher is blind", () => {
    const { gate, events } = setup();
    gate.onBlind(true);
    expect(gate.check(proposal())).toMatchObject({ ok: false, breaker: 'connectivity', reason: expect.stringMatching(/blind/) });
    expect(gate.status().ok).toBe(false);
    gate.onBlind(false);
    expect(gate.check(proposal())).toEqual({ ok: true });
    expect(events.map((event) => `${event.breaker} ${event.kind}`)).toEqual(['connectivity trip', 'connectivity reset']);
  });
});

describe('data integrity', () => {
  it('pauses a pool whose price jumps more than 5% with no log to explain it, for the pause time', () => {
    const { gate, events, advance } = setup({ integrity: { maxUnexplainedPriceJumpBps: 500, poolPauseMs: 600_000 } });
    gate.onPoolObservation({ pool: poolA, price: 1_000_000n, explainedByLog: true });
    gate.onPoolObservation({ pool: poolA, price: 1_050_000n, explainedByLog: false }); // exactly 5%: allowed
    gate.onPoolObservation({ pool: poolB, price: 1_000n, explainedByLog: true });
    gate.onPoolObservation({ pool: poolB, price: 3_000n, explainedByLog: true }); // explained: fine
    expect(gate.check(proposal())).toEqual({ ok: true });
    gate.onPoolObservation({ pool: poolA, price: 1_000_000n, explainedByLog: true });
    gate.onPoolObservation({ pool: poolA, price: 1_050_001n, explainedByLog: false });
    expect(gate.check(proposal({ pools: [poolB, poolA] }))).toMatchObject({ ok: false, breaker: 'integrity', scope: poolA.toLowerCase() });
    expect(gate.check(proposal({ pools: [poolB, poolC] }))).toEqual({ ok: true }); // only that pool
    advance(599_999);
    expect(refusedBy(gate.check(proposal({ pools: [poolA] })))).toBe('integrity');
    advance(1);
    expect(gate.check(proposal({ pools: [poolA] }))).toEqual({ ok: true });
    expect(events.map((event) => `${event.kind} ${event.scope}`)).toEqual([`trip ${poolA.toLowerCase()}`, `reset ${poolA.toLowerCase()}`]);
  });

  it('pauses a pool at the third prediction/simulation mismatch within the window', () => {
    const { gate, advance } = setup({ integrity: { maxMismatches: 3, mismatchWindowMs: 600_000 } });
    gate.onMismatch(poolA);
    advance(600_000);
    gate.onMismatch(poolA); // the first has left the window
    gate.onMismatch(poolA);
    expect(gate.check(proposal({ pools: [poolA] }))).toEqual({ ok: true });
    gate.onMismatch(poolA);
    expect(gate.check(proposal({ pools: [poolA] }))).toMatchObject({ ok: false, breaker: 'integrity', reason: expect.stringMatching(/3 prediction\/simulation mismatches/) });
    expect(gate.check(proposal({ pools: [poolB] }))).toEqual({ ok: true });
  });

  it('pauses everything while the state has drifted from the chain', () => {
    const { gate, halts } = setup();
    gate.onDrift(true);
    expect(gate.check(proposal({ pools: [poolC] }))).toMatchObject({ ok: false, breaker: 'integrity', reason: expect.stringMatching(/drifted/) });
    expect(halts.map((notice) => notice.breaker)).toEqual(['integrity']);
    gate.onDrift(false);
    expect(gate.check(proposal({ pools: [poolC] }))).toEqual({ ok: true });
  });
});

describe('liquidity exit', () => {
  it('a measure over another basis (a tick window read again around a new price) starts the peak over instead of tripping', () => {
    const { gate } = setup({ liquidity: { maxDropBps: 5_000, windowMs: 3_600_000, poolPauseMs: 1_800_000 } });
    gate.onPoolObservation({ pool: poolA, liquidity: 1_000n, explainedByLog: true, liquidityBasis: 'words -55..55' });
    gate.onPoolObservation({ pool: poolA, liquidity: 400n, explainedByLog: true, liquidityBasis: 'words 10..120' });
    expect(gate.check(proposal({ pools: [poolA] }))).toEqual({ ok: true });
    // On the same basis a fall still trips.
    gate.onPoolObservation({ pool: poolA, liquidity: 100n, explainedByLog: true, liquidityBasis: 'words 10..120' });
    expect(gate.check(proposal({ pools: [poolA] }))).toMatchObject({ ok: false, breaker: 'liquidity', reason: expect.stringMatching(/from its peak 400 to 100/) });
  });

  it('pauses a pool whose liquidity falls by the configured fraction of its peak', () => {
    const { gate, events, advance } = setup({ liquidity: { maxDropBps: 5_000, windowMs: 3_600_000, poolPauseMs: 1_800_000 } });
    for (const liquidity of [1_000n, 900n, 800n, 501n]) gate.onPoolObservation({ pool: poolA, liquidity, explainedByLog: true });
    expect(gate.check(proposal({ pools: [poolA] }))).toEqual({ ok: true }); // 49.9% below the peak
    gate.onPoolObservation({ pool: poolA, liquidity: 500n, explainedByLog: true });
    expect(gate.check(proposal({ pools: [poolA] }))).toMatchObject({ ok: false, breaker: 'liquidity', scope: poolA.toLowerCase(), reason: expect.stringMatching(/liquidity fell 5000 bps from its peak 1000 to 500/) });
    expect(gate.check(proposal({ pools: [poolB] }))).toEqual({ ok: true });
    advance(1_799_999);
    expect(refusedBy(gate.check(proposal({ pools: [poolA] })))).toBe('liquidity');
    advance(1);
    expect(gate.check(proposal({ pools: [poolA] }))).toEqual({ ok: true });
    // the peak started over at the fallen level: staying there does not pause it again
    gate.onPoolObservation({ pool: poolA, liquidity: 500n, explainedByLog: true });
    expect(gate.check(proposal({ pools: [poolA] }))).toEqual({ ok: true });
    expect(events.map((event) => `${event.breaker} ${event.kind}`)).toEqual(['liquidity trip', 'liquidity reset']);
  });

  it('forgets a peak older than the window', () => {
    const { gate, advance } = setup({ liquidity: { maxDropBps: 5_000, windowMs: 3_600_000 } });
    gate.onPoolObservation({ pool: poolA, liquidity: 1_000n, explainedByLog: true });
    advance(3_600_000);
    gate.onPoolObservation({ pool: poolA, liquidity: 400n, explainedByLog: true });
    expect(gate.check(proposal({ pools: [poolA] }))).toEqual({ ok: true });
  });
});

describe('exposure caps', () => {
  it('caps the inventory input and the flash amount separately, per start token', () => {
    const usdc = '0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48' as Address;
    const { gate } = setup({ exposure: { maxInventoryAmountIn: 10n * ether, maxFlashAmount: 100n * ether, tokens: { [usdc]: { maxInventoryAmountIn: '1000000000', maxFlashAmount: '5000000000' } } } });
    expect(gate.check(proposal({ amountIn: 10n * ether }))).toEqual({ ok: true });
    expect(gate.check(proposal({ amountIn: 10n * ether + 1n }))).toMatchObject({ ok: false, breaker: 'exposure', reason: expect.stringMatching(/inventory amountIn/) });
    expect(gate.check(proposal({ amountIn: 100n * ether, flash: true }))).toEqual({ ok: true });
    expect(gate.check(proposal({ amountIn: 100n * ether + 1n, flash: true }))).toMatchObject({ ok: false, breaker: 'exposure', reason: expect.stringMatching(/flash amount/) });
    expect(gate.check(proposal({ startToken: usdc, amountIn: 1_000_000_000n }))).toEqual({ ok: true });
    expect(refusedBy(gate.check(proposal({ startToken: usdc, amountIn: 1_000_000_001n })))).toBe('exposure');
    expect(gate.check(proposal({ startToken: usdc, amountIn: 5_000_000_000n, flash: true }))).toEqual({ ok: true });
  });
});

describe('kill switch (core)', () => {
  it('halts at once, tells the listeners, stays halted until resumed', () => {
    const { gate, events, halts, advance } = setup();
    const resumes: string[] = [];
    gate.onResume(({ by }) => resumes.push(by));
    expect(gate.halt('rpc provider incident', 'test')).toBe(true);
    expect(gate.halt('again', 'test')).toBe(false); // latched already: the first reason stands
    expect(gate.check(proposal())).toMatchObject({ ok: false, breaker: 'killSwitch', reason: expect.stringMatching(/by test: rpc provider incident/) });
    expect(halts).toEqual([expect.objectContaining({ breaker: 'killSwitch', reason: 'rpc provider incident', by: 'test', latched: true })]);
    advance(86_400_000);
    expect(refusedBy(gate.check(proposal()))).toBe('killSwitch');
    expect(gate.resume('ops')).toBe(true);
    expect(gate.resume('ops')).toBe(false);
    expect(resumes).toEqual(['ops']);
    expect(gate.check(proposal())).toEqual({ ok: true });
    expect(events.map((event) => event.kind)).toEqual(['halt', 'resume']);
  });

  it('a listener that throws does not stop the others', () => {
    const { gate, halts } = setup();
    gate.onHalt(() => {
      throw new Error('broken submitter');
    });
    const later: string[] = [];
    gate.onHalt((notice) => later.push(notice.reason));
    gate.halt('stop', 'test');
    expect(halts).toHaveLength(1);
    expect(later).toEqual(['stop']);
  });
});

describe('status', () => {
  it('reports every breaker with threshold, current value and the counters', () => {
    const { gate, send } = setup();
    send('a');
    gate.check(proposal({ amountIn: 11n * ether }));
    const status = gate.status();
    expect(new Set(status.breakers.map((row) => row.breaker))).toEqual(new Set(['killSwitch', 'loss', 'failures', 'connectivity', 'integrity', 'liquidity', 'exposure', 'gas', 'frequency']));
    expect(status.breakers.find((row) => row.breaker === 'gas' && row.limit === 'perWindow')).toMatchObject({ state: 'ok', threshold: String(ether / 2n), current: '1000' });
    expect(status.breakers.find((row) => row.breaker === 'loss' && row.limit === 'perDay')).toMatchObject({ threshold: String(2n * ether), current: '0' });
    expect(status.counters).toMatchObject({ checks: 2, allowed: 1, refused: { exposure: 1 }, sent: 1 });
    expect(status.ok).toBe(true);
    expect(status.outstandingBundles).toBe(1);
  });
});
