import type { Hex } from 'viem';
import type { ExclusionReason, StoredBundle, TxOutcome } from './protocol.ts';
import { effectivePriorityFee } from '../../bundle/fees.ts';
import { runDropping, type Ran } from './dropping.ts';
import { SequenceInvalidError, type SignedTx, type SimulationBlock } from './simulate.ts';

/** A bundle as it runs in the block: `txs` are those that ran (the bundle's, less the `dropped` ones). */
export type IncludedBundle = { bundle: StoredBundle; txs: SignedTx[]; dropped: Hex[]; outcomes: TxOutcome[]; coinbaseDiff: bigint; gasUsed: bigint };
/** `winner`: for an outbid bundle, the included one that took its place (a shared transaction or the state it needed). */
export type ExcludedBundle = { bundle: StoredBundle; reason: ExclusionReason; detail: string; winner?: IncludedBundle };



export type AssemblyInput = {
  block: SimulationBlock;
  /** Bundles targeting this block, not cancelled. */
  bundles: readonly StoredBundle[];
  /** Each bundle's transactions, decoded, by bundle hash. */
  decoded: ReadonlyMap<StoredBundle, readonly SignedTx[]>;
  /** The public mempool's pending transactions. */
  publicTxs: readonly SignedTx[];
  /** Runs transactions in order at the top of this block; throws SequenceInvalidError when they cannot run. */
  simulate: (txs: readonly SignedTx[]) => Promise<TxOutcome[]>;
  /** A sender's transaction count at the parent block. */
  chainNonce: (sender: string) => Promise<number>;
};

export type Assembly = {
  /** Every transaction of the block, in order: winning bundles first, then public transactions by fee. */
  order: SignedTx[];
  included: IncludedBundle[];
  excluded: ExcludedBundle[];
  publicHashes: string[];
};

const summed = (outcomes: readonly TxOutcome[]) => ({
  coinbaseDiff: outcomes.reduce((sum, outcome) => sum + outcome.gasFees + outcome.ethSentToCoinbase, 0n),
  gasUsed: outcomes.reduce((sum, outcome) => sum + outcome.gasUsed, 0n),
});

/** The first transaction that reverted without being allowed to, as a reason a searcher can read. */
function forbiddenRevert(bundle: StoredBundle, outcomes: readonly TxOutcome[]): string | undefined {
  const index = outcomes.findIndex((outcome) => outcome.reverted && !bundle.revertingTxHashes.has(outcome.txHash.toLowerCase()));
  if (index < 0) return undefined;
  return `tx ${index} (${outcomes[index]!.txHash}) reverted: ${outcomes[index]!.error ?? 'execution reverted'}`;
}

/** a pays the builder more per gas than b (exact: cross-multiplied, no division). */
const paysMore = (a: Pick<IncludedBundle, 'coinbaseDiff' | 'gasUsed'>, b: Pick<IncludedBundle, 'coinbaseDiff' | 'gasUsed'>) => a.coinbaseDiff * (b.gasUsed || 1n) - b.coinbaseDiff * (a.gasUsed || 1n);

/**
 * The block-building rules of a Flashbots-style builder: a bundle runs whole and in its order or not at all;
 * its transactions may revert only if listed; among bundles that conflict, the one paying the builder more per
 * gas (priority fees plus direct coinbase transfers) wins; public transactions fill the rest by priority fee,
 * each sender's in nonce order.
 */
export async function assembleBlock(input: AssemblyInput): Promise<Assembly> {
  const { block } = input;
  const excluded: ExcludedBundle[] = [];
  const priced: IncludedBundle[] = [];
  /** Bundles that cannot run at the top of the block but may after others (a searcher's nonce chain). */
  const deferred: Array<{ bundle: StoredBundle; why: string }> = [];
  for (const bundle of input.bundles) {
    const timestamp = Number(block.timestamp);
    if (bundle.minTimestamp !== undefined && bundle.minTimestamp > timestamp) {
      excluded.push({ bundle, reason: 'too early', detail: `minTimestamp ${bundle.minTimestamp} is after the block's ${timestamp}` });
      continue;
    }
    if (bundle.maxTimestamp !== undefined && bundle.maxTimestamp > 0 && bundle.maxTimestamp < timestamp) {
      excluded.push({ bundle, reason: 'expired', detail: `maxTimestamp ${bundle.maxTimestamp} is before the block's ${timestamp}` });
      continue;
    }
    try {
      const ran = await runDropping(input.simulate, bundle, input.decoded.get(bundle)!, []);
      const revert = forbiddenRevert(bundle, ran.outcomes);
      if (revert) excluded.push({ bundle, reason: 'reverted', detail: revert });
      else priced.push({ bundle, ...ran, ...summed(ran.outcomes) });
    } catch (error) {
      if (!(error instanceof SequenceInvalidError)) throw error;
      if (/nonce too high/.test(error.message)) deferred.push({ bundle, why: error.message });
      else excluded.push({ bundle, reason: 'reverted', detail: `invalid at the top of the block: ${error.message}` });
    }
  }
  priced.sort((a, b) => {
    const difference = paysMore(b, a);
    return difference > 0n ? 1 : difference < 0n ? -1 : a.bundle.receivedAtMs - b.bundle.receivedAtMs;
  });

  const included: IncludedBundle[] = [];
  const order: SignedTx[] = [];
  const takenBy = new Map<string, IncludedBundle>();
  let gasUsed = 0n;
  /** Each sender's next nonce after what the block holds so far. */
  const placedNext = new Map<string, number>();
  const pendingBySender = new Map<string, SignedTx[]>();
  for (const tx of input.publicTxs) pendingBySender.set(tx.from.toLowerCase(), [...(pendingBySender.get(tx.from.toLowerCase()) ?? []), tx]);
  /**
   * A bundle may carry a sender's later nonce while the earlier one waits in the public pool (a trader with two
   * pending swaps): the builder places those public transactions ahead of the bundle, as block building by fee
   * would. undefined when the pool cannot fill the gap.
   */
  const gapFillers = async (txs: readonly SignedTx[]): Promise<SignedTx[] | undefined> => {
    const fillers: SignedTx[] = [];
    const next = new Map<string, number>();
    for (const tx of txs) {
      const sender = tx.from.toLowerCase();
      let expected = next.get(sender) ?? placedNext.get(sender) ?? (await input.chainNonce(sender));
      while (expected < tx.nonce) {
        const filler = pendingBySender.get(sender)?.find((pending) => pending.nonce === expected);
        if (!filler) return undefined;
        fillers.push(filler);
        expected++;
      }
      next.set(sender, Math.max(expected, tx.nonce + 1));
    }
    return fillers;
  };
  /** Where each included bundle's transactions end in `order`. */
  const ends = new Map<IncludedBundle, number>();
  /**
   * The included bundle after which `bundle` no longer runs: it ran at the top of the block and does not after all of
   * them, so a bisection over how many of them run ahead finds one it runs before and not after (log2 of the
   * included count in simulations). Names the winner of a conflict over state or a nonce, as the shared transaction
   * does for a conflict over a victim. undefined when it still runs after them all (its own gap fillers failed it).
   */
  const displacedBy = async (bundle: StoredBundle): Promise<IncludedBundle | undefined> => {
    const runsAfter = async (count: number): Promise<boolean> => {
      try {
        const ran = await runDropping(input.simulate, bundle, input.decoded.get(bundle)!, order.slice(0, count === 0 ? 0 : ends.get(included[count - 1]!)));
        return !forbiddenRevert(bundle, ran.outcomes);
      } catch (error) {
        if (!(error instanceof SequenceInvalidError)) throw error;
        return false;
      }
    };
    if (included.length === 0 || (await runsAfter(included.length))) return undefined;
    let runs = 0;
    let fails = included.length;
    while (fails - runs > 1) {
      const middle = Math.floor((runs + fails) / 2);
      if (await runsAfter(middle)) runs = middle;
      else fails = middle;
    }
    return included[fails - 1];
  };
  const place = async (bundle: StoredBundle, alone: Ran | undefined, conflict: ExclusionReason): Promise<void> => {
    // A transaction the bundle may drop may have landed with another bundle: the rest may still run.
    const shared = bundle.txHashes.find((hash) => takenBy.has(hash.toLowerCase()) && !bundle.droppingTxHashes.has(hash.toLowerCase()));
    if (shared) {
      const winner = takenBy.get(shared.toLowerCase())!;
      excluded.push({ bundle, reason: 'outbid', detail: `shares tx ${shared} with bundle ${winner.bundle.bundleHash}, which pays more per gas`, winner });
      return;
    }
    const txs = input.decoded.get(bundle)!;
    const fillers = await gapFillers(txs);
    if (fillers === undefined) {
      excluded.push({ bundle, reason: conflict, detail: "a transaction's nonce is ahead of its sender's and the public pool does not fill the gap" });
      return;
    }
    const ahead = () => included.map((winner) => winner.bundle.bundleHash).join(', ');
    let ran: Ran;
    try {
      ran = included.length === 0 && alone && fillers.length === 0 ? alone : await runDropping(input.simulate, bundle, txs, [...order, ...fillers]);
    } catch (error) {
      if (!(error instanceof SequenceInvalidError)) throw error;
      const winner = conflict === 'outbid' ? await displacedBy(bundle) : undefined;
      excluded.push({ bundle, reason: conflict, detail: `invalid after the bundles ahead of it (${ahead() || 'none'}): ${error.message}`, ...(winner ? { winner } : {}) });
      return;
    }
    const { outcomes } = ran;
    const revert = forbiddenRevert(bundle, outcomes);
    if (revert) {
      const winner = conflict === 'outbid' ? await displacedBy(bundle) : undefined;
      excluded.push({ bundle, reason: conflict, detail: `after the bundles ahead of it (${ahead() || 'none'}), ${revert}`, ...(winner ? { winner } : {}) });
      return;
    }
    if (bundle.paidByTransfer && outcomes.slice(1).reduce((sum, outcome) => sum + outcome.ethSentToCoinbase, 0n) <= 0n) {
      excluded.push({ bundle, reason: 'unpaid', detail: "the relay's rule: the backrun must pay its bid as an ETH transfer to the block's fee recipient, and it transfers 0 wei" });
      return;
    }
    const totals = summed(outcomes);
    if (gasUsed + totals.gasUsed > block.gasLimit) {
      excluded.push({ bundle, reason: 'gas limit', detail: `needs ${totals.gasUsed} gas, ${block.gasLimit - gasUsed} left` });
      return;
    }
    gasUsed += totals.gasUsed;
    const winner: IncludedBundle = { bundle, ...ran, ...totals };
    included.push(winner);
    order.push(...fillers, ...ran.txs);
    ends.set(winner, order.length);
    for (const tx of [...fillers, ...ran.txs]) placedNext.set(tx.from.toLowerCase(), tx.nonce + 1);
    for (const tx of ran.txs) takenBy.set(tx.hash.toLowerCase(), winner);
  };
  // Nonce chains: a bundle whose sender's earlier nonce is not yet placed waits, and joins the others once it is.
  // Requests reach a builder in any order (a searcher's N+2 may arrive before its N+1), so, as a builder that tracks
  // nonces does, the waiting ones are priced again after each placement, where they would now run. Each step places
  // whichever pays the builder most per gas: the next of those that ran at the top of the block (priced there), or
  // a waiting one that can now run (priced after what is placed). Two bundles may carry the same nonce: the builder
  // runs the better one, and the other, no longer able to run, is left out. One whose gap only public transactions
  // fill waits until no other bundle can run (public transactions follow the bundles). What still has a gap at the
  // end is left out.
  let waiting = deferred.sort((a, b) => a.bundle.receivedAtMs - b.bundle.receivedAtMs).map((entry) => entry.bundle);
  let next = 0;
  while (next < priced.length || waiting.length > 0) {
    let ready: IncludedBundle | undefined;
    const cannotRun: StoredBundle[] = [];
    // Public transactions go after the bundles: one that needs some ahead of it waits until no other bundle can run
    // (the public transaction may be another bundle's victim, which that bundle places with its backrun).
    const fillerFree = new Set<StoredBundle>();
    for (const bundle of waiting) if ((await gapFillers(input.decoded.get(bundle)!))?.length === 0) fillerFree.add(bundle);
    const onlyFillerFree = next < priced.length || fillerFree.size > 0;
    for (const bundle of waiting) {
      const txs = input.decoded.get(bundle)!;
      const fillers = await gapFillers(txs);
      if (fillers === undefined || (onlyFillerFree && !fillerFree.has(bundle))) continue;
      let ran: Ran;
      try {
        ran = await runDropping(input.simulate, bundle, txs, [...order, ...fillers]);
      } catch (error) {
        if (!(error instanceof SequenceInvalidError)) throw error;
        cannotRun.push(bundle);
        continue;
      }
      if (forbiddenRevert(bundle, ran.outcomes)) {
        cannotRun.push(bundle);
        continue;
      }
      const candidate: IncludedBundle = { bundle, ...ran, ...summed(ran.outcomes) };
      if (!ready || paysMore(candidate, ready) > 0n) ready = candidate;
    }
    // place() runs each again where it now stands, and records why it is left out.
    for (const bundle of cannotRun) await place(bundle, undefined, 'reverted');
    const top = priced[next];
    if (top && (!ready || paysMore(top, ready) >= 0n)) {
      next++;
      await place(top.bundle, top, 'outbid');
    } else if (ready) {
      await place(ready.bundle, undefined, 'reverted');
    } else if (cannotRun.length === 0) {
      break;
    }
    const done = new Set([...cannotRun, ...(ready && !(top && paysMore(top, ready) >= 0n) ? [ready.bundle] : [])]);
    waiting = waiting.filter((bundle) => !done.has(bundle));
  }
  for (const bundle of waiting) await place(bundle, undefined, 'reverted');

  const publicTxs = publicByFee(input.publicTxs, order, block.baseFeePerGas);
  order.push(...publicTxs);
  return { order, included, excluded, publicHashes: publicTxs.map((tx) => tx.hash) };
}

/**
 * Pending public transactions not already in a bundle, highest priority fee first, each sender's in nonce order
 * and only from the sender's next nonce after the bundles'. Those that cannot pay the base fee wait.
 */
export function publicByFee(pending: readonly SignedTx[], bundled: readonly SignedTx[], baseFee: bigint): SignedTx[] {
  const bundledHashes = new Set(bundled.map((tx) => tx.hash.toLowerCase()));
  const nextNonce = new Map<string, number>();
  for (const tx of bundled) {
    const sender = tx.from.toLowerCase();
    nextNonce.set(sender, Math.max(nextNonce.get(sender) ?? 0, tx.nonce + 1));
  }
  const bySender = new Map<string, SignedTx[]>();
  for (const tx of pending) {
    if (bundledHashes.has(tx.hash.toLowerCase())) continue;
    const sender = tx.from.toLowerCase();
    if (tx.nonce < (nextNonce.get(sender) ?? 0)) continue; // replaced by a bundled transaction of the same sender
    const queue = bySender.get(sender) ?? [];
    queue.push(tx);
    bySender.set(sender, queue);
  }
  for (const queue of bySender.values()) queue.sort((a, b) => a.nonce - b.nonce);
  const result: SignedTx[] = [];
  for (;;) {
    let best: { sender: string; tx: SignedTx; fee: bigint } | undefined;
    for (const [sender, queue] of bySender) {
      const tx = queue[0];
      if (!tx) continue;
      if (tx.maxFeePerGas < baseFee) continue; // waits for a lower base fee
      const fee = effectivePriorityFee({ baseFee, maxFeePerGas: tx.maxFeePerGas, maxPriorityFeePerGas: tx.maxPriorityFeePerGas });
      if (!best || fee > best.fee) best = { sender, tx, fee };
    }
    if (!best) return result;
    bySender.get(best.sender)!.shift();
    result.push(best.tx);
  }
}
