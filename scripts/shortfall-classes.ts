/**
 * shortfall-classes: why victims' credits fell short of their own values, per class, from a demo run's truth
 * records (SEARCHER_TRUTH_RECORDS) and its store (--db). See src/devnet/truth/shortfalls.ts for the classes.
 *
 *   SEARCHER_TRUTH_RECORDS=/tmp/r.jsonl node bin/searcher.js demo ... --db /tmp/r.db
 *   npx tsx scripts/shortfall-classes.ts --records /tmp/r.jsonl --db /tmp/r.db [--protocol v4] [--routes public,mevBlocker]
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import type { GradedRecord } from '../src/devnet/truth/gradedRecord.ts';
import { shortfallTable, type SentBackrun } from '../src/devnet/truth/shortfalls.ts';

const { values } = parseArgs({ options: { records: { type: 'string' }, db: { type: 'string' }, protocol: { type: 'string' }, routes: { type: 'string' } } });
if (!values.records || !values.db) {
  process.stderr.write('usage: shortfall-classes --records <jsonl> --db <sqlite> [--protocol v4] [--routes public,mevBlocker]\n');
  process.exit(2);
}
const routes = values.routes ? new Set(values.routes.split(',')) : undefined;
const records = readFileSync(values.records, 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line) as GradedRecord)
  .filter((record) => (!values.protocol || record.protocol === values.protocol) && (!routes || routes.has(record.route)));

const db = new Database(values.db, { readonly: true });
type Row = { id: number; victim: string | null; target_block: number; path: string; gross_wei: string; realised: string | null };
const rows = db
  .prepare(
    `SELECT o.id, o.victim, b.target_block, o.path, o.gross_wei, i.gross_wei AS realised
       FROM bundles b JOIN opportunities o ON o.id = b.opportunity_id
       LEFT JOIN inclusions i ON i.instance = b.instance AND i.bundle_id = b.id`,
  )
  .all() as Row[];
db.close();
const sent: SentBackrun[] = rows.map((row) => ({
  victim: row.victim,
  order: row.id,
  targetBlock: BigInt(row.target_block),
  pools: JSON.parse(row.path) as string[],
  predictedGrossWei: BigInt(row.gross_wei),
  realisedGrossWei: row.realised === null ? undefined : BigInt(row.realised),
}));

const { rows: shortfalls, byClass, totalWei } = shortfallTable(records, sent);
const best = records.reduce((sum, record) => sum + BigInt(record.marginalWei), 0n);
const eth = (wei: bigint) => (Number(wei) / 1e15).toFixed(4);
process.stdout.write(`victims ${records.filter((record) => record.marginalWei !== '0').length}, own value ${eth(best)}e15 wei, short ${eth(totalWei)}e15 wei\n`);
for (const row of shortfalls) {
  process.stdout.write(`  ${row.block} ${row.victim.slice(0, 10)} ${row.route.padEnd(10)} ${row.class.padEnd(12)} short ${eth(row.shortWei)} (cycle ${eth(row.cycleWei)}, below our cycle ${eth(row.sizeWei)})\n`);
}
for (const [name, sum] of Object.entries(byClass)) {
  if (sum.victims > 0) process.stdout.write(`${name.padEnd(12)} ${sum.victims} victims ${eth(sum.shortWei)}e15 wei (${totalWei === 0n ? 0 : Number((sum.shortWei * 10_000n) / totalWei) / 100}%)\n`);
}
