import { encodeFunctionData, getAddress, parseAbi, toHex, type Address, type Hex } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devAccount } from '../../src/devnet/accounts.ts';
import { mainnet } from '../../src/chain/addresses.ts';
import type { Devnet } from '../../src/devnet/devnet.ts';
import { prepareBackrun, signBackrun } from '../helpers/backrun.ts';
import { builderRpc } from '../helpers/builderRpc.ts';
import { ethSentInside, startTestDevnet } from '../helpers/devnet.ts';

/**
 * The current eth_sendBundle extensions (BuilderNet's api docs, Titan's eth_sendBundle page): droppingTxHashes,
 * refundPercent / refundRecipient / refundTxHashes, replacementNonce, and what a loser learns when outbid. Every
 * amount is read from the chain (receipts, balances, call traces), never from the builder's own numbers.
 */
let devnet: Devnet;
const auth = privateKeyToAccount(generatePrivateKey());

beforeAll(async () => {
  devnet = await startTestDevnet();
});
afterAll(async () => {
  await devnet?.stop();
});

const rpc = (method: string, params: unknown[], signer = auth) => builderRpc(devnet, method, params, signer);

/** What a landed transaction paid the block's coinbase (priority fees and transfers), from its receipt and trace. */
async function paidToCoinbase(hash: Hex): Promise<{ paid: bigint; gasUsed: bigint }> {
  const receipt = await devnet.client.getTransactionReceipt({ hash });
  const block = await devnet.client.getBlock({ blockNumber: receipt.blockNumber });
  return { paid: receipt.gasUsed * (receipt.effectiveGasPrice - block.baseFeePerGas!) + (await ethSentInside(devnet, hash, devnet.manifest.builderCoinbase)), gasUsed: receipt.gasUsed };
}

const spare = () => devAccount(devnet.manifest.accounts.traders[7]!.index);

/** A plain transfer from the spare trader tipping the coinbase `tipGwei` per gas: a second payer in a bundle. */
async function signTip(tipGwei: bigint, nonceOffset = 0) {
  const account = spare();
  const head = await devnet.client.getBlock({ blockTag: 'pending' });
  const nonce = (await devnet.client.getTransactionCount({ address: account.address, blockTag: 'latest' })) + nonceOffset;
  const raw = await account.signTransaction({ chainId: devnet.manifest.chainId, type: 'eip1559', nonce, to: account.address, value: 1n, gas: 21_000n, maxPriorityFeePerGas: tipGwei * 10n ** 9n, maxFeePerGas: head.baseFeePerGas! * 2n + tipGwei * 10n ** 9n });
  return { raw, hash: (await import('viem')).keccak256(raw) };
}

/** A WETH transfer of more than the spare trader holds: it reverts. */
async function signReverting() {
  const account = spare();
  const head = await devnet.client.getBlock({ blockTag: 'pending' });
  const nonce = await devnet.client.getTransactionCount({ address: account.address, blockTag: 'latest' });
  const data = encodeFunctionData({ abi: parseAbi(['function transfer(address,uint256) returns (bool)']), functionName: 'transfer', args: [account.address, 10n ** 30n] });
  const raw = await account.signTransaction({ chainId: devnet.manifest.chainId, type: 'eip1559', nonce, to: mainnet.weth, data, gas: 100_000n, maxPriorityFeePerGas: 10n ** 9n, maxFeePerGas: head.baseFeePerGas! * 2n + 10n ** 9n });
  return { raw, hash: (await import('viem')).keccak256(raw) };
}

/** A transaction from an empty account: invalid (it cannot pay for its gas). */
async function signUnfunded() {
  const account = privateKeyToAccount(generatePrivateKey());
  const head = await devnet.client.getBlock({ blockTag: 'pending' });
  const raw = await account.signTransaction({ chainId: devnet.manifest.chainId, type: 'eip1559', nonce: 0, to: account.address, value: 0n, gas: 21_000n, maxPriorityFeePerGas: 10n ** 9n, maxFeePerGas: head.baseFeePerGas! * 2n + 10n ** 9n });
  return { raw, hash: (await import('viem')).keccak256(raw) };
}

describe('eth_sendBundle: droppingTxHashes', () => {
  it('drops a listed transaction that reverts or cannot run, and lands the rest of the bundle in its order', async () => {
    const { victim, candidate, target } = await prepareBackrun(devnet, { router: 'uniswapV2Router02', path: ['WETH', 'USDC'], amount: 30n * 10n ** 18n, trader: 1 }, { sendVictim: false });
    const ours = await signBackrun(devnet, candidate, target);
    const reverting = await signReverting();
    const unfunded = await signUnfunded();
    const sent = await rpc('eth_sendBundle', [{ txs: [victim.raw, reverting.raw, ours.raw, unfunded.raw], blockNumber: toHex(target), droppingTxHashes: [reverting.hash, unfunded.hash] }]);
    expect(sent.error).toBeUndefined();
    const report = await devnet.builder.buildBlock();
    expect(report.included.map((bundle) => bundle.bundleHash)).toEqual([sent.result.bundleHash]);
    expect(report.included[0]!.droppedTxHashes).toEqual([reverting.hash, unfunded.hash]);
    expect(report.orderVerified).toBe(true);
    const block = await devnet.client.getBlock({ blockNumber: target });
    expect(block.transactions.slice(0, 2)).toEqual([victim.hash, ours.hash]);
    expect(block.transactions).not.toContain(reverting.hash);
    expect(block.transactions).not.toContain(unfunded.hash);
    expect((await devnet.client.getTransactionReceipt({ hash: ours.hash })).status).toBe('success');
  });

  it('a listed transaction that runs stays in; an unlisted one that reverts still sinks the bundle', async () => {
    const { victim, candidate, target } = await prepareBackrun(devnet, { router: 'uniswapV2Router02', path: ['WETH', 'DAI'], amount: 20n * 10n ** 18n, trader: 2 }, { sendVictim: false });
    const ours = await signBackrun(devnet, candidate, target);
    const tip = await signTip(3n);
    const reverting = await signReverting();
    const refused = await rpc('eth_sendBundle', [{ txs: [victim.raw, ours.raw, reverting.raw], blockNumber: toHex(target), droppingTxHashes: [tip.hash] }]);
    expect(refused.error?.message).toMatch(/^invalid params: droppingTxHashes\[0\] .* is not a transaction of this bundle/);
    const unlisted = await rpc('eth_sendBundle', [{ txs: [victim.raw, ours.raw, reverting.raw], blockNumber: toHex(target), droppingTxHashes: [ours.hash] }]);
    expect(unlisted.error?.message).toMatch(/^bundle reverts: tx 2 .* is not in revertingTxHashes/);
    const kept = await rpc('eth_sendBundle', [{ txs: [victim.raw, ours.raw, tip.raw], blockNumber: toHex(target), droppingTxHashes: [tip.hash] }]);
    expect(kept.error).toBeUndefined();
    const report = await devnet.builder.buildBlock();
    expect(report.included[0]!.droppedTxHashes).toEqual([]);
    const block = await devnet.client.getBlock({ blockNumber: target });
    expect(block.transactions.slice(0, 3)).toEqual([victim.hash, ours.hash, tip.hash]);
  });

  it('a listed transaction that another bundle already landed is dropped, and the rest of the bundle still lands after it', async () => {
    const { victim, candidate, target } = await prepareBackrun(devnet, { router: 'uniswapV2Router02', path: ['WETH', 'USDC'], amount: 20n * 10n ** 18n, trader: 5 }, { sendVictim: false });
    const ours = await signBackrun(devnet, candidate, target);
    const tip = await signTip(2n);
    const first = await rpc('eth_sendBundle', [{ txs: [victim.raw, ours.raw], blockNumber: toHex(target) }]);
    // Pays the builder far less per gas, so it is placed second: its copy of the victim can no longer run there.
    const second = await rpc('eth_sendBundle', [{ txs: [victim.raw, tip.raw], blockNumber: toHex(target), droppingTxHashes: [victim.hash] }], privateKeyToAccount(generatePrivateKey()));
    expect(second.error).toBeUndefined();
    const report = await devnet.builder.buildBlock();
    expect(report.included.map((bundle) => [bundle.bundleHash, bundle.droppedTxHashes])).toEqual([
      [first.result.bundleHash, []],
      [second.result.bundleHash, [victim.hash]],
    ]);
    const block = await devnet.client.getBlock({ blockNumber: target });
    expect(block.transactions.slice(0, 3)).toEqual([victim.hash, ours.hash, tip.hash]);
    expect(report.orderVerified).toBe(true);
  });
});

describe('eth_sendBundle: refunds (refundPercent, refundRecipient, refundTxHashes)', () => {
  it('pays refundRecipient the percent of what the refundTxHashes transaction paid the coinbase, in the same block, to the wei', async () => {
    const { victim, candidate, target } = await prepareBackrun(devnet, { router: 'uniswapV2Router02', path: ['WETH', 'WBTC'], amount: 30n * 10n ** 18n, trader: 3 }, { sendVictim: false });
    const ours = await signBackrun(devnet, candidate, target);
    const tip = await signTip(40n);
    const recipient = privateKeyToAccount(generatePrivateKey()).address;
    // The tip comes last: without refundTxHashes it would be the refund's basis (the last transaction).
    const sent = await rpc('eth_sendBundle', [{ txs: [victim.raw, ours.raw, tip.raw], blockNumber: toHex(target), refundPercent: 40, refundRecipient: recipient, refundTxHashes: [ours.hash] }]);
    expect(sent.error).toBeUndefined();
    const report = await devnet.builder.buildBlock();
    expect(BigInt(report.blockNumber)).toBe(target);
    const { paid } = await paidToCoinbase(ours.hash);
    const { paid: tipPaid } = await paidToCoinbase(tip.hash);
    expect(paid).toBeGreaterThan(0n);
    expect(tipPaid).toBeGreaterThan(0n);
    const received = await devnet.client.getBalance({ address: recipient, blockNumber: target });
    expect(received).toBe((paid * 40n) / 100n);
    const block = await devnet.client.getBlock({ blockNumber: target });
    expect(report.included[0]!.refund?.txHash).toBe(block.transactions.at(-1));
  });

  it('without refundRecipient, refunds the sender of the first transaction; without refundTxHashes, by the last transaction', async () => {
    const { victim, candidate, target } = await prepareBackrun(devnet, { router: 'uniswapV2Router02', path: ['WETH', 'USDT'], amount: 30n * 10n ** 18n, trader: 4 }, { sendVictim: false });
    const ours = await signBackrun(devnet, candidate, target);
    const user = getAddress(devnet.manifest.accounts.traders[4]!.address);
    const before = await devnet.client.getBalance({ address: user, blockNumber: target - 1n });
    const sent = await rpc('eth_sendBundle', [{ txs: [victim.raw, ours.raw], blockNumber: toHex(target), refundPercent: 30 }]);
    expect(sent.error).toBeUndefined();
    await devnet.builder.buildBlock();
    const { paid } = await paidToCoinbase(ours.hash);
    expect(paid).toBeGreaterThan(0n);
    const victimReceipt = await devnet.client.getTransactionReceipt({ hash: victim.hash });
    const victimTx = await devnet.client.getTransaction({ hash: victim.hash });
    const after = await devnet.client.getBalance({ address: user, blockNumber: target });
    expect(after - before + victimTx.value + victimReceipt.gasUsed * victimReceipt.effectiveGasPrice).toBe((paid * 30n) / 100n);
  });

  it('refuses bad refund fields with invalid params', async () => {
    const { victim, candidate, target } = await prepareBackrun(devnet, { router: 'uniswapV2Router02', path: ['WETH', 'USDC'], amount: 10n ** 18n, trader: 5 }, { sendVictim: false });
    const ours = await signBackrun(devnet, candidate, target);
    const tip = await signTip(1n);
    const send = async (extra: Record<string, unknown>) => (await rpc('eth_sendBundle', [{ txs: [victim.raw, ours.raw], blockNumber: toHex(target), ...extra }])).error;
    expect(await send({ refundPercent: 100 })).toMatchObject({ code: -32602, message: expect.stringMatching(/refundPercent/) });
    expect(await send({ refundPercent: 0 })).toMatchObject({ code: -32602, message: expect.stringMatching(/refundPercent/) });
    expect(await send({ refundPercent: 12.5 })).toMatchObject({ code: -32602, message: expect.stringMatching(/refundPercent/) });
    expect(await send({ refundPercent: 10, refundTxHashes: [victim.hash, ours.hash] })).toMatchObject({ code: -32602, message: expect.stringMatching(/refundTxHashes: .*at most 1/) });
    expect(await send({ refundPercent: 10, refundTxHashes: [tip.hash] })).toMatchObject({ code: -32602, message: expect.stringMatching(/refundTxHashes\[0\] .* is not a transaction of this bundle/) });
    expect(await send({ refundRecipient: auth.address })).toMatchObject({ code: -32602, message: expect.stringMatching(/refundRecipient .*needs refundPercent/) });
    expect(await send({ refundTxHashes: [ours.hash] })).toMatchObject({ code: -32602, message: expect.stringMatching(/refundTxHashes .*needs refundPercent/) });
    expect(await send({ refundPercent: 10, refundRecipient: '0x1234' })).toMatchObject({ code: -32602, message: expect.stringMatching(/refundRecipient/) });
  });
});

describe('eth_sendBundle: replacementNonce', () => {
  it('a higher replacementNonce replaces the bundle with the same replacementUuid; a lower or equal one is refused', async () => {
    const { victim, candidateWith, target } = await prepareBackrun(devnet, { router: 'uniswapV2Router02', path: ['WETH', 'DAI'], amount: 20n * 10n ** 18n, trader: 6 }, { sendVictim: false });
    const first = await signBackrun(devnet, candidateWith(3000n), target, { builderShareBps: 3000n });
    const second = await signBackrun(devnet, candidateWith(4000n), target, { builderShareBps: 4000n });
    const uuid = '4a0c6a2e-58b1-4b0c-9f0e-1d2c3b4a5f60';
    const a = await rpc('eth_sendBundle', [{ txs: [victim.raw, first.raw], blockNumber: toHex(target), replacementUuid: uuid, replacementNonce: 5 }]);
    expect(a.error).toBeUndefined();
    const stale = await rpc('eth_sendBundle', [{ txs: [victim.raw, second.raw], blockNumber: toHex(target), replacementUuid: uuid, replacementNonce: 3 }]);
    expect(stale.error).toMatchObject({ code: -32602, message: expect.stringMatching(/^replacementNonce 3 is not above 5/) });
    const equal = await rpc('eth_sendBundle', [{ txs: [victim.raw, second.raw], blockNumber: toHex(target), replacementUuid: uuid, replacementNonce: 5 }]);
    expect(equal.error?.message).toMatch(/^replacementNonce 5 is not above 5/);
    const newer = await rpc('eth_sendBundle', [{ txs: [victim.raw, second.raw], blockNumber: toHex(target), replacementUuid: uuid, replacementNonce: 7 }]);
    expect(newer.error).toBeUndefined();
    expect((await rpc('eth_sendBundle', [{ txs: [victim.raw], blockNumber: toHex(target), replacementNonce: 1 }])).error?.message).toMatch(/replacementNonce needs replacementUuid/);
    expect((await rpc('eth_sendBundle', [{ txs: [victim.raw], blockNumber: toHex(target), replacementUuid: uuid, replacementNonce: -1 }])).error?.code).toBe(-32602);
    const report = await devnet.builder.buildBlock();
    expect(report.included.map((bundle) => bundle.bundleHash)).toEqual([newer.result.bundleHash]);
    expect(report.excluded).toEqual([expect.objectContaining({ bundleHash: a.result.bundleHash, reason: 'cancelled', detail: `replaced by ${newer.result.bundleHash}` })]);
    const block = await devnet.client.getBlock({ blockNumber: target });
    expect(block.transactions.slice(0, 2)).toEqual([victim.hash, second.hash]);
  });
});

describe('outbid: the loser learns the winning bid, as the sealed block shows it', () => {
  it('getBundleStatsV2 gives reason "outbid" and the winning bundle\'s coinbase payment and value per gas (public once sealed), not its signer; the block report names the winner', async () => {
    const { victim, candidateWith, target } = await prepareBackrun(devnet, { router: 'uniswapV2Router02', path: ['WETH', 'USDC'], amount: 30n * 10n ** 18n, trader: 1 }, { sendVictim: false });
    const cheap = await signBackrun(devnet, candidateWith(2000n), target, { builderShareBps: 2000n });
    const rival = privateKeyToAccount(generatePrivateKey());
    const generous = await signBackrun(devnet, candidateWith(8000n), target, { builderShareBps: 8000n, operatorIndex: devnet.manifest.accounts.operators[0]!.index, nonce: await devnet.client.getTransactionCount({ address: devnet.manifest.accounts.operators[0]!.address, blockTag: 'latest' }) });
    const lost = await rpc('eth_sendBundle', [{ txs: [victim.raw, cheap.raw], blockNumber: toHex(target) }]);
    const won = await rpc('eth_sendBundle', [{ txs: [victim.raw, generous.raw], blockNumber: toHex(target) }], rival);
    const report = await devnet.builder.buildBlock();
    expect(report.included.map((bundle) => bundle.bundleHash)).toEqual([won.result.bundleHash]);

    // The winning bid, from the chain: what the winner's transactions paid the coinbase, and per gas.
    const parts = await Promise.all([victim.hash, generous.hash].map(paidToCoinbase));
    const coinbaseDiff = parts.reduce((sum, part) => sum + part.paid, 0n);
    const gasUsed = parts.reduce((sum, part) => sum + part.gasUsed, 0n);
    expect(coinbaseDiff).toBeGreaterThan(0n);

    const stats = await rpc('flashbots_getBundleStatsV2', [{ bundleHash: lost.result.bundleHash, blockNumber: toHex(target) }]);
    expect(stats.result).toMatchObject({ status: 'excluded', reason: 'outbid', winningBid: { coinbaseDiff: String(coinbaseDiff), gasUsed: String(gasUsed), bundleGasPrice: String(coinbaseDiff / gasUsed) } });
    const text = JSON.stringify(stats.result).toLowerCase();
    expect(text).not.toContain(rival.address.toLowerCase());
    expect(text).not.toContain(won.result.bundleHash.toLowerCase());

    const excluded = report.excluded.find((entry) => entry.bundleHash === lost.result.bundleHash)!;
    expect(excluded).toMatchObject({ reason: 'outbid', outbidBy: { bundleHash: won.result.bundleHash, signer: rival.address, coinbaseDiff: String(coinbaseDiff), gasUsed: String(gasUsed), bundleGasPrice: String(coinbaseDiff / gasUsed) } });
  });

  it('a caller asking while the block is being sealed (it may already see the head) gets the outcome, not "pending"', async () => {
    const { victim, candidateWith, target } = await prepareBackrun(devnet, { router: 'uniswapV2Router02', path: ['WETH', 'USDC'], amount: 30n * 10n ** 18n, trader: 1 }, { sendVictim: false });
    const cheap = await signBackrun(devnet, candidateWith(2000n), target, { builderShareBps: 2000n });
    const generous = await signBackrun(devnet, candidateWith(8000n), target, { builderShareBps: 8000n, operatorIndex: devnet.manifest.accounts.operators[0]!.index, nonce: await devnet.client.getTransactionCount({ address: devnet.manifest.accounts.operators[0]!.address, blockTag: 'latest' }) });
    const lost = await rpc('eth_sendBundle', [{ txs: [victim.raw, cheap.raw], blockNumber: toHex(target) }]);
    await rpc('eth_sendBundle', [{ txs: [victim.raw, generous.raw], blockNumber: toHex(target) }], privateKeyToAccount(generatePrivateKey()));
    const sealing = devnet.builder.buildBlock();
    const [stats, report] = await Promise.all([
      rpc('flashbots_getBundleStatsV2', [{ bundleHash: lost.result.bundleHash, blockNumber: toHex(target) }]),
      rpc('builder_blockReport', [toHex(target)]),
    ]);
    await sealing;
    expect(stats.result).toMatchObject({ status: 'excluded', reason: 'outbid' });
    expect(report.result?.excluded).toEqual([expect.objectContaining({ bundleHash: lost.result.bundleHash, reason: 'outbid' })]);
  });

  it('a bundle that no longer runs after a better-paying one (no shared transaction: the same operator nonce) names that one as the winner', async () => {
    const a = await prepareBackrun(devnet, { router: 'uniswapV2Router02', path: ['WETH', 'DAI'], amount: 30n * 10n ** 18n, trader: 2 }, { sendVictim: false });
    const b = await prepareBackrun(devnet, { router: 'uniswapV2Router02', path: ['WETH', 'WBTC'], amount: 30n * 10n ** 18n, trader: 3 }, { sendVictim: false });
    const operator = devnet.manifest.accounts.operators[1]!;
    const nonce = await devnet.client.getTransactionCount({ address: operator.address, blockTag: 'latest' });
    const cheap = await signBackrun(devnet, a.candidateWith(1000n), a.target, { builderShareBps: 1000n, operatorIndex: operator.index, nonce });
    const generous = await signBackrun(devnet, b.candidateWith(9000n), a.target, { builderShareBps: 9000n, operatorIndex: operator.index, nonce });
    const other = privateKeyToAccount(generatePrivateKey());
    const lost = await rpc('eth_sendBundle', [{ txs: [a.victim.raw, cheap.raw], blockNumber: toHex(a.target) }]);
    const won = await rpc('eth_sendBundle', [{ txs: [b.victim.raw, generous.raw], blockNumber: toHex(a.target) }], other);
    const report = await devnet.builder.buildBlock();
    expect(report.included.map((bundle) => bundle.bundleHash)).toEqual([won.result.bundleHash]);
    const parts = await Promise.all([b.victim.hash, generous.hash].map(paidToCoinbase));
    const coinbaseDiff = parts.reduce((sum, part) => sum + part.paid, 0n);
    const gasUsed = parts.reduce((sum, part) => sum + part.gasUsed, 0n);
    const stats = await rpc('flashbots_getBundleStatsV2', [{ bundleHash: lost.result.bundleHash, blockNumber: toHex(a.target) }]);
    expect(stats.result).toMatchObject({ reason: 'outbid', winningBid: { coinbaseDiff: String(coinbaseDiff), gasUsed: String(gasUsed), bundleGasPrice: String(coinbaseDiff / gasUsed) } });
    expect(report.excluded).toEqual([expect.objectContaining({ bundleHash: lost.result.bundleHash, reason: 'outbid', detail: expect.stringMatching(/nonce too low/), outbidBy: expect.objectContaining({ bundleHash: won.result.bundleHash, signer: other.address }) })]);
  });
});
