import { existsSync, mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { SearcherError } from '../errors.ts';
import { migrationsFor } from './migrations.ts';
import { PgSyncDatabase, type PostgresTimeouts } from './postgres/syncDatabase.ts';
import { isPostgresUrl, parsePostgresUrl } from './postgres/url.ts';
import { StoreError } from './records.ts';
import type { SqlDatabase, SqlDialect } from './sqlDatabase.ts';

export type OpenedDatabase = { db: SqlDatabase; dialect: SqlDialect; /** The file, or the URL with its credentials hidden. */ location: string };

/** An open store and the instance it writes as. */
export type OpenedStore = OpenedDatabase & { instance: string };

type OpenOptions = { mustExist?: boolean; /** Named by --instance; else see resolveInstance. */ instance?: string; postgres?: PostgresTimeouts };

/** The instance a store's rows are tagged with unless --instance names another: this machine's host name. */
export function defaultInstance(): string {
  const name = hostname().replace(/[^A-Za-z0-9._:-]/g, '-').slice(0, 64);
  return /^[A-Za-z0-9]/.test(name) ? name : `host-${name}`;
}

/** An instance name: letters, digits and . _ : - (it is shown in reports, metrics labels and the dashboard). */
export function checkInstance(name: string): string {
  // "all" is what `report` and the dashboard call every instance at once.
  if (!/^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/.test(name) || name === 'all') {
    throw new StoreError('USAGE', `--instance "${name}" must be 1 to 64 letters, digits, '.', '_', ':' or '-', starting with a letter or digit, and not "all"`);
  }
  return name;
}

/**
 * Opens the store at `target` (a SQLite file path, or a postgres:// URL) and brings its schema to the newest
 * version. `mustExist`: a reader's open, which creates nothing (no file, no tables).
 */
export function openDatabase(target: string, options: OpenOptions): OpenedStore {
  if (isPostgresUrl(target)) {
    const parsed = parsePostgresUrl(target);
    const db = PgSyncDatabase.connect(parsed, options.postgres);
    return finish({ db, dialect: 'postgres', location: parsed.shown }, options);
  }
  const file = target === ':memory:' ? target : resolve(target);
  if (file !== ':memory:') {
    if (options.mustExist && !existsSync(file)) {
      throw new StoreError('STORE_MISSING', `no store at ${file} (\`searcher run\` creates it; pass --db FILE to read another)`);
    }
    mkdirSync(dirname(file), { recursive: true });
  }
  let db: Database.Database;
  try {
    db = new Database(file, { fileMustExist: options.mustExist === true && file !== ':memory:' });
  } catch (cause) {
    throw new StoreError('STORE', `cannot open the store ${file}: ${(cause as Error).message}`, { cause });
  }
  return finish({ db, dialect: 'sqlite', location: file }, options, () => {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
  });
}

function finish(opened: OpenedDatabase, options: OpenOptions, setup?: () => void): OpenedStore {
  try {
    setup?.();
    const instance = options.instance ?? resolveInstance(opened);
    migrate(opened, { ...options, instance });
    return { ...opened, instance };
  } catch (cause) {
    opened.db.close();
    // A statement the server refused (e.g. no right to create tables) is named with the store it was for.
    if (cause instanceof SearcherError && cause.code !== 'STORE_SQL') throw cause;
    throw new StoreError('STORE', `cannot open the store ${opened.location}: ${(cause as Error).message}`, { cause });
  }
}

/**
 * The instance when --instance names none. A SQLite file belongs to one machine's bot: it keeps the instance
 * that first wrote it (store_meta), so its halt latch and risk state stay its own even if the host is renamed.
 * A shared PostgreSQL store tells its instances apart by host name.
 */
function resolveInstance({ db, dialect }: OpenedDatabase): string {
  if (dialect === 'sqlite') {
    const meta = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'store_meta'").get();
    const pinned = meta ? (db.prepare("SELECT value FROM store_meta WHERE key = 'first_instance'").get() as { value: string } | undefined) : undefined;
    if (pinned) return pinned.value;
  }
  return defaultInstance();
}

/** Any fixed number: the lock that keeps two instances starting at once from migrating the same database twice. */
const migrationLock = 0x5ea7c4e7;

function migrate({ db, dialect, location }: OpenedDatabase, options: { mustExist?: boolean; instance: string }): void {
  const migrations = migrationsFor(dialect, options.instance);
  const run = () => {
    if (dialect === 'postgres') {
      const present = db.prepare("SELECT to_regclass('schema_version') IS NOT NULL AS present").get() as { present: boolean };
      if (!present.present && options.mustExist) {
        throw new StoreError('STORE_MISSING', `no searcher store in ${location} (\`searcher run --db URL\` creates it)`);
      }
    }
    db.exec('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)');
    const row = db.prepare('SELECT version FROM schema_version').get() as { version: number } | undefined;
    let version = row?.version ?? 0;
    if (version > migrations.length) {
      throw new StoreError('STORE', `the store ${location} has schema version ${version}, newer than this searcher (${migrations.length}): upgrade the searcher`);
    }
    const apply = (sql: string, next: number) => {
      db.exec(sql);
      if (next === 1) db.prepare('INSERT INTO schema_version (version) VALUES (?)').run(next);
      else db.prepare('UPDATE schema_version SET version = ?').run(next);
    };
    while (version < migrations.length) {
      // SQLite: one transaction per migration; PostgreSQL: all of them in the one below, under the lock.
      if (dialect === 'sqlite') db.transaction(() => apply(migrations[version]!, version + 1))();
      else apply(migrations[version]!, version + 1);
      version++;
    }
  };
  if (dialect === 'sqlite') return run();
  // A session lock taken before the transaction starts: the migration's snapshot (repeatable read) is taken after
  // it, so an instance that waited sees the schema the first one committed.
  db.prepare('SELECT pg_advisory_lock(?)').get(migrationLock);
  try {
    db.transaction(run)();
  } finally {
    db.prepare('SELECT pg_advisory_unlock(?)').get(migrationLock);
  }
}
