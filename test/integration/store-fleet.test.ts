import { spawn } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Store } from '../../src/monitor/store.ts';
import { runCli } from '../helpers/cli.ts';
import { fleetPlan } from '../helpers/fleetWriter.ts';
import { postgresSetupTimeoutMs, startPostgres, type PostgresServer } from '../helpers/postgres.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const writer = fileURLToPath(new URL('../helpers/fleetWriter.ts', import.meta.url));
const tsxLoader = new URL('../../node_modules/tsx/dist/loader.mjs', import.meta.url).href;

let server: PostgresServer;
let database: string;

/** One fleet member writing its plan, in its own process; the password reaches it only through PGPASSFILE. */
function writeAs(instance: 'east' | 'west'): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', tsxLoader, writer, server.url(database, false), instance], {
      cwd: root,
      env: { ...process.env, PGPASSFILE: server.passFile },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`writer ${instance} exited ${code}:\n${stderr}`))));
  });
}

/** The plan's totals, added up here from the amounts written (not by the store's code). */
function expectedTotals(instances: Array<'east' | 'west'>) {
  const rows = instances.flatMap((instance) => fleetPlan(instance));
  return {
    included: rows.length,
    grossWei: rows.reduce((sum, row) => sum + row.gross, 0n).toString(),
    bribeWei: rows.reduce((sum, row) => sum + row.builderPayment, 0n).toString(),
    netWei: rows.reduce((sum, row) => sum + row.net, 0n).toString(),
  };
}

const secretEnv = () => ({ PGPASSFILE: server.passFile });

beforeAll(async () => {
  server = await startPostgres();
  database = await server.createDatabase('fleet');
  execFileSync(process.execPath, ['scripts/build.mjs', '--quiet'], { cwd: root, stdio: 'inherit' });
}, postgresSetupTimeoutMs);
afterAll(() => server?.stop());

describe('a fleet on one PostgreSQL store', () => {
  it('two instances write at once; every row carries its instance; report shows one instance or all, to the wei', async () => {
    await Promise.all([writeAs('east'), writeAs('west')]);

    const store = Store.open(server.url(database), { instance: 'reader' });
    try {
      expect(store.instances()).toEqual(['east', 'west']);
      for (const table of ['blocks', 'opportunities', 'bundles', 'submissions', 'inclusions']) {
        const rows = store.db.prepare(`SELECT instance, count(*) AS n FROM ${table} GROUP BY instance ORDER BY instance`).all();
        expect(rows, table).toEqual([{ instance: 'east', n: 6 }, { instance: 'west', n: 6 }]);
      }
      expect(store.inconsistencies(null)).toEqual([]);
    } finally {
      store.close();
    }

    const east = await runCli(['report', '--db', server.url(database, false), '--instance', 'east', '--json'], secretEnv());
    expect(east.stderr).toBe('');
    expect(east.code).toBe(0);
    const eastJson = JSON.parse(east.stdout);
    expect(eastJson.instances).toEqual(['east']);
    expect(eastJson.totals).toMatchObject({ blocks: 6, seen: 12, candidates: 6, sent: 6, ...expectedTotals(['east']) });
    expect(BigInt(eastJson.totals.netWei)).toBeGreaterThan(2n ** 63n);

    const all = await runCli(['report', '--db', server.url(database, false), '--json'], secretEnv());
    expect(all.code).toBe(0);
    const allJson = JSON.parse(all.stdout);
    expect(allJson.instances).toEqual(['east', 'west']);
    // The same block numbers in both instances: one row per block, counters and amounts added up.
    expect(allJson.blocks).toHaveLength(6);
    expect(allJson.blocks[0]).toMatchObject({ number: 7000, seen: 4, candidates: 2, sent: 2, included: 2 });
    expect(allJson.totals).toMatchObject({ blocks: 6, seen: 24, candidates: 12, sent: 12, ...expectedTotals(['east', 'west']) });

    // A halt must reach a bot: in a shared store it names the instance, and halts only that one.
    const ambiguous = await runCli(['halt', '--db', server.url(database, false), '--reason', 'drill'], secretEnv());
    expect(ambiguous.code).toBe(2);
    expect(ambiguous.stderr).toMatch(/^searcher: the store \S+ is shared by instances .*east, .*west.*: name one with --instance NAME\n/);
    const halted = await runCli(['halt', '--db', server.url(database, false), '--instance', 'east', '--reason', 'drill'], secretEnv());
    expect(halted.code, halted.stderr).toBe(0);
    const check = Store.open(server.url(database), { instance: 'west' });
    try {
      expect(check.riskValue('halt')).toBeUndefined();
      const eastView = Store.open(server.url(database), { instance: 'east' });
      expect(JSON.parse(eastView.riskValue('halt')!)).toMatchObject({ reason: 'drill' });
      eastView.close();
    } finally {
      check.close();
    }

    const table = await runCli(['report', '--db', server.url(database, false)], secretEnv());
    expect(table.code).toBe(0);
    expect(table.stdout.trim().split('\n').at(-1)).toMatch(/^blocks 6; .*; instances east, west$/);
  });

  it('the whole bot runs on it: `searcher demo --db postgres://...` records every block, and `report` reads the same', async () => {
    const demoDb = await server.createDatabase('demo');
    const demo = await runCli(['demo', '--blocks', '3', '--json', '--dashboard-port', '0', '--db', server.url(demoDb, false), '--instance', 'demo-1'], secretEnv());
    expect(demo.code, demo.stderr).toBe(0);
    const result = JSON.parse(demo.stdout.trim().split('\n').at(-1)!) as { totals: { included: number; netProfitWei: string } };
    expect(result.totals.included).toBeGreaterThan(0);
    const report = await runCli(['report', '--db', server.url(demoDb, false), '--json'], secretEnv());
    expect(report.code).toBe(0);
    const json = JSON.parse(report.stdout);
    expect(json.instances).toEqual(['demo-1']);
    // The demo's blocks are all in the report (it may hold one more: a bundle for the block after the last counted).
    expect(json.totals.included).toBe(result.totals.included);
    expect(json.totals.netWei).toBe(result.totals.netProfitWei);
  }, 300_000);

  it('exact wei above 2^63 round-trip through the store as written', () => {
    const store = Store.open(server.url(database), { instance: 'east' });
    try {
      const [first] = fleetPlan('east');
      const row = store.db.prepare('SELECT gross_wei, builder_payment_wei, net_wei FROM inclusions WHERE instance = ? AND bundle_id = ?').get('east', first!.bundleId);
      expect(row).toEqual({ gross_wei: first!.gross.toString(), builder_payment_wei: first!.builderPayment.toString(), net_wei: first!.net.toString() });
      expect(store.recentBundles(6).find((bundle) => bundle.id === first!.bundleId)).toMatchObject({ netWei: first!.net, predictedNetWei: first!.net });
    } finally {
      store.close();
    }
  });

  it('a bad URL is bad usage (exit 2); a server it cannot reach is a runtime failure (exit 1); one line, password never shown', async () => {
    const secret = 'hunter2-Secret';
    const withSecret = (port: string | number, db = database) => `postgres://searcher:${secret}@127.0.0.1:${port}/${db}`;
    const oneLine = (result: { stderr: string; stdout: string }) => {
      expect(result.stdout).toBe('');
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr).not.toContain(secret);
      expect(result.stderr).not.toMatch(/\n\s+at /);
    };

    const onArgv = await runCli(['report', '--db', withSecret(server.port)]);
    oneLine(onArgv);
    expect(onArgv.code).toBe(2);
    expect(onArgv.stderr).toMatch(/^searcher: --db postgres:\/\/\*\*\*@127\.0\.0\.1:\d+\/\S+: a password on the command line .* PGPASSWORD/);

    const badPort = await runCli(['report'], { SEARCHER_DB: withSecret('notaport') });
    oneLine(badPort);
    expect(badPort.code).toBe(2);
    expect(badPort.stderr).toMatch(/^searcher: --db postgres:\/\/\*\*\*@.* is not a valid PostgreSQL URL/);

    const closed = await closedPort();
    const unreachable = await runCli(['report'], { SEARCHER_DB: withSecret(closed) });
    oneLine(unreachable);
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toMatch(new RegExp(`^searcher: cannot connect to the PostgreSQL store postgres://\\*\\*\\*@127\\.0\\.0\\.1:${closed}/\\S+: connect ECONNREFUSED 127\\.0\\.0\\.1:${closed}\n$`));

    const halt = await runCli(['halt', '--reason', 'drill'], { SEARCHER_DB: withSecret(closed) });
    oneLine(halt);
    expect(halt.code).toBe(1);

    const wrongPassword = await runCli(['report'], { SEARCHER_DB: withSecret(server.port) });
    oneLine(wrongPassword);
    expect(wrongPassword.code).toBe(1);
    expect(wrongPassword.stderr).toMatch(/password authentication failed for user "searcher"/);

    const noDatabase = await runCli(['report', '--db', server.url('no_such_db', false)], secretEnv());
    oneLine(noDatabase);
    expect(noDatabase.code).toBe(2);
    expect(noDatabase.stderr).toMatch(/database "no_such_db" does not exist/);

    const empty = await server.createDatabase('empty');
    const notAStore = await runCli(['report', '--db', server.url(empty, false)], secretEnv());
    oneLine(notAStore);
    expect(notAStore.code).toBe(2);
    expect(notAStore.stderr).toMatch(/no searcher store in postgres:\/\/\*\*\*@127\.0\.0\.1:\d+\/\S+ /);
    const check = Store.open(server.url(empty), { mustExist: false });
    try {
      // The report created nothing: this open is the first to migrate (version row inserted now, by us).
      expect(check.instances()).toEqual([]);
    } finally {
      check.close();
    }
  });
});

function closedPort(): Promise<number> {
  return import('node:net').then(
    ({ createServer }) =>
      new Promise((resolve) => {
        const probe = createServer();
        probe.listen(0, '127.0.0.1', () => {
          const { port } = probe.address() as { port: number };
          probe.close(() => resolve(port));
        });
      }),
  );
}
