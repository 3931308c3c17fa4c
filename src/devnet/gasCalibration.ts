import { keccak256, type Address, type PublicClient } from 'viem';
import { executorDeployedBytecode } from '../abi/executor.generated.ts';
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
import { mainnet } from '../chain/addresses.ts';
import type { Devnet } from './devnet.ts';
import type { RouterKind } from './scenario/schema.ts';
import { buildSwapCall } from './traffic/calldata.ts';
import { resolveRoute } from './traffic/route.ts';

/** Gas of one executor transaction per cycle shape ("v2v3": a V2 hop then a V3 hop), per mode. */
export type GasCalibration = {
  generatedBy: string;
  /** keccak256 of the executor's deployed bytecode as built: a different executor needs a new calibration. */
  executorCodeHash: string;
  scenario: string;
  /** How the figures were taken (kept in the file so a reader need not open this module). */
  method: string;
  shapes: Record<string, { inventory: number; flash: number }>;
};

/** Every two- and three-hop shape the default scenario's pools can form. */
export const calibratedShapes = ['v2v2', 'v2v3', 'v3v2', 'v3v3', 'v2v3v2', 'v2v3v3', 'v3v3v2', 'v3v3v3'] as const;

/**
 * WETH dumps that open every shape: on SushiSwap (cycles end by buying WETH back there: V2 or V3 first hops, or
 * three hops through the stablecoin pools) and on the V3 0.05% pool (cycles end in that V3 pool).
 */
const dislocations: Array<{ router: RouterKind; path: string[]; fees?: number[]; ether: bigint }> = [
  { router: 'sushiswapRouter', path: ['WETH', 'USDC'], ether: 40n },
  { router: 'swapRouter', path: ['WETH', 'USDC'], fees: [500], ether: 100n },
];

/** Inputs are kept below this so no V3 hop crosses an initialized tick (ticks are priced apart). */
const maxInput = 10n ** 19n;
const poisonedKinds = new Set(['feeOnTransfer', 'honeypot', 'salmonella']);
const shapeOf = (cycle: Cycle) => cycle.hops.map((hop) => hop.pool.kind).join('');

/**
 * Measures the real executor on a devnet: for each dislocation, every cycle through the pool it moved is sized
 * by the strategy, and the first profitable one of each shape (crossing no initialized tick) is run for real
 * by the operator, in inventory mode and in flash mode, each from the same state (anvil snapshots), with a
 * builder payment of half the profit as the bot pays. The plan comes from the bot's own planFor/encodePlan,
 * so the figures follow whatever the executor and the plan encoding are. Deterministic for a scenario.
 */
export async function measureGasCalibration(devnet: Devnet): Promise<GasCalibration> {
  const client = devnet.client as unknown as PublicClient;
  const operator = devAccount(devnet.manifest.accounts.searcher.index);
  const trader = devAccount(devnet.manifest.accounts.traders[0]!.index);
  const poisoned = new Set(devnet.manifest.tokens.filter((token) => poisonedKinds.has(token.kind)).map((token) => token.address.toLowerCase()));
  const shapes: GasCalibration['shapes'] = {};

  for (const dislocation of dislocations) {
    const outer = await devnet.client.snapshot();
    const hops = resolveRoute(dislocation.router, dislocation.path, dislocation.fees, devnet.manifest.pools as never, devnet.manifest.tokens);
    const call = buildSwapCall({ router: dislocation.router, hops, amountIn: dislocation.ether * 10n ** 18n, minAmountOut: 0n, recipient: trader.address, deadline: 2n ** 40n, ethIn: true, ethOut: false });
    await sendAndMine(devnet, trader, { to: call.to, data: call.data, value: call.value, gas: 1_000_000n });

    const head = await client.getBlock();
    const market = new MarketState();
    market.reset(await bootstrapPools(client, await discoverPools(client, mainnetFactories, head.number!), head.number!), { number: head.number!, hash: head.hash!, parentHash: head.parentHash });
    const graph = new PoolGraph(market.all(), (pool) => poisoned.has(pool.token0.toLowerCase()) || poisoned.has(pool.token1.toLowerCase()));
    const moved = market.get(hops[0]!.pool.address as Address) as Pool;
    for (const cycle of graph.cyclesThrough(moved, mainnet.weth, 100_000)) {
      const shape = shapeOf(cycle);
      if (shapes[shape] || !(calibratedShapes as readonly string[]).includes(shape)) continue;
      const sized = sizeCycle(market, cycle);
      if (!sized) continue;
      const amountIn = sized.amountIn < maxInput ? sized.amountIn : maxInput;
      const quote = quoteCycle(market, cycle, amountIn);
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
          plan: planFor(candidate, block.number! + 1n, { priorityFeeWei: 10n ** 9n, builderShareBps: 5000n, minNetProfitWei: 0n }),
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
      shapes[shape] = measured;
    }
    await devnet.client.revert({ id: outer });
  }
  const missing = calibratedShapes.filter((shape) => !shapes[shape]);
  if (missing.length > 0) throw new Error(`gas calibration: no profitable cycle of shape ${missing.join(', ')} in the dislocations`);
  return {
    generatedBy: 'scripts/calibrate-gas.ts',
    executorCodeHash: keccak256(executorDeployedBytecode),
    scenario: devnet.manifest.scenario,
    method: 'receipt gasUsed of Executor.execute on the devnet after a WETH dump, per shape, inventory and flash, builder payment half the profit, no initialized tick crossed',
    shapes: Object.fromEntries(calibratedShapes.map((shape) => [shape, shapes[shape]!])),
  };
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
