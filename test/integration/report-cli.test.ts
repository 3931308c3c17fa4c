import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Hash } from 'viem';
import { beforeAll, describe, expect, it } from 'vitest';
import { Store } from '../../src/monitor/store.ts';
import { formatUnitsExact } from '../../src/units/decimal.ts';
import type { CliResult } from '../helpers/cli.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const tsxLoader = new URL('../../node_modules/tsx/dist/loader.mjs', import.meta.url).href;
const runner = fileURLToPath(new URL('../helpers/runCommand.ts', import.meta.url));

/**
 * `searcher report ARGS` as a user runs it, in its own process. src/cli/main.ts does not list the command
 * yet (the integrator registers it), so the module runs the way bin/searcher.js runs the bundled CLI.
 */
function report(args: string[], cwd = root, env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', tsxLoader, runner, join(root, 'src/cli/profitReport.ts'), ...args], { cwd, env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

const dir = mkdtempSync(join(tmpdir(), 'searcher-report-'));
const file = join(dir, 'searcher.db');
const eth = (wei: bigint) => formatUnitsExact(wei, 18);
const hash = (n: number) => `0x${n.toString(16).padStart(64, '0')}` as Hash;

/** What the test writes, per block: the amounts of each landed bundle (gross, payment, gas used, price). */
const plan = [
  { block: 500, seen: 12, landed: [[7n * 10n ** 15n, 3n * 10n ** 15n, 140_000n, 2_000_000_000n], [2n ** 66n, 10n ** 18n, 200_000n, 3_000_000_001n]] },
  { block: 501, seen: 4, landed: [] },
  { block: 502, seen: 9, landed: [[10n ** 14n, 0n, 300_000n, 1_500_000_000n]] }, // loses money
] as const;
const missedBlock = 501;
/** The order-flow source of the n-th bundle (1-based), and the refund its builder is expected to pay; the rest are public. */
const sourceOf: Record<number, { source: 'mevBlocker' | 'mevShare'; refund: bigint }> = { 2: { source: 'mevBlocker', refund: 0n }, 4: { source: 'mevShare', refund: 9n * 10n ** 13n } };

type Expected = { block: number; seen: number; candidates: number; sent: number; included: number; gross: bigint; gas: bigint; bribe: bigint; net: bigint; cumulative: bigint };
const expected: Expected[] = [];
const landedBySource: Array<{ n: number; gross: bigint; net: bigint }> = [];

beforeAll(() => {
  const store = Store.open(file);
  let n = 0;
  let cumulative = 0n;
  for (const { block, seen, landed } of plan) {
    store.countSeen(block, seen);
    const row: Expected = { block, seen, candidates: 0, sent: 0, included: 0, gross: 0n, gas: 0n, bribe: 0n, net: 0n, cumulative: 0n };
    const bundles = block === missedBlock ? [null] : landed;
    for (const amounts of bundles) {
      n++;
      const opportunityId = store.recordOpportunity({ block, victim: hash(n), path: [], amountInWei: 10n ** 18n, grossWei: 1n, gasWei: 1n, bribeWei: 0n, netWei: 0n, decision: 'send', reason: 'test', latencyUs: 100, ...(sourceOf[n] ? { source: sourceOf[n]!.source } : {}) });
      store.recordBundle({ id: `bundle-${n}`, opportunityId, targetBlock: block, ourTxHash: hash(1000 + n), txHashes: [hash(n), hash(1000 + n)], predictedNetWei: 1n });
      store.recordSubmission({ bundleId: `bundle-${n}`, builder: 'local', outcome: 'accepted', latencyMs: 3 });
      row.candidates++;
      row.sent++;
      if (amounts === null) {
        store.recordMiss({ bundleId: `bundle-${n}`, block, reason: 'outbid', verdict: { kind: 'outbid', builder: 'local', detail: 'outbid: shares a tx with a bundle that pays more per gas' } });
        continue;
      }
      const [gross, builderPayment, gasUsed, effectiveGasPrice] = amounts;
      const gasPaid = gasUsed * effectiveGasPrice;
      const net = gross - builderPayment - gasPaid;
      store.recordInclusion({ bundleId: `bundle-${n}`, execution: { txHash: hash(1000 + n), blockNumber: BigInt(block), status: 'success', gasUsed, effectiveGasPrice, gross, gasPaid, builderPayment, net }, ...(sourceOf[n] ? { expectedRefundWei: sourceOf[n]!.refund } : {}) });
      landedBySource.push({ n, gross, net });
      row.included++;
      row.gross += gross;
      row.gas += gasPaid;
      row.bribe += builderPayment;
      row.net += net;
    }
    cumulative += row.net;
    row.cumulative = cumulative;
    expected.push(row);
  }
  store.close();
  expect(expected.at(-1)!.net).toBeLessThan(0n);
});

const cells = (row: Expected) => [row.block, row.seen, row.candidates, row.sent, row.included, eth(row.gross), eth(row.gas), eth(row.bribe), eth(row.net), eth(row.cumulative)].map(String);

describe('searcher report', () => {
  it('prints one table line per block and a totals line, in exact ETH', async () => {
    const { code, stdout, stderr } = await report(['--db', file]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]!.trim().split(/\s{2,}/)).toEqual(['block', 'seen', 'candidates', 'sent', 'included', 'gross ETH', 'gas ETH', 'bribe ETH', 'net ETH', 'cumulative ETH']);
    expect(lines.slice(1, 1 + expected.length).map((line) => line.trim().split(/\s+/))).toEqual(expected.map(cells));
    const sum = (key: 'seen' | 'candidates' | 'sent' | 'included' | 'gross' | 'gas' | 'bribe' | 'net') => expected.reduce<bigint>((s, row) => s + BigInt(row[key]), 0n);
    expect(lines[1 + expected.length]!.trim().split(/\s+/)).toEqual(
      ['total', sum('seen'), sum('candidates'), sum('sent'), sum('included')].map(String).concat([eth(sum('gross')), eth(sum('gas')), eth(sum('bribe')), eth(sum('net')), eth(sum('net'))]),
    );
    expect(lines.at(-1)).toMatch(/^blocks 3; bundles missed 1, reverted on chain 0;/);
    expect(lines.at(-4)).toBe('misses as the builders reported them:');
    expect(lines.at(-2)!.trim().split(/\s+/)).toEqual(['local', '1', '0', '0', '0', '0', '0', '0']);
  });

  it('prints {"blocks", "totals"} with decimal wei strings for --json', async () => {
    const { code, stdout } = await report(['--db', file, '--json']);
    expect(code).toBe(0);
    const json = JSON.parse(stdout);
    expect(Object.keys(json).sort()).toEqual(['bids', 'blocks', 'instances', 'misses', 'pools', 'sources', 'totals', 'venues']);
    // Its candidates name no pools: the per-pool and per-venue lists are there, empty.
    expect([json.pools, json.venues]).toEqual([[], []]);
    // No bid recorded in this store: the bid-share buckets are there, empty.
    expect(json.bids).toEqual([]);
    expect(json.misses).toEqual({
      kinds: { outbid: 1, reverted: 0, nonce: 0, late: 0, cancelled: 0, other: 0 },
      byBuilder: [{ builder: 'local', outbid: 1, reverted: 0, nonce: 0, late: 0, cancelled: 0, other: 0, guessed: 0 }],
    });
    expect(json.blocks).toHaveLength(expected.length);
    json.blocks.forEach((block: Record<string, unknown>, i: number) => {
      const row = expected[i]!;
      expect(block).toMatchObject({
        number: row.block,
        seen: row.seen,
        candidates: row.candidates,
        sent: row.sent,
        included: row.included,
        grossWei: row.gross.toString(),
        gasWei: row.gas.toString(),
        bribeWei: row.bribe.toString(),
        netWei: row.net.toString(),
        cumulativeNetWei: row.cumulative.toString(),
      });
    });
    const net = expected.reduce((s, row) => s + row.net, 0n);
    expect(json.totals).toMatchObject({ blocks: 3, seen: 25, candidates: 4, sent: 4, included: 3, missed: 1, netWei: net.toString() });
    expect(typeof json.totals.grossWei).toBe('string');
  });

  it('reports per order-flow source (public, MEV Blocker, MEV-Share): candidates, sent, landed, gross, expected refunds, net; in the table and in --json', async () => {
    const of = (source: 'public' | 'mevBlocker' | 'mevShare') => landedBySource.filter((bundle) => (sourceOf[bundle.n]?.source ?? 'public') === source);
    const sum = (rows: typeof landedBySource, key: 'gross' | 'net') => rows.reduce((total, row) => total + row[key], 0n);
    expect(of('mevBlocker')).toHaveLength(1);
    expect(of('mevShare')).toHaveLength(1);
    const { stdout: json } = await report(['--db', file, '--json']);
    const { sources } = JSON.parse(json);
    expect(sources.public).toMatchObject({ opportunities: 2, sent: 2, landed: 1, grossWei: String(sum(of('public'), 'gross')), expectedRefundsWei: '0', netWei: String(sum(of('public'), 'net')) });
    expect(sources.mevBlocker).toMatchObject({ opportunities: 1, sent: 1, landed: 1, grossWei: String(sum(of('mevBlocker'), 'gross')), expectedRefundsWei: '0', netWei: String(sum(of('mevBlocker'), 'net')) });
    expect(sources.mevShare).toMatchObject({ opportunities: 1, sent: 1, landed: 1, grossWei: String(sum(of('mevShare'), 'gross')), expectedRefundsWei: String(9n * 10n ** 13n), netWei: String(sum(of('mevShare'), 'net')) });
    const { stdout } = await report(['--db', file]);
    const lines = stdout.trimEnd().split('\n');
    const header = lines.findIndex((line) => line.trim().startsWith('source'));
    expect(header).toBeGreaterThan(expected.length + 1);
    expect(lines[header]!.trim().split(/\s{2,}/)).toEqual(['source', 'candidates', 'sent', 'landed', 'gross ETH', 'expected refunds ETH', 'net ETH']);
    expect(lines.slice(header + 1, header + 4).map((line) => line.trim().split(/\s+/))).toEqual([
      ['public', '2', '2', '1', eth(sum(of('public'), 'gross')), '0', eth(sum(of('public'), 'net'))],
      ['mevBlocker', '1', '1', '1', eth(sum(of('mevBlocker'), 'gross')), '0', eth(sum(of('mevBlocker'), 'net'))],
      ['mevShare', '1', '1', '1', eth(sum(of('mevShare'), 'gross')), eth(9n * 10n ** 13n), eth(sum(of('mevShare'), 'net'))],
    ]);
  });

  it('keeps the newest N blocks with --last, cumulative still from the first block', async () => {
    const { code, stdout } = await report(['--db', file, '--json', '--last', '1']);
    expect(code).toBe(0);
    const { blocks } = JSON.parse(stdout);
    expect(blocks).toHaveLength(1);
    expect(blocks[0]).toMatchObject({ number: 502, cumulativeNetWei: expected.at(-1)!.cumulative.toString() });
  });

  it('exits 2 with a clear message for a missing store, and does not create it', async () => {
    const missing = join(dir, 'nowhere', 'searcher.db');
    const { code, stdout, stderr } = await report(['--db', missing]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe(`searcher: no store at ${missing} (\`searcher run\` creates it; pass --db FILE to read another)\n`);
    expect(existsSync(join(dir, 'nowhere'))).toBe(false);
    // The default path is absolute, under the home directory, wherever it runs: an empty home has none.
    const empty = mkdtempSync(join(tmpdir(), 'searcher-report-empty-'));
    const cwd = mkdtempSync(join(tmpdir(), 'searcher-report-cwd-'));
    const byDefault = await report([], cwd, { HOME: empty });
    expect(byDefault.code).toBe(2);
    expect(byDefault.stderr).toContain(join(empty, '.searcher/searcher.db'));
    expect(existsSync(join(empty, '.searcher'))).toBe(false);
    expect(existsSync(join(cwd, '.searcher'))).toBe(false);
  });

  it('exits 2 for a file that is not a store and for bad flags; --help exits 0', async () => {
    const junk = join(dir, 'junk.db');
    writeFileSync(junk, 'not a database '.repeat(100));
    const notStore = await report(['--db', junk]);
    expect(notStore.code).toBe(2);
    expect(notStore.stderr).toMatch(/^searcher: cannot open the store .*junk\.db: file is not a database\n$/);
    const badLast = await report(['--db', file, '--last', 'ten']);
    expect(badLast.code).toBe(2);
    expect(badLast.stderr).toMatch(/--last must be an integer/);
    const help = await report(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Usage: searcher report \[--db FILE\] \[--last N\] \[--json\]/);
  });
});
