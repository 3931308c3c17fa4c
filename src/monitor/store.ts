import { existsSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { SearcherError } from '../errors.ts';
import type { BreakerEvent, Heartbeat, RiskStore } from '../risk/riskStore.ts';
import type { VerdictStore } from '../strategy/verdictStore.ts';
import type { PoolCheckpoint, PoolCheckpointStore, PoolCheckpointUpdate } from '../state/poolCheckpoint.ts';
import { queryPoolCheckpoint, writePoolCheckpoint } from './poolCheckpoints.ts';
import { readHeartbeats, writeHeartbeat } from './heartbeat.ts';
import { migrations } from './migrations.ts';
import {
  queryBlockSummaries,
  queryBuilderStats,
  queryInconsistencies,
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
  /** Refuse to create the file: readers such as `searcher report` must not leave an empty store behind. */
  mustExist?: boolean;
};

/**
 * The searcher's SQLite file: WAL, synchronous=FULL (an acknowledged write survives a crash), schema by
 * numbered migrations. One Store per process; better-sqlite3 is synchronous, so every write is a
 * transaction that has committed when the call returns.
 */
export class Store implements VerdictStore, PoolCheckpointStore, RiskStore {
  readonly file: string;
  readonly db: Database.Database;
  private readonly now: () => number;

  private constructor(file: string, options: StoreOptions) {
    this.file = file;
    this.now = options.now ?? Date.now;
    if (file !== ':memory:') {
      if (options.mustExist && !existsSync(file)) {
        throw new StoreError('STORE_MISSING', `no store at ${file} (\`searcher run\` creates it; pass --db FILE to read another)`);
      }
      mkdirSync(dirname(file), { recursive: true });
    }
    try {
      this.db = new Database(file, { fileMustExist: options.mustExist === true && file !== ':memory:' });
    } catch (cause) {
      throw new StoreError('STORE', `cannot open the store ${file}: ${(cause as Error).message}`, { cause });
    }
    try {
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = FULL');
      this.db.pragma('foreign_keys = ON');
      this.db.pragma('busy_timeout = 5000');
      this.migrate();
    } catch (cause) {
      this.db.close();
      if (cause instanceof SearcherError) throw cause;
      throw new StoreError('STORE', `cannot open the store ${file}: ${(cause as Error).message}`, { cause });
    }
  }

  static open(file: string = defaultDbFile, options: StoreOptions = {}): Store {
    return new Store(file === ':memory:' ? file : resolve(file), options);
  }

  private migrate(): void {
    this.db.exec('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)');
    const row = this.db.prepare('SELECT version FROM schema_version').get() as { version: number } | undefined;
    let version = row?.version ?? 0;
    if (version > migrations.length) {
      throw new StoreError('STORE', `the store ${this.file} has schema version ${version}, newer than this searcher (${migrations.length}): upgrade the searcher`);
    }
    const apply = this.db.transaction((sql: string, next: number) => {
      this.db.exec(sql);
      if (next === 1) this.db.prepare('INSERT INTO schema_version (version) VALUES (?)').run(next);
      else this.db.prepare('UPDATE schema_version SET version = ?').run(next);
    });
    while (version < migrations.length) {
      apply(migrations[version]!, version + 1);
      version++;
    }
  }

  /** Runs `write` in one transaction; a constraint the row breaks becomes a StoreError naming what was recorded. */
  private write<T>(what: string, write: () => T): T {
    try {
      return this.db.transaction(write)();
    } catch (cause) {
      if (cause instanceof SearcherError) throw cause;
      throw new StoreError('STORE', `cannot record ${what}: ${(cause as Error).message}`, { cause });
    }
  }

  /** A value the risk layer persisted under `key` (JSON text), or undefined before the first save. */
  riskValue(key: string): string | undefined {
    const row = this.db.prepare('SELECT value FROM risk_state WHERE key = ?').get(key) as { value: string } | undefined;
    return row?.value;
  }

  setRiskValue(key: string, json: string): void {
    this.db.prepare('INSERT INTO risk_state (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, json);
  }

  deleteRiskValue(key: string): void {
    this.db.prepare('DELETE FROM risk_state WHERE key = ?').run(key);
  }

  recordBreakerEvent(event: BreakerEvent): void {
    this.db
      .prepare('INSERT INTO breaker_events (at, breaker, kind, reason, scope) VALUES (?, ?, ?, ?, ?)')
      .run(event.at, event.breaker, event.kind, event.reason, event.scope ?? null);
  }

  /** The running bot's heartbeat (written every second by the risk shell; read by `searcher halt`). */
  recordHeartbeat(beat: Heartbeat): void {
    writeHeartbeat(this.db, beat);
  }

  /** Heartbeats that beat at or after `since` (unix ms), newest first. */
  heartbeats(since = 0): Heartbeat[] {
    return readHeartbeats(this.db, since);
  }

  breakerEvents(limit = 100): BreakerEvent[] {
    const rows = this.db.prepare('SELECT at, breaker, kind, reason, scope FROM breaker_events ORDER BY id DESC LIMIT ?').all(limit) as Array<BreakerEvent & { scope: string | null }>;
    return rows.map(({ scope, ...event }) => (scope === null ? event : { ...event, scope }));
  }

  // Writes: the pipeline's record of each block, opportunity, simulation, bundle, submission and outcome.

  /** Hash, timestamp and base fee of a block (upsert: fields left out keep their value). */
  recordBlock(block: BlockRecord): void {
    this.write(`block ${block.number}`, () => writeBlock(this.db, block));
  }

  /** Adds `count` pending swaps seen while `block` was next. */
  countSeen(block: BlockNumber, count = 1): void {
    this.write(`swaps seen in block ${block}`, () => writeSeen(this.db, block, count));
  }

  /** Records an evaluated opportunity (and counts it as a candidate of its block); returns its id. */
  recordOpportunity(opportunity: OpportunityRecord): number {
    return this.write(`an opportunity for block ${opportunity.block}`, () => writeOpportunity(this.db, opportunity, this.now()));
  }

  recordSimulation(simulation: SimulationRecord): number {
    return this.write(`a simulation of opportunity ${simulation.opportunityId}`, () => writeSimulation(this.db, simulation, this.now()));
  }

  /** Records a bundle we sent (and counts it as sent in its target block). */
  recordBundle(bundle: BundleRecord): void {
    this.write(`bundle ${bundle.id}`, () => writeBundle(this.db, bundle, this.now()));
  }

  recordSubmission(submission: SubmissionRecord): number {
    return this.write(`a submission of bundle ${submission.bundleId} to ${submission.builder}`, () => writeSubmission(this.db, submission, this.now()));
  }

  /** Our transaction landed: its realised account (from accountInclusion). Replaces an earlier miss (reorg). */
  recordInclusion(inclusion: InclusionRecord): void {
    this.write(`the inclusion of bundle ${inclusion.bundleId}`, () => writeInclusion(this.db, inclusion, this.now()));
  }

  /** The bundle did not land. Replaces an earlier inclusion (reorged out), counters included. */
  recordMiss(miss: MissRecord): void {
    this.write(`a miss of bundle ${miss.bundleId}`, () => writeMiss(this.db, miss, this.now()));
  }

  /** Token verdicts of one chain, in one transaction (VerdictStore: TokenSafety batches them off the hot path). */
  saveTokenVerdicts(chain: string, verdicts: readonly TokenVerdictRecord[]): void {
    this.write(`${verdicts.length} token verdicts`, () => {
      for (const verdict of verdicts) writeTokenVerdict(this.db, chain, verdict);
    });
  }

  // Reads: for `searcher report` and the dashboard.

  /** Per block, ascending, with a running realised net; `last` keeps the newest N (cumulative still counts all). */
  blockSummaries(options: { last?: number } = {}): BlockSummary[] {
    return queryBlockSummaries(this.db, options);
  }

  totals(): Totals {
    return queryTotals(this.db);
  }

  builderStats(): BuilderStats[] {
    return queryBuilderStats(this.db);
  }

  /** Newest first, each with its status (pending / included / reverted / missed), reason and submissions. */
  recentBundles(limit = 50): BundleView[] {
    return queryRecentBundles(this.db, limit);
  }

  /** Landed bundles whose realised net differs from the simulated net, newest first. */
  mismatches(limit = 1000): Mismatch[] {
    return queryMismatches(this.db, limit);
  }

  recentOpportunities(limit = 50): OpportunityView[] {
    return queryRecentOpportunities(this.db, limit);
  }

  /** The pool registry and tracked states of one chain, in one transaction (PoolCheckpointStore). */
  savePoolCheckpoint(chain: string, update: PoolCheckpointUpdate): void {
    this.write(`a pool checkpoint at block ${update.block.number}`, () => writePoolCheckpoint(this.db, chain, update, this.now()));
  }

  loadPoolCheckpoint(chain: string): PoolCheckpoint | undefined {
    return queryPoolCheckpoint(this.db, chain);
  }

  /** The token verdicts of one chain (VerdictStore). */
  loadTokenVerdicts(chain: string): TokenVerdictRecord[] {
    return queryTokenVerdicts(this.db, chain);
  }

  /** Block counters that disagree with their rows; empty when consistent (what a crash must never break). */
  inconsistencies(): string[] {
    return queryInconsistencies(this.db);
  }

  close(): void {
    this.db.close();
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
  SimulationRecord,
  SubmissionRecord,
  TokenVerdictRecord,
  Totals,
};
