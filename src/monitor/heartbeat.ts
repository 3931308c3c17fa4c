import type Database from 'better-sqlite3';

/** One bot run's heartbeat row (unix ms throughout). */
export type Heartbeat = {
  /** host:pid:started, unique per run. */
  id: string;
  pid: number;
  host: string;
  started: number;
  /** The last beat. */
  beat: number;
  /** How often the bot reads the halt latch: how long `searcher halt` should wait for it. */
  pollMs: number;
  /** The `at` of the halt the bot holds in memory; null while it may send. */
  haltedSince: number | null;
  /** When the bot took that halt (adopted the store's latch, or halted itself). */
  ackedAt: number | null;
  /** Set when the bot stopped cleanly: it no longer reads the store. */
  stopped: number | null;
};

type Row = { id: string; pid: number; host: string; started: number; beat: number; poll_ms: number; halted_since: number | null; acked_at: number | null; stopped: number | null };

export function writeHeartbeat(db: Database.Database, beat: Heartbeat): void {
  db.prepare(
    `INSERT INTO bot_heartbeats (id, pid, host, started, beat, poll_ms, halted_since, acked_at, stopped) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT(id) DO UPDATE SET beat = excluded.beat, poll_ms = excluded.poll_ms, halted_since = excluded.halted_since, acked_at = excluded.acked_at, stopped = excluded.stopped`,
  ).run(beat.id, beat.pid, beat.host, beat.started, beat.beat, beat.pollMs, beat.haltedSince, beat.ackedAt, beat.stopped);
}

/** Heartbeats that beat at or after `since`, newest beat first. */
export function readHeartbeats(db: Database.Database, since = 0): Heartbeat[] {
  const rows = db.prepare('SELECT * FROM bot_heartbeats WHERE beat >= ? ORDER BY beat DESC').all(since) as Row[];
  return rows.map((row) => ({ id: row.id, pid: row.pid, host: row.host, started: row.started, beat: row.beat, pollMs: row.poll_ms, haltedSince: row.halted_since, ackedAt: row.acked_at, stopped: row.stopped }));
}
