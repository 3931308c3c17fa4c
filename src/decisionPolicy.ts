import type { BundleSimulation } from './sim/bundle.ts';
import type { Candidate } from './strategy/candidates.ts';
import { applyCosts, netAfterGasWei, type CostPolicy } from './strategy/costs.ts';
import type { TokenVerdict } from './strategy/tokenVerdict.ts';

/*
 * What happens to one candidate, as a pure policy: given what is known so far (the search result, the tokens'
 * verdicts, the simulation, the risk gate's answer, the send's outcome), either the decision with its reason or
 * the next fact to find out. decision.ts carries it out (probes, simulates, asks the gate, sends, reports); the
 * order of the questions is the policy's, so nothing costly is asked once the answer is already no.
 */

/** What the policy is told about the candidate (the fields it decides by). */
export type PolicyCandidate = Pick<Candidate, 'sizeRefusal' | 'maxNetProfitWei' | 'netProfitWei' | 'capNote' | 'grossProfitWei' | 'bribeWei'>;

export type DecisionFacts = {
  candidate: PolicyCandidate;
  minNetProfitWei: bigint;
  /** The target block's base fee and our tip: what each unit of simulated gas costs. */
  nextBaseFeePerGas: bigint;
  priorityFeeWei: bigint;
  /** Whether a send follows a passing simulation (a dispatcher), or the decision is only reported (dry run). */
  sending: boolean;
  /** The first token of the cycle without a safe verdict; null when all are safe; absent before they are checked. */
  unsafeToken?: TokenVerdict | null;
  /** The bundle simulated (after any re-pricing, see `repriceAfterSimulation`). */
  simulation?: BundleSimulation;
  /** The risk gate's answer to the simulated trade. */
  gate?: { ok: true } | { ok: false; reason: string };
  /** The send's outcome (a failed send is `sent: false` with why). */
  sent?: { sent: boolean; reason: string };
  /**
   * Send first, simulate after (optimistic mode, for pools an earlier simulation agreed with to the wei and tokens
   * with a safe verdict): the math is exact and the executor reverts unless it profits, so the simulation leaves
   * the critical path; one that then disagrees cancels the bundle (`checkSentBundle`).
   */
  optimistic?: boolean;
};

/** The next fact the policy needs before it can decide. */
export type DecisionNeed = { need: 'tokens' | 'simulation' | 'gate' | 'send' };

export type Decision = {
  decision: 'send' | 'reject';
  reason: string;
  /** Net after the simulated gas, when the bundle was simulated. */
  simulatedNetWei?: bigint;
  /** The simulation disagreed with the prediction (the pools' math is suspect: the risk layer hears of it). */
  mismatch?: { predicted: bigint; simulated: bigint };
  /** Sent before its simulation: the simulation is still to run, and may cancel it. */
  unsimulated?: true;
};

export type DecisionStep = Decision | DecisionNeed;

export const isDecision = (step: DecisionStep): step is Decision => 'decision' in step;

/** The policy: the decision, or the next fact to find out. */
export function decideCandidate(facts: DecisionFacts): DecisionStep {
  const { candidate, minNetProfitWei: minimum } = facts;
  if (candidate.sizeRefusal) return reject(candidate.sizeRefusal);
  // Before simulation only what cannot pay even at the least gas it may burn is dropped; the simulated gas decides.
  const bestCaseNet = candidate.maxNetProfitWei ?? candidate.netProfitWei;
  if (bestCaseNet < minimum) {
    return reject(`net profit below the minimum: at most ${bestCaseNet} wei < ${minimum} wei before simulation${candidate.capNote ? ` (${candidate.capNote})` : ''}`);
  }
  if (facts.unsafeToken === undefined) return { need: 'tokens' };
  // "unsafe" is a verdict; "unknown" means the probe got no answer: skipped now, probed again after a backoff.
  if (facts.unsafeToken) return reject(`token ${facts.unsafeToken.token} is ${facts.unsafeToken.verdict}: ${facts.unsafeToken.reason}`);
  if (facts.optimistic && facts.sending && !facts.simulation) {
    if (!facts.gate) return { need: 'gate' };
    if (!facts.gate.ok) return reject(facts.gate.reason);
    if (!facts.sent) return { need: 'send' };
    if (!facts.sent.sent) return reject(facts.sent.reason);
    return { decision: 'send', reason: `sent before its simulation (verified pools and tokens); ${facts.sent.reason}`, unsimulated: true };
  }
  const simulation = facts.simulation;
  if (!simulation) return { need: 'simulation' };
  const predicted = candidate.grossProfitWei - candidate.bribeWei;
  // The gain is the executor's start-token change, already net of the builder payment; the gas is what the
  // simulation used, at the price our transaction pays in the target block.
  const net = netAfterGasWei({ gainWei: simulation.gain, gasUsed: simulation.gasUsed, baseFeeWei: facts.nextBaseFeePerGas, priorityFeeWei: facts.priorityFeeWei });
  const simulated = (decision: 'send' | 'reject', reason: string): Decision => ({ decision, reason, simulatedNetWei: net });
  if (!simulation.ok) return simulated('reject', `simulation reverted: ${simulation.revertReason ?? 'unknown'}`);
  if (!simulation.victimsOk) return simulated('reject', 'the victim reverts in the simulation');
  if (simulation.gain !== predicted) {
    return { ...simulated('reject', `simulation mismatch: predicted ${predicted}, simulated ${simulation.gain}`), mismatch: { predicted, simulated: simulation.gain } };
  }
  if (net < minimum) {
    const gasPriceWei = facts.nextBaseFeePerGas + facts.priorityFeeWei;
    return simulated('reject', `net after simulated gas below the minimum: gain ${simulation.gain} wei (after the builder's ${candidate.bribeWei}) - ${simulation.gasUsed} gas x ${gasPriceWei} wei = ${net} wei < ${minimum} wei`);
  }
  const reason = `simulated gain equals the prediction; net after simulated gas ${net} wei`;
  if (!facts.sending) return simulated('send', reason);
  if (!facts.gate) return { need: 'gate' };
  if (!facts.gate.ok) return simulated('reject', facts.gate.reason);
  if (!facts.sent) return { need: 'send' };
  if (!facts.sent.sent) return simulated('reject', facts.sent.reason);
  return simulated('send', `${reason}; ${facts.sent.reason}`);
}

/**
 * A bundle sent before its simulation, judged once the simulation is in: kept, or to be cancelled (with the
 * mismatch, if the gain was not the prediction). The same rules as simulate-first, applied after the fact.
 */
export function checkSentBundle(facts: DecisionFacts & { simulation: BundleSimulation }): { keep: true; reason: string; simulatedNetWei?: bigint } | { keep: false; reason: string; simulatedNetWei?: bigint; mismatch?: Decision['mismatch'] } {
  const judged = decideCandidate({ ...facts, optimistic: false, sending: false });
  if (!isDecision(judged)) throw new Error(`checkSentBundle: the policy still needs ${judged.need}`);
  const simulated = judged.simulatedNetWei !== undefined ? { simulatedNetWei: judged.simulatedNetWei } : {};
  if (judged.decision === 'send') return { keep: true, reason: judged.reason, ...simulated };
  return { keep: false, reason: judged.reason, ...simulated, ...(judged.mismatch ? { mismatch: judged.mismatch } : {}) };
}

/**
 * The builder payment was a share of the profit after the estimated gas. When the transaction burns more, the
 * share is taken again from what the simulated gas leaves (a smaller payment), and the plan, whose minimum
 * profit and payment change with it, is to be simulated once more: the re-priced candidate, or undefined when
 * the simulation stands as it is.
 */
export function repriceAfterSimulation<C extends Candidate>(candidate: C, simulation: BundleSimulation, nextBaseFeePerGas: bigint, policy: CostPolicy): C | undefined {
  if (!(simulation.ok && simulation.victimsOk && simulation.gain === candidate.grossProfitWei - candidate.bribeWei && simulation.gasUsed > candidate.gas)) return undefined;
  const share = candidate.builderShareBps ?? policy.builderShareBps;
  const repriced = { ...candidate, ...applyCosts(candidate.grossProfitWei, simulation.gasUsed, nextBaseFeePerGas, { ...policy, builderShareBps: share }) };
  return repriced.bribeWei !== candidate.bribeWei ? repriced : undefined;
}

const reject = (reason: string): Decision => ({ decision: 'reject', reason });
