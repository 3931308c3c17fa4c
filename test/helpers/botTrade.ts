import { decodeFunctionData, parseAbi, toHex, concat, type Address, type Hex, type TransactionReceipt } from 'viem';
import { executorAbi } from '../../src/abi/executor.generated.ts';
import { quoterV2Abi, v2RouterAbi } from '../../src/abi/routers.ts';
import { decodePlan, type ExecutorPlan, type PlanHop } from '../../src/bundle/plan.ts';
import { planWithPools } from './planPools.ts';
import { mainnet } from '../../src/chain/addresses.ts';
import type { Devnet } from '../../src/devnet/devnet.ts';
import type { OpportunityView } from '../../src/monitor/queries.ts';
import { signVictim, type VictimOrder } from './backrun.ts';
import { startTestBot, stepBlock } from './bot.ts';
import { startTestDevnet } from './devnet.ts';

const erc20 = parseAbi(['function balanceOf(address) view returns (uint256)']);

export type BotTrade = {
  /** What the bot decided about the victim (newest first, as the store lists them). */
  opportunities: OpportunityView[];
  /** Bundles the builder received. */
  bundles: number;
  /**
   * Bundles the builder received for the victim's block. A later block can draw a block-state arbitrage of what
   * was left (at that block's lower base fee it may clear the minimum the backrun missed), so only these are
   * about the victim.
   */
  bundlesForVictimBlock: number;
  victimStatus: 'success' | 'reverted';
  /** Our transaction in the sealed block, when one landed. */
  ours?: { plan: ExecutorPlan; receipt: TransactionReceipt };
  /** The executor's start-token change over the block (gross − builder payment). */
  executorDelta: bigint;
  /** ETH the operator paid for gas (receipt gasUsed × effective gas price). */
  gasFeeWei: bigint;
  /** The sealed block's base fee. */
  baseFeePerGas: bigint;
};

/**
 * The whole bot on a fresh devnet (same scenario, so the same state every time) with the test's config: one
 * victim goes to the public mempool, the bot decides, the builder seals the block; what landed is read back
 * from the chain.
 */
/** The block the victim lands in, in every run. */
const victimHeight = 600n;

export async function runBotOnVictim(order: VictimOrder, config: Record<string, unknown>): Promise<BotTrade> {
  const devnet = await startTestDevnet();
  try {
    // Every run at the same height: a fresh devnet's setup ends at a varying block, and the plan names its block
    // (a number of one non-zero byte is 12 gas cheaper calldata than one of two), so runs compared with each
    // other must land the victim at the same number. The base fee is set back to what the devnet starts with.
    const height = await devnet.client.getBlockNumber({ cacheTime: 0 });
    if (height >= victimHeight - 2n) throw new Error(`the devnet's setup reached block ${height}: raise victimHeight`);
    await devnet.client.mine({ blocks: Number(victimHeight - 2n - height) });
    await devnet.client.setNextBlockBaseFeePerGas({ baseFeePerGas: 1_000_000_000n });
    const { app } = await startTestBot(devnet, config);
    try {
      const executor = devnet.manifest.executor.address;
      const balance = () => devnet.client.readContract({ address: mainnet.weth, abi: erc20, functionName: 'balanceOf', args: [executor] });
      // The devnet's first block has a base fee set by hand (1 gwei): one empty block first, so the victim's
      // block follows the EIP-1559 rule from its parent as on mainnet (the bot prices gas by that rule).
      await stepBlock(devnet, app);
      const before = await balance();
      const victim = await signVictim(devnet, order);
      const deadline = Date.now() + 30_000;
      while (app.engine.stats.victims < 1) {
        if (Date.now() > deadline) throw new Error('the bot never saw the victim');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await stepBlock(devnet, app);
      const victimReceipt = await devnet.client.getTransactionReceipt({ hash: victim.hash });
      const block = await devnet.client.getBlock({ blockNumber: victimReceipt.blockNumber, includeTransactions: true });
      const ourTx = block.transactions.find((tx) => tx.to?.toLowerCase() === executor.toLowerCase());
      let ours: BotTrade['ours'];
      let gasFeeWei = 0n;
      if (ourTx) {
        const receipt = await devnet.client.getTransactionReceipt({ hash: ourTx.hash });
        const { args } = decodeFunctionData({ abi: executorAbi, data: ourTx.input });
        ours = { plan: await planWithPools(devnet.client, executor, decodePlan(args![0] as Hex)), receipt };
        gasFeeWei = receipt.gasUsed * receipt.effectiveGasPrice;
      }
      return {
        opportunities: app.store.recentOpportunities(100),
        bundles: devnet.builder.counts.bundles,
        bundlesForVictimBlock: bundlesFor(devnet, victimReceipt.blockNumber),
        victimStatus: victimReceipt.status,
        ...(ours ? { ours } : {}),
        executorDelta: (await balance()) - before,
        gasFeeWei,
        baseFeePerGas: block.baseFeePerGas!,
      };
    } finally {
      await app.stop();
    }
  } finally {
    await devnet.stop();
  }
}

function bundlesFor(devnet: Devnet, blockNumber: bigint): number {
  const report = devnet.builder.report(blockNumber);
  if (!report) throw new Error(`the builder has no report of block ${blockNumber}`);
  return report.included.length + report.excluded.length;
}

const v2Routers: Record<string, Address> = { uniswapV2: mainnet.uniswapV2Router02, sushiswap: mainnet.sushiswapRouter };

/**
 * A cycle's output for each input, quoted by the real contracts (Router02 getAmountsOut for pairs, QuoterV2
 * for V3 pools) hop by hop, on a fresh devnet where only the victim has traded: the state the bot traded on.
 */
export async function quoteAfterVictim(order: VictimOrder, startToken: Address, hops: readonly PlanHop[], inputs: readonly bigint[]): Promise<bigint[]> {
  const devnet = await startTestDevnet();
  try {
    await signVictim(devnet, order);
    await devnet.client.mine({ blocks: 1 });
    const outputs: bigint[] = [];
    for (const amountIn of inputs) outputs.push(await quoteCycleOnChain(devnet, startToken, hops, amountIn));
    return outputs;
  } finally {
    await devnet.stop();
  }
}

async function quoteCycleOnChain(devnet: Devnet, startToken: Address, hops: readonly PlanHop[], amountIn: bigint): Promise<bigint> {
  let amount = amountIn;
  let tokenIn = startToken;
  for (const hop of hops) {
    const pool = devnet.manifest.pools.find((entry) => entry.address.toLowerCase() === hop.pool.toLowerCase());
    if (!pool) throw new Error(`no devnet pool ${hop.pool}`);
    if (hop.protocol === 'v2') {
      const amounts = await devnet.client.readContract({ address: v2Routers[pool.dex]!, abi: v2RouterAbi, functionName: 'getAmountsOut', args: [amount, [tokenIn, hop.tokenOut]] });
      amount = amounts[1]!;
    } else {
      const path = concat([tokenIn, toHex(pool.fee!, { size: 3 }), hop.tokenOut]);
      const { result } = await devnet.client.simulateContract({ address: mainnet.quoterV2, abi: quoterV2Abi, functionName: 'quoteExactInput', args: [path, amount] });
      amount = result[0];
    }
    tokenIn = hop.tokenOut;
  }
  return amount;
}

