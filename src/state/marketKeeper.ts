import { keccak256, toHex, type Address, type PublicClient } from 'viem';
import type { Logger } from '../log.ts';
import { readMarket, type DiscoveredPools, type Factories, type ReadMarketOptions } from './bootstrap.ts';
import { CheckpointWriter } from './checkpointWriter.ts';
import { StateFollower } from './follower.ts';
import type { BlockRef, MarketState } from './market.ts';
import { loadMarket, type BootstrapStats } from './marketLoader.ts';
import type { PoolCheckpointStore } from './poolCheckpoint.ts';
import { PoolPromoter } from './promoter.ts';
import { windowAround, type TickWindows } from './reader.ts';
import { PoolRegistry } from './registry.ts';
import type { Pool } from './types.ts';

/** How the market is loaded and kept (the run config's `market` section, in the types state/ uses). */
export type MarketSettings = {
  minLiquidityWei: bigint;
  maxRequestsInFlight: number;
  poolsPerCall: number;
  /** 0: whole bitmaps. */
  v3TickWindowPriceFactor: number;
  checkpointEveryBlocks: number;
  maxWarmGapBlocks: number;
};

export type MarketKeeperParameters = {
  client: PublicClient;
  market: MarketState;
  logger: Logger;
  factories: Factories;
  weth: Address;
  settings: MarketSettings;
  /** The store and the chain's scope (chain id + genesis hash); absent: nothing persists, every start is cold. */
  checkpoints?: { store: PoolCheckpointStore; chainScope: string };
  /** Pools that joined the market while following (created, or risen above the floor). */
  onNewPools: (pools: readonly Pool[]) => void;
  /** Pools the market dropped (a re-read after a deep reorg left them out): the search and the risk layer forget them. */
  onGonePools?: (addresses: readonly Address[]) => void;
  onStale: (stale: boolean) => void;
  onPause: (reason: string | undefined) => void;
  onBlock: (block: BlockRef, changed: ReadonlySet<Address>) => void;
};

/**
 * The market's keeper: loads it (warm from the checkpoint when it can), then follows the chain with it, and
 * keeps around it what a mainnet-sized market needs: the registry of every pool found (for deep reorgs and
 * restarts), the checkpoint saved as blocks go by, tick windows that follow the price, and pools promoted when
 * they rise above the liquidity floor.
 */
export class MarketKeeper {
  /** How the market was loaded: pools found and kept, time to a searchable market, checkpoint used. */
  bootstrap: (BootstrapStats & { ms: number }) | undefined;
  private follower!: StateFollower;
  private registry = new PoolRegistry([]);
  private checkpoints: CheckpointWriter | undefined;
  private promoter: PoolPromoter | undefined;

  constructor(private readonly parameters: MarketKeeperParameters) {}

  private get windows(): TickWindows | undefined {
    const factor = this.parameters.settings.v3TickWindowPriceFactor;
    return factor === 0 ? undefined : (pool) => windowAround(pool.tick, pool.tickSpacing, factor);
  }

  /** Loads the market at `head` and gets ready to follow from there. */
  async start(head: BlockRef): Promise<void> {
    const { client, market, logger, factories, weth, settings } = this.parameters;
    const started = performance.now();
    const windows = this.windows;
    const floor = { weth, minLiquidityWei: settings.minLiquidityWei };
    const read = { maxInFlight: settings.maxRequestsInFlight, poolsPerCall: settings.poolsPerCall, ...(windows ? { windows } : {}) };
    // The checkpoint belongs to a chain and to the settings that chose its pools: other factories or another
    // floor start cold.
    const choice = keccak256(toHex(JSON.stringify({ factories, floor: String(settings.minLiquidityWei) }, (_, value: unknown) => (typeof value === 'bigint' ? String(value) : value)))).slice(0, 18);
    const checkpoints = this.parameters.checkpoints ? { store: this.parameters.checkpoints.store, scope: `${this.parameters.checkpoints.chainScope}:${choice}` } : undefined;
    const loaded = await loadMarket({ client, factories, head, logger, ...(checkpoints ? { checkpoints } : {}), floor, ...read, maxWarmGap: BigInt(settings.maxWarmGapBlocks) });
    market.reset(loaded.pools, head);
    this.registry = new PoolRegistry(loaded.registry);
    this.bootstrap = { ...loaded.stats, ms: Math.round(performance.now() - started) };
    logger.info({ ...this.bootstrap, fromCheckpoint: loaded.stats.fromCheckpoint === undefined ? undefined : String(loaded.stats.fromCheckpoint) }, 'state: market bootstrapped');

    const tracked = new Set(loaded.pools.map((pool) => pool.address.toLowerCase()));
    if (settings.minLiquidityWei > 0n) {
      const onPromoted = (pools: readonly Pool[]) => {
        this.checkpoints?.onNewPools([], pools);
        this.parameters.onNewPools(pools);
      };
      this.promoter = new PoolPromoter({ client, market, logger, floor, ...(windows ? { windows } : {}), onPromoted }, loaded.registry.filter((entry) => !tracked.has(entry.address.toLowerCase())));
    }
    if (checkpoints) {
      this.checkpoints = new CheckpointWriter({
        ...checkpoints,
        market,
        logger,
        everyBlocks: settings.checkpointEveryBlocks,
        trustworthy: () => !this.follower.stale && !this.follower.paused,
        registry: () => this.registry.all(),
      });
    }
    this.follower = new StateFollower({
      client,
      market,
      logger,
      factories,
      driftInBackground: true,
      ...(windows ? { v3Window: windows } : {}),
      onNewPools: (pools) => {
        const entries = this.registry.add(pools, market.head?.number);
        this.checkpoints?.onNewPools(entries, pools);
        this.promoter?.joined(pools);
        this.parameters.onNewPools(pools);
      },
      ...(this.parameters.onGonePools ? { onGonePools: this.parameters.onGonePools } : {}),
      onStale: this.parameters.onStale,
      onPause: this.parameters.onPause,
      onRebootstrap: () => {
        this.checkpoints?.onReplaced();
        // The registry is the new branch's: watch its untracked pools, price off the market read again.
        this.promoter?.reset(this.registry.all().filter((entry) => market.get(entry.address) === undefined));
      },
      reload: (block) => this.registry.reload(client, factories, block, { ...read, floor }),
      readNewPools: (found, blockNumber) => this.readNewPools(found, blockNumber, { ...read, floor }),
      ...(this.promoter ? { onUntrackedLogs: (block: BlockRef, logs: Parameters<PoolPromoter['onLogs']>[1], changed: ReadonlySet<Address>) => this.promoter!.onLogs(block, logs, changed) } : {}),
      onBlock: (block, changed) => {
        this.promoter?.onBlock(block, changed);
        this.checkpoints?.onBlock(changed);
        this.parameters.onBlock(block, changed);
      },
    });
  }

  /**
   * Pools created in a block: through the floor like every other (most new pairs on mainnet are dust). Those
   * below it are registered and watched; the follower adds the others to the market.
   */
  private async readNewPools(found: DiscoveredPools, blockNumber: bigint, options: ReadMarketOptions & { floor: NonNullable<ReadMarketOptions['floor']> }): Promise<Pool[]> {
    const knownPrices = this.promoter?.prices;
    const result = await readMarket(this.parameters.client, found, blockNumber, { ...options, floor: { ...options.floor, ...(knownPrices ? { knownPrices } : {}) } });
    if (result.untracked.length > 0) {
      const entries = this.registry.add(result.untracked, blockNumber);
      this.checkpoints?.onNewPools(entries, []);
      this.promoter?.watch(entries);
    }
    return result.tracked;
  }

  /** Brings the market to the node's head (see StateFollower.sync). */
  sync(next?: BlockRef): Promise<void> {
    return this.follower.sync(next);
  }

  /** Pools read but below the floor, watched for events that may lift them. */
  get watching(): number {
    return this.promoter?.watching ?? 0;
  }

  get promoted(): number {
    return this.promoter?.promoted ?? 0;
  }

  /** Resolves when drift checks, window re-reads and promotions started so far have landed. */
  async settled(): Promise<void> {
    await this.follower?.settled();
    await this.promoter?.settled();
  }

  /** Saves the checkpoint a last time (a stopping bot's next start catches up from here). */
  async stop(): Promise<void> {
    await this.settled();
    this.checkpoints?.save();
  }
}
