import type { SqlDialect } from './sqlDatabase.ts';

/** A SQL string literal. */
const literal = (text: string) => `'${text.replace(/'/g, "''")}'`;

/**
 * 6: a fleet. Several instances (one per chain or region) may write to one store (PostgreSQL), so every row
 * carries its instance and every key includes it: two instances on one chain count their own blocks, keep their
 * own risk state and halt latch, and their own pool checkpoints. Tables are rebuilt (SQLite cannot change a
 * primary key in place): new tables, rows copied under the given instance, old tables dropped, new ones renamed
 * (renaming rewrites the foreign keys that name them). store_meta keeps the first instance: a SQLite file's
 * default instance from then on (storeOpen.ts).
 */
export function instanceMigration(dialect: SqlDialect, wei: (column: string, nullable?: boolean) => string, instance: string): string {
  const tag = literal(instance);
  const copy = (table: string, columns: string) => `INSERT INTO ${table}_v6 (instance, ${columns}) SELECT ${tag}, ${columns} FROM ${table};`;
  return `
  CREATE TABLE store_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;
  INSERT INTO store_meta (key, value) VALUES ('first_instance', ${tag});
  CREATE TABLE risk_state_v6 (instance TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (instance, key)) STRICT;
  CREATE TABLE breaker_events_v6 (
    id INTEGER PRIMARY KEY, instance TEXT NOT NULL, at INTEGER NOT NULL, breaker TEXT NOT NULL, kind TEXT NOT NULL, reason TEXT NOT NULL, scope TEXT
  ) STRICT;
  CREATE TABLE blocks_v6 (
    instance TEXT NOT NULL,
    number INTEGER NOT NULL,
    hash TEXT,
    timestamp INTEGER,
    ${wei('base_fee_wei', true)},
    seen INTEGER NOT NULL DEFAULT 0,
    candidates INTEGER NOT NULL DEFAULT 0,
    bundles_sent INTEGER NOT NULL DEFAULT 0,
    included INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (instance, number)
  ) STRICT;
  CREATE TABLE opportunities_v6 (
    id INTEGER PRIMARY KEY,
    instance TEXT NOT NULL,
    block INTEGER NOT NULL,
    victim TEXT,
    path TEXT NOT NULL,
    ${wei('amount_in_wei')},
    ${wei('gross_wei')},
    ${wei('gas_wei')},
    ${wei('bribe_wei')},
    ${wei('net_wei')},
    decision TEXT NOT NULL CHECK (decision IN ('send', 'reject')),
    reason TEXT NOT NULL,
    first_seen_ms INTEGER,
    latency_us INTEGER NOT NULL,
    at INTEGER NOT NULL
  ) STRICT;
  CREATE TABLE simulations_v6 (
    id INTEGER PRIMARY KEY,
    instance TEXT NOT NULL,
    opportunity_id INTEGER NOT NULL REFERENCES opportunities_v6 (id),
    backend TEXT NOT NULL,
    ok INTEGER NOT NULL CHECK (ok IN (0, 1)),
    ${wei('gain_wei', true)},
    ${wei('net_wei', true)},
    gas_used INTEGER,
    error TEXT,
    at INTEGER NOT NULL
  ) STRICT;
  CREATE TABLE bundles_v6 (
    instance TEXT NOT NULL,
    id TEXT NOT NULL,
    opportunity_id INTEGER REFERENCES opportunities_v6 (id),
    target_block INTEGER NOT NULL,
    our_tx TEXT NOT NULL,
    txs TEXT NOT NULL,
    ${wei('predicted_net_wei')},
    ${wei('simulated_net_wei', true)},
    sent_at INTEGER NOT NULL,
    PRIMARY KEY (instance, id)
  ) STRICT;
  CREATE TABLE submissions_v6 (
    id INTEGER PRIMARY KEY,
    instance TEXT NOT NULL,
    bundle_id TEXT NOT NULL,
    builder TEXT NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('accepted', 'refused', 'timeout', 'error')),
    latency_ms REAL NOT NULL,
    error TEXT,
    bundle_hash TEXT,
    at INTEGER NOT NULL,
    FOREIGN KEY (instance, bundle_id) REFERENCES bundles_v6 (instance, id)
  ) STRICT;
  CREATE TABLE inclusions_v6 (
    instance TEXT NOT NULL,
    bundle_id TEXT NOT NULL,
    block INTEGER NOT NULL,
    tx_hash TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('success', 'reverted')),
    builder TEXT,
    gas_used INTEGER NOT NULL,
    ${wei('effective_gas_price_wei')},
    ${wei('gross_wei')},
    ${wei('gas_paid_wei')},
    ${wei('builder_payment_wei')},
    ${wei('net_wei')},
    ${wei('simulated_net_wei', true)},
    mismatch INTEGER NOT NULL CHECK (mismatch IN (0, 1)),
    at INTEGER NOT NULL,
    PRIMARY KEY (instance, bundle_id),
    FOREIGN KEY (instance, bundle_id) REFERENCES bundles_v6 (instance, id)
  ) STRICT;
  CREATE TABLE misses_v6 (
    instance TEXT NOT NULL,
    bundle_id TEXT NOT NULL,
    block INTEGER NOT NULL,
    reason TEXT NOT NULL CHECK (reason IN ('outbid', 'not_included', 'reverted', 'expired', 'cancelled')),
    detail TEXT,
    at INTEGER NOT NULL,
    PRIMARY KEY (instance, bundle_id),
    FOREIGN KEY (instance, bundle_id) REFERENCES bundles_v6 (instance, id)
  ) STRICT;
  CREATE TABLE token_verdicts_v6 (
    instance TEXT NOT NULL,
    chain TEXT NOT NULL,
    token TEXT NOT NULL,
    verdict TEXT NOT NULL CHECK (verdict IN ('safe', 'unsafe')),
    reason TEXT NOT NULL,
    probe_block INTEGER NOT NULL CHECK (probe_block >= 0),
    probed_at INTEGER NOT NULL,
    PRIMARY KEY (instance, chain, token)
  ) STRICT;
  CREATE TABLE bot_heartbeats_v6 (
    id TEXT PRIMARY KEY, instance TEXT NOT NULL, pid INTEGER NOT NULL, host TEXT NOT NULL, started INTEGER NOT NULL, beat INTEGER NOT NULL,
    poll_ms INTEGER NOT NULL, halted_since INTEGER, acked_at INTEGER, stopped INTEGER
  ) STRICT;
  CREATE TABLE pool_registry_v6 (
    instance TEXT NOT NULL,
    chain TEXT NOT NULL,
    address TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('v2', 'v3')),
    fee_bps INTEGER,
    venue TEXT,
    factory TEXT,
    created_at INTEGER,
    token0 TEXT,
    token1 TEXT,
    state TEXT,
    PRIMARY KEY (instance, chain, address)
  ) STRICT;
  CREATE TABLE pool_checkpoints_v6 (
    instance TEXT NOT NULL,
    chain TEXT NOT NULL,
    block INTEGER NOT NULL CHECK (block >= 0),
    hash TEXT NOT NULL,
    parent_hash TEXT NOT NULL,
    at INTEGER NOT NULL,
    PRIMARY KEY (instance, chain)
  ) STRICT;
  ${copy('risk_state', 'key, value')}
  ${copy('breaker_events', 'id, at, breaker, kind, reason, scope')}
  ${copy('blocks', 'number, hash, timestamp, base_fee_wei, seen, candidates, bundles_sent, included')}
  ${copy('opportunities', 'id, block, victim, path, amount_in_wei, gross_wei, gas_wei, bribe_wei, net_wei, decision, reason, first_seen_ms, latency_us, at')}
  ${copy('simulations', 'id, opportunity_id, backend, ok, gain_wei, net_wei, gas_used, error, at')}
  ${copy('bundles', 'id, opportunity_id, target_block, our_tx, txs, predicted_net_wei, simulated_net_wei, sent_at')}
  ${copy('submissions', 'id, bundle_id, builder, outcome, latency_ms, error, bundle_hash, at')}
  ${copy('inclusions', 'bundle_id, block, tx_hash, status, builder, gas_used, effective_gas_price_wei, gross_wei, gas_paid_wei, builder_payment_wei, net_wei, simulated_net_wei, mismatch, at')}
  ${copy('misses', 'bundle_id, block, reason, detail, at')}
  ${copy('token_verdicts', 'chain, token, verdict, reason, probe_block, probed_at')}
  ${copy('bot_heartbeats', 'id, pid, host, started, beat, poll_ms, halted_since, acked_at, stopped')}
  ${copy('pool_registry', 'chain, address, kind, fee_bps, venue, factory, created_at, token0, token1, state')}
  ${copy('pool_checkpoints', 'chain, block, hash, parent_hash, at')}
  ${tables.map((table) => `DROP TABLE ${table};`).join('\n  ')}
  ${[...tables].reverse().map((table) => `ALTER TABLE ${table}_v6 RENAME TO ${table};`).join('\n  ')}
  CREATE INDEX opportunities_block ON opportunities (instance, block);
  CREATE INDEX simulations_opportunity ON simulations (opportunity_id);
  CREATE INDEX bundles_target_block ON bundles (instance, target_block);
  CREATE INDEX bundles_sent_at ON bundles (sent_at);
  CREATE INDEX submissions_bundle ON submissions (instance, bundle_id);
  CREATE INDEX inclusions_block ON inclusions (instance, block);
  CREATE INDEX bot_heartbeats_beat ON bot_heartbeats (beat);
  CREATE INDEX breaker_events_instance ON breaker_events (instance, id);
  ${dialect === 'postgres' ? postgresTail : ''}
  `;
}

/** Every table, children before the tables their foreign keys name (the order they are dropped in). */
const tables = [
  'misses', 'inclusions', 'submissions', 'bundles', 'simulations', 'opportunities', 'blocks', 'risk_state', 'breaker_events',
  'token_verdicts', 'bot_heartbeats', 'pool_registry', 'pool_checkpoints',
];

/**
 * PostgreSQL: identity columns do not move past ids copied into them, so each sequence is set after the
 * largest copied id; primary keys get back the names their tables have (errors quote them).
 */
const postgresTail = [
  ...['breaker_events', 'opportunities', 'simulations', 'submissions'].map(
    (table) => `SELECT setval(pg_get_serial_sequence('${table}', 'id'), coalesce(max(id), 0) + 1, false) FROM ${table};`,
  ),
  ...tables.map((table) => `ALTER TABLE ${table} RENAME CONSTRAINT ${table}_v6_pkey TO ${table}_pkey;`),
].join('\n  ');
