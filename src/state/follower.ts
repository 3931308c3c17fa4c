import { type Address, type Hex, type Log, type PublicClient } from 'viem';
import { v4PoolId } from '../amm/v4/poolKey.ts';
import type { Logger } from '../log.ts';
import { driftSample } from './driftSample.ts';
import { decodePoolLog, poolStateTopics as stateTopics, type PoolLog } from './events.ts';
import { MarketState, type BlockRef } from './market.ts';
import { bootstrapPools, creationTopics, discoverPools, poolsCreatedIn, type DiscoveredPools, type Factories } from './bootstrap.ts';
import { readPools, type TickWindows } from './reader.ts';
import type { Pool, V3Pool, V4Pool } from './types.ts';
import { readV4Pools, v4EntryOf } from './v4Pools.ts';
import { readV4Slot0s } from './v4Reader.ts';


export type FollowerStats = {
  blocks: number;
  logs: number;
  reorgs: number;
  rolledBack: number;
  driftChecks: number;
  drift: number;
  discovered: number;
  /** Syncs that failed (a node error): the next one starts again from our head, so nothing is skipped. */
  failedSyncs: number;
  /** Whole-market re-reads after a reorg deeper than the journal. */
  rebootstraps: number;
  /** V3 pools read again around a price that neared the edge of their loaded tick window. */
  rewindowed: number;
};

export type StateFollowerParameters = {
  client: PublicClient;
  market: MarketState;
  logger: Logger;
  /** Pools compared with the chain after each block (changed pools first). */
  driftSample?: number;
  /** Raised when a drift check finds our state differs from the chain, cleared when it agrees again. */
  onStale?: (stale: boolean) => void;
  onBlock?: (block: BlockRef, changed: ReadonlySet<Address>) => void;
  /** Factories to watch: pools they create are read and added as their block is applied. */
  factories?: Factories;
  onNewPools?: (pools: readonly Pool[]) => void;
  /** Pools the market no longer holds (a re-read after a deep reorg left them out): whatever holds them per pool forgets them. */
  onGonePools?: (addresses: readonly Address[]) => void;
  /** Run each block's drift check beside the trading path instead of before `onBlock` (the engine does). */
  driftInBackground?: boolean;
  /**
   * Sending must pause (a reason) or may resume (undefined): while the state cannot be the chain's, i.e. a
   * re-bootstrap after a reorg deeper than the journal, or a failed sync waiting for the next head to retry.
   */
  onPause?: (reason: string | undefined) => void;
  /** The whole market was read again (after a reorg deeper than the journal). */
  onRebootstrap?: () => void;
  /**
   * Reads the market again at a block after a reorg deeper than the journal (the engine's registry: recent
   * creations found again, the liquidity floor applied). Without it, the factories are scanned from block 0.
   */
  reload?: (block: BlockRef) => Promise<Pool[]>;
  /**
   * PoolManagers whose V4 events are applied (default: those of `factories.v4`). A V4 event from any other
   * emitter is ignored: anyone can emit a log shaped like one.
   */
  v4PoolManagers?: readonly Address[];
  /** The V3 tick window to load around a pool's price (absent: the market holds whole bitmaps). */
  v3Window?: TickWindows;
  /**
   * Reads pools created in a block and returns those to track (the keeper applies the liquidity floor and the
   * tick windows, and keeps the others in its registry). Without it every new pool is read whole and tracked.
   */
  readNewPools?: (found: DiscoveredPools, blockNumber: bigint) => Promise<Pool[]>;
  /**
   * Pool events of this block from contracts the market does not track (pools below the floor, among others), and
   * the tracked pools the block changed (applied already).
   */
  onUntrackedLogs?: (block: BlockRef, logs: readonly PoolLog[], changed: ReadonlySet<Address>) => void;
};

/** One line about a failure: viem's short message and the node's own words (its `details`), else the first line. */
function briefly(error: Error): string {
  const { shortMessage, details } = error as { shortMessage?: unknown; details?: unknown };
  const first = typeof shortMessage === 'string' ? shortMessage.split('\n')[0]! : error.message.split('\n')[0]!;
  return typeof details === 'string' && details ? `${first} ${details.split('\n')[0]}` : first;
}

/** Equality of the state a swap reads (and, for V3/V4, what later Mints, Burns and ModifyLiquidity need). */
export function samePoolState(a: Pool, b: Pool): boolean {
  if (a.kind === 'v2' && b.kind === 'v2') return a.reserve0 === b.reserve0 && a.reserve1 === b.reserve1;
  if (a.kind === 'v2' || a.kind !== b.kind) return false;
  if (a.kind === 'v4' && b.kind === 'v4' && (a.lpFee !== b.lpFee || a.protocolFee !== b.protocolFee)) return false;
  return (
    a.sqrtPriceX96 === b.sqrtPriceX96 &&
    a.tick === b.tick &&
    a.liquidity === b.liquidity &&
    a.ticks.length === b.ticks.length &&
    a.ticks.every((tick, i) => tick === b.ticks[i] && a.liquidityNet[i] === b.liquidityNet[i] && a.liquidityGross[i] === b.liquidityGross[i])
  );
}

/** A fresh read of a pool with what the lens does not return kept from our copy: its fee (V2), venue and factory. */
function withIdentity(fresh: Pool, ours: Pool | undefined): Pool {
  if (!ours) return fresh;
  return { ...fresh, ...(ours.kind === 'v2' && fresh.kind === 'v2' ? { feeBps: ours.feeBps } : {}), ...(ours.venue ? { venue: ours.venue } : {}), ...(ours.factory ? { factory: ours.factory } : {}) };
}

/** The pool's price sits in the outer quarter of its loaded words (at least the edge word): time to re-center. */
function nearWindowEdge(pool: V3Pool | V4Pool): boolean {
  if (!pool.wordRange) return false;
  const word = Math.floor(Math.floor(pool.tick / pool.tickSpacing) / 256);
  const margin = Math.max(1, Math.floor((pool.wordRange.to - pool.wordRange.from) / 4));
  return word - pool.wordRange.from < margin || pool.wordRange.to - word < margin;
}

/**
 * Keeps a MarketState on the canonical chain: applies each new block's pool logs in order, rolls back when
 * a block does not extend our head (a reorg) or a log comes back removed, and checks a sample of pools
 * against the chain after every block. Any mismatch counts as drift, raises the stale signal, and repairs
 * the pool from the chain.
 */
export class StateFollower {
  readonly stats: FollowerStats = { blocks: 0, logs: 0, reorgs: 0, rolledBack: 0, driftChecks: 0, drift: 0, discovered: 0, failedSyncs: 0, rebootstraps: 0, rewindowed: 0 };
  stale = false;
  private pauseReason: string | undefined;
  private running: Promise<void> = Promise.resolve();
  private drifting: Promise<unknown> = Promise.resolve();
  private readonly topics: readonly Hex[];
  private readonly v4Managers: ReadonlySet<string>;

  constructor(private readonly parameters: StateFollowerParameters) {
    this.topics = parameters.factories ? [...stateTopics, ...creationTopics] : stateTopics;
    const managers = parameters.v4PoolManagers ?? (parameters.factories?.v4 ?? []).map((m) => m.poolManager);
    this.v4Managers = new Set(managers.map((m) => m.toLowerCase()));
  }

  private get market(): MarketState {
    return this.parameters.market;
  }

  /**
   * Brings the state to the node's latest block (serialised: concurrent calls queue up). With the new head's
   * header in hand (`next`) and its parent being our head, only its logs are fetched: one request.
   */
  sync(next?: BlockRef): Promise<void> {
    return this.serialised(() => {
      const head = this.market.head;
      if (next && head && next.number === head.number + 1n && next.parentHash === head.hash) return this.applyOne(next);
      return this.catchUp();
    });
  }

  /**
   * Runs after everything queued before it. A failure rejects this call only: the queue goes on, and the next
   * sync starts from our head (a block is applied whole or not at all), so the missed range is retried and
   * no block's logs are skipped. Until a sync succeeds again, sending is paused.
   */
  private serialised(work: () => Promise<void>): Promise<void> {
    const run = this.running.then(work);
    this.running = run.then(
      () => this.setPause(undefined),
      (error: Error) => {
        this.stats.failedSyncs++;
        const from = this.market.head ? this.market.head.number + 1n : 0n;
        const why = briefly(error);
        this.parameters.logger.warn({ err: why, retryFrom: String(from) }, 'state: sync failed, the next head retries');
        this.setPause(`state sync failed (${why}): retrying from block ${from} on the next head`);
      },
    );
    return run;
  }

  /** Sending is paused because the state cannot be the chain's (a failed sync, a re-bootstrap under way). */
  get paused(): boolean {
    return this.pauseReason !== undefined;
  }

  private setPause(reason: string | undefined): void {
    if (reason === this.pauseReason) return;
    this.pauseReason = reason;
    this.parameters.onPause?.(reason);
  }

  /** Resolves when every drift check started so far has finished (they run beside the trading path). */
  async settled(): Promise<void> {
    await this.running;
    await this.drifting;
  }

  /** A log the node withdrew (`removed: true`): its block is no longer canonical, so undo back past it. */
  handleRemovedLog(blockHash: Hex): Promise<void> {
    return this.serialised(async () => {
      while (this.market.head && this.isJournaled(blockHash)) this.rollbackOne();
    });
  }

  private isJournaled(hash: Hex): boolean {
    const head = this.market.head;
    if (!head) return false;
    for (let n = head.number; n >= 0n && n > head.number - 65n; n--) {
      const known = this.market.hashAt(n);
      if (known === undefined) return false;
      if (known === hash) return true;
    }
    return false;
  }

  private rollbackOne(): void {
    this.market.rollback();
    this.stats.rolledBack++;
  }

  private async block(number: bigint): Promise<BlockRef> {
    const block = await this.parameters.client.getBlock({ blockNumber: number });
    return { number, hash: block.hash!, parentHash: block.parentHash };
  }

  private async catchUp(): Promise<void> {
    const { client, logger } = this.parameters;
    const head = this.market.head;
    if (!head) throw new Error('StateFollower: bootstrap the market before following');
    const latest = await client.getBlockNumber({ cacheTime: 0 });

    // Find the newest block we hold that is still canonical (at most the chain's height: a reorg to a shorter
    // fork undoes down to it first); undo everything above it. Past the journal's depth nothing is left to undo
    // with: read the whole market again at the chain's head.
    let reorged = false;
    for (;;) {
      const ours = this.market.head!;
      if (ours.number <= latest && (await this.block(ours.number)).hash === ours.hash) break;
      if (!reorged) this.stats.reorgs++;
      reorged = true;
      if (this.market.journalDepth === 0) {
        return this.rebootstrap(latest, `a reorg deeper than the journal (block ${ours.number} is not canonical and nothing older is journaled)`);
      }
      this.rollbackOne();
    }
    if (reorged) {
      logger.warn({ rolledBackTo: String(this.market.head?.number) }, 'state: reorg, rolled back');
    }

    for (let number = this.market.head!.number + 1n; number <= latest; number++) {
      const block = await this.block(number);
      if (block.parentHash !== this.market.head!.hash) {
        // The chain moved under us while catching up: start over from the top.
        return this.catchUp();
      }
      await this.applyOne(block);
    }
  }

  /**
   * Replaces the whole market with a fresh read at `latest` (pools found again from the factories' events, as
   * at start, so pools of the abandoned branch go and those of the new one come), with sending paused until
   * it is done. A failure leaves the pause on; the next head tries again.
   */
  private async rebootstrap(latest: bigint, why: string): Promise<void> {
    const { client, logger } = this.parameters;
    this.setPause(`${why}: re-reading every pool at block ${latest}, sending paused until the state is the chain's again`);
    logger.warn({ latest: String(latest), pools: this.market.size }, `state: ${why}, re-bootstrapping`);
    const block = await this.block(latest);
    const tracked = [...this.market.all()];
    const known = new Set(tracked.map((pool) => pool.address.toLowerCase()));
    const pools = this.parameters.reload ? await this.parameters.reload(block) : await bootstrapPools(client, await this.wantedAfterReorg(latest, tracked), latest);
    this.market.reset(pools, block);
    this.stats.rebootstraps++;
    const kept = new Set(pools.map((pool) => pool.address.toLowerCase()));
    const removed = tracked.filter((pool) => !kept.has(pool.address.toLowerCase())).map((pool) => pool.address);
    // Told before anything else: nothing may quote a pool the market no longer holds (the graph, the risk layer).
    if (removed.length > 0) this.parameters.onGonePools?.(removed);
    this.parameters.onRebootstrap?.();
    const added = pools.filter((pool) => !known.has(pool.address.toLowerCase()));
    if (added.length > 0) {
      this.stats.discovered += added.length;
      this.parameters.onNewPools?.(added);
    }
    logger.warn({ block: String(latest), pools: pools.length, added: added.length, removed: removed.length }, 'state: re-bootstrapped after a deep reorg');
  }

  /** Without a registry: every pool the factories created (from block 0), or the pools tracked now, with their fee and venue. */
  private async wantedAfterReorg(latest: bigint, tracked: readonly Pool[]): Promise<DiscoveredPools> {
    const { client, factories } = this.parameters;
    if (factories) return discoverPools(client, factories, latest);
    const wanted: DiscoveredPools = { v2: [], v3: [], v3Venues: new Map(), v4: [] };
    for (const pool of tracked) {
      if (pool.kind === 'v4') wanted.v4!.push(v4EntryOf(pool));
      else if (pool.kind === 'v2') wanted.v2.push({ pair: pool.address, feeBps: pool.feeBps, ...(pool.venue ? { venue: pool.venue } : {}) });
      else {
        wanted.v3.push(pool.address);
        if (pool.venue) wanted.v3Venues!.set(pool.address, pool.venue);
      }
    }
    return wanted;
  }

  private async applyOne(block: BlockRef): Promise<void> {
    const { client } = this.parameters;
    // One request per block: the pools' state logs and the factories' creation logs together.
    const raw = (await client.getLogs({ blockHash: block.hash, topics: [this.topics] } as never)) as Log[];
    const decoded = raw.map((log) => decodePoolLog(log, this.v4Managers)).filter((log): log is PoolLog => log !== undefined && !log.removed);
    const logs = decoded.filter((log) => this.market.get(log.address) !== undefined);
    logs.push(...(await this.dynamicFees(block)));
    const created = await this.newPools(raw, block.number);
    const changed = this.market.applyBlock(block, logs);
    if (this.parameters.onUntrackedLogs && logs.length < decoded.length) this.parameters.onUntrackedLogs(block, decoded.filter((log) => this.market.get(log.address) === undefined), changed);
    // New pools join with their state after this block (read at it), so this block's logs are not applied
    // to them a second time.
    if (created.length > 0) {
      this.market.replace(created);
      this.stats.discovered += created.length;
      this.parameters.onNewPools?.(created);
    }
    this.stats.blocks++;
    this.stats.logs += logs.length;
    if (this.parameters.driftInBackground) {
      // The check reads the chain; trading need not wait for it. A repair lands only if no newer block has.
      const check = this.checkDrift(block, changed).catch((error: Error) => this.parameters.logger.warn({ err: error.message }, 'state: drift check failed'));
      this.drifting = this.drifting.then(() => check);
    } else {
      await this.checkDrift(block, changed);
    }
    this.rewindow(block, changed);
    this.parameters.onBlock?.(block, changed);
  }

  /**
   * The V4 dynamic fees this block set: slot0's lpFee of every tracked dynamic-fee pool, read at the block (one
   * extsload per PoolManager), as an event after the block's logs for each pool whose fee moved, so the journal
   * undoes it like any other change. A hook sets the fee with no event; reading is the only way to know.
   */
  private async dynamicFees(block: BlockRef): Promise<PoolLog[]> {
    const pools = this.market.dynamicFeePools();
    if (pools.length === 0) return [];
    const byManager = new Map<string, V4Pool[]>();
    for (const pool of pools) byManager.set(pool.poolManager.toLowerCase(), [...(byManager.get(pool.poolManager.toLowerCase()) ?? []), pool]);
    const changes: PoolLog[] = [];
    for (const group of byManager.values()) {
      const slot0s = await readV4Slot0s(this.parameters.client, group[0]!.poolManager, group.map((pool) => pool.poolId), block.number);
      group.forEach((pool, i) => {
        const lpFee = slot0s[i]!.lpFee;
        if (lpFee !== pool.lpFee) changes.push({ address: pool.address, event: { kind: 'v4fee', lpFee }, blockNumber: block.number, blockHash: block.hash, logIndex: Number.MAX_SAFE_INTEGER, removed: false });
      });
    }
    return changes;
  }

  /**
   * V3 pools whose price came near the edge of their loaded tick window are read again around the new price,
   * beside the trading path; the fresh copy lands only if no newer block has (else that block's check judges).
   * Until then a trade past the edge is refused, never guessed.
   */
  private rewindow(block: BlockRef, changed: ReadonlySet<Address>): void {
    const window = this.parameters.v3Window;
    if (!window) return;
    const near = [...changed].map((address) => this.market.get(address)).filter((pool): pool is V3Pool | V4Pool => pool !== undefined && pool.kind !== 'v2' && nearWindowEdge(pool));
    if (near.length === 0) return;
    const v3 = near.filter((pool): pool is V3Pool => pool.kind === 'v3').map((pool) => pool.address);
    const v4 = near.filter((pool): pool is V4Pool => pool.kind === 'v4').map(v4EntryOf);
    const work = Promise.all([
      v3.length > 0 ? readPools(this.parameters.client, { v3, blockNumber: block.number, windows: window }).then((read) => read.v3) : [],
      v4.length > 0 ? readV4Pools(this.parameters.client, v4, block.number, { windows: window }).then((read) => read.pools) : [],
    ])
      .then(([freshV3, freshV4]) => {
        if (this.market.head?.hash !== block.hash) return;
        const fresh: Pool[] = [...freshV3, ...freshV4];
        this.market.replace(fresh.map((pool) => withIdentity(pool, this.market.get(pool.address))));
        this.stats.rewindowed += fresh.length;
      })
      .catch((error: Error) => this.parameters.logger.warn({ err: error.message }, 'state: re-reading tick windows failed'));
    this.drifting = this.drifting.then(() => work);
  }

  private async newPools(logs: readonly Log[], blockNumber: bigint): Promise<Pool[]> {
    const { factories, client } = this.parameters;
    if (!factories) return [];
    const found = poolsCreatedIn(logs, factories);
    const fresh = {
      v2: found.v2.filter((pair) => !this.market.get(pair.pair)),
      v3: found.v3.filter((pool) => !this.market.get(pool)),
      v3Venues: found.v3Venues,
      v3Factories: found.v3Factories,
      v4: (found.v4 ?? []).filter((entry) => !this.market.get(v4PoolId(entry.key))),
    };
    if (fresh.v2.length + fresh.v3.length + fresh.v4.length === 0) return [];
    return this.parameters.readNewPools ? this.parameters.readNewPools(fresh, blockNumber) : bootstrapPools(client, fresh, blockNumber);
  }

  private async checkDrift(block: BlockRef, changed: ReadonlySet<Address>): Promise<void> {
    const sampleSize = this.parameters.driftSample ?? 4;
    if (sampleSize === 0) return;
    // Changed pools first, then random ones drawn by index: no per-block copy of every address.
    const sample = driftSample(this.market, changed, sampleSize).map((address) => this.market.get(address)!);
    const windows = (pool: { address: Address }) => (this.market.get(pool.address) as V3Pool | V4Pool | undefined)?.wordRange;
    const v4 = sample.filter((pool): pool is V4Pool => pool.kind === 'v4');
    const [fresh, freshV4] = await Promise.all([
      readPools(this.parameters.client, {
        windows,
        v3: sample.filter((pool) => pool.kind === 'v3').map((pool) => pool.address),
        v2: sample.filter((pool) => pool.kind === 'v2').map((pool) => pool.address),
        blockNumber: block.number,
      }),
      v4.length > 0 ? readV4Pools(this.parameters.client, v4.map(v4EntryOf), block.number, { windows }) : { pools: [], gone: [] },
    ]);
    this.stats.driftChecks++;
    const byAddress = new Map<string, Pool>([...fresh.v2, ...fresh.v3, ...freshV4.pools].map((pool) => [pool.address.toLowerCase(), pool]));
    // A V4 pool the PoolManager no longer holds has no fresh state: it counts as drifted and is left as it is.
    const drifted = sample.filter((pool) => {
      const now = byAddress.get(pool.address.toLowerCase());
      return now === undefined || !samePoolState(pool, now);
    });
    if (drifted.length > 0 && this.market.head?.hash !== block.hash) return; // a newer block moved on: the next check judges
    if (drifted.length > 0) {
      this.stats.drift += drifted.length;
      this.parameters.logger.error({ block: String(block.number), pools: drifted.map((pool) => pool.address) }, 'state: drift from the chain');
      this.market.replace(drifted.filter((pool) => byAddress.has(pool.address.toLowerCase())).map((pool) => withIdentity(byAddress.get(pool.address.toLowerCase())!, pool)));
    }
    const stale = drifted.length > 0;
    if (stale !== this.stale) {
      this.stale = stale;
      this.parameters.onStale?.(stale);
    }
  }
}
