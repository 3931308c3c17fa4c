import { homedir } from 'node:os';
import { join } from 'node:path';
import { SearcherError } from '../errors.ts';
import type { BreakerEvent, Heartbeat, RiskStore } from '../risk/riskStore.ts';
import type { VerdictStore } from '../strategy/verdictStore.ts';
import type { PoolCheckpoint, PoolCheckpointStore, PoolCheckpointUpdate } from '../state/poolCheckpoint.ts';
import { queryPoolCheckpoint, writePoolCheckpoint } from './poolCheckpoints.ts';
import { readHeartbeats, writeHeartbeat } from './heartbeat.ts';
import type { PostgresTimeouts } from './postgres/syncDatabase.ts';
import type { SqlDatabase, SqlDialect } from './sqlDatabase.ts';
import { queryBlockBaseFee, queryBundleSource, querySourceTotals, type SourceTotals } from './sourceQueries.ts';
import { queryMissesByBuilder, queryMissKinds, queryRecentMisses, type BuilderMisses, type MissKindCounts, type MissView } from './missQueries.ts';
import type { OrderFlowSource } from '../mempool/types.ts';
import { queryBidBuckets, queryRecentBids, queryResolvedBids, writeBid, writeBidBuilders, writeBidOutcome, type BidBucket, type BidRecord, type BidResolution, type BidView, type ResolvedBid } from './bidQueries.ts';
import { checkInstance, openDatabase, type OpenedStore } from './storeOpen.ts';
import { queryPoolStats, type PoolStats, type VenueStats } from './poolQueries.ts';
import {
  queryBlockSummaries,
  queryBuilderStats,
  queryInconsistencies,
  queryInstances,
  queryMismatches,
  queryRecentBundles,
  queryRecentOpportunities,
  queryTokenVerdicts,
  queryTotals,
  type BlockSummary,
  type BuilderStats,
  type BundleView,
  type Mismatch,
  type OpportunityView,
  type Totals,
} from './queries.ts';
import {
  StoreError,
  writeBlock,
  writeBundle,
  writeInclusion,
  writeMiss,
  writeOpportunity,
  writeSeen,
  writeSimulation,
  writeSubmission,
  writeTokenVerdict,
  type BlockNumber,
  type BlockRecord,
  type BundleRecord,
  type InclusionRecord,
  type MissRecord,
  type OpportunityRecord,
  type SimulationRecord,
  type SubmissionRecord,
  type TokenVerdictRecord,
} from './records.ts';

export { StoreError };

/**
 * Where `searcher run`, `demo`, `report`, `halt` and `resume` keep their state unless `--db FILE` says otherwise.
 * Absolute (under the home directory), so `searcher halt` run from any directory reaches the bot it means.
 */
export const defaultDbFile = join(homedir(), '.searcher', 'searcher.db');

/**
 * The demo's own store: a devnet's fills, losses and halts must never land in the risk state of a real bot
 * (a demo's halt, or its loss breaker, would otherwise stop the real one, and `resume` there would resume it).
 */
export const defaultDemoDbFile = join(homedir(), '.searcher', 'demo.db');

export type StoreOptions = {
  /** Unix ms clock for the rows' `at` columns (tests inject a fake one). */
  now?: () => number;
  /** Refuse to create the store: readers such as `searcher report` must not leave an empty store behind. */
  mustExist?: boolean;
  /**
   * The instance this store's rows are written as; reads default to it too. Default: for a SQLite file, the
   * instance that first wrote it; for PostgreSQL, the host name.
   */
  instance?: string;
  /** PostgreSQL only: how long to wait for the server. */
  postgres?: PostgresTimeouts;
};

/** Which instances a read covers: one by name, or null for every instance in the store. */
export type InstanceFilter = string | null;

/**
 * The searcher's store: a SQLite file (WAL, synchronous=FULL: an acknowledged write survives a crash) or a
 * PostgreSQL database shared by a fleet (`--db postgres://...`), schema by numbered migrations. Every row is
 * tagged with the store's instance. One Store per process; both backends are synchronous (postgres/syncDatabase.ts),
 * so every write is a transaction that has committed when the call returns.
 */
export class Store implements VerdictStore, PoolCheckpointStore, RiskStore {
  /** The SQLite file, or the PostgreSQL URL with its credentials hidden. */
  readonly file: string;
  readonly db: SqlDatabase;
  readonly dialect: SqlDialect;
  readonly instance: string;
  private readonly now: () => number;

  private constructor(opened: OpenedStore, options: StoreOptions) {
    this.file = opened.location;
    this.db = opened.db;
    this.dialect = opened.dialect;
    this.instance = opened.instance;
    this.now = options.now ?? Date.now;
  }

  /** Opens a SQLite file (a path) or a PostgreSQL database (a postgres:// URL, password redacted in every error). */
  static open(target: string = defaultDbFile, options: StoreOptions = {}): Store {
    const instance = options.instance === undefined ? {} : { instance: checkInstance(options.instance) };
    return new Store(openDatabase(target, { ...instance, ...(options.mustExist ? { mustExist: true } : {}), ...(options.postgres ? { postgres: options.postgres } : {}) }), options);
  }

  /** Runs `write` in one transaction; a constraint the row breaks becomes a StoreError naming what was recorded. */
  private write<T>(what: string, write: () => T): T {
    try {
      return this.db.transaction(write)();
    } catch (cause) {
      if (cause instanceof SearcherError && cause.code !== 'STORE_SQL') throw cause;
      throw new StoreError('STORE', `cannot record ${what}: ${(cause as Error).message}`, { cause });
    }
  }

  /** The instances that have written to this store, by name. */
  instances(): string[] {
    return queryInstances(this.db);
  }

  /** A value the risk layer persisted under `key` (JSON text), or undefined before the first save. */
  riskValue(key: string): string | undefined {
    const row = this.db.prepare('SELECT value FROM risk_state WHERE instance = ? AND key = ?').get(this.instance, key) as { value: string } | undefined;
    return row?.value;
  }

  setRiskValue(key: string, json: string): void {
    this.db
      .prepare('INSERT INTO risk_state (instance, key, value) VALUES (?, ?, ?) ON CONFLICT (instance, key) DO UPDATE SET value = excluded.value')
      .run(this.instance, key, json);
  }

  deleteRiskValue(key: string): void {
    this.db.prepare('DELETE FROM risk_state WHERE instance = ? AND key = ?').run(this.instance, key);
  }

  recordBreakerEvent(event: BreakerEvent): void {
    this.db
      .prepare('INSERT INTO breaker_events (instance, at, breaker, kind, reason, scope) VALUES (?, ?, ?, ?, ?, ?)')
      .run(this.instance, event.at, event.breaker, event.kind, event.reason, event.scope ?? null);
  }

  /** The running bot's heartbeat (written every second by the risk shell; read by `searcher halt`). */
  recordHeartbeat(beat: Heartbeat): void {
    writeHeartbeat(this.db, this.instance, beat);
  }

  /** Heartbeats that beat at or after `since` (unix ms), newest first. */
  heartbeats(since = 0): Heartbeat[] {
    return readHeartbeats(this.db, this.instance, since);
  }

  breakerEvents(limit = 100): BreakerEvent[] {
    const rows = this.db.prepare('SELECT at, breaker, kind, reason, scope FROM breaker_events WHERE instance = ? ORDER BY id DESC LIMIT ?').all(this.instance, limit) as Array<BreakerEvent & { scope: string | null }>;
    return rows.map(({ scope, ...event }) => (scope === null ? event : { ...event, scope }));
  }

  // Writes: the pipeline's record of each block, opportunity, simulation, bundle, submission and outcome.

  /** Hash, timestamp and base fee of a block (upsert: fields left out keep their value). */
  recordBlock(block: BlockRecord): void {
    this.write(`block ${block.number}`, () => writeBlock(this.db, this.instance, block));
  }

  /** Adds `count` pending swaps seen while `block` was next. */
  countSeen(block: BlockNumber, count = 1): void {
    this.write(`swaps seen in block ${block}`, () => writeSeen(this.db, this.instance, block, count));
  }

  /** Records an evaluated opportunity (and counts it as a candidate of its block); returns its id. */
  recordOpportunity(opportunity: OpportunityRecord): number {
    return this.write(`an opportunity for block ${opportunity.block}`, () => writeOpportunity(this.db, this.instance, opportunity, this.now()));
  }

  recordSimulation(simulation: SimulationRecord): number {
    return this.write(`a simulation of opportunity ${simulation.opportunityId}`, () => writeSimulation(this.db, this.instance, simulation, this.now()));
  }

  /** Records a bundle we sent (and counts it as sent in its target block). */
  recordBundle(bundle: BundleRecord): void {
    this.write(`bundle ${bundle.id}`, () => writeBundle(this.db, this.instance, bundle, this.now()));
  }

  recordSubmission(submission: SubmissionRecord): number {
    return this.write(`a submission of bundle ${submission.bundleId} to ${submission.builder}`, () => writeSubmission(this.db, this.instance, submission, this.now()));
  }

  /** Our transaction landed: its realised account (from accountInclusion). Replaces an earlier miss (reorg). */
  recordInclusion(inclusion: InclusionRecord): void {
    this.write(`the inclusion of bundle ${inclusion.bundleId}`, () => writeInclusion(this.db, this.instance, inclusion, this.now()));
  }

  /** The bundle did not land. Replaces an earlier inclusion (reorged out), counters included. */
  recordMiss(miss: MissRecord): void {
    this.write(`a miss of bundle ${miss.bundleId}`, () => writeMiss(this.db, this.instance, miss, this.now()));
  }

  /** Token verdicts of one chain, in one transaction (VerdictStore: TokenSafety batches them off the hot path). */
  saveTokenVerdicts(chain: string, verdicts: readonly TokenVerdictRecord[]): void {
    this.write(`${verdicts.length} token verdicts`, () => {
      for (const verdict of verdicts) writeTokenVerdict(this.db, this.instance, chain, verdict);
    });
  }

  // Reads: for `searcher report` and the dashboard.

  /** Per block, ascending, with a running realised net; `last` keeps the newest N (cumulative still counts all). */
  blockSummaries(options: { last?: number; instance?: InstanceFilter } = {}): BlockSummary[] {
    return queryBlockSummaries(this.db, this.scope(options.instance), options);
  }

  totals(instance?: InstanceFilter): Totals {
    return queryTotals(this.db, this.scope(instance));
  }

  /** Per order-flow source (public, MEV Blocker, MEV-Share): opportunities, sent, landed, gross, expected refunds, net. */
  sourceTotals(instance?: InstanceFilter): Record<OrderFlowSource, SourceTotals> {
    return querySourceTotals(this.db, this.scope(instance));
  }

  /** The order-flow source of one of this instance's bundles (its candidate's), undefined when unknown. */
  bundleSource(bundleId: string): OrderFlowSource | undefined {
    return queryBundleSource(this.db, this.instance, bundleId);
  }

  /** The base fee this instance recorded for a block at its head, undefined when it has none. */
  blockBaseFee(block: BlockNumber): bigint | undefined {
    return queryBlockBaseFee(this.db, this.instance, Number(block));
  }

  builderStats(instance?: InstanceFilter): BuilderStats[] {
    return queryBuilderStats(this.db, this.scope(instance));
  }

  /** Misses per builder and kind, as the builders reported them (a guess or a cancel of ours under builder null). */
  missesByBuilder(instance?: InstanceFilter): BuilderMisses[] {
    return queryMissesByBuilder(this.db, this.scope(instance));
  }

  /** Misses per kind as the builders reported them: outbid, reverted, nonce, late, cancelled, other (guesses included). */
  missKinds(instance?: InstanceFilter): MissKindCounts {
    return queryMissKinds(this.db, this.scope(instance));
  }

  /** The newest misses first, each with the builder's verdict. */
  recentMisses(limit = 50, instance?: InstanceFilter): MissView[] {
    return queryRecentMisses(this.db, this.scope(instance), limit);
  }

  /** A bid we made (the share and wei paid to the builder of one bundle; bidQueries.ts). */
  recordBid(bid: BidRecord): void {
    this.write(`the bid of bundle ${bid.bundleId}`, () => writeBid(this.db, this.instance, bid, this.now()));
  }

  /** The builders a bid went to. */
  recordBidBuilders(bundleId: string, builders: readonly string[]): void {
    this.write(`the builders of bid ${bundleId}`, () => writeBidBuilders(this.db, this.instance, bundleId, builders));
  }

  /** What came of a bid: won, outbid (and the winning bid), missed for another reason. */
  resolveBid(resolution: BidResolution): void {
    this.write(`the outcome of bid ${resolution.bundleId}`, () => writeBidOutcome(this.db, this.instance, resolution, this.now()));
  }

  /** The newest bids first, with their outcomes. */
  recentBids(limit = 50, instance?: InstanceFilter): BidView[] {
    return queryRecentBids(this.db, this.scope(instance), limit);
  }

  /** Share vs win rate (buckets of 10%), with what the won bids netted. */
  bidBuckets(instance?: InstanceFilter): BidBucket[] {
    return queryBidBuckets(this.db, this.scope(instance));
  }

  /** This instance's newest resolved bids, oldest first: what the bidding policy learns from again at start. */
  resolvedBids(limit = 2_000): ResolvedBid[] {
    return queryResolvedBids(this.db, this.instance, limit);
  }

  /** Newest first, each with its status (pending / included / reverted / missed), reason and submissions. */
  recentBundles(limit = 50, instance?: InstanceFilter): BundleView[] {
    return queryRecentBundles(this.db, this.scope(instance), limit);
  }

  /** Landed bundles whose realised net differs from the simulated net, newest first. */
  mismatches(limit = 1000, instance?: InstanceFilter): Mismatch[] {
    return queryMismatches(this.db, this.scope(instance), limit);
  }

  /** Per pool and per venue (V2, V3 and V4 alike): candidates, sent, landed and what the landed ones netted. */
  poolStats(instance?: InstanceFilter, limit?: number): { pools: PoolStats[]; venues: VenueStats[] } {
    return queryPoolStats(this.db, this.scope(instance), limit);
  }

  recentOpportunities(limit = 50, instance?: InstanceFilter): OpportunityView[] {
    return queryRecentOpportunities(this.db, this.scope(instance), limit);
  }

  /** The pool registry and tracked states of one chain, in one transaction (PoolCheckpointStore). */
  savePoolCheckpoint(chain: string, update: PoolCheckpointUpdate): void {
    this.write(`a pool checkpoint at block ${update.block.number}`, () => writePoolCheckpoint(this.db, this.instance, chain, update, this.now()));
  }

  loadPoolCheckpoint(chain: string): PoolCheckpoint | undefined {
    return queryPoolCheckpoint(this.db, this.instance, chain);
  }

  /** The token verdicts of one chain (VerdictStore). */
  loadTokenVerdicts(chain: string): TokenVerdictRecord[] {
    return queryTokenVerdicts(this.db, this.instance, chain);
  }

  /** Block counters that disagree with their rows; empty when consistent (what a crash must never break). */
  inconsistencies(instance?: InstanceFilter): string[] {
    return queryInconsistencies(this.db, this.scope(instance));
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  /** Reads default to this store's own instance; null reads every instance. */
  private scope(instance: InstanceFilter | undefined): InstanceFilter {
    return instance === undefined ? this.instance : instance;
  }
}

export type {
  Heartbeat,
  BlockNumber,
  BlockRecord,
  BlockSummary,
  BuilderStats,
  BundleRecord,
  BundleView,
  InclusionRecord,
  Mismatch,
  MissRecord,
  OpportunityRecord,
  OpportunityView,
  PoolStats,
  SimulationRecord,
  SourceTotals,
  SubmissionRecord,
  TokenVerdictRecord,
  Totals,
  VenueStats,
};
