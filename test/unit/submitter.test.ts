import { keccak256, toHex, type Hex } from 'viem';
import { describe, expect, it } from 'vitest';
import { NonceManager } from '../../src/bundle/nonceManager.ts';
import { Submitter, type Explain, type Opportunity, type SendOutcome, type SubmissionSink } from '../../src/bundle/submitter.ts';
import type { BundleRequest } from '../../src/bundle/types.ts';
import { createLogger } from '../../src/log.ts';

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const tx = (label: string): { raw: Hex; hash: Hex } => {
  const raw = toHex(label);
  return { raw, hash: keccak256(raw) };
};

/** The operator's count on chain, which the test moves as blocks would. */
function fakeChain(start: number) {
  const chain = { count: start, reads: 0, fetchNonce: async () => (chain.reads++, chain.count) };
  return chain;
}

/** Builders that record every bundle and cancel, and answer per the script (default: two builders accept). */
function fakeSender() {
  let bundleCount = 0;
  const sender = {
    bundles: [] as BundleRequest[],
    cancels: [] as string[],
    answer: (_bundle: BundleRequest): SendOutcome[] => {
      bundleCount++;
      return [
        { builder: 'alpha', ok: true, bundleHash: keccak256(toHex(`alpha bundle ${bundleCount}`)) },
        { builder: 'beta', ok: true, bundleHash: keccak256(toHex(`beta bundle ${bundleCount}`)) },
      ];
    },
    async send(bundle: BundleRequest) {
      sender.bundles.push(bundle);
      return sender.answer(bundle);
    },
    async cancel(uuid: string) {
      sender.cancels.push(uuid);
    },
  };
  return sender;
}

function recordingSink() {
  const sink = {
    sent: [] as Parameters<SubmissionSink['sent']>[0][],
    included: [] as Parameters<SubmissionSink['included']>[0][],
    missed: [] as Parameters<SubmissionSink['missed']>[0][],
  };
  const asSink: SubmissionSink = {
    sent: (event) => sink.sent.push(event),
    included: (event) => sink.included.push(event),
    missed: (event) => sink.missed.push(event),
  };
  return { sink, asSink };
}

/** An opportunity whose signature records (target, nonce) and yields a transaction unique to them. */
function opportunity(key: string, withVictim = true) {
  const signed: Array<{ target: bigint; nonce: number; raw: Hex; hash: Hex }> = [];
  const victim = withVictim ? tx(`victim of ${key}`) : undefined;
  const op: Opportunity = {
    key,
    ...(victim ? { victim } : {}),
    allowed: () => ({ ok: true }), // the risk layer says yes unless a test says otherwise
    async sign(target, nonce) {
      const ours = tx(`ours ${key} block ${target} nonce ${nonce}`);
      signed.push({ target, nonce, ...ours });
      return ours;
    },
  };
  return { op, signed, victim: victim! };
}

function setup(options: { extraBlocks?: number; mode?: 'send' | 'dry-run'; explain?: Explain; nonce?: number } = {}) {
  const chain = fakeChain(options.nonce ?? 5);
  const sender = fakeSender();
  const { sink, asSink } = recordingSink();
  const submitter = new Submitter({
    sender,
    nonces: new NonceManager(chain),
    mode: options.mode ?? 'send',
    extraBlocks: options.extraBlocks ?? 0,
    sink: asSink,
    logger: createLogger('test'),
    ...(options.explain ? { explain: options.explain } : {}),
  });
  return { chain, sender, sink, submitter };
}

describe('Submitter', () => {
  it('sends [victim, ours] for the target block under a replacementUuid; concurrent opportunities get consecutive nonces', async () => {
    const { sender, sink, submitter } = setup({ nonce: 5 });
    const a = opportunity('victim-a');
    const b = opportunity('victim-b');
    const [sentA, sentB] = await Promise.all([submitter.submit(a.op, 11n), submitter.submit(b.op, 11n)]);
    await Promise.all([sentA.delivered, sentB.delivered]);

    expect(a.signed.map(({ target, nonce }) => ({ target, nonce }))).toEqual([{ target: 11n, nonce: 5 }]);
    expect(b.signed.map(({ target, nonce }) => ({ target, nonce }))).toEqual([{ target: 11n, nonce: 6 }]);
    expect(sentA.uuid).toMatch(uuidPattern);
    expect(sentB.uuid).not.toBe(sentA.uuid);
    expect(sentA.ourHash).toBe(a.signed[0]!.hash);
    expect(sender.bundles).toEqual([
      { txs: [a.victim.raw, a.signed[0]!.raw], blockNumber: 11n, replacementUuid: sentA.uuid },
      { txs: [b.victim.raw, b.signed[0]!.raw], blockNumber: 11n, replacementUuid: sentB.uuid },
    ]);
    expect(sink.sent.map(({ uuid, target, txHashes, dryRun, attempt }) => ({ uuid, target, txHashes, dryRun, attempt }))).toEqual([
      { uuid: sentA.uuid, target: 11n, txHashes: [a.victim.hash, a.signed[0]!.hash], dryRun: false, attempt: 1 },
      { uuid: sentB.uuid, target: 11n, txHashes: [b.victim.hash, b.signed[0]!.hash], dryRun: false, attempt: 1 },
    ]);
    expect(submitter.outstanding).toBe(2);
  });

  it('our transaction in the head: included once, nothing left live, nothing cancelled', async () => {
    const { sender, sink, submitter } = setup();
    const a = opportunity('victim-a');
    const { uuid, ourHash, delivered } = await submitter.submit(a.op, 11n);
    await delivered;
    await submitter.onHead({ number: 11n, transactions: [tx('someone else').hash, a.victim.hash, ourHash.toUpperCase().replace('0X', '0x') as Hex] });
    await submitter.onHead({ number: 12n, transactions: [] });
    await submitter.settled();

    expect(sink.included).toEqual([{ uuid, key: 'victim-a', block: 11n, ourHash, victim: a.victim.hash }]);
    expect(sink.missed).toEqual([]);
    expect(submitter.outstanding).toBe(0);
    expect(sender.cancels).toEqual([]);
    expect(sender.bundles).toHaveLength(1);
  });

  it('the victim mined without us: missed as outbid, in the builder’s words when it explains', async () => {
    const asked: Array<{ hash: Hex; block: bigint }> = [];
    const explain: Explain = async (hash, block) => {
      asked.push({ hash, block });
      return { reason: 'outbid by another bundle', detail: 'winner paid 3 gwei more' };
    };
    const { sender, sink, submitter } = setup({ explain });
    const a = opportunity('victim-a');
    const { uuid, delivered } = await submitter.submit(a.op, 11n);
    const outcomes = await delivered;
    await submitter.onHead({ number: 11n, transactions: [a.victim.hash] });
    await submitter.settled();

    expect(sink.missed).toEqual([{ uuid, key: 'victim-a', block: 11n, reason: 'outbid', detail: 'builder: outbid by another bundle (winner paid 3 gwei more)', verdict: { kind: 'other', detail: 'guessed: outbid: the victim landed without our backrun', guessed: true } }]);
    expect(asked).toEqual([{ hash: outcomes[0]!.bundleHash, block: 11n }]);
    expect(sink.included).toEqual([]);
    expect(submitter.outstanding).toBe(0);
    expect(sender.bundles).toHaveLength(1); // not re-sent: its victim is gone

    // Without an explanation the submitter's own words stand.
    const plain = setup();
    const b = opportunity('victim-b');
    await (await plain.submitter.submit(b.op, 11n)).delivered;
    await plain.submitter.onHead({ number: 11n, transactions: [b.victim.hash] });
    await plain.submitter.settled();
    expect(plain.sink.missed.map(({ reason, detail }) => ({ reason, detail }))).toEqual([{ reason: 'outbid', detail: 'the victim landed without our backrun' }]);
  });

  it('extraBlocks = 1: re-signed for the next block under the same uuid with a fresh nonce, then closed as not included and cancelled', async () => {
    const { chain, sender, sink, submitter } = setup({ extraBlocks: 1, nonce: 5 });
    const a = opportunity('victim-a');
    const { uuid, delivered } = await submitter.submit(a.op, 11n);
    await delivered;

    // Block 11 lands without the bundle or its victim; meanwhile the operator's count moved to 7 on chain.
    chain.count = 7;
    await submitter.onHead({ number: 11n, transactions: [tx('unrelated').hash] });
    await submitter.flushed();
    expect(a.signed.map(({ target, nonce }) => ({ target, nonce }))).toEqual([
      { target: 11n, nonce: 5 },
      { target: 12n, nonce: 7 },
    ]);
    expect(sender.bundles).toHaveLength(2);
    expect(sender.bundles[1]).toEqual({ txs: [a.victim.raw, a.signed[1]!.raw], blockNumber: 12n, replacementUuid: uuid });
    expect(sink.sent.map(({ uuid: id, target, attempt }) => ({ id, target, attempt }))).toEqual([
      { id: uuid, target: 11n, attempt: 1 },
      { id: uuid, target: 12n, attempt: 2 },
    ]);
    expect(submitter.outstanding).toBe(1);
    expect(sink.missed).toEqual([]);
    expect(sender.cancels).toEqual([]);

    // Block 12 lands without it too: extraBlocks is used up, so it is closed and withdrawn.
    await submitter.onHead({ number: 12n, transactions: [tx('unrelated 2').hash] });
    await submitter.settled();
    expect(sender.bundles).toHaveLength(2);
    expect(sink.missed).toEqual([{ uuid, key: 'victim-a', block: 12n, reason: 'not included', detail: 'not in block 12', verdict: { kind: 'other', detail: 'guessed: not included: not in block 12', guessed: true } }]);
    expect(sender.cancels).toEqual([uuid]);
    expect(submitter.outstanding).toBe(0);
  });

  it('a second opportunity with the same key supersedes the first: cancelled by uuid and recorded', async () => {
    const { sender, sink, submitter } = setup();
    const first = opportunity('pools-x-y', false);
    const second = opportunity('pools-x-y', false);
    const one = await submitter.submit(first.op, 11n);
    const two = await submitter.submit(second.op, 11n);
    await submitter.flushed();

    expect(sender.cancels).toEqual([one.uuid]);
    expect(sink.missed).toEqual([{ uuid: one.uuid, key: 'pools-x-y', block: 10n, reason: 'superseded', detail: 'a better bundle for the same opportunity replaced it', verdict: { kind: 'cancelled', detail: 'superseded: a better bundle for the same opportunity replaced it' } }]);
    expect(two.uuid).not.toBe(one.uuid);
    expect(sender.bundles.map((bundle) => bundle.replacementUuid)).toEqual([one.uuid, two.uuid]);
    expect(sender.bundles[1]!.txs).toEqual([second.signed[0]!.raw]); // no victim: our transaction alone
    expect(submitter.outstanding).toBe(1);

    await submitter.onHead({ number: 11n, transactions: [two.ourHash] });
    expect(sink.included.map((event) => event.uuid)).toEqual([two.uuid]);
  });

  it('every builder held back by its request rate: missed for our own rule (risk), not as a refusal the failures breaker counts', async () => {
    const { sender, sink, submitter } = setup({ nonce: 5 });
    sender.answer = () => [
      { builder: 'alpha', ok: false, error: { kind: 'held', message: 'held back: alpha takes at most 30 requests/s' } },
      { builder: 'beta', ok: false, error: { kind: 'risk', message: 'halted' } },
    ];
    const a = opportunity('victim-a');
    const { uuid, delivered } = await submitter.submit(a.op, 11n);
    await delivered;
    expect(sink.missed).toEqual([{ uuid, key: 'victim-a', block: 11n, reason: 'risk', detail: 'alpha: held back: alpha takes at most 30 requests/s; beta: halted' }]);
    expect(submitter.outstanding).toBe(0);
  });

  it('every builder refusing: missed as refused at once, and the nonce is given back', async () => {
    const { chain, sender, sink, submitter } = setup({ nonce: 5 });
    const accept = sender.answer;
    sender.answer = () => [
      { builder: 'alpha', ok: false, error: { kind: 'rpc', message: 'bundle rejected: nonce too high' } },
      { builder: 'beta', ok: false, error: { kind: 'timeout', message: 'no answer in 2000 ms' } },
    ];
    const a = opportunity('victim-a');
    const { uuid, delivered } = await submitter.submit(a.op, 11n);
    await delivered;
    expect(sink.missed).toEqual([{ uuid, key: 'victim-a', block: 11n, reason: 'refused', detail: 'alpha: bundle rejected: nonce too high; beta: no answer in 2000 ms', verdict: { kind: 'nonce', builder: 'alpha', detail: 'refused: bundle rejected: nonce too high' } }]);
    expect(submitter.outstanding).toBe(0);
    expect(chain.reads).toBe(2); // the first read, and the resync

    sender.answer = accept;
    const b = opportunity('victim-b');
    await (await submitter.submit(b.op, 11n)).delivered;
    expect(a.signed[0]!.nonce).toBe(5);
    expect(b.signed[0]!.nonce).toBe(5);
    expect(sink.missed).toHaveLength(1);
  });

  it('every builder refusing because of the victim (named by its hash, ours not): missed as not included, not as our failure', async () => {
    const { sender, sink, submitter } = setup({ nonce: 5 });
    const a = opportunity('victim-a');
    sender.answer = () => [{ builder: 'relay', ok: false, error: { kind: 'rpc', message: `bundle simulation failed on block 10: nonce too high: tx 0 (${a.victim.hash}) has nonce 41, its sender's next is 40` } }];
    const { uuid, delivered } = await submitter.submit(a.op, 11n);
    await delivered;
    expect(sink.missed).toEqual([expect.objectContaining({ uuid, reason: 'not included', detail: expect.stringMatching(/^the victim could not run there: relay: bundle simulation failed/) })]);
    // Naming our transaction too (or only ours), it stays a refusal of ours.
    const b = opportunity('victim-b');
    sender.answer = () => [{ builder: 'relay', ok: false, error: { kind: 'rpc', message: `bundle simulation failed: tx 1 (${b.signed.at(-1)!.hash}) reverted after tx 0 (${b.victim.hash})` } }];
    await (await submitter.submit(b.op, 11n)).delivered;
    expect(sink.missed.at(-1)).toMatchObject({ reason: 'refused' });
  });

  it('every builder refusing because the target block is already sealed (late): missed as not included, not as our failure', async () => {
    const { sender, sink, submitter } = setup({ nonce: 5 });
    // The devnet builder's, a relay's forwarding it, and MEV-Share's words for a target the head has reached or passed.
    const late = ['wrong block: blockNumber 11 is not after the head (11)', 'builder: wrong block: blockNumber 11 is not after the head (11)', 'invalid inclusion: maxBlock 11 is not after the head 12', 'block number 11 is in the past'];
    for (const [i, message] of late.entries()) {
      sender.answer = () => [{ builder: 'relay', ok: false, error: { kind: 'rpc', message } }];
      const { uuid, delivered } = await submitter.submit(opportunity(`late-${i}`).op, 11n);
      await delivered;
      expect(sink.missed.at(-1), message).toMatchObject({ uuid, reason: 'not included', detail: expect.stringMatching(/^late: the target block was sealed before the bundle arrived: relay: /), verdict: { kind: 'late' } });
    }
    // One builder late and another refusing for a reason of ours: still a refusal.
    sender.answer = () => [
      { builder: 'a', ok: false, error: { kind: 'rpc', message: late[0]! } },
      { builder: 'b', ok: false, error: { kind: 'rpc', message: 'bundle reverts: tx 1 reverted' } },
    ];
    await (await submitter.submit(opportunity('late-mixed').op, 11n)).delivered;
    expect(sink.missed.at(-1)).toMatchObject({ reason: 'refused' });
  });

  it('relax: re-signed for the same block with the same nonce, held to the floor, under the same replacementUuid; a refused replacement leaves the bundle live', async () => {
    const { chain, sender, sink, submitter } = setup({ nonce: 5 });
    let floorOnly = false;
    const a = opportunity('victim-a');
    const relaxable: Opportunity = {
      ...a.op,
      relax: () => {
        floorOnly = true;
      },
      sign: async (target, nonce) => a.op.sign(target, floorOnly ? nonce + 1_000 : nonce), // the signature shows which it was
    };
    const { uuid, delivered } = await submitter.submit(relaxable, 11n);
    await delivered;
    expect(await submitter.relax('no-such-uuid', 11n)).toBe(false);
    expect(await submitter.relax(uuid, 12n)).toBe(false); // not live for that block
    expect(await submitter.relax(uuid, 11n)).toBe(true);
    await submitter.flushed();
    // Signed twice for block 11 with nonce 5: once held to the prediction, once to the floor (nonce 1005 in the fake).
    expect(a.signed.map(({ target, nonce }) => ({ target, nonce }))).toEqual([{ target: 11n, nonce: 5 }, { target: 11n, nonce: 1_005 }]);
    expect(sender.bundles.map((bundle) => bundle.replacementUuid)).toEqual([uuid, uuid]);
    expect(sender.bundles[1]!.txs).toEqual([a.victim.raw, a.signed[1]!.raw]);
    expect(submitter.outstanding).toBe(1);
    // The next bundle takes the next nonce: the replacement took none.
    const b = opportunity('victim-b');
    await (await submitter.submit(b.op, 11n)).delivered;
    expect(b.signed[0]!.nonce).toBe(6);

    // A replacement no builder takes: the bundle sent before stands, still tracked, and no nonce is given back.
    sender.answer = () => [{ builder: 'alpha', ok: false, error: { kind: 'rpc', message: 'unknown replacementUuid' } }];
    const reads = chain.reads;
    expect(await submitter.relax(uuid, 11n)).toBe(true);
    await submitter.flushed();
    expect(submitter.outstanding).toBe(2);
    expect(chain.reads).toBe(reads);
    expect(sink.missed).toEqual([]);
    // Landing with the relaxed signature's hash: included.
    await submitter.onHead({ number: 11n, transactions: [a.victim.hash, a.signed.at(-1)!.hash] });
    await submitter.settled();
    expect(sink.included.map((event) => event.uuid)).toContain(uuid);
  });

  it('relax: when the signature a replacement was to replace lands (a builder kept it), the bundle is included, not missed', async () => {
    const { sender, sink, submitter } = setup({ nonce: 5 });
    let floorOnly = false;
    const a = opportunity('victim-a');
    const relaxable: Opportunity = { ...a.op, relax: () => (floorOnly = true, undefined), sign: async (target, nonce) => a.op.sign(target, floorOnly ? nonce + 1_000 : nonce) };
    const { uuid, ourHash, delivered } = await submitter.submit(relaxable, 11n);
    await delivered;
    // One builder takes the replacement, the other answers an error and keeps the strict version.
    sender.answer = () => [
      { builder: 'alpha', ok: true, bundleHash: keccak256(toHex('alpha replacement')) },
      { builder: 'beta', ok: false, error: { kind: 'timeout', message: 'timed out' } },
    ];
    expect(await submitter.relax(uuid, 11n)).toBe(true);
    await submitter.flushed();
    expect(a.signed.at(-1)!.hash).not.toBe(ourHash);
    await submitter.onHead({ number: 11n, transactions: [a.victim.hash, ourHash] });
    await submitter.settled();
    expect(sink.included).toEqual([expect.objectContaining({ uuid, block: 11n, ourHash })]);
    expect(sink.missed).toEqual([]);
    expect(submitter.outstanding).toBe(0);
    // Nothing of it is watched after its block.
    await submitter.onHead({ number: 12n, transactions: [ourHash, a.signed.at(-1)!.hash] });
    await submitter.settled();
    expect(sink.included).toHaveLength(1);
  });

  it('dry run: the sender is never called, yet the bundle is recorded as sent with dryRun', async () => {
    const { sender, sink, submitter } = setup({ mode: 'dry-run' });
    const a = opportunity('victim-a');
    const { uuid, ourHash, delivered } = await submitter.submit(a.op, 11n);
    expect(await delivered).toEqual([]);
    expect(sink.sent).toEqual([{ uuid, key: 'victim-a', target: 11n, ourHash, txHashes: [a.victim.hash, ourHash], outcomes: [], dryRun: true, attempt: 1 }]);

    await submitter.onHead({ number: 11n, transactions: [] });
    await submitter.settled();
    expect(sink.missed.map((event) => event.reason)).toEqual(['not included']);
    expect(sender.bundles).toEqual([]);
    expect(sender.cancels).toEqual([]);
  });

  it('a withdrawn bundle that a builder includes anyway is still reported as included (its gas and profit are accounted)', async () => {
    const { sink, submitter } = setup({ nonce: 5 });
    const a = opportunity('victim-a');
    const b = opportunity('victim-b');
    const sentA = await submitter.submit(a.op, 11n);
    const sentB = await submitter.submit(b.op, 11n);
    await Promise.all([sentA.delivered, sentB.delivered]);
    expect(await submitter.cancelAll('halted: test')).toBe(2);
    expect(sink.missed.map((miss) => miss.uuid).sort()).toEqual([sentA.uuid, sentB.uuid].sort());
    // eth_cancelBundle is best effort: one builder had already sealed A into block 11.
    await submitter.onHead({ number: 11n, transactions: [a.victim.hash, sentA.ourHash] });
    expect(sink.included).toEqual([{ uuid: sentA.uuid, key: 'victim-a', block: 11n, ourHash: sentA.ourHash, victim: a.victim.hash }]);
    // Past their block a withdrawn bundle can no longer land (the plan names its block): nothing more is watched.
    await submitter.onHead({ number: 12n, transactions: [sentB.ourHash] });
    expect(sink.included).toHaveLength(1);
  });

  it('cancelAll withdraws every live bundle by uuid', async () => {
    const { sender, sink, submitter } = setup();
    const uuids: string[] = [];
    for (const key of ['victim-a', 'victim-b', 'pools-x-y']) uuids.push((await submitter.submit(opportunity(key, key !== 'pools-x-y').op, 11n)).uuid);
    expect(submitter.outstanding).toBe(3);

    expect(await submitter.cancelAll('halted: test')).toBe(3);
    expect([...sender.cancels].sort()).toEqual([...uuids].sort());
    expect(sink.missed.map(({ uuid, reason, detail }) => ({ uuid, reason, detail })).sort((x, y) => x.uuid.localeCompare(y.uuid))).toEqual(
      uuids.map((uuid) => ({ uuid, reason: 'cancelled', detail: 'halted: test' })).sort((x, y) => x.uuid.localeCompare(y.uuid)),
    );
    expect(submitter.outstanding).toBe(0);
    expect(await submitter.cancelAll('again')).toBe(0);
    expect(sender.cancels).toHaveLength(3);
  });

  it('stopSending (shutdown): nothing more goes out, not a new bundle, a re-send or a builder retry; cancelAll then withdraws what is live', async () => {
    const { sender, sink, submitter } = setup({ extraBlocks: 2 });
    const first = opportunity('victim-a');
    const sent = await submitter.submit(first.op, 11n);
    await sent.delivered;
    // The fan-out asks the permit it was given before each request (a retry too): after the stop it says no.
    const permits: Array<(block: bigint) => { ok: boolean }> = [];
    const send = sender.send;
    sender.send = async (bundle: BundleRequest, allowed?: (block: bigint) => { ok: boolean }) => (allowed && permits.push(allowed), send(bundle));
    await submitter.onHead({ number: 10n, transactions: [] }); // an older head: nothing to re-send
    const second = await submitter.submit(opportunity('victim-b').op, 11n);
    await second.delivered;
    expect(permits.at(-1)!(11n)).toEqual({ ok: true });

    submitter.stopSending('searcher stopping');
    expect(permits.at(-1)!(11n)).toEqual({ ok: false, reason: 'searcher stopping' });
    const late = opportunity('victim-c');
    expect((await submitter.submit(late.op, 11n)).refused).toBe('searcher stopping');
    expect(late.signed).toEqual([]);
    // Block 11 without them, victims still pending: no re-send, each closed and withdrawn.
    await submitter.onHead({ number: 11n, transactions: [] });
    await submitter.settled();
    expect(sender.bundles).toHaveLength(2);
    expect([...sender.cancels].sort()).toEqual([sent.uuid, second.uuid].sort());
    expect(sink.missed.map(({ reason, detail }) => ({ reason, detail }))).toEqual([
      { reason: 'risk', detail: 'not re-sent: searcher stopping' },
      { reason: 'risk', detail: 'not re-sent: searcher stopping' },
    ]);
    expect(await submitter.cancelAll('searcher stopped')).toBe(0);
  });

  it('asks the risk layer again before every send: a halt after approval stops the send, and a re-send the gate refuses is closed and cancelled', async () => {
    const { sender, sink, submitter } = setup({ extraBlocks: 2 });
    let halted = false;
    const allowed = () => (halted ? { ok: false as const, reason: 'risk killSwitch: halted' } : { ok: true as const });
    const first = opportunity('victim-a');
    const sent = await submitter.submit({ ...first.op, allowed }, 11n);
    await sent.delivered;
    expect(sent.refused).toBeUndefined();
    expect(sender.bundles).toHaveLength(1);

    halted = true;
    // The victim is still pending at the next head: the re-send is refused, the live bundle withdrawn.
    await submitter.onHead({ number: 11n, transactions: [] });
    await submitter.settled();
    expect(sender.bundles).toHaveLength(1);
    expect(sender.cancels).toEqual([sent.uuid]);
    expect(sink.missed.at(-1)).toMatchObject({ uuid: sent.uuid, reason: 'risk', detail: 'not re-sent: risk killSwitch: halted' });
    expect(submitter.outstanding).toBe(0);

    const late = opportunity('victim-b');
    const refused = await submitter.submit({ ...late.op, allowed }, 12n);
    expect(refused.refused).toBe('risk killSwitch: halted');
    expect(late.signed).toEqual([]);
    expect(sender.bundles).toHaveLength(1);
    expect(submitter.outstanding).toBe(0);
  });
});

describe('Submitter: private victims go back to the relay that showed them', () => {
  function withRelays() {
    const chain = fakeChain(3);
    const builders = fakeSender();
    const mevBlocker = fakeSender();
    const { sink, asSink } = recordingSink();
    const submitter = new Submitter({ sender: builders, relays: { mevBlocker }, nonces: new NonceManager(chain), mode: 'send', extraBlocks: 1, sink: asSink, logger: createLogger('test') });
    return { builders, mevBlocker, sink, submitter };
  }

  it('a MEV Blocker victim: [targetHash, ours] to the relay only, re-sent there, cancelled there', async () => {
    const { builders, mevBlocker, sink, submitter } = withRelays();
    const a = opportunity('private-a');
    const privateVictim = { hash: a.victim.hash };
    const sent = await submitter.submit({ ...a.op, victim: privateVictim, route: 'mevBlocker' }, 8n);
    await sent.delivered;
    expect(builders.bundles).toEqual([]);
    expect(mevBlocker.bundles).toEqual([{ txs: [a.victim.hash, a.signed[0]!.raw], blockNumber: 8n, replacementUuid: sent.uuid }]);
    expect(sink.sent[0]!.txHashes).toEqual([a.victim.hash, a.signed[0]!.hash]);
    // Neither landed in block 8: re-sent for 9, to the relay again; then closed and withdrawn there.
    await submitter.onHead({ number: 8n, transactions: [] });
    await submitter.settled();
    expect(mevBlocker.bundles.map((bundle) => bundle.blockNumber)).toEqual([8n, 9n]);
    await submitter.onHead({ number: 9n, transactions: [] });
    await submitter.settled();
    expect(mevBlocker.cancels).toEqual([sent.uuid]);
    expect(builders.cancels).toEqual([]);
  });

  it('refused, with nothing sent anywhere: a route without a relay, or a private victim whose sender has earlier transactions pending', async () => {
    const { builders, mevBlocker, submitter } = withRelays();
    const a = opportunity('private-b');
    const noRelay = await submitter.submit({ ...a.op, victim: { hash: a.victim.hash }, route: 'mevShare' }, 8n);
    expect(noRelay.refused).toMatch(/no mevShare relay configured/);
    const b = opportunity('private-c');
    const leading = await submitter.submit({ ...b.op, victim: { hash: b.victim.hash }, route: 'mevBlocker', leading: [tx('earlier')] }, 8n);
    expect(leading.refused).toMatch(/one target/);
    const c = opportunity('public-without-bytes');
    const unsigned = await submitter.submit({ ...c.op, victim: { hash: c.victim.hash } }, 8n);
    expect(unsigned.refused).toMatch(/without its signed bytes/);
    expect([...builders.bundles, ...mevBlocker.bundles]).toEqual([]);
    expect(submitter.outstanding).toBe(0);
  });
});

describe('Submitter: a blind backrun the relay refuses because it reverts', () => {
  function refusingRelay(message: string) {
    const relay = fakeSender();
    relay.answer = () => [{ builder: 'mevShare', ok: false, error: { kind: 'rpc', message } }];
    return relay;
  }

  it('is a miss (not included: no trade at the victim’s actual size), not a failure; any other refusal stays a refusal', async () => {
    const reverts = 'mev_sendBundle: refused: bundle reverts: tx 1 reverted (execution failed)';
    for (const [sizedOnChain, message, reason] of [
      [true, reverts, 'not included'],
      [false, reverts, 'refused'],
      [true, 'mev_sendBundle: refused: unknown target', 'refused'],
    ] as const) {
      const { sink, asSink } = recordingSink();
      const submitter = new Submitter({ sender: fakeSender(), relays: { mevShare: refusingRelay(message) }, nonces: new NonceManager(fakeChain(0)), mode: 'send', extraBlocks: 0, sink: asSink, logger: createLogger('test') });
      const a = opportunity(`blind-${sizedOnChain}-${reason}`);
      const sent = await submitter.submit({ ...a.op, victim: { hash: a.victim.hash }, route: 'mevShare', ...(sizedOnChain ? { sizedOnChain: true as const } : {}) }, 8n);
      await sent.delivered;
      await submitter.settled();
      expect(sink.missed.map((miss) => miss.reason)).toEqual([reason]);
      if (reason === 'not included') expect(sink.missed[0]!.detail).toMatch(/no trade at the victim's actual size/);
    }
  });
});
