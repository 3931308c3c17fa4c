import { getAddress } from 'viem';
import { describe, expect, it } from 'vitest';
import { checkSentBundle, decideCandidate, isDecision, repriceAfterSimulation, type DecisionFacts } from '../../src/decisionPolicy.ts';
import type { Candidate } from '../../src/strategy/candidates.ts';

/*
 * The decision policy with plain values: every reason it can give, and the order of its questions (nothing
 * costly is asked once the answer is no). Amounts are worked by hand below, not by the policy's formulas.
 */

const token = getAddress('0x00000000000000000000000000000000000000aa');
// Gross 1e16 wei, builder 2e15: the executor's gain must be 8e15 in the simulation.
const candidate = { sizeRefusal: undefined, maxNetProfitWei: undefined, netProfitWei: 5_000_000_000_000_000n, capNote: undefined, grossProfitWei: 10_000_000_000_000_000n, bribeWei: 2_000_000_000_000_000n };
const base: DecisionFacts = { candidate, minNetProfitWei: 1_000_000_000_000_000n, nextBaseFeePerGas: 10_000_000_000n, priorityFeeWei: 1_000_000_000n, sending: true };
// 200,000 gas at 11 gwei = 2.2e15 wei: net 8e15 - 2.2e15 = 5.8e15.
const goodSimulation = { ok: true, victimsOk: true, gain: 8_000_000_000_000_000n, gasUsed: 200_000n };
const simulated: DecisionFacts = { ...base, unsafeToken: null, simulation: goodSimulation };

describe('decideCandidate', () => {
  it('a size refusal is the reason, before anything is asked', () => {
    expect(decideCandidate({ ...base, candidate: { ...candidate, sizeRefusal: 'the caps leave nothing to trade' } })).toEqual({ decision: 'reject', reason: 'the caps leave nothing to trade' });
  });

  it('a best case under the minimum is rejected before the tokens are probed (with the cap note)', () => {
    const step = decideCandidate({ ...base, candidate: { ...candidate, netProfitWei: 5n, maxNetProfitWei: 7n, capNote: 'held to the inventory cap' } });
    expect(step).toEqual({ decision: 'reject', reason: 'net profit below the minimum: at most 7 wei < 1000000000000000 wei before simulation (held to the inventory cap)' });
  });

  it('the best case (maxNetProfitWei) decides, not the estimate: an estimate under the minimum with a best case over it goes on', () => {
    expect(decideCandidate({ ...base, candidate: { ...candidate, netProfitWei: 5n, maxNetProfitWei: 2_000_000_000_000_000n } })).toEqual({ need: 'tokens' });
  });

  it('asks for the tokens first, then the simulation', () => {
    expect(decideCandidate(base)).toEqual({ need: 'tokens' });
    expect(decideCandidate({ ...base, unsafeToken: null })).toEqual({ need: 'simulation' });
  });

  it('an unsafe or unknown token is the reason', () => {
    const unsafe = decideCandidate({ ...base, unsafeToken: { token, verdict: 'unsafe', safe: false, reason: 'cannot be sold back (honeypot)', block: '7' } });
    expect(unsafe).toEqual({ decision: 'reject', reason: `token ${token} is unsafe: cannot be sold back (honeypot)` });
    const unknown = decideCandidate({ ...base, unsafeToken: { token, verdict: 'unknown', safe: false, reason: 'retry later: no answer', block: '7', retryAtMs: 10 } });
    expect(unknown).toEqual({ decision: 'reject', reason: `token ${token} is unknown: retry later: no answer` });
  });

  it('a reverted simulation, with its reason or without', () => {
    const step = decideCandidate({ ...simulated, simulation: { ...goodSimulation, ok: false, gain: 0n, revertReason: 'NoProfit()' } });
    expect(step).toMatchObject({ decision: 'reject', reason: 'simulation reverted: NoProfit()' });
    expect(decideCandidate({ ...simulated, simulation: { ...goodSimulation, ok: false } })).toMatchObject({ reason: 'simulation reverted: unknown' });
  });

  it('a victim that reverts in the simulation', () => {
    expect(decideCandidate({ ...simulated, simulation: { ...goodSimulation, victimsOk: false } })).toMatchObject({ decision: 'reject', reason: 'the victim reverts in the simulation' });
  });

  it('a gain that differs from the prediction by one wei is a mismatch, reported with both numbers', () => {
    const step = decideCandidate({ ...simulated, simulation: { ...goodSimulation, gain: 8_000_000_000_000_001n } });
    expect(step).toEqual({
      decision: 'reject',
      reason: 'simulation mismatch: predicted 8000000000000000, simulated 8000000000000001',
      simulatedNetWei: 5_800_000_000_000_001n,
      mismatch: { predicted: 8_000_000_000_000_000n, simulated: 8_000_000_000_000_001n },
    });
  });

  it('a net after the simulated gas under the minimum', () => {
    // 700,000 gas at 11 gwei = 7.7e15: net 3e14 < 1e15.
    const step = decideCandidate({ ...simulated, simulation: { ...goodSimulation, gasUsed: 700_000n } });
    expect(step).toEqual({
      decision: 'reject',
      reason: "net after simulated gas below the minimum: gain 8000000000000000 wei (after the builder's 2000000000000000) - 700000 gas x 11000000000 wei = 300000000000000 wei < 1000000000000000 wei",
      simulatedNetWei: 300_000_000_000_000n,
    });
  });

  it('without a dispatcher a passing simulation is a send decision, reported only (dry run)', () => {
    expect(decideCandidate({ ...simulated, sending: false })).toEqual({ decision: 'send', reason: 'simulated gain equals the prediction; net after simulated gas 5800000000000000 wei', simulatedNetWei: 5_800_000_000_000_000n });
  });

  it('with a dispatcher: the gate is asked, then the send; the gate or the send may refuse', () => {
    expect(decideCandidate(simulated)).toEqual({ need: 'gate' });
    expect(decideCandidate({ ...simulated, gate: { ok: false, reason: 'loss breaker tripped' } })).toEqual({ decision: 'reject', reason: 'loss breaker tripped', simulatedNetWei: 5_800_000_000_000_000n });
    expect(decideCandidate({ ...simulated, gate: { ok: true } })).toEqual({ need: 'send' });
    expect(decideCandidate({ ...simulated, gate: { ok: true }, sent: { sent: false, reason: 'send failed: connection refused' } })).toEqual({ decision: 'reject', reason: 'send failed: connection refused', simulatedNetWei: 5_800_000_000_000_000n });
    const sent = decideCandidate({ ...simulated, gate: { ok: true }, sent: { sent: true, reason: 'sent to 2 builders' } });
    expect(sent).toEqual({ decision: 'send', reason: 'simulated gain equals the prediction; net after simulated gas 5800000000000000 wei; sent to 2 builders', simulatedNetWei: 5_800_000_000_000_000n });
    expect(isDecision(sent)).toBe(true);
    expect(isDecision({ need: 'send' })).toBe(false);
  });
});

describe('repriceAfterSimulation', () => {
  const policy = { priorityFeeWei: 1_000_000_000n, builderShareBps: 2_000n, minNetProfitWei: 0n };
  // Estimated 150,000 gas: after gas 1e16 - 1.65e15 = 8.35e15, 20% to the builder = 1.67e15.
  const estimated = { ...candidate, gas: 150_000n, bribeWei: 1_670_000_000_000_000n } as unknown as Candidate;
  const matching = { ok: true, victimsOk: true, gain: 10_000_000_000_000_000n - 1_670_000_000_000_000n };

  it('more gas than estimated: the builder share is taken again from what the simulated gas leaves', () => {
    // 250,000 gas at 11 gwei = 2.75e15: after gas 7.25e15, 20% = 1.45e15.
    const repriced = repriceAfterSimulation(estimated, { ...matching, gasUsed: 250_000n }, 10_000_000_000n, policy);
    expect(repriced?.bribeWei).toBe(1_450_000_000_000_000n);
    expect(repriced?.gas).toBe(250_000n);
  });

  it('no re-pricing for the estimated gas or less, a mismatch, or a revert', () => {
    expect(repriceAfterSimulation(estimated, { ...matching, gasUsed: 150_000n }, 10_000_000_000n, policy)).toBeUndefined();
    expect(repriceAfterSimulation(estimated, { ...matching, gain: matching.gain - 1n, gasUsed: 250_000n }, 10_000_000_000n, policy)).toBeUndefined();
    expect(repriceAfterSimulation(estimated, { ...matching, ok: false, gasUsed: 250_000n }, 10_000_000_000n, policy)).toBeUndefined();
  });
});

describe('optimistic: sent before the simulation, judged after it', () => {
  const optimistic: DecisionFacts = { ...base, unsafeToken: null, optimistic: true };

  it('asks the gate, then sends, without a simulation; the decision says it is still to be simulated', () => {
    expect(decideCandidate(optimistic)).toEqual({ need: 'gate' });
    expect(decideCandidate({ ...optimistic, gate: { ok: false, reason: 'risk gas: over the cap' } })).toEqual({ decision: 'reject', reason: 'risk gas: over the cap' });
    expect(decideCandidate({ ...optimistic, gate: { ok: true } })).toEqual({ need: 'send' });
    expect(decideCandidate({ ...optimistic, gate: { ok: true }, sent: { sent: true, reason: 'handed to the builders' } })).toEqual({
      decision: 'send',
      reason: 'sent before its simulation (verified pools and tokens); handed to the builders',
      unsimulated: true,
    });
  });

  it('still probes the tokens first, and a dry run (no sending) simulates first', () => {
    expect(decideCandidate({ ...base, optimistic: true })).toEqual({ need: 'tokens' });
    expect(decideCandidate({ ...optimistic, sending: false })).toEqual({ need: 'simulation' });
  });

  it('the simulation after the send keeps it when it agrees, cancels it when it does not (with the mismatch)', () => {
    const sent = { ...optimistic, gate: { ok: true as const }, sent: { sent: true, reason: 'handed to the builders' } };
    expect(checkSentBundle({ ...sent, simulation: goodSimulation })).toEqual({ keep: true, reason: 'simulated gain equals the prediction; net after simulated gas 5800000000000000 wei', simulatedNetWei: 5_800_000_000_000_000n });
    expect(checkSentBundle({ ...sent, simulation: { ...goodSimulation, gain: 8_000_000_000_000_001n } })).toEqual({
      keep: false,
      reason: 'simulation mismatch: predicted 8000000000000000, simulated 8000000000000001',
      simulatedNetWei: 5_800_000_000_000_001n,
      mismatch: { predicted: 8_000_000_000_000_000n, simulated: 8_000_000_000_000_001n },
    });
    // 700,000 gas at 11 gwei = 7.7e15: net 3e14, under the 1e15 minimum.
    expect(checkSentBundle({ ...sent, simulation: { ...goodSimulation, gasUsed: 700_000n } })).toMatchObject({ keep: false, simulatedNetWei: 300_000_000_000_000n });
    expect(checkSentBundle({ ...sent, simulation: { ...goodSimulation, ok: false, revertReason: 'NoProfit()' } })).toMatchObject({ keep: false, reason: 'simulation reverted: NoProfit()' });
  });
});
