/**
 * Blind MEV-Share backruns of Uniswap V4 victims, on the real devnet (scenarios/v4.json: the real PoolManager,
 * UniversalRouter and executor, the devnet's MEV-Share relay and builder), the whole bot running.
 *
 * A user swaps ETH for USDC in a plain V4 pool through the UniversalRouter and sends it to the relay privately. With
 * hints that carry the PoolManager's Swap log (`logs`), the bot names the pool by the log's pool id and backruns it
 * blind: one executeSizedLegs call whose V4-keyed table the executor reads at the price the victim left. It lands
 * right after the victim, realises on chain what its receipt and the executor's balances say, and loses nothing. A
 * victim too small to pay is still backrun blind, and the executor then trades nothing and reverts (never lands at a
 * loss). With Protect's default hints (`default_logs`) a V4 swap leaves nothing in the hint (mev-share-node's special
 * logs list no V4 Swap), so there is nothing to backrun: none is sent.
 */
import { decodeEventLog, decodeFunctionData, parseAbi, zeroAddress, type Hex } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executorAbi } from '../../src/abi/executor.generated.ts';
import { demoFactoriesWithV4 } from '../../src/cli/demo.ts';
import { decodeSizing } from '../../src/bundle/sizing.ts';
import { mainnet, mainnetV4 } from '../../src/chain/addresses.ts';
import { devAccount } from '../../src/devnet/accounts.ts';
import type { Devnet } from '../../src/devnet/devnet.ts';
import type { HintName } from '../../src/devnet/relays/mevShareHints.ts';
import { loadScenario } from '../../src/devnet/scenario/load.ts';
import { buildV4SwapCall } from '../../src/devnet/traffic/v4Calldata.ts';
import { v4Currency } from '../../src/devnet/traffic/v4Plan.ts';
import { v4HeldReserve } from '../../src/devnet/traffic/v4Quote.ts';
import type { LandedBundle } from '../../src/monitor/ledger.ts';
import { measureCaptureBySource } from '../../src/devnet/truth.ts';
import { readSwapRoutes } from '../../src/devnet/truth/routes.ts';
import { exposureCaps } from '../../src/risk/config.ts';
import { projectRoot } from '../../src/paths.ts';
import type { SearcherApp } from '../../src/searcher.ts';
import { startTestBot, stepBlock } from '../helpers/bot.ts';
import { startTestDevnet } from '../helpers/devnet.ts';
import { join } from 'node:path';

const erc20Abi = parseAbi(['function balanceOf(address) view returns (uint256)']);

let devnet: Devnet;
let app: SearcherApp;
const landed: LandedBundle[] = [];

beforeAll(async () => {
  const scenario = loadScenario(join(projectRoot(), 'scenarios', 'v4.json'));
  // Traffic off: the test's victims are the only swaps (the relay is up since the scenario routes private flow).
  devnet = await startTestDevnet({ scenario, traffic: false });
  // The bot follows the devnet's PoolManager beside the default factories, as the demo configures it.
  ({ app } = await startTestBot(devnet, { factories: demoFactoriesWithV4(mainnetV4.poolManager) }, { onLanded: (bundle) => landed.push(bundle) }));
  await stepBlock(devnet, app);
}, 600_000);

afterAll(async () => {
  await app?.stop();
  await devnet?.stop();
});

/** The native ETH/USDC 0.05% pool (no hooks) and a victim selling `bps` of the ETH its positions hold into it, signed. */
async function privateVictim(bps: bigint, trader: number) {
  const pool = devnet.manifest.v4.pools.find((candidate) => candidate.hook === 'none' && candidate.key.currency0 === zeroAddress && candidate.key.fee === 500)!;
  expect(pool).toBeDefined();
  const eth = v4Currency(devnet.manifest.tokens, 'ETH');
  const held = await v4HeldReserve(devnet.client as never, pool, eth);
  const amount = (held * bps) / 10_000n;
  const account = devAccount(devnet.manifest.accounts.traders[trader]!.index);
  const call = buildV4SwapCall({ v4: { kind: 'exactInSingle', hops: [{ pool, currencyIn: eth, currencyOut: v4Currency(devnet.manifest.tokens, 'USDC') }], exactAmount: amount, limit: 0n }, recipient: account.address, deadline: 2n ** 40n });
  const block = await devnet.client.getBlock({ blockTag: 'latest' });
  const nonce = await devnet.client.getTransactionCount({ address: account.address, blockTag: 'pending' });
  const raw = await account.signTransaction({ chainId: devnet.manifest.chainId, type: 'eip1559', nonce, to: call.to, data: call.data, value: call.value, gas: 1_000_000n, maxPriorityFeePerGas: 2n * 10n ** 9n, maxFeePerGas: block.baseFeePerGas! * 3n + 2n * 10n ** 9n });
  return { pool, raw, amount };
}

/** Sends the victim to the MEV-Share relay with `hints`, lets the bot work, seals the block; what landed in it. */
async function runVictim(bps: bigint, trader: number, hints: HintName[]) {
  const victim = await privateVictim(bps, trader);
  const before = landed.length;
  const relayBefore = { ...devnet.mevShare.counts };
  const hash = await devnet.mevShare.sendPrivateTransaction(victim.raw, { hints });
  // The hint reaches the bot over SSE; stepBlock waits until its victim and candidate counts stop moving.
  await new Promise((resolve) => setTimeout(resolve, 300));
  const block = (await devnet.client.getBlockNumber({ cacheTime: 0 })) + 1n;
  await stepBlock(devnet, app);
  const receipt = await devnet.client.getTransactionReceipt({ hash });
  expect(receipt.status).toBe('success');
  expect(receipt.blockNumber).toBe(block);
  // Bundles the relay took for this victim (forwarded to the builder) or refused (its simulation on the head failed).
  const relay = { bundles: devnet.mevShare.counts.bundles - relayBefore.bundles, refused: devnet.mevShare.counts.refused - relayBefore.refused };
  return { victim, hash, receipt, block, relay, ours: landed.slice(before).filter((bundle) => bundle.victim?.toLowerCase() === hash.toLowerCase() || bundle.block === block) };
}

describe('blind MEV-Share backruns of a Uniswap V4 victim', () => {
  it('full logs name the pool by its id: a V4-keyed executeSizedLegs lands right after the victim, realising what the chain says', async () => {
    const { victim, receipt, block, ours, relay } = await runVictim(300n, 0, ['hash', 'logs']);
    expect(relay).toEqual({ bundles: 1, refused: 0 });
    expect(ours.length).toBe(1);
    const bundle = ours[0]!;
    expect(bundle.source).toBe('mevShare');
    const tx = await devnet.client.getTransaction({ hash: bundle.execution.txHash });
    const ourReceipt = await devnet.client.getTransactionReceipt({ hash: bundle.execution.txHash });
    expect(ourReceipt.status).toBe('success');
    expect(ourReceipt.blockNumber).toBe(block);
    expect(ourReceipt.transactionIndex).toBe(receipt.transactionIndex + 1);
    // Sized on chain: executeSizedLegs, a table keyed on the V4 pool (the PoolManager in its header, the id after it).
    const call = decodeFunctionData({ abi: executorAbi, data: tx.input });
    expect(call.functionName).toBe('executeSizedLegs');
    const tables = (call.args![1] as readonly Hex[]).map((sizing) => decodeSizing(sizing));
    expect(tables.some((table) => table.pool.toLowerCase() === mainnetV4.poolManager.toLowerCase() && table.poolId === victim.pool.poolId.toLowerCase())).toBe(true);
    // What the chain says: the executor's WETH at the block against the block before, plus what it paid the builder
    // (its BuilderPaid log), is the realised gross; net of gas it is positive.
    const wethAt = (blockNumber: bigint) => devnet.client.readContract({ address: mainnet.weth, abi: erc20Abi, functionName: 'balanceOf', args: [devnet.manifest.executor.address], blockNumber });
    const paid = ourReceipt.logs
      .filter((log) => log.address.toLowerCase() === devnet.manifest.executor.address.toLowerCase())
      .map((log) => { try { return decodeEventLog({ abi: executorAbi, data: log.data, topics: log.topics }); } catch { return undefined; } })
      .filter((event) => event?.eventName === 'BuilderPaid')
      .reduce((sum, event) => sum + (event!.args as { amount: bigint }).amount, 0n);
    const gross = (await wethAt(block)) - (await wethAt(block - 1n)) + paid;
    console.info(`[blind-v4] victim ${victim.amount} wei ETH in: realised gross ${gross} wei, builder ${paid} wei, net ${bundle.execution.net} wei`);
    expect(gross).toBeGreaterThan(0n);
    expect(bundle.execution.gross).toBe(gross);
    expect(bundle.execution.builderPayment).toBe(paid);
    expect(bundle.execution.gasPaid).toBe(ourReceipt.gasUsed * ourReceipt.effectiveGasPrice);
    expect(bundle.execution.net).toBeGreaterThan(0n);
    // Against the devnet's independent truth (its own search of the best backrun of each victim, on the chain's
    // quoters): the blind backrun captures at least 98% of it.
    const { sources, byProtocol } = await measureCaptureBySource({ devnet, landed: ours, fromBlock: block, toBlock: block, maxAmountInWei: exposureCaps(app.risk.gate.config, mainnet.weth).maxInventoryAmountIn, maxSwaps: 10, routes: await readSwapRoutes(devnet.manifest) });
    console.info(`[blind-v4] truth: best ${sources.mevShare.bestGrossWei} wei, captured ${sources.mevShare.capturedGrossWei} wei, ratio ${sources.mevShare.ratio}`);
    expect(sources.mevShare.victims).toBe(1);
    expect(byProtocol.v4.victims).toBe(1);
    expect(BigInt(sources.mevShare.capturedGrossWei)).toBe(gross);
    expect(sources.mevShare.ratio!).toBeGreaterThanOrEqual(0.98);
  }, 120_000);

  it('a victim too small to pay: backrun blind all the same, the executor trades nothing and nothing of ours lands at a loss', async () => {
    const executorWeth = () => devnet.client.readContract({ address: mainnet.weth, abi: erc20Abi, functionName: 'balanceOf', args: [devnet.manifest.executor.address] });
    const before = await executorWeth();
    const { ours, relay } = await runVictim(1n, 1, ['hash', 'logs']);
    // Sent, and refused by the relay: on the state the victim leaves its key lies where the tables trade nothing, so
    // executeSizedLegs reverts (NoOpportunity) in the relay's simulation, and nothing of ours runs.
    expect(relay).toEqual({ bundles: 0, refused: 1 });
    expect(ours).toEqual([]);
    expect(await executorWeth()).toBe(before);
  }, 120_000);

  it('default hints: a V4 swap leaves no log in the hint, so no pool is named and nothing is sent', async () => {
    const { ours, relay } = await runVictim(300n, 2, ['hash', 'default_logs']);
    expect(relay).toEqual({ bundles: 0, refused: 0 });
    expect(ours).toEqual([]);
  }, 120_000);
});
