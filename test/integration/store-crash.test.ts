import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Store } from '../../src/monitor/store.ts';
import { postgresSetupTimeoutMs } from '../helpers/postgres.ts';
import { storeBackends, type StoreBackend } from '../helpers/storeBackends.ts';
import { planned } from '../helpers/storeWriter.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const writer = fileURLToPath(new URL('../helpers/storeWriter.ts', import.meta.url));
const tsxLoader = new URL('../../node_modules/tsx/dist/loader.mjs', import.meta.url).href;

type Acks = { seen: Map<number, number>; opportunities: Map<number, number>; bundles: Set<number>; submissions: Set<number>; inclusions: Set<number>; misses: Set<number>; last: number };

/**
 * Runs the writer from iteration `start`, SIGKILLs it once `killAfter` writes are acknowledged, returns the acks.
 * The writer gets the store's location without a password (PostgreSQL: from a .pgpass file named in its environment).
 */
function writeAndKill(backend: StoreBackend, location: string, start: number, killAfter: number): Promise<Acks> {
  const { target, env } = backend.forChild(location);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', tsxLoader, writer, target, String(start)], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    const acks: Acks = { seen: new Map(), opportunities: new Map(), bundles: new Set(), submissions: new Set(), inclusions: new Set(), misses: new Set(), last: start };
    let count = 0;
    let buffer = '';
    let stderr = '';
    let killed = false;
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop()!;
      for (const line of lines) {
        // Lines after the kill are still acknowledgements of commits: keep them all.
        const [kind, a, b] = line.split(' ');
        const i = Number(a);
        if (kind === 'seen') acks.seen.set(i, (acks.seen.get(i) ?? 0) + 1);
        else if (kind === 'opportunity') {
          acks.opportunities.set(i, Number(b));
          acks.last = Math.max(acks.last, i);
        } else if (kind === 'bundle') acks.bundles.add(i);
        else if (kind === 'submission') acks.submissions.add(i);
        else if (kind === 'inclusion') acks.inclusions.add(i);
        else if (kind === 'miss') acks.misses.add(i);
        if (kind !== 'ready') count++;
      }
      if (!killed && count >= killAfter) {
        killed = true;
        child.kill('SIGKILL');
      }
    });
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL' && killed) resolve(acks);
      else reject(new Error(`writer exited by itself (code ${code}, signal ${signal}):\n${stderr}`));
    });
  });
}

function mergeAcks(into: Acks, from: Acks): void {
  for (const [block, n] of from.seen) into.seen.set(block, (into.seen.get(block) ?? 0) + n);
  for (const [i, id] of from.opportunities) into.opportunities.set(i, id);
  for (const key of ['bundles', 'submissions', 'inclusions', 'misses'] as const) for (const i of from[key]) into[key].add(i);
  into.last = Math.max(into.last, from.last);
}

describe.each(storeBackends)('store crash safety on $name', (backend) => {
  beforeAll(() => backend.setup(), postgresSetupTimeoutMs);
  afterAll(() => backend.teardown());

  it('keeps every acknowledged write, whole and consistent, across two SIGKILLs mid-write', async () => {
    const file = await backend.fresh();
    const acks = await writeAndKill(backend, file, 0, 2500);
    // The second writer goes on with the crashed store, past anything the first may have committed unacknowledged.
    mergeAcks(acks, await writeAndKill(backend, file, acks.last + 10, 2500));
    expect(acks.opportunities.size).toBeGreaterThan(500);
    expect(acks.inclusions.size).toBeGreaterThan(50);
    // Every kind of write the loops below check was acknowledged at least once (a loop over nothing checks nothing).
    for (const key of ['bundles', 'submissions', 'misses'] as const) expect(acks[key].size, key).toBeGreaterThan(0);
    expect(acks.seen.size).toBeGreaterThan(0);

    const store = Store.open(file, { mustExist: true });
    try {
      if (backend.name === 'sqlite') {
        expect(store.db.pragma('integrity_check', { simple: true })).toBe('ok');
        expect(store.db.pragma('foreign_key_check')).toEqual([]);
      }
      // The writer's rows are its instance's (the host name), the same one this reader defaults to.
      expect(store.instances()).toEqual([store.instance]);
      expect(store.inconsistencies()).toEqual([]);

      // Every acknowledged row is there, with the values written, to the wei.
      const opportunity = store.db.prepare('SELECT block, amount_in_wei, gross_wei, net_wei, reason FROM opportunities WHERE id = ?');
      for (const [i, id] of acks.opportunities) {
        const p = planned(i);
        expect(opportunity.get(id)).toEqual({ block: p.block, amount_in_wei: p.amountInWei.toString(), gross_wei: p.execution.gross.toString(), net_wei: p.execution.net.toString(), reason: `iteration ${i}` });
      }
      const bundle = store.db.prepare('SELECT target_block, predicted_net_wei FROM bundles WHERE id = ?');
      for (const i of acks.bundles) expect(bundle.get(planned(i).bundleId)).toEqual({ target_block: planned(i).block, predicted_net_wei: planned(i).execution.net.toString() });
      const submissions = store.db.prepare('SELECT count(*) AS n FROM submissions WHERE bundle_id = ?');
      for (const i of acks.submissions) expect(submissions.get(planned(i).bundleId)).toEqual({ n: 1 });
      const inclusion = store.db.prepare('SELECT block, gross_wei, gas_paid_wei, builder_payment_wei, net_wei, mismatch FROM inclusions WHERE bundle_id = ?');
      for (const i of acks.inclusions) {
        const { block, execution: e, bundleId } = planned(i);
        expect(inclusion.get(bundleId)).toEqual({ block, gross_wei: e.gross.toString(), gas_paid_wei: e.gasPaid.toString(), builder_payment_wei: e.builderPayment.toString(), net_wei: e.net.toString(), mismatch: 0 });
      }
      const miss = store.db.prepare('SELECT reason, detail FROM misses WHERE bundle_id = ?');
      for (const i of acks.misses) expect(miss.get(planned(i).bundleId)).toEqual({ reason: 'not_included', detail: `missed ${i}` });

      // Seen counters: never below what was acknowledged, and only ever whole increments of 3.
      const blocks = new Map(store.blockSummaries().map((b) => [b.number, b]));
      for (const [block, n] of acks.seen) {
        expect(blocks.get(block)!.seen).toBeGreaterThanOrEqual(3 * n);
        expect(blocks.get(block)!.seen % 3).toBe(0);
      }

      // The summaries add up from the rows (amounts past 2^64, summed in bigint).
      const rows = store.db.prepare('SELECT block, net_wei FROM inclusions').all() as Array<{ block: number; net_wei: string }>;
      const total = rows.reduce((sum, row) => sum + BigInt(row.net_wei), 0n);
      expect(store.totals()).toMatchObject({ included: rows.length, netWei: total });
      expect(store.blockSummaries().at(-1)!.cumulativeNetWei).toBe(total);
    } finally {
      store.close();
    }
  });
});
