/**
 * The part of a SQL connection the store's queries use: better-sqlite3's synchronous API, which a
 * better-sqlite3 `Database` satisfies as it is, and which the PostgreSQL backend (postgres/syncDatabase.ts)
 * implements over a worker thread. Every call returns when the statement has run (a write inside no
 * transaction, or a transaction, has committed), so callers keep their "recorded when the call returns".
 *
 * SQL is written once, in the portable subset both engines accept (`?` placeholders, ON CONFLICT upserts with
 * the target table named, INSERT ... RETURNING id); the PostgreSQL backend translates placeholders and DDL
 * types in one place (postgres/dialect.ts).
 */
export type SqlDialect = 'sqlite' | 'postgres';

export interface SqlStatement {
  run(...params: unknown[]): { changes: number };
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
}

export interface SqlDatabase {
  readonly open: boolean;
  prepare(sql: string): SqlStatement;
  /** Runs statements that take no parameters (DDL). */
  exec(sql: string): unknown;
  /** `fn` in one transaction: committed when the returned function returns, rolled back when it throws. */
  transaction<T>(fn: () => T): () => T;
  /** SQLite pragmas (the PostgreSQL backend throws: there is none). */
  pragma(source: string, options?: { simple?: boolean }): unknown;
  close(): unknown;
}
