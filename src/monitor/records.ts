import type Database from 'better-sqlite3';
import { getAddress, type Address, type Hash } from 'viem';
import { SearcherError } from '../errors.ts';
import type { RealisedExecution } from './accounting.ts';

/**
 * The rows the pipeline writes to the store. Amounts are bigint here and decimal TEXT in SQLite; each write
 * below runs in one transaction that also keeps the per-block counters equal to the rows they count.
 */

/** A store that cannot be opened, read or written (code STORE; STORE_MISSING when asked to open a file that is not there). */
export class StoreError extends SearcherError {}

/** Block numbers come from viem as bigint; the store keeps them as INTEGER (they fit in 2^53). */
export type BlockNumber = bigint | number;

export type BlockRecord = { number: BlockNumber; hash?: Hash; /** Unix seconds. */ timestamp?: number; baseFeeWei?: bigint };

export type OpportunityRecord = {
  /** The block the opportunity targets (head + 1 when found). */
  block: BlockNumber;
  /** The victim transaction, or null for block arbitrage. */
  victim: Hash | null;
  /** Pools of the cycle, in order. */
  path: readonly Address[];
  amountInWei: bigint;
  /** Predicted, before simulation. */
  grossWei: bigint;
  gasWei: bigint;
  bribeWei: bigint;
  netWei: bigint;
  decision: 'send' | 'reject';
  reason: string;
  /** Unix ms the victim was first seen (null for block arbitrage). */
  firstSeenMs?: number | null;
  /** Decode to decision, microseconds. */
  latencyUs: number;
};

export type SimulationRecord = {
  opportunityId: number;
  backend: string;
  ok: boolean;
  /** The executor's start-token gain in the simulation (after paying the builder). */
  gainWei?: bigint | null;
  netWei?: bigint | null;
  gasUsed?: bigint | null;
  error?: string | null;
};

export type BundleRecord = {
  /** Our id for the bundle (a uuid), also what builders see as replacementUuid. */
  id: string;
  opportunityId?: number | null;
  targetBlock: BlockNumber;
  ourTxHash: Hash;
  /** Every transaction of the bundle, in order (victims and ours). */
  txHashes: readonly Hash[];
  predictedNetWei: bigint;
  simulatedNetWei?: bigint | null;
  /** Unix ms; default now(). */
  sentAtMs?: number;
};

export type SubmissionOutcome = 'accepted' | 'refused' | 'timeout' | 'error';

export type SubmissionRecord = {
  bundleId: string;
  builder: string;
  outcome: SubmissionOutcome;
  latencyMs: number;
  error?: string | null;
  bundleHash?: string | null;
};

export type InclusionRecord = {
  bundleId: string;
  /** What accountInclusion read from the receipt of our transaction. */
  execution: RealisedExecution;
  /** The simulated net of the same bundle, to flag a mismatch with the realised net. */
  simulatedNetWei?: bigint | null;
  /** The builder that built the block, when known (credits the inclusion to it alone). */
  builder?: string | null;
};

export type MissReason = 'outbid' | 'not_included' | 'reverted' | 'expired' | 'cancelled';

export type MissRecord = {
  bundleId: string;
  /** The block we missed (usually the bundle's target). */
  block: BlockNumber;
  reason: MissReason;
  /** The builder's own words, if it said anything. */
  detail?: string | null;
};

/** A token verdict row (strategy/verdictStore.ts's StoredVerdict, as the store keeps it). */
export type TokenVerdictRecord = { token: Address; verdict: 'safe' | 'unsafe'; reason: string; probeBlock: bigint; probedAt: number };

const text = (value: bigint | null | undefined): string | null => (value === undefined || value === null ? null : value.toString());
const int = (value: BlockNumber): number => {
  const number = Number(value);
  if (!Number.isSafeInteger(number) || number < 0) throw new StoreError('STORE', `block number ${value} is out of range`);
  return number;
};

const bumpBlock = (db: Database.Database, block: number, column: 'seen' | 'candidates' | 'bundles_sent' | 'included', by: number) =>
  db.prepare(`INSERT INTO blocks (number, ${column}) VALUES (?, ?) ON CONFLICT(number) DO UPDATE SET ${column} = ${column} + excluded.${column}`).run(block, by);

export function writeBlock(db: Database.Database, record: BlockRecord): void {
  db.prepare(
    `INSERT INTO blocks (number, hash, timestamp, base_fee_wei) VALUES (?, ?, ?, ?)
     ON CONFLICT(number) DO UPDATE SET hash = coalesce(excluded.hash, hash), timestamp = coalesce(excluded.timestamp, timestamp),
       base_fee_wei = coalesce(excluded.base_fee_wei, base_fee_wei)`,
  ).run(int(record.number), record.hash ?? null, record.timestamp ?? null, text(record.baseFeeWei));
}

export function writeSeen(db: Database.Database, block: BlockNumber, count: number): void {
  if (!Number.isSafeInteger(count) || count < 0) throw new StoreError('STORE', `seen count must be a non-negative integer (got ${count})`);
  bumpBlock(db, int(block), 'seen', count);
}

export function writeOpportunity(db: Database.Database, record: OpportunityRecord, at: number): number {
  const block = int(record.block);
  const { lastInsertRowid } = db
    .prepare(
      `INSERT INTO opportunities (block, victim, path, amount_in_wei, gross_wei, gas_wei, bribe_wei, net_wei, decision, reason, first_seen_ms, latency_us, at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      block,
      record.victim,
      JSON.stringify(record.path),
      text(record.amountInWei),
      text(record.grossWei),
      text(record.gasWei),
      text(record.bribeWei),
      text(record.netWei),
      record.decision,
      record.reason,
      record.firstSeenMs ?? null,
      Math.round(record.latencyUs),
      at,
    );
  bumpBlock(db, block, 'candidates', 1);
  return Number(lastInsertRowid);
}

export function writeSimulation(db: Database.Database, record: SimulationRecord, at: number): number {
  const { lastInsertRowid } = db
    .prepare('INSERT INTO simulations (opportunity_id, backend, ok, gain_wei, net_wei, gas_used, error, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
    .run(
      record.opportunityId,
      record.backend,
      record.ok ? 1 : 0,
      text(record.gainWei),
      text(record.netWei),
      record.gasUsed === undefined || record.gasUsed === null ? null : Number(record.gasUsed),
      record.error ?? null,
      at,
    );
  return Number(lastInsertRowid);
}

export function writeBundle(db: Database.Database, record: BundleRecord, at: number): void {
  const block = int(record.targetBlock);
  db.prepare(
    'INSERT INTO bundles (id, opportunity_id, target_block, our_tx, txs, predicted_net_wei, simulated_net_wei, sent_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  ).run(record.id, record.opportunityId ?? null, block, record.ourTxHash, JSON.stringify(record.txHashes), text(record.predictedNetWei), text(record.simulatedNetWei), record.sentAtMs ?? at);
  bumpBlock(db, block, 'bundles_sent', 1);
}

export function writeSubmission(db: Database.Database, record: SubmissionRecord, at: number): number {
  const { lastInsertRowid } = db
    .prepare('INSERT INTO submissions (bundle_id, builder, outcome, latency_ms, error, bundle_hash, at) VALUES (?, ?, ?, ?, ?, ?, ?)')
    .run(record.bundleId, record.builder, record.outcome, record.latencyMs, record.error ?? null, record.bundleHash ?? null, at);
  return Number(lastInsertRowid);
}

/** A bundle has one final outcome; a later one (after a reorg) replaces the earlier, counters included. */
function clearOutcome(db: Database.Database, bundleId: string): void {
  const landed = db.prepare('SELECT block, status FROM inclusions WHERE bundle_id = ?').get(bundleId) as { block: number; status: string } | undefined;
  if (landed) {
    db.prepare('DELETE FROM inclusions WHERE bundle_id = ?').run(bundleId);
    if (landed.status === 'success') bumpBlock(db, landed.block, 'included', -1);
  }
  db.prepare('DELETE FROM misses WHERE bundle_id = ?').run(bundleId);
}

export function writeInclusion(db: Database.Database, record: InclusionRecord, at: number): void {
  const e = record.execution;
  if (e.gasPaid !== e.gasUsed * e.effectiveGasPrice || e.net !== e.gross - e.builderPayment - e.gasPaid) {
    throw new StoreError('STORE', `inclusion of bundle ${record.bundleId}: the account does not add up (gas paid or net)`);
  }
  const block = int(e.blockNumber);
  const simulated = record.simulatedNetWei ?? null;
  clearOutcome(db, record.bundleId);
  db.prepare(
    `INSERT INTO inclusions (bundle_id, block, tx_hash, status, builder, gas_used, effective_gas_price_wei, gross_wei, gas_paid_wei,
       builder_payment_wei, net_wei, simulated_net_wei, mismatch, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    record.bundleId,
    block,
    e.txHash,
    e.status,
    record.builder ?? null,
    Number(e.gasUsed),
    text(e.effectiveGasPrice),
    text(e.gross),
    text(e.gasPaid),
    text(e.builderPayment),
    text(e.net),
    text(simulated),
    simulated !== null && simulated !== e.net ? 1 : 0,
    at,
  );
  // A reverted landing costs gas (it is in the block's PnL) but is not an inclusion of the bundle.
  bumpBlock(db, block, 'included', e.status === 'success' ? 1 : 0);
}

export function writeMiss(db: Database.Database, record: MissRecord, at: number): void {
  clearOutcome(db, record.bundleId);
  db.prepare('INSERT INTO misses (bundle_id, block, reason, detail, at) VALUES (?, ?, ?, ?, ?)').run(record.bundleId, int(record.block), record.reason, record.detail ?? null, at);
}

export function writeTokenVerdict(db: Database.Database, chain: string, record: TokenVerdictRecord): void {
  db.prepare(
    `INSERT INTO token_verdicts (chain, token, verdict, reason, probe_block, probed_at) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT(chain, token) DO UPDATE SET verdict = excluded.verdict, reason = excluded.reason, probe_block = excluded.probe_block, probed_at = excluded.probed_at`,
  ).run(chain, getAddress(record.token), record.verdict, record.reason, int(record.probeBlock), record.probedAt);
}
