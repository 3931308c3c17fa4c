import { FlashbotsBundleProvider } from '@flashbots/ethers-provider-bundle';
import { JsonRpcProvider, Network, Wallet } from 'ethers';
import { keccak256, parseAbi, toHex, type Hex } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signFlashbotsBody } from '../../src/bundle/flashbotsAuth.ts';
import { devAccount } from '../../src/devnet/accounts.ts';
import { mainnet } from '../../src/chain/addresses.ts';
import type { BlockReport } from '../../src/devnet/builder/builder.ts';
import type { Devnet } from '../../src/devnet/devnet.ts';
import { nextBaseFee } from '../../src/chain/baseFee.ts';
import { backrunCandidates, type PriorTrade } from '../../src/strategy/candidates.ts';
import { engineConfig, loadMarket, prepareBackrun, signBackrun, signVictim } from '../helpers/backrun.ts';
import { startTestDevnet } from '../helpers/devnet.ts';

const wethAbi = parseAbi(['function balanceOf(address) view returns (uint256)']);
let devnet: Devnet;
let flashbots: FlashbotsBundleProvider;
const authKey = generatePrivateKey();
const auth = privateKeyToAccount(authKey);

beforeAll(async () => {
  devnet = await startTestDevnet();
  const provider = new JsonRpcProvider(devnet.manifest.rpcUrl, undefined, { staticNetwork: Network.from(devnet.manifest.chainId) });
  // The library is CommonJS and our import of ethers is ESM: the same classes under two type identities.
  flashbots = await FlashbotsBundleProvider.create(provider as never, new Wallet(authKey) as never, devnet.manifest.builderUrl, devnet.manifest.chainId);
});
afterAll(async () => {
  await devnet?.stop();
});

/** A raw JSON-RPC call to the builder, signed (or not) the way the caller chooses. */
async function rpc(method: string, params: unknown[], sign: 'ok' | 'none' | 'other-body' = 'ok') {
  const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method, params });
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (sign === 'ok') headers['X-Flashbots-Signature'] = await signFlashbotsBody(auth, body);
  if (sign === 'other-body') headers['X-Flashbots-Signature'] = await signFlashbotsBody(auth, `${body} `);
  const response = await fetch(devnet.manifest.builderUrl, { method: 'POST', headers, body });
  return { status: response.status, json: (await response.json()) as { result?: any; error?: { code: number; message: string } } };
}

/** Backruns of these victims for the next block, each sized on the state the ones before it leave (as the bot does). */
async function chainedBackruns(victims: ReadonlyArray<{ victim: Awaited<ReturnType<typeof signVictim>>; shareBps?: bigint }>) {
  const { market, graph, head: parent } = await loadMarket(devnet);
  const baseFee = nextBaseFee(parent.baseFeePerGas!, parent.gasUsed, parent.gasLimit);
  const prior: PriorTrade[] = [];
  const candidates = [];
  for (const [i, { victim, shareBps }] of victims.entries()) {
    const found = backrunCandidates(market, graph, victim.pending, baseFee, engineConfig(shareBps), prior);
    if (!Array.isArray(found) || !found[0]) throw new Error(`no backrun of victim ${i}`);
    prior.push({ swaps: victim.pending.swaps, cycle: found[0].cycle, amountIn: found[0].amountIn });
    candidates.push(found[0]);
  }
  return { target: parent.number! + 1n, candidates };
}

/** Sends the bundles to the builder for `target`, in the order `arrival` gives (indexes); their hashes by index. */
async function sendInOrder(bundles: ReadonlyArray<readonly Hex[]>, target: bigint, arrival: readonly number[] = bundles.map((_, i) => i)): Promise<Hex[]> {
  const hashes: Hex[] = [];
  for (const i of arrival) {
    const sent = await rpc('eth_sendBundle', [{ txs: bundles[i], blockNumber: toHex(target) }]);
    expect(sent.json.result?.bundleHash).toMatch(/^0x/);
    hashes[i] = sent.json.result.bundleHash;
  }
  return hashes;
}

async function head() {
  return devnet.client.getBlockNumber({ cacheTime: 0 });
}

describe('local builder: bundles land atomically, in order, right after the victim', () => {
  it('accepts a bundle from the unmodified @flashbots/ethers-provider-bundle client and seals it at the top of its target block', async () => {
    const { victim, candidate, target } = await prepareBackrun(devnet, { router: 'sushiswapRouter', path: ['WETH', 'USDC'], amount: 40n * 10n ** 18n });
    const ours = await signBackrun(devnet, candidate, target);
    const before = await devnet.client.readContract({ address: mainnet.weth, abi: wethAbi, functionName: 'balanceOf', args: [devnet.manifest.executor.address] });
    const coinbaseBefore = await devnet.client.getBalance({ address: devnet.manifest.builderCoinbase });

    const simulated = await flashbots.simulate([victim.raw, ours.raw], Number(target));
    if ('error' in simulated) throw new Error(simulated.error.message);
    expect(simulated.results.map((result: { txHash: string }) => result.txHash)).toEqual([victim.hash, ours.hash]);
    expect(simulated.firstRevert).toBeUndefined();

    const sent = await flashbots.sendRawBundle([victim.raw, ours.raw], Number(target));
    if ('error' in sent) throw new Error(sent.error.message);
    expect(sent.bundleHash).toBe(keccak256(`0x${victim.hash.slice(2)}${ours.hash.slice(2)}` as Hex));

    // A public transaction that pays a higher tip than both still comes after the bundle.
    const trader = devAccount(devnet.manifest.accounts.traders[5]!.index);
    const tipped = await trader.signTransaction({ chainId: devnet.manifest.chainId, type: 'eip1559', to: trader.address, value: 1n, gas: 21_000n, nonce: await devnet.client.getTransactionCount({ address: trader.address, blockTag: 'pending' }), maxPriorityFeePerGas: 50n * 10n ** 9n, maxFeePerGas: 100n * 10n ** 9n });
    const tippedHash = await devnet.client.sendRawTransaction({ serializedTransaction: tipped });

    const report = await devnet.builder.buildBlock();
    expect(BigInt(report.blockNumber)).toBe(target);
    const block = await devnet.client.getBlock({ blockNumber: target });
    expect(block.transactions.slice(0, 3)).toEqual([victim.hash, ours.hash, tippedHash]);
    expect(report.orderVerified).toBe(true);
    expect(report.included.map((bundle) => bundle.bundleHash)).toEqual([sent.bundleHash]);

    const [victimReceipt, ourReceipt] = await Promise.all([victim.hash, ours.hash].map((hash) => devnet.client.getTransactionReceipt({ hash })));
    expect(victimReceipt!.status).toBe('success');
    expect(ourReceipt!.status).toBe('success');
    const after = await devnet.client.readContract({ address: mainnet.weth, abi: wethAbi, functionName: 'balanceOf', args: [devnet.manifest.executor.address] });
    expect(after - before).toBe(candidate.grossProfitWei - candidate.bribeWei);
    // The builder saw what the coinbase really earned: priority fees plus the executor's payment.
    const coinbaseAfter = await devnet.client.getBalance({ address: devnet.manifest.builderCoinbase });
    const tip = 50n * 10n ** 9n;
    const headroom = 100n * 10n ** 9n - BigInt(report.baseFeePerGas);
    const publicTip = 21_000n * (tip < headroom ? tip : headroom);
    expect(BigInt(report.included[0]!.coinbaseDiff)).toBe(coinbaseAfter - coinbaseBefore - publicTip);

    const stats = await flashbots.getBundleStatsV2(sent.bundleHash, Number(target));
    expect(stats).toMatchObject({ isSimulated: true, status: 'included' });
    expect((stats as { sealedByBuildersAt: unknown[] }).sealedByBuildersAt).toHaveLength(1);
  });

  it('between two bundles backrunning the same victim, the one paying the builder more wins; the other is reported outbid', async () => {
    const { victim, candidateWith, target } = await prepareBackrun(devnet, { router: 'uniswapV2Router02', path: ['WETH', 'USDC'], amount: 30n * 10n ** 18n });
    const cheap = await signBackrun(devnet, candidateWith(2000n), target, { builderShareBps: 2000n });
    const generous = await signBackrun(devnet, candidateWith(8000n), target, { builderShareBps: 8000n });
    const other = privateKeyToAccount(generatePrivateKey());
    const cheapSent = await flashbots.sendRawBundle([victim.raw, cheap.raw], Number(target));
    if ('error' in cheapSent) throw new Error(cheapSent.error.message);
    const body = JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'eth_sendBundle', params: [{ txs: [victim.raw, generous.raw], blockNumber: toHex(target) }] });
    const response = await fetch(devnet.manifest.builderUrl, { method: 'POST', headers: { 'content-type': 'application/json', 'X-Flashbots-Signature': await signFlashbotsBody(other, body) }, body });
    const generousHash = ((await response.json()) as { result: { bundleHash: Hex } }).result.bundleHash;

    const report = await devnet.builder.buildBlock();
    expect(report.included.map((bundle) => bundle.bundleHash)).toEqual([generousHash]);
    expect(report.excluded).toEqual([expect.objectContaining({ bundleHash: cheapSent.bundleHash, reason: 'outbid' })]);
    const block = await devnet.client.getBlock({ blockNumber: target });
    expect(block.transactions.slice(0, 2)).toEqual([victim.hash, generous.hash]);
    expect(block.transactions).not.toContain(cheap.hash);
    const stats = await flashbots.getBundleStatsV2(cheapSent.bundleHash, Number(target));
    expect(stats).toMatchObject({ status: 'excluded', reason: 'outbid' });
    // Stats are private to the bundle's signer.
    const foreign = await rpc('flashbots_getBundleStatsV2', [{ bundleHash: generousHash, blockNumber: toHex(target) }]);
    expect(foreign.json.error?.message).toMatch(/not found for signer/);
  });
});

describe('local builder: nonces', () => {
  it("lands a searcher's nonce chain (two backruns, consecutive nonces) and refuses a bundle whose victim already landed", async () => {
    const a = await prepareBackrun(devnet, { router: 'uniswapV2Router02', path: ['WETH', 'WBTC'], amount: 30n * 10n ** 18n, trader: 1 });
    const b = await prepareBackrun(devnet, { router: 'uniswapV2Router02', path: ['WETH', 'DAI'], amount: 30n * 10n ** 18n, trader: 2 });
    const poolsOf = (candidate: typeof a.candidate) => candidate.cycle.hops.map((hop) => hop.pool.address);
    expect(poolsOf(a.candidate).filter((pool) => poolsOf(b.candidate).includes(pool))).toEqual([]);
    const nonce = await devnet.client.getTransactionCount({ address: devnet.manifest.accounts.searcher.address, blockTag: 'latest' });
    const oursA = await signBackrun(devnet, a.candidate, a.target, { nonce });
    const oursB = await signBackrun(devnet, b.candidate, a.target, { nonce: nonce + 1 });
    // The second nonce arrives first: it cannot run alone at the top of the block, but it may after the first.
    const second = await rpc('eth_sendBundle', [{ txs: [b.victim.raw, oursB.raw], blockNumber: toHex(a.target) }]);
    const first = await rpc('eth_sendBundle', [{ txs: [a.victim.raw, oursA.raw], blockNumber: toHex(a.target) }]);
    expect(second.json.result?.bundleHash).toMatch(/^0x/);
    expect(first.json.result?.bundleHash).toMatch(/^0x/);
    const report = await devnet.builder.buildBlock();
    expect(report.included.map((bundle) => bundle.bundleHash)).toEqual([first.json.result.bundleHash, second.json.result.bundleHash]);
    const block = await devnet.client.getBlock({ blockNumber: a.target });
    expect(block.transactions.slice(0, 4)).toEqual([a.victim.hash, oursA.hash, b.victim.hash, oursB.hash]);
    for (const hash of [oursA.hash, oursB.hash]) expect((await devnet.client.getTransactionReceipt({ hash })).status).toBe('success');

    // The same victim again, now that it has landed: its nonce is spent.
    const stale = await rpc('eth_sendBundle', [{ txs: [a.victim.raw, oursA.raw], blockNumber: toHex(a.target + 1n) }]);
    expect(stale.json.error?.message).toMatch(/^bundle cannot run: nonce too low: tx 0/);
  });

  it('lands a nonce chain of three whatever order its bundles arrive in (the third before the second)', async () => {
    // Requests on separate connections reach a builder in any order: a searcher's sends of N, N+1, N+2 may arrive as
    // N, N+2, N+1. Each can run once the one before it is placed, as a block builder that tracks nonces places them.
    // Each backrun sized on the state the ones before it leave (as the bot does: the nonces fix the order).
    const victims = [];
    for (const [i, path] of [['WETH', 'WBTC'], ['WETH', 'DAI'], ['WETH', 'USDT']].entries()) victims.push({ victim: await signVictim(devnet, { router: 'uniswapV2Router02', path, amount: 30n * 10n ** 18n, trader: 4 + i }) });
    const { target, candidates } = await chainedBackruns(victims);
    const prepared = victims.map(({ victim }, i) => ({ victim, candidate: candidates[i]! }));
    const [a, b, c] = prepared as [(typeof prepared)[0], (typeof prepared)[0], (typeof prepared)[0]];
    const nonce = await devnet.client.getTransactionCount({ address: devnet.manifest.accounts.searcher.address, blockTag: 'latest' });
    const ours = await Promise.all(prepared.map((entry, i) => signBackrun(devnet, entry.candidate, target, { nonce: nonce + i })));
    const hashes = await sendInOrder(prepared.map((entry, i) => [entry.victim.raw, ours[i]!.raw]), target, [0, 2, 1]);
    const report = await devnet.builder.buildBlock();
    expect(report.excluded).toEqual([]);
    expect(report.included.map((bundle) => bundle.bundleHash)).toEqual(hashes);
    const block = await devnet.client.getBlock({ blockNumber: target });
    expect(block.transactions.slice(0, 6)).toEqual([a.victim.hash, ours[0]!.hash, b.victim.hash, ours[1]!.hash, c.victim.hash, ours[2]!.hash]);
    for (const { hash } of ours) expect((await devnet.client.getTransactionReceipt({ hash })).status).toBe('success');
  });
});

describe('local builder: two bundles with the same nonce', () => {
  it('after their common parent, the one paying more per gas runs, whatever their order of arrival; the other is left out (nonce too low)', async () => {
    // Two bundles of one searcher with the same nonce both follow the chain's last bundle (a replacement, or two
    // alternatives): at most one can run, and a builder that tracks nonces takes the one worth more to it.
    const victims = [];
    for (const [i, [path, shareBps]] of ([[['WETH', 'WBTC'], 5_000n], [['WETH', 'DAI'], 500n], [['WETH', 'USDT'], 9_000n]] as const).entries()) {
      victims.push({ victim: await signVictim(devnet, { router: 'uniswapV2Router02', path: [...path], amount: 30n * 10n ** 18n, trader: 1 + i }), shareBps });
    }
    const { target, candidates } = await chainedBackruns(victims);
    const prepared = victims.map(({ victim, shareBps }, i) => ({ victim, candidate: candidates[i]!, shareBps }));
    const [parentBundle, lowBid, highBid] = prepared as [(typeof prepared)[0], (typeof prepared)[0], (typeof prepared)[0]];
    expect(highBid.candidate.bribeWei).toBeGreaterThan(lowBid.candidate.bribeWei);
    const nonce = await devnet.client.getTransactionCount({ address: devnet.manifest.accounts.searcher.address, blockTag: 'latest' });
    const signed = [
      await signBackrun(devnet, parentBundle.candidate, target, { nonce, builderShareBps: parentBundle.shareBps }),
      await signBackrun(devnet, lowBid.candidate, target, { nonce: nonce + 1, builderShareBps: lowBid.shareBps }),
      await signBackrun(devnet, highBid.candidate, target, { nonce: nonce + 1, builderShareBps: highBid.shareBps }),
    ];
    // The low bid arrives first, the parent last.
    const hashes = await sendInOrder(prepared.map((entry, i) => [entry.victim.raw, signed[i]!.raw]), target, [1, 2, 0]);
    const report = await devnet.builder.buildBlock();
    expect(report.included.map((bundle) => bundle.bundleHash)).toEqual([hashes[0], hashes[2]]);
    expect(report.excluded.map((bundle) => bundle.bundleHash)).toEqual([hashes[1]]);
    expect(report.excluded[0]!.detail).toMatch(/nonce too low/);
    expect((await devnet.client.getTransactionReceipt({ hash: signed[2]!.hash })).status).toBe('success');
    await expect(devnet.client.getTransactionReceipt({ hash: signed[1]!.hash })).rejects.toThrow();
  });
});

describe('local builder: a public transaction is no bundle\'s to pull in ahead of the bundle that backruns it', () => {
  it('a bundle whose gap only a public transaction fills waits until the bundles that can run are placed, even paying more', async () => {
    // A trader's swap A is public and pending; their next swap B went privately. Our backrun of A follows a bundle of
    // ours on our nonce chain. Another operator's backrun of B pays the builder far more, and B needs A before it:
    // placed first, it would pull A in without its backrun. A builder places public transactions after bundles.
    const first = await signVictim(devnet, { router: 'uniswapV2Router02', path: ['WETH', 'WBTC'], amount: 30n * 10n ** 18n, trader: 4 });
    const publicSwap = await signVictim(devnet, { router: 'uniswapV2Router02', path: ['WETH', 'DAI'], amount: 30n * 10n ** 18n, trader: 5 }, true);
    const privateSwap = await signVictim(devnet, { router: 'uniswapV2Router02', path: ['WETH', 'USDT'], amount: 30n * 10n ** 18n, trader: 5 }, false);
    expect(privateSwap.pending.tx.nonce).toBe(publicSwap.pending.tx.nonce + 1n);
    const { target, candidates } = await chainedBackruns([{ victim: first, shareBps: 5_000n }, { victim: publicSwap, shareBps: 500n }, { victim: privateSwap, shareBps: 9_000n }]);
    const nonce = await devnet.client.getTransactionCount({ address: devnet.manifest.accounts.searcher.address, blockTag: 'latest' });
    const ours = await signBackrun(devnet, candidates[0]!, target, { nonce });
    const oursAfter = await signBackrun(devnet, candidates[1]!, target, { nonce: nonce + 1, builderShareBps: 500n });
    const operator = devnet.manifest.accounts.operators[0]!;
    const theirs = await signBackrun(devnet, candidates[2]!, target, { builderShareBps: 9_000n, operatorIndex: operator.index, nonce: await devnet.client.getTransactionCount({ address: operator.address, blockTag: 'latest' }) });
    const hashes = await sendInOrder([[privateSwap.raw, theirs.raw], [publicSwap.raw, oursAfter.raw], [first.raw, ours.raw]], target);
    const report = await devnet.builder.buildBlock();
    expect(report.excluded).toEqual([]);
    expect(report.included.map((bundle) => bundle.bundleHash)).toEqual([hashes[2], hashes[1], hashes[0]]);
    const block = await devnet.client.getBlock({ blockNumber: target });
    expect(block.transactions.slice(0, 6)).toEqual([first.hash, ours.hash, publicSwap.hash, oursAfter.hash, privateSwap.hash, theirs.hash]);
  });
});

describe('local builder: refusals', () => {
  it('refuses a missing or wrong X-Flashbots-Signature with a clear JSON-RPC error', async () => {
    const missing = await rpc('eth_sendBundle', [{ txs: ['0x01'], blockNumber: '0x1' }], 'none');
    expect(missing.status).toBe(401);
    expect(missing.json.error?.message).toMatch(/missing X-Flashbots-Signature/);
    const wrong = await rpc('eth_sendBundle', [{ txs: ['0x01'], blockNumber: '0x1' }], 'other-body');
    expect(wrong.status).toBe(401);
    expect(wrong.json.error?.message).toMatch(/does not match/);
  });

  it('refuses the wrong block, expired timestamps, an unlisted reverting transaction, and bundles over the limits', async () => {
    const { victim, candidate, target } = await prepareBackrun(devnet, { router: 'sushiswapRouter', path: ['WETH', 'USDC'], amount: 20n * 10n ** 18n });
    const ours = await signBackrun(devnet, candidate, target);
    const current = await head();

    const wrongBlock = await rpc('eth_sendBundle', [{ txs: [victim.raw, ours.raw], blockNumber: toHex(current) }]);
    expect(wrongBlock.json.error?.message).toMatch(/^wrong block: blockNumber \d+ is not after the head/);

    const expired = await rpc('eth_sendBundle', [{ txs: [victim.raw, ours.raw], blockNumber: toHex(target), maxTimestamp: 1_000 }]);
    expect(expired.json.error?.message).toMatch(/^expired: maxTimestamp 1000/);

    // Our backrun without its victim has nothing to take: the executor reverts, and it is not listed.
    const reverting = await rpc('eth_sendBundle', [{ txs: [ours.raw], blockNumber: toHex(target) }]);
    expect(reverting.json.error?.message).toMatch(/^bundle reverts: tx 0 .* is not in revertingTxHashes/);
    const allowed = await rpc('eth_sendBundle', [{ txs: [ours.raw], blockNumber: toHex(target), revertingTxHashes: [ours.hash] }]);
    expect(allowed.json.result?.bundleHash).toMatch(/^0x[0-9a-f]{64}$/);

    const tooMany = await rpc('eth_sendBundle', [{ txs: Array.from({ length: 101 }, () => victim.raw), blockNumber: toHex(target) }]);
    expect(tooMany.json.error?.message).toBe('bundle too large: 101 transactions, the limit is 100');
    const big = await devAccount(devnet.manifest.accounts.traders[6]!.index).signTransaction({ chainId: devnet.manifest.chainId, type: 'eip1559', to: mainnet.weth, data: `0x${'00'.repeat(300_001)}`, gas: 10_000_000n, nonce: 0, maxFeePerGas: 10n ** 10n, maxPriorityFeePerGas: 1n });
    const tooBig = await rpc('eth_sendBundle', [{ txs: [big], blockNumber: toHex(target) }]);
    expect(tooBig.json.error?.message).toMatch(/^bundle too large: \d+ bytes, the limit is 300000/);

    const garbage = await rpc('eth_sendBundle', [{ txs: ['0xdeadbeef'], blockNumber: toHex(target) }]);
    expect(garbage.json.error?.message).toBe('txs[0]: not a signed transaction');
    const malformed = await rpc('eth_sendBundle', [{ txs: 'nope', blockNumber: 12 }]);
    expect(malformed.json.error).toMatchObject({ code: -32602, message: expect.stringMatching(/^invalid params: \[0\]\.txs/) });

    const report: BlockReport = await devnet.builder.buildBlock();
    // The allowed-to-revert bundle ran; the victim (public) followed.
    expect(report.included).toHaveLength(1);
    const receipt = await devnet.client.getTransactionReceipt({ hash: ours.hash });
    expect(receipt.status).toBe('reverted');
  });

  it('leaves out cancelled and replaced bundles and bundles whose time window has passed, saying why', async () => {
    const { victim, candidateWith } = await prepareBackrun(devnet, { router: 'sushiswapRouter', path: ['WETH', 'USDC'], amount: 25n * 10n ** 18n }, { sendVictim: false });
    const latest = await devnet.client.getBlock({ blockTag: 'latest' });
    const target = latest.number! + 2n;
    const ours = await signBackrun(devnet, candidateWith(5000n), target);
    const other = await signBackrun(devnet, candidateWith(6000n), target, { builderShareBps: 6000n });
    const uuid = '0b8e4a52-1b7c-4e36-9d3f-6c1c2a4e5f70';
    const first = await rpc('eth_sendBundle', [{ txs: [victim.raw, ours.raw], blockNumber: toHex(target), replacementUuid: uuid }]);
    const replacement = await rpc('eth_sendBundle', [{ txs: [victim.raw], blockNumber: toHex(target), replacementUuid: uuid }]);
    const cancelled = await rpc('eth_cancelBundle', [{ replacementUuid: uuid }]);
    expect(cancelled.json.result).toEqual([replacement.json.result.bundleHash]);
    const windowed = await rpc('eth_sendBundle', [{ txs: [victim.raw, other.raw], blockNumber: toHex(target), maxTimestamp: Number(latest.timestamp) + 5 }]);
    expect(windowed.json.result?.bundleHash).toMatch(/^0x/);
    // A block outside the builder moves time past the window.
    await devnet.client.request({ method: 'evm_mine' as never, params: [Number(latest.timestamp) + 100] as never });

    const report = await devnet.builder.buildBlock();
    expect(BigInt(report.blockNumber)).toBe(target);
    const why = Object.fromEntries(report.excluded.map((entry) => [entry.bundleHash, `${entry.reason}: ${entry.detail}`]));
    expect(why[first.json.result.bundleHash]).toBe(`cancelled: replaced by ${replacement.json.result.bundleHash}`);
    expect(why[replacement.json.result.bundleHash]).toBe('cancelled: cancelled by eth_cancelBundle');
    expect(why[windowed.json.result.bundleHash]).toMatch(/^expired: maxTimestamp \d+ is before the block's \d+$/);
    expect(report.included).toEqual([]);
    const block = await devnet.client.getBlock({ blockNumber: target });
    expect(block.transactions).not.toContain(victim.hash);
    const byReport = await rpc('builder_blockReport', [toHex(target)]);
    expect(byReport.json.result.excluded).toHaveLength(3);
  });
});
