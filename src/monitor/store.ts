import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { SearcherError } from '../errors.ts';
import { migrations } from './migrations.ts';

/** Where `searcher run`, `demo`, `report`, `halt` and `resume` keep their state unless `--db FILE` says otherwise. */
export const defaultDbFile = '.searcher/searcher.db';

export class StoreError extends SearcherError {}

export type BreakerEvent = {
  /** Unix ms. */
  at: number;
  breaker: string;
  kind: 'trip' | 'reset' | 'halt' | 'resume' | 'drop';
  reason: string;
  /** Pool or builder the event is about, when it is about one. */
  scope?: string;
};

/**
 * The searcher's SQLite file: WAL, synchronous=FULL (an acknowledged write survives a crash), schema by
 * numbered migrations. One Store per process; better-sqlite3 is synchronous, so every write is a
 * transaction that has committed when the call returns.
 */
export class Store {
  readonly file: string;
  readonly db: Database.Database;

  private constructor(file: string) {
    this.file = file;
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    try {
      this.db = new Database(file);
    } catch (cause) {
      throw new StoreError('STORE', `cannot open the store ${file}: ${(cause as Error).message}`, { cause });
    }
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('foreign_keys = ON');
    this.db.pragma('busy_timeout = 5000');
    this.migrate();
  }

  static open(file: string = defaultDbFile): Store {
    return new Store(file === ':memory:' ? file : resolve(file));
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

  breakerEvents(limit = 100): BreakerEvent[] {
    const rows = this.db.prepare('SELECT at, breaker, kind, reason, scope FROM breaker_events ORDER BY id DESC LIMIT ?').all(limit) as Array<BreakerEvent & { scope: string | null }>;
    return rows.map(({ scope, ...event }) => (scope === null ? event : { ...event, scope }));
  }

  close(): void {
    this.db.close();
  }
}
