/**
 * Schema changes, in order; a store at version k runs migrations k.. on open, each in one transaction.
 * Never edit a released migration: add the next one.
 */
export const migrations: readonly string[] = [
  `
  CREATE TABLE risk_state (key TEXT PRIMARY KEY, value TEXT NOT NULL);
  CREATE TABLE breaker_events (
    id INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    breaker TEXT NOT NULL,
    kind TEXT NOT NULL,
    reason TEXT NOT NULL,
    scope TEXT
  );
  `,
];
