import { randomUUID } from 'node:crypto';
import type { Hex } from 'viem';
import { devnetChainId } from '../chain/chainIds.ts';
import type { Logger } from '../log.ts';
import type { OrderFlowSource } from '../mempool/types.ts';
import type { BundleRequest, SendPermit } from './types.ts';
import { classifyRefusal, guessedVerdict, isLateRefusal, type BuilderVerdict } from './builderVerdict.ts';

/** What a fan-out to the builders reports per builder (see fanout.ts); error kind `risk`: the gate refused first. */
export type SendOutcome = { builder: string; ok: boolean; bundleHash?: Hex; error?: { kind: string; message: string } };

/** The builders, as the submitter uses them. */
export interface BundleSender {
  /**
   * `allowed` is asked right before each request to each builder (retries included); `onFirstWrite` gets
   * performance.now() when the first request's bytes reach a builder's socket.
   */
  send(bundle: BundleRequest, allowed: SendPermit, onFirstWrite?: (at: number) => void): Promise<SendOutcome[]>;
  cancel(replacementUuid: string): Promise<unknown>;
}

/** Gives each of our transactions its nonce; one writer, resynced from the chain every head. */
export interface NonceSource {
  next(): Promise<number>;
  resync(): Promise<unknown> | void;
}

/** One opportunity to send: a backrun of a pending victim, or a block arbitrage (no victim). */
export type Opportunity = {
  /** One live bundle per key: the victim's hash, or the block arbitrage's pools. A new one supersedes the old. */
  key: string;
  /** The target: its signed bytes for a public victim; a private one is named by hash (its relay holds the bytes). */
  victim?: { raw?: Hex; hash: Hex };
  /**
   * Where the victim was seen, and so where the bundle goes: a public victim to every builder, a private one only
   * to the relay that showed it (`[targetHash, ours]`). Public when absent.
   */
  route?: OrderFlowSource;
  /** The victim's sender's earlier transactions still pending: they must land before it, so they go first. */
  leading?: ReadonlyArray<{ raw: Hex; hash: Hex }>;
  /** Signs our executor transaction for a target block (the plan is only valid in that block). */
  sign(target: bigint, nonce: number): Promise<{ raw: Hex; hash: Hex }>;
  /**
   * The risk layer's answer now, asked before every send (first and each re-send), again after the nonce and the
   * signature, and by the fan-out before each request: a halt or a pause that came after the opportunity was
   * approved stops it at the next of these. Required: there is no default answer.
   */
  allowed: SendPermit;
  /**
   * Called once, with performance.now(), when the first send's bundle reaches a builder's socket (in a dry run:
   * when it is logged instead): the end of the bot's side of "seen -> sent".
   */
  onSent?: (at: number) => void;
  /**
   * Sized on chain (a blind backrun): it reverts by design when the victim it waits for turns out too small, so a
   * relay refusing it because it reverts is a miss ("not included"), not a failure of ours.
   */
  sizedOnChain?: true;
  /**
   * From now on, sign it held to the executor's floor instead of its prediction (see Submitter.relax): for a bundle
   * whose state a transaction known only by its hint may move before it.
   */
  relax?: () => void;
};

export type MissReason = 'outbid' | 'not included' | 'cancelled' | 'superseded' | 'refused' | 'risk';

/** Where the submitter reports what it did (the store implements it). */
export interface SubmissionSink {
  sent(event: { uuid: string; key: string; target: bigint; ourHash: Hex; txHashes: Hex[]; outcomes: SendOutcome[]; dryRun: boolean; attempt: number }): void;
  included(event: { uuid: string; key: string; block: bigint; ourHash: Hex; victim?: Hex }): void;
  /**
   * `verdict`: why it missed as a builder reported it (or, marked `guessed`, as the bot infers when none said);
   * absent where no builder was involved (stopped by the risk layer).
   */
  missed(event: { uuid: string; key: string; block: bigint; reason: MissReason; detail: string; verdict?: BuilderVerdict }): void;
}

/** The builder's own account of a bundle that did not land, where the builder can give one. */
export type Explain = (bundleHash: Hex, block: bigint, context?: { blockTimestampSec?: number }) => Promise<{ reason: string; detail?: string; verdict?: BuilderVerdict } | undefined>;

type Tracked = {
  opportunity: Opportunity;
  uuid: string;
  target: bigint;
  ourHash: Hex;
  bundleHashes: Hex[];
  attempts: number;
  /** The nonce of the last signature: a replacement in place keeps it. */
  nonce?: number;
  /** A copy kept for a signature replaced in place (same uuid as the live entry that replaced it). */
  replaced?: true;
};

export type SubmitterParameters = {
  sender: BundleSender;
  nonces: NonceSource;
  /** 'send' only on the devnet or when the config says `submit: true`; otherwise log what would be sent. */
  mode: 'send' | 'dry-run';
  /** Besides the next block, re-send for up to this many following blocks while the opportunity stays valid. */
  extraBlocks: number;
  sink: SubmissionSink;
  logger: Logger;
  explain?: Explain;
  /**
   * The operator's transaction count at the end of a block, read from the chain at that block (not 'latest': a node
   * behind the head would show a nonce of ours that did land as missing). Without it, a miss nobody explains stays
   * a guess.
   */
  countAt?: (block: bigint) => Promise<number>;
  /** The private order-flow relays (MEV Blocker, MEV-Share): bundles on their victims go there and nowhere else. */
  relays?: Partial<Record<PrivateRoute, BundleSender>>;
};

export type PrivateRoute = Exclude<OrderFlowSource, 'public'>;

/**
 * Where a bundle goes and what it holds: a public victim's signed bytes (after the sender's earlier pending
 * transactions) to every builder; a private victim by hash to its relay, alone (one target per bundle, and
 * nothing may stand between it and the backrun).
 */
function bundleRoute(opportunity: Opportunity, relays: SubmitterParameters['relays']): { sender?: BundleSender; before: Array<{ raw: Hex; hash: Hex }>; head: Hex[] } | { refused: string } {
  const route = opportunity.route ?? 'public';
  const victim = opportunity.victim;
  if (route === 'public') {
    if (victim && !victim.raw) return { refused: 'a public victim without its signed bytes' };
    const before = [...(opportunity.leading ?? []), ...(victim ? [victim as { raw: Hex; hash: Hex }] : [])];
    return { before, head: before.map((tx) => tx.raw) };
  }
  const sender = relays?.[route];
  if (!sender) return { refused: `no ${route} relay configured: its victims cannot be backrun` };
  if (!victim) return { refused: `a ${route} bundle needs its target` };
  if ((opportunity.leading?.length ?? 0) > 0) return { refused: `a ${route} bundle holds one target: the victim's sender has earlier transactions pending` };
  return { sender, before: [{ raw: victim.hash, hash: victim.hash }], head: [victim.hash] };
}

/** Whether a refusal names one of the bundle's target transactions and not ours (by hash, as relays quote them). */
function namesOnly(message: string, targets: readonly string[], ours: Hex): boolean {
  const text = message.toLowerCase();
  return !text.includes(ours.toLowerCase()) && targets.some((hash) => text.includes(hash));
}

/** Whether a chain may receive bundles: the devnet always; anything else only when the config says submit. */
export function submissionMode(chainId: number, submit: boolean): 'send' | 'dry-run' {
  return chainId === devnetChainId || submit ? 'send' : 'dry-run';
}

/**
 * Sends each opportunity as a bundle `[victim, ours]` to every builder, targeting the next block; re-sends it
 * (re-signed for the new block, same replacementUuid) while its victim is still pending, for up to
 * `extraBlocks` more blocks; tracks inclusion on every head; cancels what is superseded or halted.
 */
export class Submitter {
  private readonly live = new Map<string, Tracked>();
  private readonly inFlight = new Set<Promise<SendOutcome[]>>();
  private readonly closing = new Set<Promise<unknown>>();
  /**
   * Bundles withdrawn before their block (superseded, halted): eth_cancelBundle is best effort, so a builder may
   * still seal one. Watched, by our transaction's hash, until their block has passed (the plan runs in no other).
   */
  private readonly withdrawn = new Map<string, Tracked>();
  /** Set by a shutdown: the reason every send from then on is refused. */
  private stopReason: string | undefined;

  constructor(private readonly parameters: SubmitterParameters) {}

  /**
   * Shutdown: from now on nothing more goes out (a new bundle, a re-send, a builder's retry), whatever the risk
   * layer says; what is live stays live until `cancelAll` withdraws it. Not undone: a stopped bot is restarted.
   */
  stopSending(reason: string): void {
    this.stopReason = reason;
  }

  /** Why nothing more goes out from here, once stopped. */
  get stopped(): string | undefined {
    return this.stopReason;
  }

  get outstanding(): number {
    return this.live.size;
  }

  /**
   * Signs an opportunity for `target` (the next block) and hands it to every builder. Returns once the bundle is
   * on its way; `delivered` settles with the builders' answers (the caller's next opportunity need not wait for
   * them: its nonce is already the next one). Supersedes a live bundle with the same key.
   */
  async submit(opportunity: Opportunity, target: bigint): Promise<{ uuid: string; ourHash: Hex; delivered: Promise<SendOutcome[]>; refused?: string }> {
    const previous = this.live.get(opportunity.key);
    if (previous) await this.close(previous, target - 1n, 'superseded', 'a better bundle for the same opportunity replaced it', true);
    // Every check of this bundle's permit (before each send and re-send, and the fan-out's before each request) sees a stop.
    const { allowed } = opportunity;
    const permit: SendPermit = (block) => (this.stopReason === undefined ? allowed(block) : { ok: false, reason: this.stopReason });
    opportunity = { ...opportunity, allowed: permit };
    const tracked: Tracked = { opportunity, uuid: randomUUID(), target, ourHash: '0x', bundleHashes: [], attempts: 0 };
    const verdict = opportunity.allowed(target);
    if (!verdict.ok) return { uuid: tracked.uuid, ourHash: '0x', delivered: Promise.resolve([]), refused: verdict.reason };
    this.live.set(opportunity.key, tracked);
    const sent = await this.send(tracked, target);
    if ('refused' in sent) {
      if (this.live.get(opportunity.key) === tracked) this.live.delete(opportunity.key);
      return { uuid: tracked.uuid, ourHash: '0x', delivered: Promise.resolve([]), refused: sent.refused };
    }
    return { uuid: tracked.uuid, ourHash: tracked.ourHash, delivered: sent.delivered };
  }

  /** Waits for every bundle handed to the builders to be answered (shutdown, tests). */
  async flushed(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
  }

  /** Waits for the answers, and for every miss being explained and recorded. */
  async settled(): Promise<void> {
    await this.flushed();
    await Promise.allSettled([...this.closing]);
  }

  /**
   * Signs for `target` and starts the fan-out; a promise inside an object, so awaiting the signature does not
   * await the builders. Refused when the gate says no after the nonce and the signature (a halt that landed
   * during those round trips): nothing is sent and the nonce is given back.
   */
  private async send(tracked: Tracked, target: bigint, inPlace = false): Promise<{ delivered: Promise<SendOutcome[]> } | { refused: string }> {
    const { sender, nonces, sink, logger, mode } = this.parameters;
    // A replacement in place keeps the nonce the live bundle holds: nothing to give back then.
    const nonce = inPlace ? tracked.nonce! : await nonces.next();
    const giveBack = () => {
      const resync = inPlace ? undefined : nonces.resync();
      if (resync) resync.catch(() => {}); // a failed read fails the next nonce request, which reads again
    };
    const ours = await tracked.opportunity.sign(target, nonce);
    const verdict = tracked.opportunity.allowed(target);
    if (!verdict.ok) {
      giveBack();
      logger.info({ target: String(target), uuid: tracked.uuid, reason: verdict.reason }, 'submitter: refused by the risk layer after signing, not sent');
      return { refused: verdict.reason };
    }
    const routed = bundleRoute(tracked.opportunity, this.parameters.relays);
    if ('refused' in routed) {
      giveBack();
      logger.warn({ target: String(target), uuid: tracked.uuid, reason: routed.refused }, 'submitter: not sent');
      return { refused: routed.refused };
    }
    const { before } = routed;
    const to = routed.sender ?? sender;
    const txs = [...routed.head, ours.raw];
    // A builder that does not take the replacement keeps the signature it replaces, which may still land: watched
    // like a withdrawn bundle, so landing it counts as ours and not as a victim that landed without us.
    if (inPlace && mode === 'send' && tracked.ourHash !== '0x') this.withdrawn.set(tracked.ourHash.toLowerCase(), { ...tracked, bundleHashes: [...tracked.bundleHashes], replaced: true });
    tracked.target = target;
    tracked.ourHash = ours.hash;
    tracked.nonce = nonce;
    tracked.attempts++;
    const bundle: BundleRequest = { txs, blockNumber: target, replacementUuid: tracked.uuid };
    logger.debug({ target: String(target), uuid: tracked.uuid, key: tracked.opportunity.key, nonce, attempt: tracked.attempts, inPlace, ourTx: ours.hash }, 'submitter: signed');
    const attempt = tracked.attempts;
    const onSent = attempt === 1 ? tracked.opportunity.onSent : undefined;
    if (mode !== 'send') {
      logger.info({ target: String(target), txs: txs.length, uuid: tracked.uuid, ourTx: ours.hash }, 'submitter: dry run, bundle not sent');
      onSent?.(performance.now());
    }
    const delivered = (mode === 'send' ? to.send(bundle, tracked.opportunity.allowed, onSent) : Promise.resolve([])).then(async (outcomes) => {
      if (tracked.attempts === attempt) tracked.bundleHashes = outcomes.flatMap((outcome) => (outcome.bundleHash ? [outcome.bundleHash] : []));
      sink.sent({ uuid: tracked.uuid, key: tracked.opportunity.key, target, ourHash: ours.hash, txHashes: [...before.map((tx) => tx.hash), ours.hash], outcomes, dryRun: mode !== 'send', attempt });
      if (inPlace && mode === 'send' && outcomes.every((outcome) => !outcome.ok)) {
        // The replacement did not take: the bundle it was to replace is still live at the builders, and tracked.
        logger.warn({ target: String(target), uuid: tracked.uuid }, 'submitter: no builder took the replacement held to the floor; the bundle sent before stands');
        return outcomes;
      }
      if (mode === 'send' && outcomes.every((outcome) => !outcome.ok) && this.live.get(tracked.opportunity.key) === tracked) {
        // Nobody took it: do not wait a block to learn that, and give the nonce back. A lost response means a
        // builder may hold it after all: withdraw it there. Stopped by the risk layer is no builder failure.
        this.live.delete(tracked.opportunity.key);
        if (outcomes.some((outcome) => outcome.error?.kind === 'timeout' || outcome.error?.kind === 'network')) await to.cancel(tracked.uuid).catch(() => {});
        await nonces.resync();
        // Not sent by our own rules (the risk layer, a builder's request rate): no builder failed.
        const stopped = outcomes.length > 0 && outcomes.every((outcome) => outcome.error?.kind === 'risk' || outcome.error?.kind === 'held');
        const noOpportunity = tracked.opportunity.sizedOnChain === true && outcomes.length > 0 && outcomes.every((outcome) => outcome.error?.kind === 'rpc' && /revert/i.test(outcome.error.message));
        // Refused for the victim's sake (its sender's earlier transaction not landed yet, the victim already mined):
        // a trade that was not there, not a failure of ours, so the failures breaker does not count it.
        const targets = before.map((tx) => tx.hash.toLowerCase());
        const targetsFault = outcomes.length > 0 && outcomes.every((outcome) => outcome.error?.kind === 'rpc' && namesOnly(outcome.error.message, targets, ours.hash));
        // Refused because the head had reached the target by the time it arrived (a start or a slot under load): a
        // bundle that came too late, not one that fails, so the failures breaker does not count it either.
        const late = outcomes.length > 0 && outcomes.every((outcome) => outcome.error?.kind === 'rpc' && isLateRefusal(outcome.error.message));
        const detail = outcomes.map((outcome) => `${outcome.builder}: ${outcome.error?.message ?? 'refused'}`).join('; ');
        // The first builder that refused in words (a JSON-RPC error) says why; a timeout or a dropped line says nothing.
        const said = outcomes.find((outcome) => outcome.error?.kind === 'rpc');
        const verdict = stopped ? undefined : said ? classifyRefusal(said.builder, said.error!.message) : guessedVerdict('refused', detail);
        sink.missed({ uuid: tracked.uuid, key: tracked.opportunity.key, block: target, reason: stopped ? 'risk' : noOpportunity || targetsFault || late ? 'not included' : 'refused', detail: noOpportunity ? `no trade at the victim's actual size (sized on chain): ${detail}` : targetsFault ? `the victim could not run there: ${detail}` : late ? `late: the target block was sealed before the bundle arrived: ${detail}` : detail, ...(verdict ? { verdict } : {}) });
      }
      return outcomes;
    });
    this.inFlight.add(delivered);
    void delivered.finally(() => this.inFlight.delete(delivered)).catch(() => {});
    // The request is written on a later tick (node:http hands a kept-alive socket over on process.nextTick, after
    // the signature's promises): one turn of the event loop lets every builder's bytes go out before the caller's
    // bookkeeping (reports, the store, the next victim's search) runs ahead of them.
    if (mode === 'send') await new Promise<void>((resolve) => setImmediate(resolve));
    return { delivered };
  }

  /**
   * Holds a live bundle for `target` to the executor's floor instead of its prediction, in place: its transaction is
   * signed again for the same block with the same nonce and sent under the same replacementUuid, so the builders
   * replace it. For a bundle whose pools a transaction known only by its hint (or our blind backrun of one) may move
   * before it: held to its prediction it would revert there, held to its floor it lands on the state it meets. False
   * when no such bundle is live or it cannot be relaxed.
   */
  async relax(uuid: string, target: bigint, options: { confirmed?: boolean } = {}): Promise<boolean> {
    const tracked = [...this.live.values()].find((candidate) => candidate.uuid === uuid);
    if (!tracked || tracked.target !== target || tracked.nonce === undefined || !tracked.opportunity.relax) return false;
    tracked.opportunity.relax();
    const sent = await this.send(tracked, target, true);
    if ('refused' in sent) return false;
    // Confirmed: a builder took the replacement (one that refuses it keeps the bundle sent before).
    return options.confirmed ? (await sent.delivered).some((outcome) => outcome.ok) : true;
  }

  /**
   * A new head: bundles that targeted it are included, outbid or missed; live ones still valid are re-sent for
   * the next block. Nonces restart from the chain's count (private bundles that missed leave no trace): the
   * resync is queued ahead of any later nonce, without waiting here. Asking builders why a bundle missed, and
   * cancelling, happen in the background.
   */
  async onHead(head: { number: bigint; transactions: readonly Hex[]; timestamp?: bigint }): Promise<void> {
    const resync = this.parameters.nonces.resync();
    if (resync) resync.catch(() => {}); // a failed read fails the next nonce request, which reads again
    // The operator's count at this head, read only if a miss needs it: below a missed bundle's nonce, that bundle
    // could not run. A failed read leaves the miss unexplained (undefined), never a nonce gap.
    let count: Promise<number | undefined> | undefined;
    const countAfter = () => (count ??= this.parameters.countAt ? this.parameters.countAt(head.number).catch(() => undefined) : Promise.resolve(undefined));
    const mined = new Set(head.transactions.map((hash) => hash.toLowerCase()));
    for (const [hash, tracked] of this.withdrawn) {
      if (mined.has(hash)) {
        const victim = tracked.opportunity.victim?.hash;
        // Its replacement (same uuid) is done with too: it can no longer land, nor be counted a miss.
        if (this.live.get(tracked.opportunity.key)?.uuid === tracked.uuid) this.live.delete(tracked.opportunity.key);
        const message = tracked.replaced ? 'submitter: the signature a replacement was to replace landed; accounted as included' : 'submitter: a withdrawn bundle landed anyway; accounted as included';
        this.parameters.logger.warn({ uuid: tracked.uuid, block: String(head.number) }, message);
        this.parameters.sink.included({ uuid: tracked.uuid, key: tracked.opportunity.key, block: head.number, ourHash: tracked.ourHash, ...(victim ? { victim } : {}) });
      }
      if (mined.has(hash) || tracked.target <= head.number) this.withdrawn.delete(hash);
    }
    for (const tracked of [...this.live.values()]) {
      if (tracked.target > head.number) continue;
      if (mined.has(tracked.ourHash.toLowerCase())) {
        this.live.delete(tracked.opportunity.key);
        const victim = tracked.opportunity.victim?.hash;
        this.parameters.sink.included({ uuid: tracked.uuid, key: tracked.opportunity.key, block: head.number, ourHash: tracked.ourHash, ...(victim ? { victim } : {}) });
        continue;
      }
      const victim = tracked.opportunity.victim;
      if (victim && mined.has(victim.hash.toLowerCase())) {
        this.closeLater(tracked, head.number, 'outbid', 'the victim landed without our backrun', false, head.timestamp, countAfter);
        continue;
      }
      if (tracked.attempts > this.parameters.extraBlocks || !victim) {
        this.closeLater(tracked, head.number, 'not included', `not in block ${head.number}`, true, head.timestamp, countAfter);
        continue;
      }
      const verdict = tracked.opportunity.allowed(head.number + 1n);
      if (!verdict.ok) {
        this.closeLater(tracked, head.number, 'risk', `not re-sent: ${verdict.reason}`, true);
        continue;
      }
      const resent = await this.send(tracked, head.number + 1n);
      if ('refused' in resent) this.closeLater(tracked, head.number, 'risk', `not re-sent: ${resent.refused}`, true);
    }
  }

  /** Closes a bundle now (no re-send) and records why after the builders have said what they know. */
  private closeLater(tracked: Tracked, block: bigint, reason: MissReason, fallback: string, cancel: boolean, timestamp?: bigint, countAfter?: () => Promise<number | undefined>): void {
    this.live.delete(tracked.opportunity.key);
    const done = (async () => {
      await this.flushed();
      const said = await this.builderSays(tracked, block, timestamp);
      if (said) return this.close(tracked, block, reason, said.text, cancel, said.verdict ?? guessedVerdict(reason, fallback));
      // Nobody to ask (a relay's bundle reaches the builder under the relay's name): a nonce gap is still a fact we
      // can read on chain. What the bot infers otherwise (the victim landed without us: "outbid") is only a guess.
      const gap = nonceGap(tracked.nonce, block, countAfter ? await countAfter() : undefined);
      if (gap) return this.close(tracked, block, 'not included', gap, cancel, { kind: 'nonce', detail: gap });
      await this.close(tracked, block, reason, fallback, cancel, guessedVerdict(reason, fallback));
    })().catch((error: Error) => this.parameters.logger.warn({ err: error.message }, 'submitter: closing a bundle failed'));
    this.closing.add(done);
    void done.finally(() => this.closing.delete(done));
  }

  /** Where this opportunity's bundles went: its relay for a private victim, the builders otherwise. */
  private senderOf(opportunity: Opportunity): BundleSender {
    const route = opportunity.route ?? 'public';
    return (route !== 'public' ? this.parameters.relays?.[route] : undefined) ?? this.parameters.sender;
  }

  private async builderSays(tracked: Tracked, block: bigint, timestamp?: bigint): Promise<{ text: string; verdict?: BuilderVerdict } | undefined> {
    const explain = this.parameters.explain;
    if (!explain) return undefined;
    for (const hash of tracked.bundleHashes) {
      try {
        // The block's timestamp lets a builder's "received at" show a bundle that came too late for it.
        const answer = await explain(hash, block, timestamp !== undefined ? { blockTimestampSec: Number(timestamp) } : undefined);
        if (answer) return { text: `builder: ${answer.reason}${answer.detail ? ` (${answer.detail})` : ''}`, ...(answer.verdict ? { verdict: answer.verdict } : {}) };
      } catch (error) {
        this.parameters.logger.debug({ err: (error as Error).message }, 'submitter: bundle stats unavailable');
      }
    }
    return undefined;
  }

  private async close(tracked: Tracked, block: bigint, reason: MissReason, detail: string, cancel: boolean, verdict?: BuilderVerdict): Promise<void> {
    this.live.delete(tracked.opportunity.key);
    if (cancel && this.parameters.mode === 'send' && tracked.attempts > 0) this.withdrawn.set(tracked.ourHash.toLowerCase(), tracked);
    if (cancel && this.parameters.mode === 'send') await this.senderOf(tracked.opportunity).cancel(tracked.uuid).catch(() => {});
    // Withdrawn by us (cancelled, superseded): a fact of ours, not a builder's word, so no builder is named.
    verdict ??= cancel ? { kind: 'cancelled', detail: `${reason}: ${detail}` } : guessedVerdict(reason, detail);
    this.parameters.sink.missed({ uuid: tracked.uuid, key: tracked.opportunity.key, block, reason, detail, verdict });
  }

  /**
   * Withdraws one live bundle from every builder (eth_cancelBundle by replacementUuid) once its sends are out, and
   * gives its nonce back: a bundle found wrong after it was sent. False when it is no longer live.
   */
  async cancel(uuid: string, detail: string): Promise<boolean> {
    await this.flushed();
    const tracked = [...this.live.values()].find((entry) => entry.uuid === uuid);
    if (!tracked) return false;
    await this.close(tracked, tracked.target, 'cancelled', detail, true);
    await Promise.resolve(this.parameters.nonces.resync()).catch(() => {});
    return true;
  }

  /** Halt: withdraw every live bundle from every builder (eth_cancelBundle by replacementUuid). */
  async cancelAll(detail: string): Promise<number> {
    await this.settled();
    const all = [...this.live.values()];
    await Promise.all(all.map((tracked) => this.close(tracked, tracked.target, 'cancelled', detail, true)));
    return all.length;
  }
}

/**
 * Why a bundle of ours could not have run in `block`, from the chain alone: after the block our operator's count is
 * below its transaction's nonce, so an earlier nonce of ours (another bundle on the same operator) did not land
 * there. undefined when the count reached the nonce (the nonce was free: the miss was something else) or is unknown.
 */
export function nonceGap(nonce: number | undefined, block: bigint, countAfter: number | undefined): string | undefined {
  if (nonce === undefined || countAfter === undefined || countAfter >= nonce) return undefined;
  return `our operator's transaction count after block ${block} is ${countAfter}, below this bundle's nonce ${nonce}: an earlier transaction of ours on this operator did not land, so this one could not`;
}
