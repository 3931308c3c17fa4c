import type { Hex } from 'viem';
import type { StoredBundle, TxOutcome } from './protocol.ts';
import { SequenceInvalidError, type SignedTx } from './simulate.ts';

/** The bundle's transactions that ran after some others (those not dropped), and what they did. */
export type Ran = { txs: SignedTx[]; dropped: Hex[]; outcomes: TxOutcome[] };

/** Runs transactions in order at the top of the block being built; throws SequenceInvalidError when they cannot run. */
export type Simulate = (txs: readonly SignedTx[]) => Promise<TxOutcome[]>;

/**
 * Runs a bundle's transactions after `ahead`, leaving out those listed in droppingTxHashes that cannot run there
 * (invalid: nonce, balance, fee) or revert (BuilderNet's and Titan's rule: "may be discarded, but may not revert"; a
 * hash also in revertingTxHashes may revert and stays), one at a time, until the rest runs. Throws
 * SequenceInvalidError when an unlisted transaction cannot run, or every transaction was dropped.
 */
export async function runDropping(
  simulate: Simulate,
  bundle: Pick<StoredBundle, 'droppingTxHashes' | 'revertingTxHashes'>,
  txs: readonly SignedTx[],
  ahead: readonly SignedTx[],
): Promise<Ran> {
  const kept = [...txs];
  const dropped: Hex[] = [];
  const droppable = (tx: SignedTx) => bundle.droppingTxHashes.has(tx.hash.toLowerCase());
  for (;;) {
    if (kept.length === 0) throw new SequenceInvalidError('BUNDLE_INVALID', 'every transaction of the bundle was dropped (droppingTxHashes)');
    let outcomes: TxOutcome[];
    try {
      outcomes = (await simulate([...ahead, ...kept])).slice(ahead.length);
    } catch (error) {
      if (!(error instanceof SequenceInvalidError) || !kept.some(droppable)) throw error;
      const culprit = await firstInvalid(simulate, ahead, kept, error);
      if (culprit === undefined || !droppable(kept[culprit]!)) throw error;
      dropped.push(kept[culprit]!.hash);
      kept.splice(culprit, 1);
      continue;
    }
    const reverted = outcomes.findIndex((outcome, i) => outcome.reverted && droppable(kept[i]!) && !bundle.revertingTxHashes.has(outcome.txHash.toLowerCase()));
    if (reverted < 0) {
      const position = new Map(txs.map((tx, i) => [tx.hash, i]));
      return { txs: kept, dropped: dropped.sort((a, b) => position.get(a)! - position.get(b)!), outcomes };
    }
    dropped.push(kept[reverted]!.hash);
    kept.splice(reverted, 1);
  }
}

/**
 * Which of `txs` (run after `ahead`) cannot run: the nonce check names it; for anything else, the shortest prefix
 * that fails. undefined when every prefix runs.
 */
async function firstInvalid(simulate: Simulate, ahead: readonly SignedTx[], txs: readonly SignedTx[], error: SequenceInvalidError): Promise<number | undefined> {
  const named = /^nonce too (?:low|high): tx (\d+) /.exec(error.message);
  if (named) {
    const index = Number(named[1]) - ahead.length;
    return index >= 0 ? index : undefined;
  }
  for (let end = 1; end <= txs.length; end++) {
    try {
      await simulate([...ahead, ...txs.slice(0, end)]);
    } catch (cause) {
      if (cause instanceof SequenceInvalidError) return end - 1;
      throw cause;
    }
  }
  return undefined;
}

