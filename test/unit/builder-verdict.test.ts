import { describe, expect, it } from 'vitest';
import { classifyBundleStats, classifyRefusal, guessedVerdict, withBlockReport } from '../../src/bundle/builderVerdict.ts';

// Answers in the shapes builders send: the local devnet builder's flashbots_getBundleStatsV2 (Flashbots' fields plus
// status/reason/detail, src/devnet/builder/builder.ts) and Flashbots' own (isSimulated, receivedAt, considered/sealed).
const ours = `0x${'a1'.repeat(32)}`;
const rival = `0x${'b2'.repeat(32)}`;
const victimTx = `0x${'c3'.repeat(32)}`;
const local = (reason: string, detail: string) => ({
  isHighPriority: true,
  isSimulated: true,
  simulatedAt: '2026-11-30T13:00:00.100Z',
  receivedAt: '2026-11-30T13:00:00.050Z',
  consideredByBuildersAt: [{ pubkey: 'local', timestamp: '2026-11-30T13:00:12.000Z' }],
  sealedByBuildersAt: [],
  status: 'excluded',
  reason,
  detail,
});

describe('classifyBundleStats: the local builder', () => {
  it('outbid: a bundle sharing our victim paid more; the winner named by its bundle hash', () => {
    const verdict = classifyBundleStats('local', local('outbid', `shares tx ${victimTx} with bundle ${rival}, which pays more per gas`));
    expect(verdict).toEqual({ kind: 'outbid', builder: 'local', detail: `outbid: shares tx ${victimTx} with bundle ${rival}, which pays more per gas`, winner: { bundleHash: rival } });
  });

  it('nonce: a nonce gap is "nonce", whichever exclusion word the builder put on it', () => {
    const gap = classifyBundleStats('local', local('reverted', "a transaction's nonce is ahead of its sender's and the public pool does not fill the gap"));
    expect(gap?.kind).toBe('nonce');
    expect(gap?.detail).toBe("reverted: a transaction's nonce is ahead of its sender's and the public pool does not fill the gap");
    const low = classifyBundleStats('local', local('outbid', `invalid after the bundles ahead of it (${rival}): nonce too low: tx 1 (${ours}) has nonce 7, its sender's next is 8`));
    expect(low?.kind).toBe('nonce');
    expect(low?.winner).toBeUndefined();
    const top = classifyBundleStats('local', local('reverted', 'invalid at the top of the block: nonce too low: tx 0 has nonce 3, its sender\'s next is 4'));
    expect(top?.kind).toBe('nonce');
  });

  it('reverted, late, cancelled and the rest', () => {
    expect(classifyBundleStats('local', local('reverted', `tx 1 (${ours}) reverted: execution reverted`))?.kind).toBe('reverted');
    expect(classifyBundleStats('local', local('wrong block', 'arrived while block 12 was being sealed'))?.kind).toBe('late');
    expect(classifyBundleStats('local', local('expired', "maxTimestamp 5 is before the block's 9"))?.kind).toBe('late');
    expect(classifyBundleStats('local', local('cancelled', 'eth_cancelBundle'))?.kind).toBe('cancelled');
    expect(classifyBundleStats('local', local('gas limit', 'needs 3 gas, 2 left'))?.kind).toBe('other');
    expect(classifyBundleStats('local', local('unpaid', 'transfers 0 wei'))?.kind).toBe('other');
    expect(classifyBundleStats('local', local('too early', 'minTimestamp'))?.kind).toBe('other');
  });

  it('a bundle that landed or is still pending is no miss', () => {
    expect(classifyBundleStats('local', { ...local('x', 'y'), status: 'included', reason: undefined, detail: undefined })).toBeUndefined();
    expect(classifyBundleStats('local', { isSimulated: false, status: 'pending' })).toBeUndefined();
    expect(classifyBundleStats('local', null)).toBeUndefined();
    expect(classifyBundleStats('local', 'nonsense')).toBeUndefined();
  });
});

describe('classifyBundleStats: the Flashbots shape (no reason given)', () => {
  const flashbots = { isHighPriority: true, isSimulated: true, simulatedAt: '2026-11-30T13:00:00.300Z', receivedAt: '2026-11-30T13:00:00.200Z' };

  it('considered and not sealed, sealed and not proposed, never seen: "other", in the builder\'s terms', () => {
    const considered = classifyBundleStats('flashbots', { ...flashbots, consideredByBuildersAt: [{ pubkey: '0xabc', timestamp: '2026-11-30T13:00:01.000Z' }], sealedByBuildersAt: [] });
    expect(considered).toEqual({ kind: 'other', builder: 'flashbots', detail: 'considered by 1 builder, sealed by none' });
    const sealed = classifyBundleStats('flashbots', { ...flashbots, consideredByBuildersAt: [{ pubkey: '0xabc', timestamp: 'x' }], sealedByBuildersAt: [{ pubkey: '0xabc', timestamp: 'y' }] });
    expect(sealed).toEqual({ kind: 'other', builder: 'flashbots', detail: "sealed by 1 builder: that block was not the one proposed" });
    const simulatedOnly = classifyBundleStats('flashbots', { ...flashbots, consideredByBuildersAt: [], sealedByBuildersAt: [] });
    expect(simulatedOnly?.detail).toBe('simulated, considered by no builder');
    expect(classifyBundleStats('flashbots', { isSimulated: false })).toEqual({ kind: 'other', builder: 'flashbots', detail: 'not received by the relay' });
  });

  it('late: received after the target block was built (its timestamp)', () => {
    const blockTimestampSec = Date.parse('2026-11-30T13:00:00.000Z') / 1000;
    const verdict = classifyBundleStats('flashbots', { ...flashbots, consideredByBuildersAt: [], sealedByBuildersAt: [] }, { blockTimestampSec });
    expect(verdict?.kind).toBe('late');
    expect(verdict?.detail).toBe('received at 2026-11-30T13:00:00.200Z, after the block (timestamp 2026-11-30T13:00:00.000Z)');
    // Before the block's timestamp: not late.
    expect(classifyBundleStats('flashbots', { ...flashbots, consideredByBuildersAt: [], sealedByBuildersAt: [] }, { blockTimestampSec: blockTimestampSec + 12 })?.kind).toBe('other');
  });
});

describe('withBlockReport: the winner of an outbid, from the local builder\'s builder_blockReport', () => {
  const report = {
    blockNumber: '12',
    included: [{ bundleHash: rival, signer: '0x00000000000000000000000000000000000000aa', txHashes: [victimTx], gasUsed: '150000', coinbaseDiff: '3000000000000000', bundleGasPrice: '20000000000' }],
    excluded: [{ bundleHash: ours, signer: '0x00000000000000000000000000000000000000bb', reason: 'outbid', detail: `shares tx ${victimTx} with bundle ${rival}, which pays more per gas` }],
  };

  it('names the winner by signer and its bid (what it paid the builder) and gas price', () => {
    const verdict = classifyBundleStats('local', local('outbid', `shares tx ${victimTx} with bundle ${rival}, which pays more per gas`))!;
    expect(withBlockReport(verdict, report)).toEqual({
      ...verdict,
      winner: { bundleHash: rival, signer: '0x00000000000000000000000000000000000000AA', bidWei: 3_000_000_000_000_000n, gasPriceWei: 20_000_000_000n },
    });
  });

  it('the current local builder: getBundleStatsV2 gives the winning bid only (no identity); the report\'s outbidBy for our bundle names the winner', () => {
    const answer = { ...local('outbid', 'a conflicting bundle paid the builder more per gas'), winningBid: { coinbaseDiff: '3000000000000000', gasUsed: '150000', bundleGasPrice: '20000000000' } };
    const verdict = classifyBundleStats('local', answer)!;
    expect(verdict).toMatchObject({ kind: 'outbid', winner: { bidWei: 3_000_000_000_000_000n, gasPriceWei: 20_000_000_000n } });
    expect(verdict.winner?.bundleHash).toBeUndefined();
    const withOutbidBy = {
      blockNumber: '12',
      included: [],
      excluded: [{ bundleHash: ours, signer: '0x00000000000000000000000000000000000000bb', reason: 'outbid', detail: 'x', outbidBy: { bundleHash: rival, signer: '0x00000000000000000000000000000000000000aa', coinbaseDiff: '3000000000000000', gasUsed: '150000', bundleGasPrice: '20000000000' } }],
    };
    expect(withBlockReport(verdict, withOutbidBy, ours as `0x${string}`).winner).toEqual({ bundleHash: rival, signer: '0x00000000000000000000000000000000000000AA', bidWei: 3_000_000_000_000_000n, gasPriceWei: 20_000_000_000n });
    // Another bundle's row is not ours: nothing is added.
    expect(withBlockReport(verdict, withOutbidBy, rival as `0x${string}`)).toEqual(verdict);
  });

  it('leaves a verdict alone when the report does not hold the winner, or is malformed', () => {
    const verdict = classifyBundleStats('local', local('outbid', `shares tx ${victimTx} with bundle ${ours}, which pays more per gas`))!;
    expect(withBlockReport(verdict, report)).toEqual(verdict);
    expect(withBlockReport(verdict, { included: [{ bundleHash: ours, coinbaseDiff: '1.5' }] })).toEqual(verdict);
    expect(withBlockReport(verdict, undefined)).toEqual(verdict);
  });
});

describe('classifyRefusal and guessedVerdict', () => {
  it("a builder's refusal at eth_sendBundle, in its words", () => {
    expect(classifyRefusal('titan', 'nonce too low: address 0xabc, tx: 5 state: 6')).toEqual({ kind: 'nonce', builder: 'titan', detail: 'refused: nonce too low: address 0xabc, tx: 5 state: 6' });
    expect(classifyRefusal('local', 'bundle reverts: execution reverted')?.kind).toBe('reverted');
    expect(classifyRefusal('local', 'block 9 is in the past')?.kind).toBe('late');
    expect(classifyRefusal('local', 'rate limited')?.kind).toBe('other');
  });

  it('the bot\'s own guess is "other", marked as a guess', () => {
    expect(guessedVerdict('outbid', 'the victim landed without our backrun')).toEqual({ kind: 'other', detail: 'guessed: outbid: the victim landed without our backrun', guessed: true });
  });
});
