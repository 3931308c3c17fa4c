import type { Address, Hex } from 'viem';
import { describe, expect, it } from 'vitest';
import { contestsOf } from '../../src/devnet/rivals/contest.ts';

const address = (n: number) => `0x${n.toString(16).padStart(40, '0')}` as Address;
const hash = (n: number) => `0x${n.toString(16).padStart(64, '0')}` as Hex;

const us = [address(1), address(2)];
const fast = { name: 'fast', operator: address(10) };
const slow = { name: 'slow', operator: address(11) };
const relay = address(99);
const user = (n: number) => address(100 + n);

type Entry = { bundleHash: Hex; signer: Address; txHashes: Hex[]; senders: Address[] };
const bundle = (txs: Array<[number, Address]>, signer = relay): Entry => ({ bundleHash: hash(1000 + txs[0]![0]), signer, txHashes: txs.map(([n]) => hash(n)), senders: txs.map(([, from]) => from) });
const included = (entry: Entry) => ({ ...entry, gasUsed: '0', coinbaseDiff: '0', bundleGasPrice: '0', droppedTxHashes: [] });
const excluded = (entry: Entry, reason: 'outbid' | 'wrong block' | 'cancelled' | 'reverted') => ({ ...entry, reason, detail: '' });

describe('contestsOf (who contested which victim, from block reports)', () => {
  it('a victim backrun by us and a rival in one block: won when ours landed, lost when theirs did; bundles told apart by senders, not signers', () => {
    const { victims, rivalWins } = contestsOf(
      [
        // Block 1: victim 1 (relayed: the relay signs both) -> the rival wins; victim 2 -> we win over the slow rival.
        { included: [included(bundle([[1, user(1)], [50, fast.operator]])), included(bundle([[2, user(2)], [51, us[1]!]]))], excluded: [excluded(bundle([[1, user(1)], [52, us[0]!]]), 'outbid'), excluded(bundle([[2, user(2)], [53, slow.operator]]), 'outbid')] },
      ],
      us,
      [fast, slow],
    );
    expect(victims).toEqual([
      { victim: hash(1), ourWon: [], ourLandedBehind: [], ours: ['outbid'], rivals: ['included'], landedWith: 'fast' },
      { victim: hash(2), ourWon: [hash(51)], ourLandedBehind: [], ours: ['included'], rivals: ['outbid'], landedWith: 'ours' },
    ]);
    expect(Object.fromEntries(rivalWins)).toEqual({ fast: 1, slow: 0 });
  });

  it('a victim only we (or only a rival) backran is not contested; a block arbitrage has no victim', () => {
    const { victims, rivalWins } = contestsOf(
      [{ included: [included(bundle([[3, user(3)], [54, us[0]!]])), included(bundle([[55, fast.operator]]))], excluded: [excluded(bundle([[4, user(4)], [56, slow.operator]]), 'reverted')] }],
      us,
      [fast, slow],
    );
    expect(victims).toEqual([]);
    expect(Object.fromEntries(rivalWins)).toEqual({ fast: 1, slow: 0 });
  });

  it('a bundle that reached the builder while the block was being sealed, or was cancelled, was in no auction: no contest', () => {
    const { victims } = contestsOf(
      [{ included: [included(bundle([[5, user(5)], [57, us[0]!]])), included(bundle([[6, user(6)], [58, fast.operator]]))], excluded: [excluded(bundle([[5, user(5)], [59, fast.operator]]), 'wrong block'), excluded(bundle([[6, user(6)], [60, us[1]!]]), 'cancelled')] }],
      us,
      [fast],
    );
    expect(victims).toEqual([]);
  });

  it('a victim contested in one block and backrun by us in the next counts once, as won', () => {
    const { victims } = contestsOf(
      [
        { included: [], excluded: [excluded(bundle([[7, user(7)], [61, us[0]!]]), 'outbid'), excluded(bundle([[7, user(7)], [62, fast.operator]]), 'reverted')] },
        { included: [included(bundle([[7, user(7)], [63, us[0]!]]))], excluded: [] },
      ],
      us,
      [fast],
    );
    expect(victims).toEqual([{ victim: hash(7), ourWon: [hash(63)], ourLandedBehind: [], ours: ['outbid'], rivals: ['reverted'], landedWith: 'ours' }]);
  });

  it('ours landed but ran without the victim (it ran first in the rival\'s bundle, ours dropped it): not a win, landed behind', () => {
    const dropping = (entry: Entry) => ({ ...included(entry), droppedTxHashes: [entry.txHashes[0]!] });
    const { victims, rivalWins } = contestsOf(
      [{ included: [included(bundle([[8, user(8)], [64, fast.operator]])), dropping(bundle([[8, user(8)], [65, us[0]!]], us[0]))], excluded: [] }],
      us,
      [fast],
    );
    expect(victims).toEqual([{ victim: hash(8), ourWon: [], ourLandedBehind: [hash(65)], ours: ['included'], rivals: ['included'], landedWith: 'fast' }]);
    expect(Object.fromEntries(rivalWins)).toEqual({ fast: 1 });
  });
});
