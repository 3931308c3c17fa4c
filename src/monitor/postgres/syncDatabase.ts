import { createRequire } from 'node:module';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { redactText } from '../../redact.ts';
import { StoreError } from '../records.ts';
import type { SqlDatabase, SqlStatement } from '../sqlDatabase.ts';
import { toPostgres } from './dialect.ts';
import type { PostgresTarget } from './url.ts';
import { workerSource } from './workerSource.ts';

type Reply = { ok: true; rows?: Record<string, unknown>[]; rowCount?: number } | { ok: false; message: string; code?: string };

export type PostgresTimeouts = {
  /** How long to wait for the server to accept the connection (default 10 s). */
  connectMs?: number;
  /** How long one statement may take before the store gives up on the connection (default 30 s). */
  statementMs?: number;
};

/** PostgreSQL error codes that mean "this database is not there" (bad input, not a runtime failure). */
const missingDatabase = new Set(['3D000']);

/**
 * A PostgreSQL connection with better-sqlite3's synchronous API (SqlDatabase). node-postgres is asynchronous,
 * so the connection lives in a worker thread and each call blocks the caller in Atomics.wait until the worker
 * has the server's answer: a write has committed when the call returns, as with SQLite, and the risk layer's
 * "a loss that cannot be recorded stops sending" holds unchanged. A statement that gets no answer in time
 * breaks the connection for good (every later call throws): the caller fails closed rather than carrying on
 * with a connection in an unknown state.
 */
export class PgSyncDatabase implements SqlDatabase {
  open = true;
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly signal = new Int32Array(new SharedArrayBuffer(4));
  private readonly statementMs: number;
  private broken: string | undefined;
  private depth = 0;
  private sequence = 0;

  private constructor(private readonly target: PostgresTarget, timeouts: PostgresTimeouts) {
    this.statementMs = timeouts.statementMs ?? 30_000;
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    const pgPath = createRequire(import.meta.url).resolve('pg');
    this.worker = new Worker(workerSource, { eval: true, workerData: { port: port2, signal: this.signal, pgPath }, transferList: [port2], stdout: true, stderr: true });
    // The worker must never keep a process alive on its own (a CLI that returns closes its store anyway).
    this.worker.unref();
  }

  /** Connects (blocking); a server that cannot be reached is a one-line StoreError with the URL redacted. */
  static connect(target: PostgresTarget, timeouts: PostgresTimeouts = {}): PgSyncDatabase {
    const db = new PgSyncDatabase(target, timeouts);
    const connectMs = timeouts.connectMs ?? 10_000;
    const reply = db.call({ op: 'connect', url: target.url, connectTimeoutMs: connectMs }, connectMs + 5_000, 'connect');
    if (!reply.ok) {
      db.terminate();
      const code = reply.code !== undefined && missingDatabase.has(reply.code) ? 'STORE_MISSING' : 'STORE_UNREACHABLE';
      throw new StoreError(code, `cannot connect to the PostgreSQL store ${target.shown}: ${redactText(reply.message)}`);
    }
    return db;
  }

  prepare(sql: string): SqlStatement {
    const text = toPostgres(sql);
    return {
      run: (...params) => ({ changes: this.query(text, params).rowCount ?? 0 }),
      get: (...params) => this.query(text, params).rows?.[0],
      all: (...params) => this.query(text, params).rows ?? [],
    };
  }

  exec(sql: string): this {
    this.query(toPostgres(sql), undefined);
    return this;
  }

  transaction<T>(fn: () => T): () => T {
    return () => {
      const savepoint = this.depth > 0 ? `s${this.depth}` : undefined;
      // Repeatable read: a multi-statement read sees one snapshot, as a SQLite read transaction does.
      this.exec(savepoint ? `SAVEPOINT ${savepoint}` : 'BEGIN ISOLATION LEVEL REPEATABLE READ');
      this.depth++;
      let result: T;
      try {
        result = fn();
      } catch (error) {
        this.depth--;
        this.rollback(savepoint);
        throw error;
      }
      this.depth--;
      try {
        this.exec(savepoint ? `RELEASE SAVEPOINT ${savepoint}` : 'COMMIT');
      } catch (error) {
        if (!savepoint) this.rollback(undefined);
        throw error;
      }
      return result;
    };
  }

  /** Best effort: the error that made the transaction fail is what the caller must see, not a failed ROLLBACK. */
  private rollback(savepoint: string | undefined): void {
    if (this.broken || !this.open) return;
    try {
      this.exec(savepoint ? `ROLLBACK TO SAVEPOINT ${savepoint}` : 'ROLLBACK');
    } catch {
      // The connection is gone or broken: the server rolls the transaction back itself.
    }
  }

  pragma(): never {
    throw new StoreError('STORE', 'pragma is SQLite only: this store is PostgreSQL');
  }

  close(): void {
    if (!this.open) return;
    this.open = false;
    if (!this.broken) this.call({ op: 'close' }, 5_000, 'close');
    this.terminate();
  }

  private terminate(): void {
    this.open = false;
    void this.worker.terminate();
  }

  private query(sql: string, params: unknown[] | undefined): Extract<Reply, { ok: true }> {
    if (!this.open) throw new StoreError('STORE', `the PostgreSQL store ${this.target.shown} is closed`);
    const reply = this.call({ op: 'query', sql, params }, this.statementMs, 'query');
    if (!reply.ok) {
      const lost = reply.code === 'LOST';
      const error = new StoreError(lost ? 'STORE_UNREACHABLE' : 'STORE_SQL', redactText(lost ? `the PostgreSQL store ${this.target.shown}: ${reply.message}` : reply.message));
      (error as StoreError & { sqlState?: string }).sqlState = reply.code;
      throw error;
    }
    return reply;
  }

  /**
   * Posts one request to the worker and sleeps until its answer is there (or `timeoutMs` passes: then the
   * connection is broken). Replies carry the request's number: a reply to anything else (one abandoned by a
   * timeout) is dropped, never taken as this request's. A wake-up with no reply yet waits again, in short steps.
   */
  private call(request: Record<string, unknown>, timeoutMs: number, what: string): Reply {
    if (this.broken) throw new StoreError('STORE_UNREACHABLE', this.broken);
    const id = ++this.sequence;
    const deadline = performance.now() + timeoutMs;
    Atomics.store(this.signal, 0, 0);
    this.port.postMessage({ ...request, id });
    let first = true;
    for (;;) {
      const message = receiveMessageOnPort(this.port);
      if (message !== undefined) {
        const reply = message.message as Reply & { id?: number };
        if (reply.id === id) return reply;
        continue;
      }
      const left = deadline - performance.now();
      if (left <= 0) {
        this.broken = `the PostgreSQL store ${this.target.shown} did not answer a ${what} within ${timeoutMs} ms: the connection is given up`;
        this.terminate();
        throw new StoreError('STORE_UNREACHABLE', this.broken);
      }
      // The first wait sleeps until the worker signals; after a signal without our reply, the signal stays set,
      // so the next waits are short naps rather than a spin.
      Atomics.wait(this.signal, 0, 0, first ? left : Math.min(left, 1));
      first = false;
    }
  }
}
