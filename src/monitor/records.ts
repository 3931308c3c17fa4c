import type { SqlDatabase } from './sqlDatabase.ts';
import { getAddress, type Address, type Hash, type Hex } from 'viem';
import type { HopRecord } from './hops.ts';
import { SearcherError } from '../errors.ts';
import type { RealisedExecution } from './accounting.ts';
import type { OrderFlowSource } from '../mempool/types.ts';
import type { BuilderVerdict } from '../bundle/builderVerdict.ts';

/**
 * The rows the pipeline writes to the store. Amounts are bigint here and exact decimals in the store (TEXT in SQLite, NUMERIC in PostgreSQL); each write
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
  /** Pools of the cycle, in order: addresses, and V4 pool ids (32 bytes). */
  path: readonly (Address | Hex)[];
  /** The same pools as the market held them (protocol, venue, fee, tokens), when known; one per entry of path. */
  hops?: readonly HopRecord[] | null;
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
  /** Where the victim was seen (default public; block arbitrage is public). Its bundle inherits it. */
  source?: OrderFlowSource;
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
  /**
   * What the relay's builder is expected to refund the victim's user out of our payment (MEV-Share: the payment
   * times the refund percent); the bot cannot see the refund itself. Default 0.
   */
  expectedRefundWei?: bigint;
};

export type MissReason = 'outbid' | 'not_included' | 'reverted' | 'expired' | 'cancelled';

export type MissRecord = {
  bundleId: string;
  /** The block we missed (usually the bundle's target). */
  block: BlockNumber;
  reason: MissReason;
  /** The builder's own words, if it said anything. */
  detail?: string | null;
  /** Why it missed as the builder reported it, or the bot's guess marked as one; absent when unknown. */
  verdict?: BuilderVerdict | null;
};

/** A token verdict row (strategy/verdictStore.ts's StoredVerdict, as the store keeps it). */
export type TokenVerdictRecord = { token: Address; verdict: 'safe' | 'unsafe'; reason: string; probeBlock: bigint; probedAt: number };

const text = (value: bigint | null | undefined): string | null => (value === undefined || value === null ? null : value.toString());
const int = (value: BlockNumber): number => {
  const number = Number(value);
  if (!Number.isSafeInteger(number) || number < 0) throw new StoreError('STORE', `block number ${value} is out of range`);
  return number;
};

const bumpBlock = (db: SqlDatabase, instance: string, block: number, column: 'seen' | 'candidates' | 'bundles_sent' | 'included', by: number) =>
  db
    .prepare(`INSERT INTO blocks (instance, number, ${column}) VALUES (?, ?, ?) ON CONFLICT (instance, number) DO UPDATE SET ${column} = blocks.${column} + excluded.${column}`)
    .run(instance, block, by);

export function writeBlock(db: SqlDatabase, instance: string, record: BlockRecord): void {
  db.prepare(
    `INSERT INTO blocks (instance, number, hash, timestamp, base_fee_wei) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (instance, number) DO UPDATE SET hash = coalesce(excluded.hash, blocks.hash), timestamp = coalesce(excluded.timestamp, blocks.timestamp),
       base_fee_wei = coalesce(excluded.base_fee_wei, blocks.base_fee_wei)`,
  ).run(instance, int(record.number), record.hash ?? null, record.timestamp ?? null, text(record.baseFeeWei));
}

export function writeSeen(db: SqlDatabase, instance: string, block: BlockNumber, count: number): void {
  if (!Number.isSafeInteger(count) || count < 0) throw new StoreError('STORE', `seen count must be a non-negative integer (got ${count})`);
  bumpBlock(db, instance, int(block), 'seen', count);
}

export function writeOpportunity(db: SqlDatabase, instance: string, record: OpportunityRecord, at: number): number {
  const block = int(record.block);
  const hops = record.hops ?? null;
  if (hops !== null && (hops.length !== record.path.length || hops.some((hop, i) => hop.pool.toLowerCase() !== record.path[i]!.toLowerCase()))) {
    throw new StoreError('STORE', `opportunity for block ${block}: its hops do not name the pools of its path`);
  }
  const { id } = db
    .prepare(
      `INSERT INTO opportunities (instance, block, victim, path, amount_in_wei, gross_wei, gas_wei, bribe_wei, net_wei, decision, reason, first_seen_ms, latency_us, at, source, hops)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
    )
    .get(
      instance,
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
      record.source ?? 'public',
      hops === null ? null : JSON.stringify(hops),
    ) as { id: number };
  bumpBlock(db, instance, block, 'candidates', 1);
  return id;
}

export function writeSimulation(db: SqlDatabase, instance: string, record: SimulationRecord, at: number): number {
  const { id } = db
    .prepare('INSERT INTO simulations (instance, opportunity_id, backend, ok, gain_wei, net_wei, gas_used, error, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id')
    .get(
      instance,
      record.opportunityId,
      record.backend,
      record.ok ? 1 : 0,
      text(record.gainWei),
      text(record.netWei),
      record.gasUsed === undefined || record.gasUsed === null ? null : Number(record.gasUsed),
      record.error ?? null,
      at,
    ) as { id: number };
  return id;
}

export function writeBundle(db: SqlDatabase, instance: string, record: BundleRecord, at: number): void {
  const block = int(record.targetBlock);
  db.prepare(
    'INSERT INTO bundles (instance, id, opportunity_id, target_block, our_tx, txs, predicted_net_wei, simulated_net_wei, sent_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
  ).run(instance, record.id, record.opportunityId ?? null, block, record.ourTxHash, JSON.stringify(record.txHashes), text(record.predictedNetWei), text(record.simulatedNetWei), record.sentAtMs ?? at);
  bumpBlock(db, instance, block, 'bundles_sent', 1);
}

export function writeSubmission(db: SqlDatabase, instance: string, record: SubmissionRecord, at: number): number {
  const { id } = db
    .prepare('INSERT INTO submissions (instance, bundle_id, builder, outcome, latency_ms, error, bundle_hash, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id')
    .get(instance, record.bundleId, record.builder, record.outcome, record.latencyMs, record.error ?? null, record.bundleHash ?? null, at) as { id: number };
  return id;
}

/** A bundle has one final outcome; a later one (after a reorg) replaces the earlier, counters included. */
function clearOutcome(db: SqlDatabase, instance: string, bundleId: string): void {
  const landed = db.prepare('SELECT block, status FROM inclusions WHERE instance = ? AND bundle_id = ?').get(instance, bundleId) as { block: number; status: string } | undefined;
  if (landed) {
    db.prepare('DELETE FROM inclusions WHERE instance = ? AND bundle_id = ?').run(instance, bundleId);
    if (landed.status === 'success') bumpBlock(db, instance, landed.block, 'included', -1);
  }
  db.prepare('DELETE FROM misses WHERE instance = ? AND bundle_id = ?').run(instance, bundleId);
}

export function writeInclusion(db: SqlDatabase, instance: string, record: InclusionRecord, at: number): void {
  const e = record.execution;
  if (e.gasPaid !== e.gasUsed * e.effectiveGasPrice || e.net !== e.gross - e.builderPayment - e.gasPaid) {
    throw new StoreError('STORE', `inclusion of bundle ${record.bundleId}: the account does not add up (gas paid or net)`);
  }
  if ((record.expectedRefundWei ?? 0n) < 0n) throw new StoreError('STORE', `inclusion of bundle ${record.bundleId}: a refund cannot be negative`);
  const block = int(e.blockNumber);
  const simulated = record.simulatedNetWei ?? null;
  clearOutcome(db, instance, record.bundleId);
  db.prepare(
    `INSERT INTO inclusions (instance, bundle_id, block, tx_hash, status, builder, gas_used, effective_gas_price_wei, gross_wei, gas_paid_wei,
       builder_payment_wei, net_wei, simulated_net_wei, mismatch, at, expected_refund_wei) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    instance,
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
    text(record.expectedRefundWei ?? 0n),
  );
  // A reverted landing costs gas (it is in the block's PnL) but is not an inclusion of the bundle.
  bumpBlock(db, instance, block, 'included', e.status === 'success' ? 1 : 0);
}

export function writeMiss(db: SqlDatabase, instance: string, record: MissRecord, at: number): void {
  clearOutcome(db, instance, record.bundleId);
  const verdict = record.verdict ?? undefined;
  const winner = verdict?.winner;
  db.prepare(
    `INSERT INTO misses (instance, bundle_id, block, reason, detail, at, builder_reason, builder, builder_detail, guessed, winner_bundle, winner_signer, winning_bid_wei, winning_gas_price_wei)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    instance,
    record.bundleId,
    int(record.block),
    record.reason,
    record.detail ?? null,
    at,
    verdict?.kind ?? null,
    verdict?.builder ?? null,
    verdict?.detail ?? null,
    verdict?.guessed ? 1 : 0,
    winner?.bundleHash ?? null,
    winner?.signer ?? null,
    text(winner?.bidWei),
    text(winner?.gasPriceWei),
  );
}

export function writeTokenVerdict(db: SqlDatabase, instance: string, chain: string, record: TokenVerdictRecord): void {
  db.prepare(
    `INSERT INTO token_verdicts (instance, chain, token, verdict, reason, probe_block, probed_at) VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (instance, chain, token) DO UPDATE SET verdict = excluded.verdict, reason = excluded.reason, probe_block = excluded.probe_block, probed_at = excluded.probed_at`,
  ).run(instance, chain, getAddress(record.token), record.verdict, record.reason, int(record.probeBlock), record.probedAt);
}
