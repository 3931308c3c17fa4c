import { describe, expect, it } from 'vitest';
import { parseRiskConfig, RiskConfigError } from '../../src/risk/config.ts';
import { RollingLedger, SlidingCounter } from '../../src/risk/rolling.ts';
import { parseSnapshot } from '../../src/risk/snapshot.ts';
import { RiskGate } from '../../src/risk/gate.ts';

describe('RollingLedger', () => {
  it('sums a trailing window by bucket, letting a bucket go only after its last millisecond has aged out', () => {
    const ledger = new RollingLedger(1_000, 10_000);
    ledger.add(5_000, 7n); // bucket [5000, 6000)
    ledger.add(5_999, 3n);
    ledger.add(8_500, -4n);
    expect(ledger.total(8_500, 10_000)).toBe(6n);
    expect(ledger.total(15_998, 10_000)).toBe(6n);
    expect(ledger.total(15_999, 10_000)).toBe(-4n);
    expect(ledger.nextExpiry(15_999, 10_000)).toBe(8_000 + 999 + 10_000);
    // entries arriving out of order land in their own bucket
    ledger.add(2_000, 1n);
    expect(ledger.toJSON().map(([start]) => start)).toEqual([2_000, 5_000, 8_000]);
    ledger.prune(15_999);
    expect(ledger.toJSON().map(([start]) => start)).toEqual([8_000]);
  });

  it('measures drawdown from the running peak, losses before gains within a bucket', () => {
    const ledger = new RollingLedger(1, 100);
    for (const [at, amount] of [[1, 10n], [2, -4n], [3, 2n], [4, -7n], [5, 20n]] as const) ledger.add(at, amount);
    // peak 10, then 10 - 4 + 2 - 7 = 1: a drawdown of 9, whatever came after
    expect(ledger.drawdown(5, 100)).toBe(9n);
    expect(ledger.total(5, 100)).toBe(21n);
    const coarse = new RollingLedger(10, 100);
    coarse.add(1, 5n);
    coarse.add(2, -5n);
    expect(coarse.drawdown(2, 100)).toBe(5n); // never under-stated
  });

  it('survives a JSON round trip', () => {
    const ledger = new RollingLedger(60_000, 86_400_000);
    ledger.add(120_000, 10n ** 30n);
    ledger.add(180_000, -(10n ** 20n));
    const copy = new RollingLedger(60_000, 86_400_000);
    copy.restore(JSON.parse(JSON.stringify(ledger.toJSON())));
    expect(copy.total(200_000, 86_400_000)).toBe(10n ** 30n - 10n ** 20n);
  });
});

describe('SlidingCounter', () => {
  it('counts events in the last window, exactly', () => {
    const counter = new SlidingCounter(1_000);
    counter.add(0);
    counter.add(500);
    expect(counter.count(999)).toBe(2);
    expect(counter.count(1_000)).toBe(1);
    expect(counter.count(1_500)).toBe(0);
    expect(counter.empty).toBe(true);
  });
});

describe('risk config', () => {
  it('has a default for every threshold', () => {
    const config = parseRiskConfig({});
    expect(config.loss.maxDailyLossBps).toBe(200);
    expect(config.failures.maxConsecutive).toBe(3);
    expect(config.frequency).toEqual({ maxPerSecond: 50, maxPerPoolPerSecond: 50 });
    expect(config.integrity.maxUnexplainedPriceJumpBps).toBe(500);
    expect(config.connectivity.consecutiveSamples).toBe(3);
    expect(config.killSwitch).toEqual({ pollMs: 250, tokenEnv: 'SEARCHER_RISK_TOKEN' });
    expect(config.gas.maxSpendPerWindowWei).toBe(5n * 10n ** 17n);
  });

  it('reads wei from decimal strings and names a bad field', () => {
    expect(parseRiskConfig({ gas: { maxSpendPerBlockWei: '123' } }).gas.maxSpendPerBlockWei).toBe(123n);
    expect(() => parseRiskConfig({ gas: { maxSpendPerBlockWei: '1.5' } }, 'bot.json')).toThrow(RiskConfigError);
    expect(() => parseRiskConfig({ loss: { maxDailyLossBps: 0 } })).toThrow(/loss\.maxDailyLossBps/);
    expect(() => parseRiskConfig({ exposure: { tokens: { notAnAddress: { maxInventoryAmountIn: '1', maxFlashAmount: '1' } } } })).toThrow(/exposure\.tokens\.notAnAddress: expected a 0x address/);
    expect(() => parseRiskConfig({ gas: { maxGasPerBlock: '1' } })).toThrow(/gas/);
  });
});

describe('snapshot', () => {
  it('a gate snapshot parses back, and a foreign one is refused', () => {
    const gate = new RiskGate({ config: parseRiskConfig(), now: () => 1_000 });
    const text = JSON.stringify(gate.snapshot());
    expect(parseSnapshot(text)).toEqual(JSON.parse(text));
    expect(() => parseSnapshot(JSON.stringify({ ...JSON.parse(text), version: 2 }))).toThrow(/version/);
  });
});
