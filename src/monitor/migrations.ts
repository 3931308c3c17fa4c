import { instanceMigration } from './migrationInstance.ts';
import type { SqlDialect } from './sqlDatabase.ts';

/**
 * A wei amount column, exact and signed where a loss is possible, never REAL and never a rounded float: decimal
 * TEXT in SQLite (whose integers stop at 2^63), NUMERIC with no fraction in PostgreSQL (exact at any size, read
 * back as a decimal string, and summable in SQL by an operator's own queries).
 */
const weiColumn = (dialect: SqlDialect) => (column: string, nullable = false) =>
  dialect === 'postgres'
    ? `${column} NUMERIC${nullable ? '' : ' NOT NULL'} CHECK (scale(${column}) = 0)`
    : `${column} TEXT${nullable ? '' : ' NOT NULL'} CHECK (${column} IS NULL OR (${column} GLOB '[0-9]*' OR ${column} GLOB '-[0-9]*') AND ltrim(${column}, '-') NOT GLOB '*[^0-9]*' AND ltrim(${column}, '-') <> '')`;

/**
 * Schema changes, in order; a store at version k runs migrations k.. on open, in a transaction.
 * Never edit a released migration: add the next one. Written once for both engines: the PostgreSQL backend
 * translates types (postgres/dialect.ts), and only wei columns are declared per dialect. `instance` names the
 * rows a store had before migration 6 tagged every row with its instance.
 */
export function migrationsFor(dialect: SqlDialect, instance: string): readonly string[] {
  const wei = weiColumn(dialect);
  return [
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
  // 2: profit accounting. Block counters are kept in the same transaction as the rows they count, so
  // blocks.candidates = count(opportunities), bundles_sent = count(bundles), included = count(successful inclusions).
  // An inclusion is our transaction landing on chain (a reverted one still costs gas); a miss is a bundle that did not.
  `
  CREATE TABLE blocks (
    number INTEGER PRIMARY KEY,
    hash TEXT,
    timestamp INTEGER,
    ${wei('base_fee_wei', true)},
    seen INTEGER NOT NULL DEFAULT 0,
    candidates INTEGER NOT NULL DEFAULT 0,
    bundles_sent INTEGER NOT NULL DEFAULT 0,
    included INTEGER NOT NULL DEFAULT 0
  ) STRICT;
  CREATE TABLE opportunities (
    id INTEGER PRIMARY KEY,
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
  CREATE INDEX opportunities_block ON opportunities (block);
  CREATE TABLE simulations (
    id INTEGER PRIMARY KEY,
    opportunity_id INTEGER NOT NULL REFERENCES opportunities (id),
    backend TEXT NOT NULL,
    ok INTEGER NOT NULL CHECK (ok IN (0, 1)),
    ${wei('gain_wei', true)},
    ${wei('net_wei', true)},
    gas_used INTEGER,
    error TEXT,
    at INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX simulations_opportunity ON simulations (opportunity_id);
  CREATE TABLE bundles (
    id TEXT PRIMARY KEY,
    opportunity_id INTEGER REFERENCES opportunities (id),
    target_block INTEGER NOT NULL,
    our_tx TEXT NOT NULL,
    txs TEXT NOT NULL,
    ${wei('predicted_net_wei')},
    ${wei('simulated_net_wei', true)},
    sent_at INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX bundles_target_block ON bundles (target_block);
  CREATE INDEX bundles_sent_at ON bundles (sent_at);
  CREATE TABLE submissions (
    id INTEGER PRIMARY KEY,
    bundle_id TEXT NOT NULL REFERENCES bundles (id),
    builder TEXT NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('accepted', 'refused', 'timeout', 'error')),
    latency_ms REAL NOT NULL,
    error TEXT,
    bundle_hash TEXT,
    at INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX submissions_bundle ON submissions (bundle_id);
  CREATE TABLE inclusions (
    bundle_id TEXT PRIMARY KEY REFERENCES bundles (id),
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
    at INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX inclusions_block ON inclusions (block);
  CREATE TABLE misses (
    bundle_id TEXT PRIMARY KEY REFERENCES bundles (id),
    block INTEGER NOT NULL,
    reason TEXT NOT NULL CHECK (reason IN ('outbid', 'not_included', 'reverted', 'expired', 'cancelled')),
    detail TEXT,
    at INTEGER NOT NULL
  ) STRICT;
  CREATE TABLE token_verdicts (
    token TEXT PRIMARY KEY,
    safe INTEGER NOT NULL CHECK (safe IN (0, 1)),
    reason TEXT NOT NULL,
    block TEXT NOT NULL,
    at INTEGER NOT NULL
  ) STRICT;
  `,
  // Token verdicts: per chain (chain id + genesis hash, so a devnet's address never inherits another chain's
  // verdict), verdict as text, the probe's block as an integer. The table of migration 2 was never written by
  // the bot (verdicts lived in a JSON file until now), so it is replaced, not copied. Self-contained: it reads
  // nothing another migration creates after 2.
  `
  DROP TABLE IF EXISTS token_verdicts;
  CREATE TABLE token_verdicts (
    chain TEXT NOT NULL,
    token TEXT NOT NULL,
    verdict TEXT NOT NULL CHECK (verdict IN ('safe', 'unsafe')),
    reason TEXT NOT NULL,
    probe_block INTEGER NOT NULL CHECK (probe_block >= 0),
    probed_at INTEGER NOT NULL,
    PRIMARY KEY (chain, token)
  ) STRICT;
  `,
  // 4: the running bot's heartbeat, so `searcher halt` can tell whether a bot heard it. One row per bot run;
  // halted_since is the `at` of the halt the bot holds in memory (null when running), acked_at when it took it.
  `
  CREATE TABLE bot_heartbeats (
    id TEXT PRIMARY KEY,
    pid INTEGER NOT NULL,
    host TEXT NOT NULL,
    started INTEGER NOT NULL,
    beat INTEGER NOT NULL,
    poll_ms INTEGER NOT NULL,
    halted_since INTEGER,
    acked_at INTEGER,
    stopped INTEGER
  ) STRICT;
  CREATE INDEX bot_heartbeats_beat ON bot_heartbeats (beat);
  `,
  // 5: the pool registry and the tracked pools' states at a checkpoint block, per chain, so a restart reads only
  // what changed since (state is null for a pool below the liquidity floor).
  `
  CREATE TABLE pool_registry (
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
    PRIMARY KEY (chain, address)
  ) STRICT;
  CREATE TABLE pool_checkpoints (
    chain TEXT PRIMARY KEY,
    block INTEGER NOT NULL CHECK (block >= 0),
    hash TEXT NOT NULL,
    parent_hash TEXT NOT NULL,
    at INTEGER NOT NULL
  ) STRICT;
  `,
    instanceMigration(dialect, wei, instance),
    // 7: order-flow sources. Each candidate names where its victim was seen (public mempool, MEV Blocker, MEV-Share;
    // block arbitrage is public: it needs no private flow), and its bundle inherits it through opportunity_id; each
    // landed bundle keeps the refund the relay's builder is expected to pay its user out of our payment (what the
    // bot can know: its payment times the refund percent). Rows from before are public with no refund.
    `
  ALTER TABLE opportunities ADD COLUMN source TEXT NOT NULL DEFAULT 'public' CHECK (source IN ('public', 'mevBlocker', 'mevShare'));
  ALTER TABLE inclusions ADD COLUMN ${wei('expected_refund_wei').replace(' NOT NULL', ` NOT NULL DEFAULT ${dialect === 'postgres' ? '0' : "'0'"}`)};
  CREATE INDEX opportunities_source ON opportunities (instance, source);
  `,
    // 8: why a bundle missed as the builder reported it (bundle/builderVerdict.ts), beside the bot's own `reason`:
    // the kind, the builder that said it (null for a guess or our own cancel), its words, whether it is only the
    // bot's guess, and the winner of an outbid with its bid where the builder exposes them. Older misses have none.
    `
  ALTER TABLE misses ADD COLUMN builder_reason TEXT CHECK (builder_reason IN ('outbid', 'reverted', 'nonce', 'late', 'cancelled', 'other'));
  ALTER TABLE misses ADD COLUMN builder TEXT;
  ALTER TABLE misses ADD COLUMN builder_detail TEXT;
  ALTER TABLE misses ADD COLUMN guessed INTEGER NOT NULL DEFAULT 0 CHECK (guessed IN (0, 1));
  ALTER TABLE misses ADD COLUMN winner_bundle TEXT;
  ALTER TABLE misses ADD COLUMN winner_signer TEXT;
  ALTER TABLE misses ADD COLUMN ${wei('winning_bid_wei', true)};
  ALTER TABLE misses ADD COLUMN ${wei('winning_gas_price_wei', true)};
  CREATE INDEX misses_builder_reason ON misses (instance, builder, builder_reason);
  `,
    // 9: every bid and its outcome (strategy/bidPolicy.ts): the share of the profit after gas we bid and its wei, the
    // opportunity's gross and gas (the basis a winner's bid is compared on), the pools (lowercase, comma-separated),
    // the builders it went to, and what came of it: won, outbid (with the winning bid where a builder exposed it),
    // missed for another reason (its kind), or pending. The policy learns again from these at start.
    `
  CREATE TABLE bids (
    instance TEXT NOT NULL,
    bundle_id TEXT NOT NULL,
    block INTEGER NOT NULL,
    pools TEXT NOT NULL,
    builders TEXT,
    policy TEXT NOT NULL CHECK (policy IN ('fixed', 'adaptive')),
    share_bps INTEGER NOT NULL CHECK (share_bps >= 0 AND share_bps <= 10000),
    ${wei('bid_wei')},
    ${wei('gross_wei')},
    ${wei('gas_wei')},
    outcome TEXT NOT NULL DEFAULT 'pending' CHECK (outcome IN ('pending', 'won', 'outbid', 'missed')),
    outcome_builder TEXT,
    miss_kind TEXT CHECK (miss_kind IN ('outbid', 'reverted', 'nonce', 'late', 'cancelled', 'other')),
    ${wei('winning_bid_wei', true)},
    at INTEGER NOT NULL,
    resolved_at INTEGER,
    PRIMARY KEY (instance, bundle_id)
  ) STRICT;
  CREATE INDEX bids_at ON bids (instance, at);
  `,
    // 10: Uniswap V4 pools in the pool registry: kind 'v4', the address column holds the pool id (32 bytes), the
    // factory the PoolManager, and v4_key the pool key as JSON (an id alone cannot be read back to its key). A
    // CHECK cannot be altered in SQLite: the table is rebuilt with its rows (the checkpoint stays warm).
    `
  CREATE TABLE pool_registry_v10 (
    instance TEXT NOT NULL,
    chain TEXT NOT NULL,
    address TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('v2', 'v3', 'v4')),
    fee_bps INTEGER,
    venue TEXT,
    factory TEXT,
    created_at INTEGER,
    token0 TEXT,
    token1 TEXT,
    state TEXT,
    v4_key TEXT,
    PRIMARY KEY (instance, chain, address)
  ) STRICT;
  INSERT INTO pool_registry_v10 (instance, chain, address, kind, fee_bps, venue, factory, created_at, token0, token1, state)
    SELECT instance, chain, address, kind, fee_bps, venue, factory, created_at, token0, token1, state FROM pool_registry;
  DROP TABLE pool_registry;
  ALTER TABLE pool_registry_v10 RENAME TO pool_registry;
  ${dialect === 'postgres' ? 'ALTER TABLE pool_registry RENAME CONSTRAINT pool_registry_v10_pkey TO pool_registry_pkey;' : ''}
  `,
    // 11: each candidate's pools as the market held them when it was found (monitor/hops.ts, JSON, one entry per
    // entry of path): protocol, venue, fee, tick spacing, V4 hooks and tokens, so the report and the dashboard name a
    // pool by more than its id (a V4 pool's id is 32 bytes: no column here has a length). Older rows have none.
    `
  ALTER TABLE opportunities ADD COLUMN hops TEXT;
  `,
  ];
}

/** The SQLite migrations (what a store file runs), for the instance name of rows written before migration 6. */
export const migrations: readonly string[] = migrationsFor('sqlite', 'default');
