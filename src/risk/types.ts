import type { Address } from 'viem';
import type { OrderFlowSource } from '../mempool/types.ts';
import type { BreakerEvent } from './riskStore.ts';

/** The breakers, by the name a refusal, an event, a log line and a metric carry. */
export const breakerNames = ['killSwitch', 'loss', 'failures', 'connectivity', 'integrity', 'liquidity', 'exposure', 'gas', 'frequency'] as const;
export type BreakerName = (typeof breakerNames)[number];

/** What the engine is about to send, as the risk layer judges it. */
export type BundleProposal = {
  /** The only block the bundle can land in. */
  targetBlock: bigint;
  /** Sum of the gas limits of our own transactions in the bundle. */
  gasLimit: bigint;
  /** The most the bundle can cost us in gas: gasLimit x maxFeePerGas. */
  maxGasCostWei: bigint;
  /** Every pool the plan touches. */
  pools: readonly Address[];
  startToken: Address;
  amountIn: bigint;
  /** Borrowed in a flash swap rather than taken from the executor's inventory. */
  flash: boolean;
  /** Where the victim was seen; the public mempool when absent. A blind private stream refuses its own proposals. */
  source?: OrderFlowSource;
};

export type Refusal = { ok: false; breaker: BreakerName; reason: string; scope?: string };
export type Verdict = { ok: true } | Refusal;

/** How a sent bundle ended, as the submitter learns it (inclusion tracking, receipts). */
export type BundleOutcome = {
  /** The id given to onBundleSent. */
  id: string;
  /** Landed on chain. */
  included: boolean;
  /** Realised result in wei: profit minus gas minus builder payment (negative for a loss). 0 when not included. */
  netWei: bigint;
  /** Gas actually paid on chain (already counted in netWei). 0 when not included. */
  gasPaidWei: bigint;
  /** Reverted on chain, or rejected/errored at the builders. */
  failed: boolean;
};

export type PoolObservation = {
  pool: Address;
  /** Any positive fixed-point price, the same scale for a pool every time (e.g. sqrtPriceX96^2 or reserve1 * 1e18 / reserve0). */
  price?: bigint;
  /** The change since the last observation follows from a Sync/Swap/Mint/Burn log we applied. */
  explainedByLog: boolean;
  /** Any liquidity measure, the same unit for a pool every time (V3 L, or the reserve of the start token). */
  liquidity?: bigint;
  /**
   * What the liquidity was measured over, when that can change without any LP acting (a concentrated pool's loaded
   * tick window, re-read around a new price): a change of basis starts the pool's peak over instead of comparing.
   */
  liquidityBasis?: string;
};

export type HeadObservation = {
  number: bigint;
  /** From the block's timestamp to our receipt of the header, when known. */
  latencyMs?: number;
};

/** A breaker changing state: a row of the store's breaker_events, named by one of our breakers. */
export type RiskEvent = BreakerEvent & { breaker: BreakerName };

/** One limit of one breaker, for the dashboard and metrics. Amounts and counts are decimal strings. */
export type BreakerStatus = {
  breaker: BreakerName;
  /** Which limit of the breaker (a breaker can have several, e.g. gas perBundle / perBlock / perWindow). */
  limit: string;
  /** Paused pool, for per-pool limits. */
  scope?: string;
  state: 'ok' | 'tripped';
  threshold: string;
  current: string;
  /** What threshold and current count, when they are numbers: wei (shown in ETH/gwei), gas units or milliseconds. */
  unit?: 'wei' | 'gas' | 'ms';
  reason?: string;
  /** Unix ms when it tripped. */
  since?: number;
};

/** The latched halt: set by the kill switch (CLI, HTTP, code) or the loss caps, cleared only by a resume. */
export type HaltLatch = {
  reason: string;
  /** Who halted: "cli:alice", "http:127.0.0.1", "risk" (a breaker). */
  by: string;
  /** Unix ms. */
  at: number;
  breaker: 'killSwitch' | 'loss';
};

/** What breakers are given: the clock-free way to report state changes. */
export type Emit = (event: Omit<RiskEvent, 'at'>, now: number) => void;

export const normalizePool = (pool: string): string => pool.toLowerCase();
