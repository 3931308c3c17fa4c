import type { BreakerName, BreakerStatus, BundleProposal, Refusal } from '../types.ts';

/**
 * One breaker: its own inputs (methods on the concrete class), a judgement of a proposal, and its state for
 * the dashboard. Time always comes in as an argument, so a breaker is a plain value a test drives with a fake
 * clock.
 */
export interface Breaker {
  readonly name: BreakerName;
  /** Moves time-based state on: cooldowns end, windows slide, silences begin. Emits the transitions. */
  tick(now: number): void;
  check(proposal: BundleProposal, now: number): Refusal | undefined;
  status(now: number): BreakerStatus[];
}

export const refuse = (breaker: BreakerName, reason: string, scope?: string): Refusal => ({ ok: false, breaker, reason, ...(scope !== undefined ? { scope } : {}) });
