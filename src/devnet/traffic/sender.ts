import { parseAbi, type Address, type Hash } from 'viem';
import type { HDAccount } from 'viem/accounts';
import { quoterV2Abi, v2RouterAbi } from '../../abi/routers.ts';
import type { Logger } from '../../log.ts';
import { mainnet } from '../../chain/addresses.ts';
import type { DevnetClient } from '../client.ts';
import { farDeadline, routerOfDex, type DevnetPool } from '../seed/pools.ts';
import type { Scenario } from '../scenario/schema.ts';
import type { DevnetToken } from '../tokens.ts';
import { buildSwapCall, encodeV3Path, v2Path } from './calldata.ts';
import { planRandomSwaps, randomFlowPools, type SwapOrder } from './plan.ts';
import { seededRandom } from './random.ts';
import type { PrivateRouter, SwapRoute } from './privateRoute.ts';
import { privateTxDefaultBlocks } from '../builder/privatePool.ts';
import { isV3 } from './route.ts';
import { planBackground, type BackgroundOrder } from './background.ts';
import { poisson } from './random.ts';
import type { DevnetV4Pool } from '../v4/pools.ts';
import { planV4Swaps } from './v4Plan.ts';
import { prepareV4Swap, type PreparedSwap, type SentV4Swap } from './v4Quote.ts';

const balanceOfAbi = parseAbi(['function balanceOf(address) view returns (uint256)']);

/** Gas limit per user swap; generous, since an unused limit costs nothing. */
const swapGasLimit = 600_000n;

export type TrafficStats = { sent: number; skipped: number; failed: number; background: number };
/**
 * `route`: where the swap went (public mempool, or a private relay by the scenario's privateFlow). `protocol`: the pools' kind ('mixed': a V4 leg and a V2/V3 leg in one UniversalRouter `execute`); `v4`: the V4 leg,
 * when there is one. For a V4 swap `amountIn` is the most it may spend (exact in: the input; exact out: the bound)
 * and `minAmountOut` the least it takes (exact out: the exact output), V2/V3 leg included.
 */
export type SentSwap = {
  hash: Hash;
  block: bigint;
  order: SwapOrder;
  amountIn: bigint;
  minAmountOut: bigint;
  route: SwapRoute;
  protocol: PreparedSwap['protocol'];
  v4?: SentV4Swap;
};


export type TrafficParameters = {
  client: DevnetClient;
  chainId: number;
  scenario: Scenario;
  pools: readonly DevnetPool[];
  tokens: readonly DevnetToken[];
  traders: readonly HDAccount[];
  explicit: ReadonlyMap<number, SwapOrder[]>;
  /** The head when the devnet became ready; traffic block 1 is the block after it. */
  startBlock: bigint;
  logger: Logger;
  onSent?: (swap: SentSwap) => void;
  /**
   * Mainnet-shaped blocks (the scale market): about `txsPerBlock` transactions per block, the scenario's swaps
   * (selling only tokens in `held`) and, for the rest, transfers, approvals and other calls that trade nothing.
   * Sent concurrently across traders, so a block's worth goes out well within a block time.
   */
  mix?: { txsPerBlock: number; held: readonly DevnetToken[] };
  onBackgroundSent?: (order: BackgroundOrder, hash: Hash) => void;
  /** Chooses public or a private relay for each user swap (absent: every swap is public). */
  privateRouter?: PrivateRouter;
  /** The scenario's V4 pools: with any, random flow also swaps through them via the UniversalRouter's V4_SWAP. */
  v4Pools?: readonly DevnetV4Pool[];
};

/**
 * Sends the scenario's users' swaps: on every new head, the explicit swaps for the next block and a draw of
 * random flow, each quoted against the live pools, signed by the trader's own key and sent raw to the mempool.
 * A swap that cannot be built (no balance, failed quote) is skipped and counted; it never stops the flow.
 */
export class TrafficGenerator {
  readonly stats: TrafficStats = { sent: 0, skipped: 0, failed: 0, background: 0 };
  /** The last head whose next-block traffic has been sent. */
  handledHead = 0n;
  private readonly random;
  /** V4 flow draws from its own stream, so a scenario's V2/V3 flow is the same with or without V4 pools. */
  private readonly v4Random;
  private readonly flowPools: DevnetPool[];
  private readonly held: ReadonlySet<string> | undefined;
  /** Mixed blocks: the next nonce this generator would use per trader, and the node's count at the last block. */
  private readonly mixedNext = new Map<Address, number>();
  private readonly mixedFetched = new Map<Address, number>();
  private readonly nonces = new Map<Address, number>();
  /** Each user's next nonce after its last private swap, and that swap's target block: the node cannot count it. */
  private readonly privateNext = new Map<Address, { nonce: number; block: bigint }>();
  private lastHead: bigint;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();

  constructor(private readonly parameters: TrafficParameters) {
    this.random = seededRandom(parameters.scenario.traffic.random?.seed ?? 0);
    this.v4Random = seededRandom(((parameters.scenario.traffic.random?.seed ?? 0) ^ 0x5634) >>> 0);
    const flowPools = randomFlowPools(parameters.scenario, parameters.pools, parameters.tokens);
    const held = parameters.mix && new Set(parameters.mix.held.map((token) => token.symbol));
    // With a held set, only pools where a trader can sell something: the others would only be skipped.
    this.flowPools = held ? flowPools.filter((pool) => pool.pair.some((symbol) => held.has(symbol))) : flowPools;
    this.held = held;
    this.lastHead = parameters.startBlock - 1n;
  }

  /** Starts following heads (polling every `intervalMs`). */
  start(intervalMs = 50): void {
    const tick = () => {
      this.running = this.running.then(() => this.poll()).catch((error: Error) => {
        this.parameters.logger.warn({ err: error.message }, 'traffic: head poll failed');
      });
    };
    tick();
    this.timer = setInterval(tick, intervalMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  private async poll(): Promise<void> {
    const head = await this.parameters.client.getBlockNumber({ cacheTime: 0 });
    if (head <= this.lastHead) return;
    this.lastHead = head;
    await this.sendForBlock(head + 1n);
    this.handledHead = head;
  }

  /** Sends the traffic of one target block. */
  async sendForBlock(target: bigint): Promise<void> {
    const { scenario, explicit, startBlock, tokens } = this.parameters;
    const index = Number(target - startBlock);
    const orders = [...(explicit.get(index) ?? [])];
    const random = scenario.traffic.random;
    if (random) orders.push(...planRandomSwaps(this.random, random, this.parameters.traders.length, this.flowPools, tokens, this.held));
    const v4Pools = this.parameters.v4Pools ?? [];
    if (random && v4Pools.length > 0 && !this.parameters.mix) {
      const held = new Set(['ETH', ...Object.keys(scenario.traders.tokens)]);
      orders.push(...planV4Swaps(this.v4Random, random, { pools: v4Pools, classicPools: this.flowPools, tokens, traderCount: this.parameters.traders.length, held }));
    }
    if (this.parameters.mix) return this.sendMixedBlock(target, orders);
    if (orders.length === 0) return;
    // Nonces are read afresh each block: tests sign with the same traders, and a cached count would replace their
    // transactions.
    this.nonces.clear();
    const block = await this.parameters.client.getBlock({ blockTag: 'latest' });
    for (const order of orders) await this.sendCounted(order, target, block.baseFeePerGas ?? 0n);
  }

  private async sendCounted(order: SwapOrder, target: bigint, baseFee: bigint): Promise<void> {
    try {
      const sent = await this.send(order, target, baseFee);
      if (sent) this.stats.sent++;
      else this.stats.skipped++;
    } catch (error) {
      this.stats.failed++;
      this.parameters.logger.warn({ err: (error as Error).message.split('\n')[0], router: order.router }, 'traffic: swap not sent');
      // (Mixed blocks read every nonce at the start of the next block anyway; clearing here would race other sends.)
      if (!this.parameters.mix) this.nonces.clear();
    }
  }

  /**
   * A mainnet-shaped block: the swaps plus enough non-swap transactions to make about `txsPerBlock`. Every trader's
   * nonce is read once up front (one batch), so traders send concurrently without racing for nonces.
   */
  private async sendMixedBlock(target: bigint, swaps: readonly SwapOrder[]): Promise<void> {
    const { client, traders, mix, chainId, tokens } = this.parameters;
    const background = planBackground(this.random, Math.max(0, poisson(this.random, mix!.txsPerBlock) - swaps.length), {
      traderCount: traders.length,
      held: mix!.held,
      tokens,
    });
    const [block, nonces] = await Promise.all([
      client.getBlock({ blockTag: 'latest' }),
      Promise.all(traders.map((trader) => client.getTransactionCount({ address: trader.address, blockTag: 'pending' }))),
    ]);
    this.nonces.clear();
    traders.forEach((trader, i) => {
      // The node's pending count can lag what this generator has sent (the builder takes the pool apart while it
      // seals a block), so keep our own count ahead of it; but if the node has made no progress for this trader
      // since the last block while we are ahead, one of ours never made it: go back to the node's count.
      const fetched = this.afterPrivate(trader.address, nonces[i]!);
      const ours = this.mixedNext.get(trader.address) ?? fetched;
      const stalled = this.mixedFetched.get(trader.address) === fetched;
      this.nonces.set(trader.address, stalled ? fetched : Math.max(fetched, ours));
      this.mixedFetched.set(trader.address, fetched);
    });
    const baseFee = block.baseFeePerGas ?? 0n;
    const byTrader = new Map<number, SwapOrder[]>();
    for (const order of swaps) byTrader.set(order.trader, [...(byTrader.get(order.trader) ?? []), order]);
    // Background first (its nonces are assigned synchronously), then each trader's swaps in order.
    const signed = await Promise.all(
      background.map(async (order) => {
        const account = traders[order.trader]!;
        const nonce = this.nonces.get(account.address)!;
        this.nonces.set(account.address, nonce + 1);
        const raw = await account.signTransaction({
          chainId,
          type: 'eip1559',
          nonce,
          to: order.to,
          data: order.data,
          value: order.value,
          gas: order.gas,
          maxPriorityFeePerGas: order.tip,
          maxFeePerGas: baseFee * 2n + order.tip,
        });
        return { order, raw };
      }),
    );
    await Promise.all([
      ...signed.map(async ({ order, raw }) => {
        try {
          const hash = await client.sendRawTransaction({ serializedTransaction: raw });
          this.stats.background++;
          this.parameters.onBackgroundSent?.(order, hash);
        } catch (error) {
          this.stats.failed++;
          this.parameters.logger.warn({ err: (error as Error).message.split('\n')[0], details: (error as { details?: string }).details, kind: order.kind }, 'traffic: transaction not sent');
        }
      }),
      ...[...byTrader.values()].map(async (orders) => {
        for (const order of orders) await this.sendCounted(order, target, baseFee);
      }),
    ]);
    for (const trader of traders) this.mixedNext.set(trader.address, this.nonces.get(trader.address)!);
  }

  private async send(order: SwapOrder, target: bigint, baseFee: bigint): Promise<boolean> {
    const { client, chainId } = this.parameters;
    const account = this.parameters.traders[order.trader]!;
    const prepared = order.v4
      ? await prepareV4Swap({ client, logger: this.parameters.logger, quoteClassic: (classic, amountIn) => this.quote(classic, amountIn) }, order, account.address)
      : await this.prepareClassic(order, account.address);
    if (!prepared) return false;
    const { call, amountIn, minAmountOut } = prepared;
    const nonce = await this.nextNonce(account.address);
    const raw = await account.signTransaction({
      chainId,
      type: 'eip1559',
      nonce,
      to: call.to,
      data: call.data,
      value: call.value,
      gas: swapGasLimit,
      maxPriorityFeePerGas: order.tip,
      maxFeePerGas: baseFee * 2n + order.tip,
    });
    const route = this.parameters.privateRouter?.route(account.address, nonce) ?? 'public';
    const sink = this.parameters.privateRouter?.sink(route);
    // A private swap goes only to its relay: never to the node, so it is in no public mempool before it lands.
    const hash = sink ? await sink.submit(raw) : await client.sendRawTransaction({ serializedTransaction: raw });
    if (sink) this.privateNext.set(account.address, { nonce: nonce + 1, block: target });
    this.parameters.onSent?.({ hash, block: target, order, amountIn, minAmountOut, route, protocol: prepared.protocol, ...(prepared.v4 ? { v4: prepared.v4 } : {}) });
    return true;
  }

  /** A V2/V3 swap: sized by the first pool's balance of the input, bounded by the router's own quote. */
  private async prepareClassic(order: SwapOrder, trader: Address): Promise<PreparedSwap | undefined> {
    const { client, logger } = this.parameters;
    const first = order.hops[0]!;
    const amountIn =
      'exact' in order.amountIn
        ? order.amountIn.exact
        : ((await client.readContract({ address: first.tokenIn.address, abi: balanceOfAbi, functionName: 'balanceOf', args: [first.pool.address] })) *
            BigInt(Math.round(order.amountIn.bpsOfPool * 100))) /
          1_000_000n;
    if (amountIn === 0n) return undefined;
    const held = order.ethIn
      ? await client.getBalance({ address: trader })
      : await client.readContract({ address: first.tokenIn.address, abi: balanceOfAbi, functionName: 'balanceOf', args: [trader] });
    if (held < amountIn) {
      logger.debug({ trader, token: first.tokenIn.symbol }, 'traffic: trader out of funds');
      return undefined;
    }
    const quoted = await this.quote(order, amountIn);
    const minAmountOut = (quoted * BigInt(10_000 - order.slippageBps)) / 10_000n;
    const call = buildSwapCall({ ...order, amountIn, minAmountOut, recipient: trader, deadline: farDeadline });
    return { call, amountIn, minAmountOut, protocol: isV3(first.pool) ? 'v3' : 'v2' };
  }

  /** What the router's own quoting says the swap returns now. */
  private async quote(order: SwapOrder, amountIn: bigint): Promise<bigint> {
    const { client } = this.parameters;
    if (isV3(order.hops[0]!.pool)) {
      const { result } = await client.simulateContract({
        address: mainnet.quoterV2,
        abi: quoterV2Abi,
        functionName: 'quoteExactInput',
        args: [encodeV3Path(order.hops), amountIn],
      });
      return result[0];
    }
    const dex = order.hops[0]!.pool.dex as keyof typeof routerOfDex;
    const amounts = await client.readContract({
      address: routerOfDex[dex].router,
      abi: v2RouterAbi,
      functionName: 'getAmountsOut',
      args: [amountIn, v2Path(order.hops)],
    });
    return amounts[amounts.length - 1]!;
  }

  /**
   * A private swap is in no node's pool until it lands; while it still may (the builder holds one for
   * privateTxDefaultBlocks), the user's next nonce comes after it, whatever the node counts.
   */
  private afterPrivate(address: Address, fromNode: number): number {
    const held = this.privateNext.get(address);
    return held && held.nonce > fromNode && this.lastHead <= held.block + privateTxDefaultBlocks ? held.nonce : fromNode;
  }

  private async nextNonce(address: Address): Promise<number> {
    let nonce = this.nonces.get(address);
    if (nonce === undefined) {
      nonce = this.afterPrivate(address, await this.parameters.client.getTransactionCount({ address, blockTag: 'pending' }));
    }
    this.nonces.set(address, nonce + 1);
    return nonce;
  }
}
