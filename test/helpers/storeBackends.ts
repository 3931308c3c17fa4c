import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest';
import { PgSyncDatabase } from '../../src/monitor/postgres/syncDatabase.ts';
import { parsePostgresUrl } from '../../src/monitor/postgres/url.ts';
import type { SqlDatabase, SqlDialect } from '../../src/monitor/sqlDatabase.ts';
import type { Store } from '../../src/monitor/store.ts';
import { postgresSetupTimeoutMs, startPostgres, type PostgresServer } from './postgres.ts';

/**
 * The two places a store can live, for the store test-suites that run against both: a SQLite file in a
 * temporary folder, and a database on a throw-away PostgreSQL server (started by `setup`, stopped by `teardown`).
 */
export type StoreBackend = {
  name: SqlDialect;
  setup(): Promise<void>;
  teardown(): void;
  /** Where a new, empty store can be opened. */
  fresh(): Promise<string>;
  /** A location that is there but holds no store yet (SQLite: a path no file is at; PostgreSQL: an empty database). */
  empty(): Promise<string>;
  /** Whether opening `target` left anything behind (a file, or tables). */
  leftBehind(target: string): boolean;
  /** A location that is not a store and cannot become one. */
  notAStore(): Promise<string>;
  /** A connection to `target` without the store's migrations (to build old or future schemas by hand). */
  raw(target: string): SqlDatabase;
  tables(store: Store): string[];
  /** The SQL function giving a column's storage type, and the type wei amounts are kept as. */
  typeOf: (column: string) => string;
  weiType: string;
  /** Asserts that a committed write survives a crash of the writer (and, for SQLite, of the machine). */
  expectDurable(store: Store): void;
  /** For a child process: the location without its password, and the environment that supplies it. */
  forChild(target: string): { target: string; env: NodeJS.ProcessEnv };
};

function sqliteBackend(): StoreBackend {
  const dir = mkdtempSync(join(tmpdir(), 'searcher-store-'));
  let count = 0;
  const file = () => join(dir, `store-${++count}.db`);
  return {
    name: 'sqlite',
    setup: async () => {},
    teardown: () => {},
    fresh: async () => file(),
    empty: async () => join(dir, `nested-${++count}`, 'missing.db'),
    leftBehind: (target) => existsSync(target) || existsSync(dirname(target)),
    notAStore: async () => {
      const junk = file();
      writeFileSync(junk, 'this is not sqlite, just some words long enough to fill a header page. '.repeat(20));
      return junk;
    },
    raw: (target) => new Database(target),
    tables: (store) => (store.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as Array<{ name: string }>).map((t) => t.name),
    typeOf: (column) => `typeof(${column})`,
    weiType: 'text',
    expectDurable: (store) => {
      expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(store.db.pragma('synchronous', { simple: true })).toBe(2); // FULL
    },
    forChild: (target) => ({ target, env: {} }),
  };
}

function postgresBackend(): StoreBackend {
  let server: PostgresServer | undefined;
  const running = () => {
    if (!server) throw new Error('the PostgreSQL test server is not started (call setup in beforeAll)');
    return server;
  };
  return {
    name: 'postgres',
    setup: async () => {
      server ??= await startPostgres();
    },
    teardown: () => {
      server?.stop();
      server = undefined;
    },
    fresh: async () => running().url(await running().createDatabase()),
    empty: async () => running().url(await running().createDatabase('empty')),
    leftBehind: (target) => {
      const db = PgSyncDatabase.connect(parsePostgresUrl(target));
      try {
        return (db.prepare("SELECT count(*) AS n FROM pg_tables WHERE schemaname = 'public'").get() as { n: number }).n > 0;
      } finally {
        db.close();
      }
    },
    notAStore: async () => running().url('no_such_database'),
    raw: (target) => PgSyncDatabase.connect(parsePostgresUrl(target)),
    tables: (store) => (store.db.prepare("SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public'").all() as Array<{ name: string }>).map((t) => t.name),
    typeOf: (column) => `pg_typeof(${column})::text`,
    weiType: 'numeric',
    expectDurable: (store) => {
      // A COMMIT returns once its WAL record is flushed: the server's fsync and synchronous_commit are on.
      expect(store.db.prepare('SHOW synchronous_commit').get()).toEqual({ synchronous_commit: 'on' });
      expect(store.db.prepare('SHOW fsync').get()).toEqual({ fsync: 'on' });
    },
    forChild: (target) => {
      const url = new URL(target);
      url.password = '';
      return { target: url.toString(), env: { PGPASSFILE: running().passFile } };
    },
  };
}

export const storeBackends: StoreBackend[] = [sqliteBackend(), postgresBackend()];

/**
 * A store suite's hooks on one backend: the backend started once, a fresh location before each test
 * (`suite.target`), and every store a test opened (pushed to `suite.open`) closed after it.
 */
export function storeSuite(backend: StoreBackend): { open: Store[]; target: string } {
  const suite = { open: [] as Store[], target: '' };
  beforeAll(() => backend.setup(), postgresSetupTimeoutMs);
  afterAll(() => backend.teardown());
  beforeEach(async () => {
    suite.target = await backend.fresh();
  });
  afterEach(() => {
    for (const store of suite.open.splice(0)) if (store.db.open) store.close();
  });
  return suite;
}
