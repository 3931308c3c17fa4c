/**
 * The capture truth's baseline: a victim is graded by what it created, its best after less what stood on the same
 * cycle right before it, not by the whole gap on the state after it. Two scenes on one devnet, with no bot running:
 * two dumps on the same pool where nobody backruns the first (the old rule credits the first's gap to both), and a
 * plain executor's block arbitrage that closes a standing gap before the next victim.
 */
import type { Hex } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mainnet } from '../../src/chain/addresses.ts';
import type { Devnet } from '../../src/devnet/devnet.ts';
import { measureCapture, type Capture, type GradedSwap } from '../../src/devnet/truth.ts';
import { executeOnFork } from '../../src/devnet/truth/execute.ts';
import { TruthFork } from '../../src/devnet/truth/fork.ts';
import { accountInclusion } from '../../src/monitor/accounting.ts';
import { prepareBackrun, signBackrun, type VictimOrder } from '../helpers/backrun.ts';
import { sendRivalBundle } from '../helpers/builderRpc.ts';
import { startTestDevnet } from '../helpers/devnet.ts';

const ether = 10n ** 18n;
let devnet: Devnet;

beforeAll(async () => {
  devnet = await startTestDevnet();
}, 120_000);
afterAll(async () => {
  await devnet?.stop();
});

const build = async () => BigInt((await devnet.builder.buildBlock()).blockNumber);
const executed = async (hash: Hex) => accountInclusion(devnet.client, { txHash: hash, executor: devnet.manifest.executor.address, startToken: mainnet.weth });

describe('the capture truth grades each victim by what it created (the state right before it is the baseline)', () => {
  let twoDumps: { capture: Capture; graded: GradedSwap[]; first: Hex; second: Hex; ours: bigint; block: bigint };

  beforeAll(async () => {
    const dump = (amount: bigint, trader: number): VictimOrder => ({ router: 'swapRouter', path: ['WETH', 'USDC'], fees: [500], amount, trader });
    // Block N: a 30 WETH dump into WETH/USDC 0.05%, public, nobody backruns it: its gap stands.
    const first = await prepareBackrun(devnet, dump(30n * ether, 3));
    const n = await build();
    // Block N+1: a 20 WETH dump into the same pool, and our backrun right after it, sized on the state with the
    // first's gap still there (it takes both gaps at once).
    const second = await prepareBackrun(devnet, dump(20n * ether, 4), { sendVictim: false });
    const backrun = await signBackrun(devnet, second.candidate, second.target);
    await sendRivalBundle(devnet, [second.victim.raw, backrun.raw], second.target);
    expect(await build()).toBe(n + 1n);
    const execution = await executed(backrun.hash);
    expect(execution.status).toBe('success');
    const graded: GradedSwap[] = [];
    const capture = await measureCapture({ devnet, landed: [{ victim: second.victim.hash, execution }], fromBlock: n, toBlock: n + 1n, onGraded: (swap) => graded.push(swap) });
    twoDumps = { capture, graded, first: first.victim.hash, second: second.victim.hash, ours: execution.gross, block: n + 1n };
  }, 300_000);

  it('two dumps on one pool, the first not backrun: the old rule credits its gap to both, the new one only what each added', () => {
    const { capture, graded, first, second } = twoDumps;
    const one = graded.find((swap) => swap.victim === first)!;
    const two = graded.find((swap) => swap.victim === second)!;
    expect(one.marginal && two.marginal).toBeTruthy();
    expect(capture.verified, JSON.stringify(capture.unverified)).toBe(2);
    const after1 = one.best.gross;
    const after2 = two.best.gross;
    // After the second dump the pool is further off than after the first: its best after holds the first's gap too.
    expect(after2).toBeGreaterThan(after1);
    // Old rule: both swaps graded on the state after them, the first's gap counted twice.
    expect(capture.afterOnlyVictims).toBe(2);
    expect(BigInt(capture.afterOnlyBestGrossWei)).toBe(after1 + after2);
    // New rule: the second is worth only what it added on the cycle where the first's gap stood (its state before is
    // the state after the first, one block on: the same quotes, so the same figure to the wei).
    expect(two.marginal!.before?.cycle).toEqual(one.best.cycle);
    expect(two.marginal!.before!.gross).toBe(after1);
    expect(two.marginal!.after!.gross).toBe(after2);
    expect(two.marginal!.gross).toBe(after2 - after1);
    // Nothing stood before the first (a fresh devnet): it owns its whole gap. Together the two created exactly the gap
    // that stands after the second, which is the headline, not the old rule's sum.
    expect(one.marginal!.before).toBeUndefined();
    expect(one.marginal!.gross).toBe(after1);
    expect(capture.victims).toBe(2);
    expect(BigInt(capture.bestGrossWei)).toBe(after2);
    expect(BigInt(capture.bestGrossWei)).toBeLessThan(BigInt(capture.afterOnlyBestGrossWei));
  });

  it('the baseline is the chain\'s: the standing trade before the second dump, run through the executor on a fork, pays exactly what the truth says', async () => {
    const two = twoDumps.graded.find((swap) => swap.victim === twoDumps.second)!;
    const standing = two.marginal!.before!;
    const block = await devnet.client.getBlock({ blockNumber: two.block });
    const replayBlock = { number: two.block, timestamp: block.timestamp, baseFeePerGas: block.baseFeePerGas!, gasLimit: block.gasLimit, miner: block.miner, transactions: block.transactions.map((hash) => ({ hash })) };
    const fork = await TruthFork.start({ devnetUrl: devnet.manifest.rpcUrl, chainId: devnet.manifest.chainId, atBlock: two.block - 1n });
    try {
      await fork.replay(replayBlock, two.index); // right before the second dump
      const run = await executeOnFork(fork.url, { executor: devnet.manifest.executor.address, operator: devnet.manifest.executor.operator, cycle: standing.cycle, amountIn: standing.amountIn, nextBlock: two.block + 1n });
      expect('error' in run ? run.error : run.profit).toBe(standing.gross);
    } finally {
      await fork.stop();
    }
  }, 120_000);

  it('our backrun of the second dump took both gaps: it is credited the second\'s own value, and the rest is reported as a standing gap', () => {
    const { capture, graded, second, ours } = twoDumps;
    const two = graded.find((swap) => swap.victim === second)!;
    expect(ours).toBeGreaterThan(two.marginal!.gross);
    expect(capture.captured).toBe(1);
    expect(capture.afterOnlyCaptured).toBe(1);
    expect(capture.afterOnlyCapturedGrossWei).toBe(String(ours));
    expect(capture.capturedGrossWei).toBe(String(two.marginal!.gross));
    expect(capture.standingGapBackrunGrossWei).toBe(String(ours - two.marginal!.gross));
    expect(capture.blockArbs).toBe(0);
    // The truth placed our backrun on its cycle from the receipt: the one where the second dump's value is.
    expect(capture.creditUnmatched).toBe(0);
    expect(two.ours!.cycle).toMatchObject({ kind: 'cycle', gain: two.marginal!.gross });
  });

  it('a block arbitrage that closes a standing gap is counted apart, and the next victim on those pools owns its whole gap again', async () => {
    const dump = (amount: bigint, trader: number): VictimOrder => ({ router: 'uniswapV2Router02', path: ['WETH', 'DAI'], amount, trader });
    // Block M: a 40 WETH dump into WETH/DAI on Uniswap V2, nobody backruns it. Our executor's arbitrage for it is
    // sized now (on the state the dump leaves) and sent alone in block M+1, with no victim: a block arbitrage.
    const third = await prepareBackrun(devnet, dump(40n * ether, 5));
    const m = await build();
    const arb = await signBackrun(devnet, third.candidate, m + 1n);
    await devnet.client.sendRawTransaction({ serializedTransaction: arb.raw });
    expect(await build()).toBe(m + 1n);
    const arbExecution = await executed(arb.hash);
    expect(arbExecution.status).toBe('success');
    expect(arbExecution.gross).toBeGreaterThan(0n);
    // Block M+2: the same dump again, nobody backruns it.
    await prepareBackrun(devnet, dump(40n * ether, 6));
    expect(await build()).toBe(m + 2n);
    const graded: GradedSwap[] = [];
    const capture = await measureCapture({ devnet, landed: [{ execution: arbExecution }], fromBlock: m, toBlock: m + 2n, onGraded: (swap) => graded.push(swap) });
    expect(capture.blockArbs).toBe(1);
    expect(capture.blockArbGrossWei).toBe(String(arbExecution.gross));
    expect(capture.captured).toBe(0);
    expect(capture.standingGapBackrunGrossWei).toBe('0');
    const [before, after] = graded;
    expect(graded).toHaveLength(2);
    // The arbitrage took (nearly all of) the first dump's gap: the second, on the same pool the same way, is worth
    // about what the first was, not just an increment over a gap left standing.
    expect(after!.marginal!.gross * 100n).toBeGreaterThanOrEqual(after!.best.gross * 99n);
    expect(after!.marginal!.gross * 100n).toBeGreaterThanOrEqual(before!.marginal!.gross * 90n);
    expect(BigInt(capture.bestGrossWei)).toBe(before!.marginal!.gross + after!.marginal!.gross);
  }, 300_000);
});
