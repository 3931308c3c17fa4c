import { createHash, randomBytes } from 'node:crypto';
import { createWalletClient, getAddress, http, parseAbi, parseEventLogs, type Address, type Hex } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executorAbi } from '../../src/abi/executor.generated.ts';
import { quoterV2Abi, v2RouterAbi } from '../../src/abi/routers.ts';
import { deployExecutor } from '../../src/bundle/deployExecutor.ts';
import { encodePlan, type ExecutorPlan, type PlanHop } from '../../src/bundle/plan.ts';
import { signExecutorSizedTransaction } from '../../src/bundle/signTransaction.ts';
import { encodeSizing, sizedAmountIn, type SizingEntry } from '../../src/bundle/sizing.ts';
import { mainnet } from '../../src/chain/addresses.ts';
import { MarketState } from '../../src/state/market.ts';
import { readPools } from '../../src/state/reader.ts';
import type { Cycle } from '../../src/strategy/cycle.ts';
import { sizingEntries } from '../../src/strategy/sizingTable.ts';
import { devAccount } from '../../src/devnet/accounts.ts';
import type { Devnet } from '../../src/devnet/devnet.ts';
import { devnetExecutorFactories } from '../../src/devnet/executor.ts';
import type { RouterKind } from '../../src/devnet/scenario/schema.ts';
import { buildSwapCall } from '../../src/devnet/traffic/calldata.ts';
import { resolveRoute } from '../../src/devnet/traffic/route.ts';
import { bruteForceBest } from '../helpers/bruteForce.ts';
import { sendSignedAndMine, startTestDevnet } from '../helpers/devnet.ts';

/**
 * A MEV-Share victim whose amounts are hidden: before it trades, a table is built for a grid of victim sizes in
 * one direction (the touched pool's key after a real router swap, and the cycle's best input there found by brute
 * force over Router02.getAmountsOut / QuoterV2 quotes: nothing of the bot's sizing code). Then a real victim of a
 * random size the table never saw trades through the real router, and `executeSized` (signed by the TS API) must
 * realise at least 98% of the brute-force optimum on the state it found. The table for the other direction, sent
 * too as the bot would, reverts and moves nothing.
 */
const poolAbi = parseAbi([
  'function token0() view returns (address)',
  'function factory() view returns (address)',
  'function fee() view returns (uint24)',
  'function getReserves() view returns (uint112, uint112, uint32)',
  'function slot0() view returns (uint160, int24, uint16, uint16, uint16, uint8, bool)',
]);
const erc20 = parseAbi([
  'function balanceOf(address) view returns (uint256)',
  'function transfer(address, uint256) returns (bool)',
  'function deposit() payable',
  'event Transfer(address indexed from, address indexed to, uint256 value)',
]);

const WETH_UNIT = 10n ** 18n;
const USDC_UNIT = 10n ** 6n;
const INVENTORY = 400n * WETH_UNIT;
const CEILING = 300n * WETH_UNIT;

let devnet: Devnet;
let executor: Address;
/** The state after setup, which each case starts from (freshState). */
let baseline: Hex;
const searcher = devAccount(1);

beforeAll(async () => {
  devnet = await startTestDevnet();
  const wallet = createWalletClient({ chain: devnet.client.chain, transport: http(devnet.manifest.rpcUrl), account: searcher });
  await devnet.client.setAutomine(true);
  const deployed = await deployExecutor(wallet, devnet.client as never, {
    owner: searcher.address,
    operator: searcher.address,
    weth: mainnet.weth,
    factories: devnetExecutorFactories,
    sameOwner: true, // a test account plays both roles
  });
  executor = deployed.address;
  for (const hash of [
    await wallet.writeContract({ address: mainnet.weth, abi: erc20, functionName: 'deposit', value: INVENTORY }),
    await wallet.writeContract({ address: mainnet.weth, abi: erc20, functionName: 'transfer', args: [executor, INVENTORY] }),
  ]) {
    expect((await devnet.client.waitForTransactionReceipt({ hash, pollingInterval: 20 })).status).toBe('success');
  }
  await devnet.client.setAutomine(false);
  baseline = await devnet.client.snapshot();
}, 240_000);

afterAll(async () => {
  await devnet?.stop();
});

/**
 * Back to the state after setup. The V3 case's cycle buys on the Uniswap V2 pair the V2 case's victim and backrun
 * move: run after it, the V3 victim that opens a gap moved with the V2 victim's random size (about 320k USDC after
 * an 80k one, 965k after 290k), into the V3 victims' range; a victim below it had no backrun at all (optimum 0) and
 * one just past it fell between a 0 entry and a large one.
 */
async function freshState(): Promise<void> {
  await devnet.client.revert({ id: baseline });
  baseline = await devnet.client.snapshot(); // anvil drops a snapshot once reverted to
}

const usdc = () => devnet.manifest.tokens.find((t) => t.symbol === 'USDC')!.address;
const poolOf = (dex: string, fee?: number) =>
  devnet.manifest.pools.find((p) => p.dex === dex && p.pair.includes('WETH') && p.pair.includes('USDC') && (fee === undefined || p.fee === fee))!.address;
const wethOf = (address: Address) => devnet.client.readContract({ address: mainnet.weth, abi: erc20, functionName: 'balanceOf', args: [address] });

/** A leg of a cycle: its pool, how the chain quotes it (a V2 router, or QuoterV2 with the fee tier). */
type Leg = { pool: Address; protocol: 'v2' | 'v3'; quoteRouter?: Address; fee?: number };

async function quoteLeg(leg: Leg, tokenIn: Address, tokenOut: Address, amountIn: bigint): Promise<bigint | undefined> {
  try {
    if (leg.protocol === 'v2') {
      const amounts = await devnet.client.readContract({ address: leg.quoteRouter!, abi: v2RouterAbi, functionName: 'getAmountsOut', args: [amountIn, [tokenIn, tokenOut]] });
      return amounts[1]!;
    }
    const path = `${tokenIn}${leg.fee!.toString(16).padStart(6, '0')}${tokenOut.slice(2)}` as Hex;
    const { result } = await devnet.client.simulateContract({ address: mainnet.quoterV2, abi: quoterV2Abi, functionName: 'quoteExactInput', args: [path, amountIn] });
    return result[0];
  } catch {
    return undefined;
  }
}

/** WETH -> USDC on `sell`, USDC -> WETH on `buy`, quoted by the chain. */
const cycleQuote = (sell: Leg, buy: Leg) => async (amountIn: bigint) => {
  const mid = await quoteLeg(sell, mainnet.weth, usdc(), amountIn);
  return mid === undefined || mid === 0n ? undefined : quoteLeg(buy, usdc(), mainnet.weth, mid);
};

async function planHop(leg: Leg, tokenIn: Address, tokenOut: Address): Promise<PlanHop> {
  const read = (functionName: 'token0' | 'factory') => devnet.client.readContract({ address: leg.pool, abi: poolAbi, functionName });
  const [token0, factory] = await Promise.all([read('token0'), read('factory')]);
  return { pool: leg.pool, factory, tokenOut, protocol: leg.protocol, zeroForOne: token0 === tokenIn, ...(leg.protocol === 'v3' ? { v3Fee: leg.fee! } : {}) };
}

async function keyOf(leg: Leg): Promise<bigint> {
  if (leg.protocol === 'v3') return (await devnet.client.readContract({ address: leg.pool, abi: poolAbi, functionName: 'slot0' }))[0];
  return (await devnet.client.readContract({ address: leg.pool, abi: poolAbi, functionName: 'getReserves' }))[0];
}

/** A user's exact-input swap through the real router: USDC -> WETH (buys WETH) or ETH -> USDC (sells WETH). */
async function victimSwap(router: RouterKind, fee: number | undefined, buysWeth: boolean, amountIn: bigint): Promise<void> {
  const user = devAccount(devnet.manifest.accounts.traders[0]!.index);
  const path = buysWeth ? ['USDC', 'WETH'] : ['WETH', 'USDC'];
  const hops = resolveRoute(router, path, fee === undefined ? undefined : [fee], devnet.manifest.pools as never, devnet.manifest.tokens);
  const call = buildSwapCall({ router, hops, amountIn, minAmountOut: 0n, recipient: user.address, deadline: 2n ** 40n, ethIn: !buysWeth, ethOut: false });
  const receipt = await sendSignedAndMine(devnet, user, call);
  expect(receipt.status).toBe('success');
}

type Side = { sell: Leg; buy: Leg; touched: Leg; buysWeth: boolean; grid: bigint[] };

/** The table for one victim direction, each point on a state after a real victim swap (rolled back after). */
async function buildTable(side: Side, router: RouterKind, fee: number | undefined): Promise<SizingEntry[]> {
  const entries: SizingEntry[] = [];
  for (const size of side.grid) {
    const snapshot = await devnet.client.snapshot();
    if (size > 0n) await victimSwap(router, fee, side.buysWeth, size);
    const key = await keyOf(side.touched);
    const best = await bruteForceBest(cycleQuote(side.sell, side.buy), CEILING);
    entries.push({ key, amountIn: best.amountIn });
    await devnet.client.revert({ id: snapshot });
  }
  return entries;
}

async function sizedPlan(side: Side, targetBlock: bigint, maxBuilderShareBps: number): Promise<ExecutorPlan> {
  return {
    flash: false,
    targetBlock,
    amountIn: CEILING,
    minProfit: 0n,
    builderPayment: 0n,
    maxBuilderShareBps,
    startToken: mainnet.weth,
    hops: [await planHop(side.sell, mainnet.weth, usdc()), await planHop(side.buy, usdc(), mainnet.weth)],
  };
}

/** Signs executeSized with the TS API, sends it alone in the next block, returns its receipt. */
async function sendSized(plan: ExecutorPlan, sizing: { pool: Address; builderShareBps: number; entries: SizingEntry[] }) {
  const [nonce, block] = await Promise.all([devnet.client.getTransactionCount({ address: searcher.address, blockTag: 'pending' }), devnet.client.getBlock()]);
  const signed = await signExecutorSizedTransaction({
    account: searcher,
    chainId: devnet.manifest.chainId,
    executor,
    plan,
    sizing,
    nonce,
    gas: 1_500_000n,
    maxFeePerGas: block.baseFeePerGas! * 2n + 10n ** 9n,
    maxPriorityFeePerGas: 10n ** 9n,
  });
  const hash = await devnet.client.sendRawTransaction({ serializedTransaction: signed.raw });
  await devnet.client.mine({ blocks: 1 });
  const receipt = await devnet.client.waitForTransactionReceipt({ hash, pollingInterval: 20 });
  expect(receipt.blockNumber).toBe(plan.targetBlock);
  return receipt;
}

/**
 * The bot's own table (src/strategy/sizingTable.ts: exact pool math on the market read from the chain) for the same
 * grid: its keys must be the chain's keys after the real router swaps, to the unit, and its inputs the brute-force
 * optima within 1%.
 */
async function expectBotTableMatches(side: Side, bruteForce: readonly SizingEntry[]): Promise<void> {
  const legs = [side.sell, side.buy];
  const read = await readPools(devnet.client as never, {
    v2: legs.filter((leg) => leg.protocol === 'v2').map((leg) => leg.pool),
    v3: legs.filter((leg) => leg.protocol === 'v3').map((leg) => leg.pool),
  });
  const block = await devnet.client.getBlock();
  const market = new MarketState();
  market.reset([...read.v2, ...read.v3], { number: block.number!, hash: block.hash!, parentHash: block.parentHash });
  const pool = (address: Address) => market.get(address)!;
  const cycle: Cycle = {
    startToken: mainnet.weth,
    hops: [
      { pool: pool(side.sell.pool), tokenIn: mainnet.weth, tokenOut: usdc(), zeroForOne: pool(side.sell.pool).token0 === mainnet.weth },
      { pool: pool(side.buy.pool), tokenIn: usdc(), tokenOut: mainnet.weth, zeroForOne: pool(side.buy.pool).token0 === usdc() },
    ],
  };
  const victimTokenIn = side.buysWeth ? usdc() : mainnet.weth;
  const bot = sizingEntries({ market, pool: side.touched.pool, victimZeroForOne: pool(side.touched.pool).token0 === victimTokenIn, victimAmounts: side.grid, cycle });
  expect(bot.map((entry) => entry.key)).toEqual(bruteForce.map((entry) => entry.key));
  for (const [index, entry] of bruteForce.entries()) {
    const botAmount = bot[index]!.amountIn;
    if (entry.amountIn >= 10n ** 15n) expect(absolute(botAmount - entry.amountIn) * 100n, `grid point ${index}`).toBeLessThanOrEqual(entry.amountIn);
    else expect(botAmount, `grid point ${index}`).toBeLessThan(10n ** 15n);
  }
}

const absolute = (value: bigint) => (value < 0n ? -value : value);

type CaseResult = { victim: bigint; optimum: bigint; realised: bigint; captureBps: bigint };

async function runCase(right: Side, wrong: Side, router: RouterKind, fee: number | undefined, victim: bigint, shareBps: number): Promise<CaseResult> {
  // Tables first: the builder knows the pool and the direction, never the size.
  const tableRight = await buildTable(right, router, fee);
  const tableWrong = await buildTable(wrong, router, fee);
  expect(tableRight.filter((entry) => entry.amountIn > 0n).length).toBeGreaterThan(3);
  await expectBotTableMatches(right, tableRight);

  await victimSwap(router, fee, right.buysWeth, victim);
  const liveKey = await keyOf(right.touched);
  const optimum = await bruteForceBest(cycleQuote(right.sell, right.buy), CEILING);
  expect(optimum.profit, `victim ${victim}: the brute force finds no backrun`).toBeGreaterThan(0n);

  // The other direction's bundle: refused before any swap (the live key is outside its table), nothing moves.
  const wethBefore = await wethOf(executor);
  const head = await devnet.client.getBlockNumber({ cacheTime: 0 });
  const wrongPlan = await sizedPlan(wrong, head + 1n, 5_000);
  const wrongSizing = { pool: wrong.touched.pool, builderShareBps: shareBps, entries: tableWrong };
  await expect(
    devnet.client.simulateContract({ account: searcher, address: executor, abi: executorAbi, functionName: 'executeSized', args: [encodePlan(wrongPlan), encodeSizing(wrongPlan, wrongSizing)], blockTag: 'pending' }),
  ).rejects.toThrow(/NoOpportunity|InsufficientProfit/);
  const wrongReceipt = await sendSized(wrongPlan, wrongSizing);
  expect(wrongReceipt.status).toBe('reverted');
  expect(await wethOf(executor)).toBe(wethBefore);

  // The right direction's bundle lands.
  const plan = await sizedPlan(right, wrongReceipt.blockNumber + 1n, 5_000);
  const block = await devnet.client.getBlock();
  const coinbase = block.miner;
  const coinbaseBefore = await devnet.client.getBalance({ address: coinbase });
  const receipt = await sendSized(plan, { pool: right.touched.pool, builderShareBps: shareBps, entries: tableRight });
  expect(receipt.status).toBe('success');
  const gained = (await wethOf(executor)) - wethBefore;
  const mined = await devnet.client.getBlock({ blockNumber: receipt.blockNumber });
  const tips = receipt.gasUsed * (receipt.effectiveGasPrice - mined.baseFeePerGas!);
  const payment = (await devnet.client.getBalance({ address: coinbase })) - coinbaseBefore - tips;
  const realised = gained + payment;
  // The builder got exactly its share of what was realised, in ETH.
  expect(payment).toBe((realised * BigInt(shareBps)) / 10_000n);
  // The input the executor used is what the TS mirror of the table rule says for the live key.
  const transfers = parseEventLogs({ abi: erc20, logs: receipt.logs, eventName: 'Transfer' }).filter(
    (log) => getAddress(log.address) === mainnet.weth && getAddress(log.args.from) === getAddress(executor),
  );
  expect(transfers.length, 'WETH transfers from the executor').toBeGreaterThan(0);
  expect(transfers[0]!.args.value).toBe(sizedAmountIn(tableRight, liveKey, CEILING));
  const captureBps = (realised * 10_000n) / optimum.profit;
  return { victim, optimum: optimum.profit, realised, captureBps };
}

/**
 * Victim sizes are random across runs (the point is sizes the table never saw) but drawn from one seed, logged before
 * each case: EXECUTOR_SIZED_SEED=<seed> re-runs a failing run exactly (each case starts from the same state, so one
 * case alone too).
 */
const seed = process.env.EXECUTOR_SIZED_SEED || randomBytes(8).toString('hex');

/** A size in [min, max) from the run's seed; `label` keeps the cases' draws apart. */
function seededSize(label: string, min: bigint, max: bigint): bigint {
  const digest = createHash('sha256').update(`${seed}:${label}`).digest('hex');
  return min + (BigInt(`0x${digest}`) % (max - min));
}

const v2Grid = Array.from({ length: 13 }, (_, i) => (BigInt(i) * 300_000n * USDC_UNIT) / 12n);
// From the state after setup a victim needs 50k to 75k USDC to open a gap worth the two fees; the victims drawn
// (700k to 1.95M) are far past it. 33 points, 62.5k USDC apart (the capture measured at 25k steps over the range was
// at least 99.97%).
const v3Grid = Array.from({ length: 33 }, (_, i) => (BigInt(i) * 2_000_000n * USDC_UNIT) / 32n);
const sellGrid = Array.from({ length: 5 }, (_, i) => (BigInt(i) * 100n * WETH_UNIT) / 4n);

describe('executeSized on the devnet: a table built before a victim of unknown size', () => {
  it('V2: a real Uniswap V2 pair moved by a Router02 swap of a random size; >= 98% of the brute-force optimum', async () => {
    await freshState();
    const uni: Leg = { pool: poolOf('uniswapV2'), protocol: 'v2', quoteRouter: mainnet.uniswapV2Router02 };
    const sushi: Leg = { pool: poolOf('sushiswap'), protocol: 'v2', quoteRouter: mainnet.sushiswapRouter };
    const victim = seededSize('v2', 80_000n * USDC_UNIT, 290_000n * USDC_UNIT);
    console.info(`[executeSized V2] seed ${seed} (EXECUTOR_SIZED_SEED): victim ${victim} USDC units`);
    const result = await runCase(
      { sell: uni, buy: sushi, touched: uni, buysWeth: true, grid: v2Grid },
      { sell: sushi, buy: uni, touched: uni, buysWeth: false, grid: sellGrid },
      'uniswapV2Router02',
      undefined,
      victim,
      0,
    );
    console.info(`[executeSized V2] seed ${seed}: victim ${result.victim} USDC units, optimum ${result.optimum} wei, realised ${result.realised} wei, capture ${result.captureBps} bps`);
    expect(result.captureBps, `seed ${seed}`).toBeGreaterThanOrEqual(9_800n);
  }, 600_000);

  it('V3: a real Uniswap V3 pool moved by a SwapRouter02 swap of a random size; >= 98%, builder paid its share', async () => {
    await freshState();
    const v3: Leg = { pool: poolOf('uniswapV3', 500), protocol: 'v3', fee: 500 };
    const uni: Leg = { pool: poolOf('uniswapV2'), protocol: 'v2', quoteRouter: mainnet.uniswapV2Router02 };
    const victim = seededSize('v3', 700_000n * USDC_UNIT, 1_950_000n * USDC_UNIT);
    console.info(`[executeSized V3] seed ${seed} (EXECUTOR_SIZED_SEED): victim ${victim} USDC units`);
    const result = await runCase(
      { sell: v3, buy: uni, touched: v3, buysWeth: true, grid: v3Grid },
      { sell: uni, buy: v3, touched: v3, buysWeth: false, grid: sellGrid },
      'swapRouter02',
      500,
      victim,
      2_500,
    );
    console.info(`[executeSized V3] seed ${seed}: victim ${result.victim} USDC units, optimum ${result.optimum} wei, realised ${result.realised} wei, capture ${result.captureBps} bps`);
    expect(result.captureBps, `seed ${seed}`).toBeGreaterThanOrEqual(9_800n);
  }, 600_000);
});
