import type { SqlDatabase } from './sqlDatabase.ts';
import type { Heartbeat } from '../risk/riskStore.ts';

type Row = { id: string; pid: number; host: string; started: number; beat: number; poll_ms: number; halted_since: number | null; acked_at: number | null; stopped: number | null };

export function writeHeartbeat(db: SqlDatabase, instance: string, beat: Heartbeat): void {
  db.prepare(
    `INSERT INTO bot_heartbeats (id, instance, pid, host, started, beat, poll_ms, halted_since, acked_at, stopped) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT(id) DO UPDATE SET beat = excluded.beat, poll_ms = excluded.poll_ms, halted_since = excluded.halted_since, acked_at = excluded.acked_at, stopped = excluded.stopped`,
  ).run(beat.id, instance, beat.pid, beat.host, beat.started, beat.beat, beat.pollMs, beat.haltedSince, beat.ackedAt, beat.stopped);
}

/** The instance's heartbeats that beat at or after `since`, newest beat first. */
export function readHeartbeats(db: SqlDatabase, instance: string, since = 0): Heartbeat[] {
  const rows = db.prepare('SELECT * FROM bot_heartbeats WHERE instance = ? AND beat >= ? ORDER BY beat DESC').all(instance, since) as Row[];
  return rows.map((row) => ({ id: row.id, pid: row.pid, host: row.host, started: row.started, beat: row.beat, pollMs: row.poll_ms, haltedSince: row.halted_since, ackedAt: row.acked_at, stopped: row.stopped }));
}
