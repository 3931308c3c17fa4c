/**
 * An exact backrun whose FIRST hop is a Uniswap V4 pool, held to the executor's floor, on the real devnet
 * (scenarios/v4.json: the real PoolManager, the devnet's executor with the PoolManager set).
 *
 * A trader sells 60 ETH for DAI in the Uniswap V2 WETH/DAI pair. The engine's own search (backrunCandidates on the
 * market read from the chain, V4 pools included, native ETH walked as WETH) finds cycles that sell WETH dear first and
 * buy it back cheap in that pair; its best opens in the native ETH/USDC V4 pool. Taken here: the best one opening in a
 * plain ERC-20 V4 pool (WETH/DAI, no hook), the best opening in a native ETH V4 pool, and the best with a V4 pool in a
 * later hop only. Held to its floor, the Dispatcher signs `executeSized`, its sizing table keyed on the first hop (a V4
 * pool by its id: the executor reads its slot0 by extsload and checks the id against the hop's key), the planned input
 * at both keys. Another operator's backrun of a third of the size runs first: the same trade held to its prediction
 * (`execute`, a fixed payment) reverts there, and so does `execute` held to the floor with that fixed payment (how a
 * V4 plan held to its floor went out before); through executeSized it lands, keeps at least the floor and pays the
 * builder exactly its share of what it realised, measured on chain.
 */
import { join } from 'node:path';
import { decodeFunctionData, parseAbi, parseTransaction, zeroAddress, type Address, type Hex } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executorAbi } from '../../src/abi/executor.generated.ts';
import { anyKey, Dispatcher } from '../../src/bundle/dispatch.ts';
import { decodeSizing } from '../../src/bundle/sizing.ts';
import { signExecutorTransaction } from '../../src/bundle/signTransaction.ts';
import type { Opportunity, Submitter } from '../../src/bundle/submitter.ts';
import { planContext, planFor } from '../../src/bundle/toPlan.ts';
import { nextBaseFee } from '../../src/chain/baseFee.ts';
import { mainnet, mainnetV4 } from '../../src/chain/addresses.ts';
import { devAccount } from '../../src/devnet/accounts.ts';
import type { Devnet } from '../../src/devnet/devnet.ts';
import { loadScenario } from '../../src/devnet/scenario/load.ts';
import { createLogger } from '../../src/log.ts';
import { projectRoot } from '../../src/paths.ts';
import type { V4Pool } from '../../src/state/types.ts';
import { backrunCandidates, type Candidate, type EngineConfig } from '../../src/strategy/candidates.ts';
import { PoolGraph } from '../../src/strategy/graph.ts';
import { engineConfig, signVictim } from '../helpers/backrun.ts';
import { startTestDevnet } from '../helpers/devnet.ts';
import { marketAt } from '../helpers/v4MarketReads.ts';

const shareBps = 5_000n;
const priorityFeeWei = 10n ** 9n;
const policy = { priorityFeeWei, builderShareBps: shareBps, minNetProfitWei: 0n };
const context = planContext(mainnet.weth, mainnetV4.poolManager)!;
const erc20Abi = parseAbi(['function balanceOf(address) view returns (uint256)']);

let devnet: Devnet;
let victim: Awaited<ReturnType<typeof signVictim>>;
let candidates: Candidate[];
let target: bigint;
/** The chain right after the search (the victim signed, not sent): each case starts from it. */
let searched: Hex;

beforeAll(async () => {
  const scenario = loadScenario(join(projectRoot(), 'scenarios', 'v4.json'));
  devnet = await startTestDevnet({ scenario: { ...scenario, privateFlow: null }, traffic: false });
  // 60 ETH sold for DAI in the V2 pair (1,000 WETH): WETH is cheap there, dear in every other WETH/DAI pool.
  victim = await signVictim(devnet, { router: 'uniswapV2Router02', path: ['WETH', 'DAI'], amount: 60n * 10n ** 18n, trader: 1 }, false);
  const head = await devnet.client.getBlock();
  const market = await marketAt(devnet.client, head.number!);
  const poisoned = new Set(devnet.manifest.tokens.filter((token) => ['feeOnTransfer', 'honeypot', 'salmonella'].includes(token.kind)).map((token) => token.address.toLowerCase()));
  const graph = new PoolGraph(market.all(), (pool) => poisoned.has(pool.token0.toLowerCase()) || poisoned.has(pool.token1.toLowerCase()), { nativeAs: mainnet.weth });
  // Every cycle through the moved pair sized (not only the best four), so that those opening in a V4 pool are among them.
  const config: EngineConfig = { ...engineConfig(shareBps), v4PoolManager: mainnetV4.poolManager, maxSizedPerSearch: 64 };
  const found = backrunCandidates(market, graph, victim.pending, nextBaseFee(head.baseFeePerGas!, head.gasUsed, head.gasLimit), config);
  if (!Array.isArray(found)) throw new Error(`no backrun: ${found.reason}`);
  candidates = found;
  console.info(`[v4-floor] candidates: ${found.map((one) => `${one.cycle.hops.map((hop) => (hop.pool.kind === 'v4' ? `v4${hop.pool.token0 === zeroAddress ? '(eth)' : ''}/${hop.pool.fee}` : `${hop.pool.kind}`)).join('>')} net ${one.netProfitWei}`).join('; ')}`);
  target = head.number! + 1n;
  searched = await devnet.client.snapshot();
}, 300_000);

afterAll(async () => {
  await devnet?.stop();
});

type Shape = 'erc20 V4 first' | 'native V4 first' | 'V4 later';
const shapes: Record<Shape, (candidate: Candidate) => boolean> = {
  'erc20 V4 first': (candidate) => candidate.cycle.hops[0]!.pool.kind === 'v4' && candidate.cycle.hops[0]!.pool.token0 !== zeroAddress,
  'native V4 first': (candidate) => candidate.cycle.hops[0]!.pool.kind === 'v4' && candidate.cycle.hops[0]!.pool.token0 === zeroAddress,
  'V4 later': (candidate) => candidate.cycle.hops[0]!.pool.kind !== 'v4' && candidate.cycle.hops.some((hop) => hop.pool.kind === 'v4'),
};

/** The engine's best candidate of a shape (its list is best net first). */
function bestOf(shape: Shape): Candidate {
  const candidate = candidates.find(shapes[shape]);
  if (!candidate) throw new Error(`no candidate of shape ${shape}`);
  return candidate;
}

/** The dispatcher's opportunity for a candidate, as the engine sends it (the risk check's gas limit), recorded by a submitter that only keeps it. */
async function opportunityFor(candidate: Candidate, simulatedGas: bigint, nextBase: bigint, floorOnly: boolean) {
  let captured: Opportunity | undefined;
  const submitter = { outstanding: 0, submit: async (opportunity: Opportunity) => ((captured = opportunity), { uuid: 'u', ourHash: '0x' as Hex, delivered: Promise.resolve([]) }) } as unknown as Submitter;
  const dispatcher = new Dispatcher({
    submitter,
    account: devAccount(devnet.manifest.accounts.searcher.index),
    risk: { check: () => ({ ok: true }), recheck: () => ({ ok: true }), onBundleSent: () => {} } as never,
    chainId: devnet.manifest.chainId,
    executor: devnet.manifest.executor.address,
    planContext: context,
    policy,
    nextBaseFee: () => nextBase,
    fetchRaw: async () => victim.raw,
    logger: createLogger('test'),
  });
  const checked = dispatcher.check({ candidate, target, simulatedGas });
  if (!checked.ok) throw new Error(checked.reason);
  const sent = await dispatcher.send({ candidate, victim: victim.pending, target, simulated: { gainWei: candidate.grossProfitWei - candidate.bribeWei, gasUsed: simulatedGas }, floorOnly }, checked.proposal);
  expect(sent.sent).toBe(true);
  return { opportunity: captured!, gasLimit: checked.proposal.gasLimit };
}

async function mineInOrder(raws: Hex[]) {
  await devnet.client.setAutomine(false);
  const hashes: Hex[] = [];
  for (const raw of raws) hashes.push(await devnet.client.sendRawTransaction({ serializedTransaction: raw }));
  await devnet.client.mine({ blocks: 1 });
  return Promise.all(hashes.map((hash) => devnet.client.waitForTransactionReceipt({ hash, pollingInterval: 20 })));
}

const wethOf = (address: Address) => devnet.client.readContract({ address: mainnet.weth, abi: erc20Abi, functionName: 'balanceOf', args: [address] });

/**
 * What our executor's call costs on the state it was sized for (the victim alone before it), as the simulation the
 * engine runs before a send would find it: the plan held to its prediction, run for real and rolled back. It lands
 * and gains exactly the predicted gross less its fixed payment.
 */
async function simulatedGasOf(candidate: Candidate): Promise<bigint> {
  const searcher = devAccount(devnet.manifest.accounts.searcher.index);
  const head = await devnet.client.getBlock();
  const exact = await signExecutorTransaction({
    account: searcher,
    chainId: devnet.manifest.chainId,
    executor: devnet.manifest.executor.address,
    plan: planFor(candidate, target, policy),
    context,
    nonce: await devnet.client.getTransactionCount({ address: searcher.address, blockTag: 'latest' }),
    gas: 2_000_000n,
    maxFeePerGas: head.baseFeePerGas! * 4n + priorityFeeWei,
    maxPriorityFeePerGas: priorityFeeWei,
  });
  const snapshot = await devnet.client.snapshot();
  const before = await wethOf(devnet.manifest.executor.address);
  const [victimReceipt, ours] = await mineInOrder([victim.raw, exact.raw]);
  expect(victimReceipt!.status).toBe('success');
  expect(ours!.status).toBe('success');
  expect((await wethOf(devnet.manifest.executor.address)) - before).toBe(candidate.grossProfitWei - candidate.bribeWei);
  await devnet.client.revert({ id: snapshot });
  return ours!.gasUsed;
}

async function floorHeldBackrun(shape: Shape) {
  await devnet.client.revert({ id: searched });
  searched = await devnet.client.snapshot();
  const candidate = bestOf(shape);
  expect(candidate.flash ?? false).toBe(false);
  const firstPool = candidate.cycle.hops[0]!.pool;
  const v4Pool = candidate.cycle.hops.find((hop) => hop.pool.kind === 'v4')!.pool as V4Pool;
  // The V4 pool as the devnet built it (its id from the scenario's manifest, not from our key hashing): hookless.
  const built = devnet.manifest.v4.pools.find((entry) => entry.poolId.toLowerCase() === v4Pool.poolId.toLowerCase())!;
  expect(built).toBeDefined();
  expect(built.hook).toBe('none');
  expect(built.key.currency0 === zeroAddress).toBe(shape === 'native V4 first');

  const simulatedGas = await simulatedGasOf(candidate);
  const nextBase = (await devnet.client.getBlock()).baseFeePerGas! * 2n;
  const { opportunity: strictOpportunity } = await opportunityFor(candidate, simulatedGas, nextBase, false);
  const { opportunity, gasLimit } = await opportunityFor(candidate, simulatedGas, nextBase, true);
  const searcher = devnet.manifest.accounts.searcher.address;
  const nonce = await devnet.client.getTransactionCount({ address: searcher, blockTag: 'latest' });
  // Ours goes in the block after the victim's and the other backrun's, alone: what it moves is measured on its own.
  const strict = await strictOpportunity.sign(target + 1n, nonce);
  const relaxed = await opportunity.sign(target + 1n, nonce);
  expect(decodeFunctionData({ abi: executorAbi, data: parseTransaction(strict.raw).data! }).functionName).toBe('execute');
  const call = decodeFunctionData({ abi: executorAbi, data: parseTransaction(relaxed.raw).data! });
  expect(call.functionName).toBe('executeSized');
  // The table is keyed on the plan's first hop: a V4 pool by its id (the PoolManager in its header), any other by its
  // address; the planned input at both keys.
  const sizing = decodeSizing((call.args as readonly [Hex, Hex])[1]);
  if (firstPool.kind === 'v4') {
    expect(sizing.pool.toLowerCase()).toBe(mainnetV4.poolManager.toLowerCase());
    expect(sizing.poolId).toBe(built.poolId.toLowerCase());
  } else {
    expect(sizing.pool.toLowerCase()).toBe(firstPool.address.toLowerCase());
    expect(sizing.poolId).toBeUndefined();
  }
  expect(sizing.hopIndex).toBe(0);
  expect(sizing.entries).toEqual([{ key: 0n, amountIn: candidate.amountIn }, { key: anyKey, amountIn: candidate.amountIn }]);
  expect(BigInt(sizing.builderShareBps)).toBe(shareBps);

  // Another operator's backrun of the same victim, a third of the size, runs first (no minimum, no payment).
  const operator = devAccount(devnet.manifest.accounts.operators[0]!.index);
  const plan = planFor(candidate, target, policy);
  const first = await signExecutorTransaction({
    account: operator,
    chainId: devnet.manifest.chainId,
    executor: devnet.manifest.executor.address,
    plan: { ...plan, amountIn: candidate.amountIn / 3n, minProfit: 0n, builderPayment: 0n },
    context,
    nonce: await devnet.client.getTransactionCount({ address: operator.address, blockTag: 'latest' }),
    gas: 2_000_000n,
    maxFeePerGas: nextBase + 2n * priorityFeeWei,
    maxPriorityFeePerGas: 2n * priorityFeeWei,
  });
  const snapshot = await devnet.client.snapshot();
  const moved = await mineInOrder([victim.raw, first.raw]);
  expect(moved.map((receipt) => receipt.status)).toEqual(['success', 'success']);
  expect(moved[0]!.blockNumber).toBe(target);
  const [strictReceipt] = await mineInOrder([strict.raw]);
  expect(strictReceipt!.status).toBe('reverted');
  await devnet.client.revert({ id: snapshot });
  // What a V4 plan held to its floor went out as before executeSized took it: `execute` held to the floor but paying
  // the fixed payment priced on the prediction. On the moved state it reverts too.
  const floor = gasLimit * (nextBase + priorityFeeWei);
  const fixedPayment = await signExecutorTransaction({ account: devAccount(devnet.manifest.accounts.searcher.index), chainId: devnet.manifest.chainId, executor: devnet.manifest.executor.address, plan: { ...planFor(candidate, target + 1n, policy), minProfit: floor }, context, nonce, gas: gasLimit, maxFeePerGas: nextBase + priorityFeeWei, maxPriorityFeePerGas: priorityFeeWei });
  const again = await devnet.client.snapshot();
  await mineInOrder([victim.raw, first.raw]);
  const [fixedReceipt] = await mineInOrder([fixedPayment.raw]);
  expect(fixedReceipt!.status).toBe('reverted');
  await devnet.client.revert({ id: again });

  await mineInOrder([victim.raw, first.raw]);
  const executor = devnet.manifest.executor.address;
  const wethBefore = await wethOf(executor);
  const ethBefore = await devnet.client.getBalance({ address: executor });
  const coinbase = (await devnet.client.getBlock()).miner;
  const coinbaseBefore = await devnet.client.getBalance({ address: coinbase });
  const [ours] = await mineInOrder([relaxed.raw]);
  expect(ours!.status).toBe('success');
  expect(ours!.blockNumber).toBe(target + 1n);
  const block = await devnet.client.getBlock({ blockNumber: ours!.blockNumber });
  const gained = (await wethOf(executor)) - wethBefore;
  // A native leg's ETH is wrapped back: the executor holds no more and no less ETH than before.
  expect(await devnet.client.getBalance({ address: executor })).toBe(ethBefore);
  const tips = ours!.gasUsed * (ours!.effectiveGasPrice - block.baseFeePerGas!);
  const payment = (await devnet.client.getBalance({ address: coinbase })) - coinbaseBefore - tips;
  const realised = gained + payment;
  console.info(`[v4-floor] ${shape} (V4 fee ${built.key.fee}, ${candidate.cycle.hops.map((hop) => hop.pool.kind).join('>')}): amountIn ${candidate.amountIn}, predicted gross ${candidate.grossProfitWei}, realised ${realised}, builder ${payment}, kept ${gained}, floor ${floor}, gas used ${ours!.gasUsed} of ${gasLimit} (execute simulated ${simulatedGas})`);
  // The builder got exactly its share of what was realised; what is left reaches the floor.
  expect(payment).toBe((realised * shareBps) / 10_000n);
  expect(gained).toBeGreaterThanOrEqual(floor);
  // It realised less than predicted (the other backrun took part of the gap): the floor, not the prediction, let it land.
  expect(realised).toBeLessThan(candidate.grossProfitWei);
}

describe('an exact backrun opening in a Uniswap V4 pool, held to its floor', () => {
  it('the engine\'s best backrun opens in a native ETH V4 pool', () => {
    expect(shapes['native V4 first'](candidates[0]!)).toBe(true);
  });

  it('ERC-20 V4 pool first: executeSized keyed on its pool id; on a moved state the fixed-payment execute reverts, the floor-held one lands and pays the builder its share', async () => {
    await floorHeldBackrun('erc20 V4 first');
  }, 240_000);

  it('native ETH V4 pool first: the same, the executor unwrapping into the pool and wrapping what comes back', async () => {
    await floorHeldBackrun('native V4 first');
  }, 240_000);

  it('a V4 pool in a later hop: executeSized keyed on the first (classic) hop\'s address, the same on chain', async () => {
    await floorHeldBackrun('V4 later');
  }, 240_000);
});
