/**
 * bench:store: what one store write costs the bot, measured on the bot's side, side by side in one run:
 *   - SQLite (the embedded default, WAL, synchronous=FULL),
 *   - PostgreSQL through our Store (a node-postgres connection in a worker, the caller blocked until the commit),
 *   - PostgreSQL through node-postgres directly, awaited (what a user would otherwise write).
 * The write is the risk layer's state upsert (`risk_state`), the one every breaker save does. PostgreSQL is a
 * throw-away Debian server on 127.0.0.1 (fsync on), started and stopped here.
 *
 *   npm run bench:store [-- --writes N --rounds R]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { LatencyHistogram } from '../src/histogram.ts';
import { Store } from '../src/monitor/store.ts';
import { startPostgres } from '../test/helpers/postgres.ts';

const { values } = parseArgs({ options: { writes: { type: 'string', default: '400' }, rounds: { type: 'string', default: '5' } } });
const writes = Number(values.writes);
const rounds = Number(values.rounds);
const upsert = 'INSERT INTO risk_state (instance, key, value) VALUES ($1, $2, $3) ON CONFLICT (instance, key) DO UPDATE SET value = excluded.value';

type Round = { p50: number; p99: number; max: number };

async function timed(write: (index: number) => unknown): Promise<Round> {
  const histogram = new LatencyHistogram();
  let max = 0;
  for (let index = 0; index < writes; index++) {
    const started = performance.now();
    await write(index);
    const us = Math.round((performance.now() - started) * 1000);
    histogram.record(us);
    max = Math.max(max, us);
  }
  return { p50: histogram.quantile(0.5), p99: histogram.quantile(0.99), max };
}

const json = (index: number) => JSON.stringify({ trippedAt: 1_700_000_000_000 + index, lossWei: String(10n ** 18n + BigInt(index)) });
const server = await startPostgres();
const dir = mkdtempSync(join(tmpdir(), 'bench-store-'));
const results: Record<string, Round[]> = { sqlite: [], 'postgres (our Store)': [], 'postgres (node-postgres, awaited)': [] };
try {
  const database = await server.createDatabase('bench');
  const sqlite = Store.open(join(dir, 'bench.db'), { instance: 'bench' });
  const postgres = Store.open(server.url(database), { instance: 'bench' });
  const direct = new pg.Client({ connectionString: server.url(database) });
  await direct.connect();
  try {
    for (let round = 0; round < rounds; round++) {
      // Interleaved, so a noisy moment on the machine hits every contender alike.
      results.sqlite!.push(await timed((index) => sqlite.setRiskValue('bench', json(index))));
      results['postgres (our Store)']!.push(await timed((index) => postgres.setRiskValue('bench', json(index))));
      results['postgres (node-postgres, awaited)']!.push(await timed((index) => direct.query(upsert, ['bench-direct', 'bench', json(index)])));
    }
    // The last value each wrote is the one read back: the bench measured writes that happened.
    if (postgres.riskValue('bench') !== json(writes - 1)) throw new Error('bench: the PostgreSQL store did not keep the last write');
    if (sqlite.riskValue('bench') !== json(writes - 1)) throw new Error('bench: the SQLite store did not keep the last write');
  } finally {
    await direct.end();
    sqlite.close();
    postgres.close();
  }
} finally {
  server.stop();
  rmSync(dir, { recursive: true, force: true });
}

const spread = (list: number[]) => {
  const sorted = [...list].sort((a, b) => a - b);
  return `${sorted[0]}/${sorted[Math.floor(sorted.length / 2)]}/${sorted.at(-1)}`;
};
console.log(`bench:store: ${writes} upserts per round, ${rounds} rounds; µs per write, min/median/max over the rounds`);
console.log(`${'store'.padEnd(36)} ${'p50'.padEnd(18)} ${'p99'.padEnd(18)} max`);
for (const [name, list] of Object.entries(results)) {
  console.log(`${name.padEnd(36)} ${spread(list.map((round) => round.p50)).padEnd(18)} ${spread(list.map((round) => round.p99)).padEnd(18)} ${spread(list.map((round) => round.max))}`);
}
