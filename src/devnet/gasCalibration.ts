import { keccak256, type Address, type Hex, type PublicClient } from 'viem';
import { executorDeployedBytecode } from '../abi/executor.generated.ts';
import { encodePlan } from '../bundle/plan.ts';
import { signExecutorTransaction } from '../bundle/signTransaction.ts';
import { bootstrapPools, discoverPools } from '../state/bootstrap.ts';
import { MarketState } from '../state/market.ts';
import type { Pool } from '../state/types.ts';
import { mainnetFactories } from '../state/venues.ts';
import type { Candidate } from '../strategy/candidates.ts';
import { quoteCycle, type Cycle } from '../strategy/cycle.ts';
import { PoolGraph } from '../strategy/graph.ts';
import { sizeCycle } from '../strategy/sizing.ts';
import { planFor } from '../bundle/toPlan.ts';
import { devAccount } from './accounts.ts';
import { mainnet, mainnetV4 } from '../chain/addresses.ts';
import type { Devnet } from './devnet.ts';
import type { RouterKind } from './scenario/schema.ts';
import { buildSwapCall } from './traffic/calldata.ts';
import { resolveRoute } from './traffic/route.ts';
import { buildV4SwapCall } from './traffic/v4Calldata.ts';
import { v4Currency } from './traffic/v4Plan.ts';

/** Gas of one executor transaction per cycle shape ("v2v3": a V2 hop then a V3 hop), per mode. */
export type GasCalibration = {
  generatedBy: string;
  /** keccak256 of the executor's deployed bytecode as built: a different executor needs a new calibration. */
  executorCodeHash: string;
  scenario: string;
  /** How the figures were taken (kept in the file so a reader need not open this module). */
  method: string;
  shapes: Record<string, { inventory: number; flash: number }>;
  /** Shapes with V4 hops: the figures with a native-ETH V4 pool and with ERC-20 ones, where measured (`shapes` keeps the dearer). */
  v4Variants?: Record<string, Partial<Record<'erc20' | 'native', { inventory: number; flash: number }>>>;
};

/** Every two- and three-hop shape the default scenario's pools can form. */
export const calibratedShapes = ['v2v2', 'v2v3', 'v3v2', 'v3v3', 'v2v3v2', 'v2v3v3', 'v3v3v2', 'v3v3v3'] as const;

/**
 * The shapes with V4 hops the V4 scenario's pools form after its dislocations (measured only on a devnet with V4
 * pools): every two-hop shape with a V4 hop, and three-hop shapes with one V4 hop (first, middle or last) or more.
 * The three-hop shapes not here are extrapolated from the dearest measured three-hop shape (costs.ts).
 */
export const calibratedV4Shapes = ['v2v4', 'v4v2', 'v3v4', 'v4v3', 'v4v4', 'v4v3v2', 'v2v3v4', 'v2v4v2', 'v3v4v2', 'v2v4v3', 'v3v3v4', 'v4v3v3', 'v4v4v2'] as const;

/**
 * WETH dumps that open every shape: on SushiSwap (cycles end by buying WETH back there: V2 or V3 first hops, or
 * three hops through the stablecoin pools) and on the V3 0.05% pool (cycles end in that V3 pool).
 */
const dislocations: Array<{ router: RouterKind; path: string[]; fees?: number[]; ether: bigint }> = [
  { router: 'sushiswapRouter', path: ['WETH', 'USDC'], ether: 40n },
  { router: 'swapRouter', path: ['WETH', 'USDC'], fees: [500], ether: 100n },
];

/**
 * With V4 pools: ETH dumps in V4 pools through the UniversalRouter's V4_SWAP (cycles end by buying ETH back there:
 * V2, V3 or V4 first hops), in a native ETH/USDC pool and in the ETH/DAI one, and a WETH dump on SushiSwap's
 * WETH/DAI (cycles start in the native or the WETH/DAI V4 pool and end there).
 */
const v4Dislocations: Array<{ pair: [string, string]; fee: number; ether: bigint } | { router: RouterKind; path: string[]; ether: bigint }> = [
  { pair: ['ETH', 'USDC'], fee: 500, ether: 60n },
  { pair: ['ETH', 'DAI'], fee: 3000, ether: 30n },
  { router: 'sushiswapRouter', path: ['WETH', 'DAI'], ether: 30n },
];

/** Inputs are kept below this so no V3 hop crosses an initialized tick (ticks are priced apart). */
const maxInput = 10n ** 19n;
/** Halvings of the input tried when a V3/V4 hop would cross an initialized tick at the sized input. */
const maxHalvings = 24;
const poisonedKinds = new Set(['feeOnTransfer', 'honeypot', 'salmonella']);
const shapeOf = (cycle: Cycle) => cycle.hops.map((hop) => hop.pool.kind).join('');

/** Which V4 pools a cycle trades: none, only ERC-20 ones, or at least one holding native ETH (wrapped/unwrapped). */
type Variant = 'none' | 'erc20' | 'native';
const variantOf = (cycle: Cycle): Variant =>
  cycle.hops.some((hop) => hop.pool.kind === 'v4' && BigInt(hop.pool.token0) === 0n) ? 'native' : cycle.hops.some((hop) => hop.pool.kind === 'v4') ? 'erc20' : 'none';

/**
 * Measures the real executor on a devnet: for each dislocation, every cycle through the pool it moved is sized
 * by the strategy, and the first profitable one of each shape (crossing no initialized tick: the input is halved
 * until it crosses none) is run for real by the operator, in inventory mode and in flash mode, each from the same
 * state (anvil snapshots), with a builder payment of half the profit as the bot pays. The plan comes from the
 * bot's own planFor/encodePlan, so the figures follow whatever the executor and the
 * plan encoding are. On a devnet with V4 pools the V4 shapes are measured too, each with a native-ETH V4 pool and
 * with ERC-20 ones where the dislocations form both, and the dearer is kept. Deterministic for a scenario.
 */
export async function measureGasCalibration(devnet: Devnet): Promise<GasCalibration> {
  const client = devnet.client as unknown as PublicClient;
  const operator = devAccount(devnet.manifest.accounts.searcher.index);
  const trader = devAccount(devnet.manifest.accounts.traders[0]!.index);
  const poisoned = new Set(devnet.manifest.tokens.filter((token) => poisonedKinds.has(token.kind)).map((token) => token.address.toLowerCase()));
  const withV4 = devnet.manifest.v4.pools.length > 0;
  const wanted: readonly string[] = [...calibratedShapes, ...(withV4 ? calibratedV4Shapes : [])];
  const factories = withV4 ? { ...mainnetFactories, v4: [{ poolManager: mainnetV4.poolManager, venue: 'uniswapV4' }] } : mainnetFactories;
  /** Per shape, per variant: the measured gas. */
  const found = new Map<string, Map<Variant, { inventory: number; flash: number }>>();
  const steps = [...dislocations, ...(withV4 ? v4Dislocations : [])];

  for (const dislocation of steps) {
    const outer = await devnet.client.snapshot();
    const movedAddress = await dislocate(devnet, trader, dislocation);
    const head = await client.getBlock();
    const market = new MarketState();
    market.reset(await bootstrapPools(client, await discoverPools(client, factories, head.number!), head.number!), { number: head.number!, hash: head.hash!, parentHash: head.parentHash });
    const graph = new PoolGraph(market.all(), (pool) => poisoned.has(pool.token0.toLowerCase()) || poisoned.has(pool.token1.toLowerCase()), { nativeAs: mainnet.weth });
    const moved = market.get(movedAddress) as Pool;
    for (const cycle of graph.cyclesThrough(moved, mainnet.weth, 100_000)) {
      const shape = shapeOf(cycle);
      const variant = variantOf(cycle);
      if (!wanted.includes(shape) || found.get(shape)?.has(variant)) continue;
      const sized = sizeCycle(market, cycle);
      if (!sized) continue;
      let amountIn = sized.amountIn < maxInput ? sized.amountIn : maxInput;
      let quote = quoteCycle(market, cycle, amountIn);
      for (let halvings = 0; quote.ticksCrossed > 0 && halvings < maxHalvings; halvings++) {
        amountIn /= 2n;
        quote = quoteCycle(market, cycle, amountIn);
      }
      const profit = quote.amountOut - amountIn;
      if (profit <= 0n || quote.ticksCrossed > 0) continue;
      const measured = { inventory: 0, flash: 0 };
      for (const mode of ['inventory', 'flash'] as const) {
        const inner = await devnet.client.snapshot();
        const candidate: Candidate = {
          victim: null,
          cycle,
          amountIn,
          amountOut: quote.amountOut,
          grossProfitWei: profit,
          gas: 0n,
          gasCostWei: 0n,
          bribeWei: profit / 2n,
          netProfitWei: profit - profit / 2n,
          ticksCrossed: 0,
          view: market,
          flash: mode === 'flash',
        };
        const block = await client.getBlock();
        const signed = await signExecutorTransaction({
          account: operator,
          chainId: devnet.manifest.chainId,
          executor: devnet.manifest.executor.address,
          plan: calibrationPlan(candidate, block.number! + 1n),
          nonce: await client.getTransactionCount({ address: operator.address, blockTag: 'pending' }),
          gas: 2_000_000n,
          maxPriorityFeePerGas: 10n ** 9n,
          maxFeePerGas: (block.baseFeePerGas ?? 0n) * 2n + 10n ** 9n,
        });
        const hash = await client.sendRawTransaction({ serializedTransaction: signed.raw });
        await nextSlot(devnet, block.timestamp);
        await devnet.client.mine({ blocks: 1 });
        const receipt = await client.waitForTransactionReceipt({ hash, pollingInterval: 20 });
        await devnet.client.revert({ id: inner });
        if (receipt.status !== 'success') throw new Error(`gas calibration: the ${shape} ${mode} plan reverted (${hash})`);
        measured[mode] = Number(receipt.gasUsed);
      }
      if (!found.has(shape)) found.set(shape, new Map());
      found.get(shape)!.set(variant, measured);
    }
    await devnet.client.revert({ id: outer });
  }
  const missing = wanted.filter((shape) => !found.has(shape));
  if (missing.length > 0) throw new Error(`gas calibration: no profitable cycle of shape ${missing.join(', ')} in the dislocations (found: ${[...found.keys()].join(', ')})`);
  // The dearer of a shape's variants (a native ETH hop wraps or unwraps: the estimate must not fall short of it).
  const dearer = (shape: string) => {
    const variants = [...found.get(shape)!.values()];
    return { inventory: Math.max(...variants.map((v) => v.inventory)), flash: Math.max(...variants.map((v) => v.flash)) };
  };
  const v4Variants = Object.fromEntries([...found].filter(([shape]) => shape.includes('v4')).map(([shape, variants]) => [shape, Object.fromEntries(variants)]));
  return {
    generatedBy: 'scripts/calibrate-gas.ts',
    executorCodeHash: keccak256(executorDeployedBytecode),
    scenario: devnet.manifest.scenario,
    method:
      'receipt gasUsed of Executor.execute on the devnet after a WETH (or, in V4 pools, ETH) dump, per shape, inventory and flash, builder payment half the profit, no initialized tick crossed; shapes with V4 hops: the dearer of a native-ETH and an ERC-20 V4 pool where both were measured (v4Variants)',
    shapes: Object.fromEntries(wanted.map((shape) => [shape, dearer(shape)])),
    ...(withV4 ? { v4Variants } : {}),
  };
}

/** Moves one pool by a dump of ETH (or WETH) through a router, mined; returns the market key of the pool it moved. */
async function dislocate(devnet: Devnet, trader: ReturnType<typeof devAccount>, dislocation: (typeof dislocations)[number] | (typeof v4Dislocations)[number]): Promise<Address | Hex> {
  const amountIn = dislocation.ether * 10n ** 18n;
  if ('router' in dislocation) {
    const hops = resolveRoute(dislocation.router, dislocation.path, 'fees' in dislocation ? dislocation.fees : undefined, devnet.manifest.pools as never, devnet.manifest.tokens);
    const call = buildSwapCall({ router: dislocation.router, hops, amountIn, minAmountOut: 0n, recipient: trader.address, deadline: 2n ** 40n, ethIn: true, ethOut: false });
    await sendAndMine(devnet, trader, { to: call.to, data: call.data, value: call.value, gas: 1_000_000n });
    return hops[0]!.pool.address as Address;
  }
  const [inSymbol, outSymbol] = dislocation.pair;
  const pool = devnet.manifest.v4.pools.find((candidate) => candidate.pair[0] === inSymbol && candidate.pair[1] === outSymbol && candidate.key.fee === dislocation.fee && candidate.hook === 'none');
  if (!pool) throw new Error(`gas calibration: the scenario has no hookless V4 ${inSymbol}/${outSymbol} pool with fee ${dislocation.fee}`);
  const hop = { pool, currencyIn: v4Currency(devnet.manifest.tokens as never, inSymbol), currencyOut: v4Currency(devnet.manifest.tokens as never, outSymbol) };
  const call = buildV4SwapCall({ v4: { kind: 'exactInSingle', hops: [hop], exactAmount: amountIn, limit: 0n }, recipient: trader.address, deadline: 2n ** 40n });
  await sendAndMine(devnet, trader, { to: call.to, data: call.data, value: call.value, gas: 1_000_000n });
  return pool.poolId.toLowerCase() as Hex;
}

const calibrationPolicy = { priorityFeeWei: 10n ** 9n, builderShareBps: 5000n, minNetProfitWei: 0n };

/** The packed plan the bot would send for the candidate (planFor, V4 hops checked against the devnet's WETH and PoolManager). */
function calibrationPlan(candidate: Candidate, targetBlock: bigint): Hex {
  return encodePlan(planFor(candidate, targetBlock, calibrationPolicy), { weth: mainnet.weth, poolManager: mainnetV4.poolManager });
}

async function sendAndMine(devnet: Devnet, account: ReturnType<typeof devAccount>, call: { to: Address; data: `0x${string}`; value: bigint; gas: bigint }): Promise<void> {
  const client = devnet.client;
  const block = await client.getBlock();
  const raw = await account.signTransaction({
    chainId: devnet.manifest.chainId,
    type: 'eip1559',
    nonce: await client.getTransactionCount({ address: account.address, blockTag: 'pending' }),
    to: call.to,
    data: call.data,
    value: call.value,
    gas: call.gas,
    maxPriorityFeePerGas: 10n ** 9n,
    maxFeePerGas: (block.baseFeePerGas ?? 0n) * 2n + 10n ** 9n,
  });
  const hash = await client.sendRawTransaction({ serializedTransaction: raw });
  await nextSlot(devnet, block.timestamp);
  await client.mine({ blocks: 1 });
  const receipt = await client.waitForTransactionReceipt({ hash, pollingInterval: 20 });
  if (receipt.status !== 'success') throw new Error(`gas calibration: the dislocating swap reverted (${hash})`);
}

/**
 * The next block 12 s after its parent, as on mainnet: a block in the same second as its parent would skip the
 * pairs' price-accumulator writes and measure ~10k gas less (anvil reuses the second after a revert).
 */
async function nextSlot(devnet: Devnet, parentTimestamp: bigint): Promise<void> {
  await devnet.client.setNextBlockTimestamp({ timestamp: parentTimestamp + 12n });
}
