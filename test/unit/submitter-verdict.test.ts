import { keccak256, toHex, type Hex } from 'viem';
import { describe, expect, it } from 'vitest';
import { NonceManager } from '../../src/bundle/nonceManager.ts';
import { Submitter, type Explain, type Opportunity, type SendOutcome, type SubmissionSink } from '../../src/bundle/submitter.ts';
import type { BundleRequest } from '../../src/bundle/types.ts';
import { createLogger } from '../../src/log.ts';

const tx = (label: string): { raw: Hex; hash: Hex } => {
  const raw = toHex(label);
  return { raw, hash: keccak256(raw) };
};

function setup(answer: (bundle: BundleRequest) => SendOutcome[], explain?: Explain, fetchNonce: () => Promise<number> = async () => 5, countAt?: (block: bigint) => Promise<number>) {
  const missed: Parameters<SubmissionSink['missed']>[0][] = [];
  const submitter = new Submitter({
    sender: { send: async (bundle) => answer(bundle), cancel: async () => {} },
    nonces: new NonceManager({ fetchNonce }),
    mode: 'send',
    extraBlocks: 0,
    sink: { sent: () => {}, included: () => {}, missed: (event) => missed.push(event) },
    logger: createLogger('test'),
    ...(explain ? { explain } : {}),
    ...(countAt ? { countAt } : {}),
  });
  return { submitter, missed };
}

function opportunity(key: string): { op: Opportunity; victim: { raw: Hex; hash: Hex } } {
  const victim = tx(`victim of ${key}`);
  return { op: { key, victim, allowed: () => ({ ok: true }), sign: async (target, nonce) => tx(`ours ${key} ${target} ${nonce}`) }, victim };
}

const accepted = (bundle: BundleRequest): SendOutcome[] => [{ builder: 'local', ok: true, bundleHash: keccak256(bundle.txs.at(-1)!) }];

describe('Submitter: a miss carries the builder\'s verdict, not the bot\'s guess', () => {
  it('the victim landed without us and the builder says "nonce": recorded as nonce, from that builder', async () => {
    const explain: Explain = async () => ({
      reason: 'local: reverted',
      detail: "a transaction's nonce is ahead of its sender's and the public pool does not fill the gap",
      verdict: { kind: 'nonce', builder: 'local', detail: "reverted: a transaction's nonce is ahead of its sender's and the public pool does not fill the gap" },
    });
    const { submitter, missed } = setup(accepted, explain);
    const a = opportunity('a');
    await (await submitter.submit(a.op, 11n)).delivered;
    await submitter.onHead({ number: 11n, transactions: [a.victim.hash] });
    await submitter.settled();
    expect(missed).toHaveLength(1);
    expect(missed[0]!.verdict).toEqual({ kind: 'nonce', builder: 'local', detail: "reverted: a transaction's nonce is ahead of its sender's and the public pool does not fill the gap" });
  });

  it("the head's timestamp reaches the builder's explanation (a bundle received after it was late)", async () => {
    const asked: unknown[] = [];
    const explain: Explain = async (_hash, _block, context) => {
      asked.push(context);
      return undefined;
    };
    const { submitter } = setup(accepted, explain);
    const a = opportunity('a');
    await (await submitter.submit(a.op, 11n)).delivered;
    await submitter.onHead({ number: 11n, transactions: [a.victim.hash], timestamp: 1_800_000_000n });
    await submitter.settled();
    expect(asked).toEqual([{ blockTimestampSec: 1_800_000_000 }]);
  });

  it('no builder explains: the inference is kept only as a guess, "other"', async () => {
    const { submitter, missed } = setup(accepted);
    const a = opportunity('a');
    await (await submitter.submit(a.op, 11n)).delivered;
    await submitter.onHead({ number: 11n, transactions: [a.victim.hash] });
    await submitter.settled();
    expect(missed.map((event) => event.verdict)).toEqual([{ kind: 'other', detail: 'guessed: outbid: the victim landed without our backrun', guessed: true }]);
  });

  it('refused at eth_sendBundle in words: classified from the refusal; a withdrawal of ours is "cancelled"', async () => {
    const refusing = setup(() => [{ builder: 'titan', ok: false, error: { kind: 'rpc', message: 'nonce too low: tx 5 state 6' } }]);
    await (await refusing.submitter.submit(opportunity('a').op, 11n)).delivered;
    expect(refusing.missed.map((event) => event.verdict)).toEqual([{ kind: 'nonce', builder: 'titan', detail: 'refused: nonce too low: tx 5 state 6' }]);

    const { submitter, missed } = setup(accepted);
    const { uuid } = await submitter.submit(opportunity('b').op, 11n);
    expect(await submitter.cancel(uuid, 'found wrong')).toBe(true);
    expect(missed.map((event) => event.verdict)).toEqual([{ kind: 'cancelled', detail: 'cancelled: found wrong' }]);
  });

  it("the victim landed without us while our operator's count stayed below our nonce: a nonce gap (a fact), not an outbid", async () => {
    // Two bundles of ours on one operator for block 11 (nonces 5 and 6); after block 11 the chain's count is still 5:
    // the first missed, so the second could not run whatever it bid (what a relay's bundle, which the bot cannot ask
    // the builder about, looked like: "guessed: outbid").
    // The count is read at the block itself (a node behind the head would show a nonce of ours that landed as missing).
    const asked: bigint[] = [];
    const { submitter, missed } = setup(accepted, undefined, async () => 5, async (block) => (asked.push(block), 5));
    const a = opportunity('a');
    const b = opportunity('b');
    await (await submitter.submit(a.op, 11n)).delivered;
    await (await submitter.submit(b.op, 11n)).delivered;
    await submitter.onHead({ number: 11n, transactions: [b.victim.hash] });
    await submitter.settled();
    const second = missed.find((event) => event.key === 'b')!;
    expect(second.reason).toBe('not included');
    expect(second.verdict).toEqual({ kind: 'nonce', detail: "our operator's transaction count after block 11 is 5, below this bundle's nonce 6: an earlier transaction of ours on this operator did not land, so this one could not" });
    expect(asked).toEqual([11n]);
  });

  it('the count at the block cannot be read: the miss stays a guess, never a nonce gap', async () => {
    const { submitter, missed } = setup(accepted, undefined, async () => 5, async () => {
      throw new Error('header not found');
    });
    const a = opportunity('a');
    const b = opportunity('b');
    await (await submitter.submit(a.op, 11n)).delivered;
    await (await submitter.submit(b.op, 11n)).delivered;
    await submitter.onHead({ number: 11n, transactions: [b.victim.hash] });
    await submitter.settled();
    expect(missed.find((event) => event.key === 'b')!.verdict).toEqual({ kind: 'other', detail: 'guessed: outbid: the victim landed without our backrun', guessed: true });
  });

  it("the victim landed without us and our nonce was free after the block: still only a guess (outbid)", async () => {
    const { submitter, missed } = setup(accepted, undefined, async () => 5, async () => 5);
    const a = opportunity('a');
    await (await submitter.submit(a.op, 11n)).delivered;
    await submitter.onHead({ number: 11n, transactions: [a.victim.hash] });
    await submitter.settled();
    expect(missed.map((event) => [event.reason, event.verdict])).toEqual([['outbid', { kind: 'other', detail: 'guessed: outbid: the victim landed without our backrun', guessed: true }]]);
  });
});
