import { getAddress } from 'viem';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { migrations, migrationsFor } from '../../src/monitor/migrations.ts';
import { Store, StoreError } from '../../src/monitor/store.ts';
import { postgresSetupTimeoutMs } from '../helpers/postgres.ts';
import { storeBackends } from '../helpers/storeBackends.ts';
import { clock, execution, hash, now, opportunity, pool, sendBundle } from '../helpers/storeFixtures.ts';

describe.each(storeBackends)('store on $name', (backend) => {
  const open: Store[] = [];
  let target = '';
  function freshStore(): Store {
    const store = Store.open(target, { now });
    open.push(store);
    return store;
  }
  beforeAll(() => backend.setup(), postgresSetupTimeoutMs);
  afterAll(() => backend.teardown());
  beforeEach(async () => {
    target = await backend.fresh();
  });
  afterEach(() => {
    for (const store of open.splice(0)) if (store.db.open) store.close();
  });

  describe('store schema', () => {
    it('creates the store with every table at the newest schema version, durable writes', () => {
      const store = freshStore();
      expect((store.db.prepare('SELECT version FROM schema_version').get() as { version: number }).version).toBe(migrations.length);
      const tables = backend.tables(store);
      for (const table of ['blocks', 'opportunities', 'simulations', 'bundles', 'submissions', 'inclusions', 'misses', 'token_verdicts', 'risk_state', 'breaker_events', 'bot_heartbeats', 'pool_registry', 'pool_checkpoints']) {
        expect(tables).toContain(table);
      }
      expect(tables.filter((table) => table.endsWith('_v6'))).toEqual([]);
      backend.expectDurable(store);
    });

    it('upgrades a version-1 store in place, keeping its risk state', () => {
      const old = backend.raw(target);
      old.exec('CREATE TABLE schema_version (version INTEGER NOT NULL)');
      old.exec(migrationsFor(backend.name, 'unused')[0]!);
      old.prepare('INSERT INTO schema_version (version) VALUES (1)').run();
      old.prepare('INSERT INTO risk_state (key, value) VALUES (?, ?)').run('halted', '{"since":1}');
      old.close();
      const store = Store.open(target, { now, instance: 'upgraded' });
      open.push(store);
      expect(store.riskValue('halted')).toBe('{"since":1}');
      store.countSeen(7, 2);
      expect(store.blockSummaries()[0]).toMatchObject({ number: 7, seen: 2 });
      expect(store.instances()).toEqual(['upgraded']);
    });

    it('refuses a store from a newer searcher, and a location that is not a store', async () => {
      const future = backend.raw(target);
      future.exec('CREATE TABLE schema_version (version INTEGER NOT NULL)');
      future.exec('INSERT INTO schema_version VALUES (99)');
      future.close();
      expect(() => Store.open(target)).toThrow(/schema version 99, newer than this searcher/);
      const notAStore = await backend.notAStore();
      expect(() => Store.open(notAStore)).toThrow(StoreError);
    });

    it('opens with mustExist only a store that is there, and leaves nothing behind otherwise', async () => {
      const missing = await backend.empty();
      expect(() => Store.open(missing, { mustExist: true })).toThrow(expect.objectContaining({ code: 'STORE_MISSING' }));
      expect(backend.leftBehind(missing)).toBe(false);
    });
  });

  describe('store amounts', () => {
    it('keeps amounts past 2^64 and negative nets exact, as exact decimals', () => {
      const store = freshStore();
      const huge = 2n ** 200n + 12345678901234567890123n;
      const id = store.recordOpportunity(opportunity(100, { amountInWei: huge, grossWei: huge, netWei: -huge }));
      const raw = store.db.prepare(`SELECT ${backend.typeOf('amount_in_wei')} AS t, amount_in_wei AS v, net_wei AS n FROM opportunities WHERE id = ?`).get(id) as { t: string; v: string; n: string };
      expect(raw).toEqual({ t: backend.weiType, v: huge.toString(), n: (-huge).toString() });
      const [read] = store.recentOpportunities(1);
      expect(read).toMatchObject({ id, amountInWei: huge, grossWei: huge, netWei: -huge, path: [pool(1), pool(2)], decision: 'send', latencyUs: 1234 });
    });

    it('rejects a non-integer amount written behind its back (the column checks, not only the code)', () => {
      const store = freshStore();
      expect(() => store.db.prepare("INSERT INTO blocks (instance, number, base_fee_wei) VALUES ('x', 1, '1.5')").run()).toThrow(/check constraint/i);
      expect(() => store.db.prepare("INSERT INTO blocks (instance, number, base_fee_wei) VALUES ('x', 2, ?)").run(1.5)).toThrow();
    });

    it('sums realised amounts per block in bigint, with a running net that counts every earlier block', () => {
      const store = freshStore();
      const big = 9n * 10n ** 18n; // past 2^63 wei once summed: SQLite integers would overflow
      sendBundle(store, 'a', 10);
      sendBundle(store, 'b', 10);
      sendBundle(store, 'c', 12);
      store.countSeen(10, 40);
      store.countSeen(11, 3);
      store.recordBlock({ number: 10, hash: hash(77), timestamp: 1_700_000_012, baseFeeWei: 7n });
      const a = execution(10, big, big / 2n);
      const b = execution(10, big, big / 4n);
      const c = execution(12, 10n ** 15n, 0n, 300_000n, 10n ** 10n); // gas costs more than it made
      store.recordInclusion({ bundleId: 'a', execution: a, simulatedNetWei: a.net });
      store.recordInclusion({ bundleId: 'b', execution: b, simulatedNetWei: b.net });
      store.recordInclusion({ bundleId: 'c', execution: c, simulatedNetWei: c.net });

      const blocks = store.blockSummaries();
      expect(blocks.map((b) => b.number)).toEqual([10, 11, 12]);
      expect(blocks[0]).toMatchObject({ number: 10, hash: hash(77), timestamp: 1_700_000_012, baseFeeWei: 7n, seen: 40, candidates: 2, sent: 2, included: 2 });
      expect(blocks[0]!.grossWei).toBe(a.gross + b.gross);
      expect(blocks[0]!.gasWei).toBe(a.gasPaid + b.gasPaid);
      expect(blocks[0]!.bribeWei).toBe(a.builderPayment + b.builderPayment);
      expect(blocks[0]!.netWei).toBe(a.net + b.net);
      expect(blocks[1]).toMatchObject({ seen: 3, candidates: 0, netWei: 0n, cumulativeNetWei: a.net + b.net });
      expect(blocks[2]!.netWei).toBeLessThan(0n);
      expect(blocks[2]!.cumulativeNetWei).toBe(a.net + b.net + c.net);

      const last = store.blockSummaries({ last: 1 });
      expect(last).toHaveLength(1);
      expect(last[0]!.cumulativeNetWei).toBe(a.net + b.net + c.net);

      expect(store.totals()).toMatchObject({ blocks: 3, seen: 43, candidates: 3, sent: 3, included: 3, missed: 0, mismatches: 0, grossWei: a.gross + b.gross + c.gross, netWei: a.net + b.net + c.net, simulatedNetWei: a.net + b.net + c.net });
      expect(store.inconsistencies()).toEqual([]);
    });
  });

  describe('store outcomes', () => {
    it('flags a realised net that differs from the simulation, and lists it', () => {
      const store = freshStore();
      sendBundle(store, 'x', 20);
      const landed = execution(20, 10n ** 16n, 10n ** 15n);
      store.recordInclusion({ bundleId: 'x', execution: landed, simulatedNetWei: landed.net + 1000n });
      expect(store.mismatches()).toEqual([{ bundleId: 'x', block: 20, txHash: landed.txHash, netWei: landed.net, simulatedNetWei: landed.net + 1000n, differenceWei: -1000n }]);
      expect(store.totals().mismatches).toBe(1);
    });

    it('refuses an account that does not add up', () => {
      const store = freshStore();
      sendBundle(store, 'bad', 21);
      const wrong = { ...execution(21, 10n ** 16n, 10n ** 15n), net: 1n };
      expect(() => store.recordInclusion({ bundleId: 'bad', execution: wrong })).toThrow(/does not add up/);
      expect(store.blockSummaries()[0]!.included).toBe(0);
    });

    it('counts a reverted landing as a loss of gas, not an inclusion', () => {
      const store = freshStore();
      sendBundle(store, 'r', 30);
      const reverted = execution(30, 0n, 0n, 80_000n, 3_000_000_000n, 'reverted');
      store.recordInclusion({ bundleId: 'r', execution: reverted });
      expect(store.blockSummaries()[0]).toMatchObject({ included: 0, gasWei: reverted.gasPaid, netWei: -reverted.gasPaid });
      expect(store.totals()).toMatchObject({ included: 0, reverted: 1 });
      expect(store.recentBundles(1)[0]).toMatchObject({ id: 'r', status: 'reverted', reason: 'reverted', netWei: -reverted.gasPaid });
    });

    it('replaces a miss by an inclusion and back (a reorg), keeping the counters equal to the rows', () => {
      const store = freshStore();
      sendBundle(store, 'z', 40);
      store.recordMiss({ bundleId: 'z', block: 40, reason: 'not_included' });
      expect(store.recentBundles(1)[0]).toMatchObject({ status: 'missed', reason: 'not_included' });
      store.recordInclusion({ bundleId: 'z', execution: execution(40, 10n ** 16n, 0n) });
      expect(store.recentBundles(1)[0]).toMatchObject({ status: 'included', reason: null, landedBlock: 40 });
      expect(store.totals()).toMatchObject({ included: 1, missed: 0 });
      store.recordMiss({ bundleId: 'z', block: 40, reason: 'outbid', detail: 'a higher bid won' });
      expect(store.recentBundles(1)[0]).toMatchObject({ status: 'missed', reason: 'outbid', detail: 'a higher bid won', netWei: null });
      expect(store.totals()).toMatchObject({ included: 0, missed: 1, netWei: 0n });
      expect(store.inconsistencies()).toEqual([]);
    });

    it('rolls a failed write back whole: the miss it replaced is still there', () => {
      const store = freshStore();
      sendBundle(store, 'w', 50);
      store.recordMiss({ bundleId: 'w', block: 50, reason: 'expired' });
      // A gas figure SQLite cannot hold fails the insert after the miss was deleted, inside the same transaction.
      const impossible = execution(50, 10n ** 16n, 0n, 2n ** 70n, 1n);
      expect(() => store.recordInclusion({ bundleId: 'w', execution: impossible })).toThrow(StoreError);
      expect(store.recentBundles(1)[0]).toMatchObject({ status: 'missed', reason: 'expired' });
      expect(store.inconsistencies()).toEqual([]);
    });

    it('names what it could not record: a duplicate bundle, an unknown bundle, a bad outcome', () => {
      const store = freshStore();
      sendBundle(store, 'dup', 60);
      expect(() => store.recordBundle({ id: 'dup', targetBlock: 60, ourTxHash: hash(1), txHashes: [hash(1)], predictedNetWei: 1n })).toThrow(/cannot record bundle dup: (UNIQUE|duplicate key)/);
      expect(() => store.recordSubmission({ bundleId: 'nope', builder: 'b', outcome: 'accepted', latencyMs: 1 })).toThrow(/foreign key/i);
      expect(() => store.recordMiss({ bundleId: 'dup', block: 60, reason: 'lost' as never })).toThrow(/check/i);
      expect(store.blockSummaries()[0]).toMatchObject({ sent: 1 });
      expect(store.inconsistencies()).toEqual([]);
    });
  });

  describe('store builders, bundles, verdicts', () => {
    it('credits an inclusion to the block builder when known, else to every builder that accepted', () => {
      const store = freshStore();
      for (const [id, block] of [['b1', 70], ['b2', 71], ['b3', 72]] as const) {
        sendBundle(store, id, block);
        store.recordSubmission({ bundleId: id, builder: 'alpha', outcome: 'accepted', latencyMs: 10, bundleHash: `0x${id}` });
        store.recordSubmission({ bundleId: id, builder: 'beta', outcome: id === 'b3' ? 'timeout' : 'accepted', latencyMs: 30 });
      }
      store.recordSubmission({ bundleId: 'b1', builder: 'gamma', outcome: 'refused', latencyMs: 5, error: 'bundle too old' });
      store.recordInclusion({ bundleId: 'b1', execution: execution(70, 10n ** 16n, 0n), builder: 'beta' });
      store.recordInclusion({ bundleId: 'b2', execution: execution(71, 10n ** 16n, 0n) });
      store.recordMiss({ bundleId: 'b3', block: 72, reason: 'not_included' });
      const stats = Object.fromEntries(store.builderStats().map((s) => [s.builder, s]));
      expect(stats.alpha).toMatchObject({ sent: 3, submissions: 3, accepted: 3, included: 1, meanLatencyMs: 10 });
      expect(stats.alpha!.inclusionRate).toBeCloseTo(1 / 3);
      expect(stats.beta).toMatchObject({ sent: 3, accepted: 2, timeout: 1, included: 2 });
      expect(stats.gamma).toMatchObject({ sent: 1, refused: 1, included: 0, inclusionRate: 0 });
    });

    it('lists recent bundles newest first with their submissions', () => {
      const store = freshStore();
      sendBundle(store, 'old', 80);
      clock.ms += 1000;
      sendBundle(store, 'new', 81, 5n, 4n);
      store.recordSubmission({ bundleId: 'new', builder: 'alpha', outcome: 'error', latencyMs: 2.5, error: 'socket hang up' });
      const [first, second] = store.recentBundles(10);
      expect(first).toMatchObject({ id: 'new', status: 'pending', targetBlock: 81, predictedNetWei: 5n, simulatedNetWei: 4n, sentAtMs: clock.ms });
      expect(first!.submissions).toEqual([{ builder: 'alpha', outcome: 'error', latencyMs: 2.5, error: 'socket hang up', bundleHash: null }]);
      expect(first!.txHashes).toEqual([hash(81), hash(10_081)]);
      expect(second!.id).toBe('old');
      expect(store.recentBundles(1)).toHaveLength(1);
    });

    it('keeps simulations with their opportunity and one verdict per token', () => {
      const store = freshStore();
      const id = store.recordOpportunity(opportunity(90));
      store.recordSimulation({ opportunityId: id, backend: 'simulateV1', ok: true, gainWei: 3n * 10n ** 15n, netWei: 2n * 10n ** 15n, gasUsed: 140_000n });
      store.recordSimulation({ opportunityId: id, backend: 'fork', ok: false, error: 'InsufficientProfit' });
      expect(store.recentOpportunities(1)[0]!.simulations).toEqual([
        { backend: 'simulateV1', ok: true, gainWei: 3n * 10n ** 15n, netWei: 2n * 10n ** 15n, gasUsed: 140_000, error: null },
        { backend: 'fork', ok: false, gainWei: null, netWei: null, gasUsed: null, error: 'InsufficientProfit' },
      ]);
      const token = '0x00000000000000000000000000000000000000aa' as const;
      store.saveTokenVerdicts('1:0xgenesis', [{ token, verdict: 'safe', reason: 'round trip ok', probeBlock: 5n, probedAt: 1000 }]);
      store.saveTokenVerdicts('1:0xgenesis', [{ token, verdict: 'unsafe', reason: 'sell reverts', probeBlock: 6n, probedAt: 2000 }]);
      store.saveTokenVerdicts('31337:0xother', [{ token, verdict: 'safe', reason: 'round trip ok', probeBlock: 7n, probedAt: 3000 }]);
      expect(store.loadTokenVerdicts('1:0xgenesis')).toEqual([{ token: getAddress(token), verdict: 'unsafe', reason: 'sell reverts', probeBlock: 6n, probedAt: 2000 }]);
      expect(store.loadTokenVerdicts('31337:0xother').map((verdict) => verdict.verdict)).toEqual(['safe']);
      expect(() => store.saveTokenVerdicts('1:0xgenesis', [{ token, verdict: 'maybe' as never, reason: '', probeBlock: 8n, probedAt: 4000 }])).toThrow(/token verdicts/);
    });
  });
});
