import type { Address } from 'viem';
import type { Logger } from '../log.ts';
import type { MarketState } from './market.ts';
import type { PoolCheckpointStore, RegisteredPool } from './poolCheckpoint.ts';
import type { Pool } from './types.ts';

export type CheckpointWriterParameters = {
  store: PoolCheckpointStore;
  scope: string;
  market: MarketState;
  logger: Logger;
  /** Blocks between checkpoints. */
  everyBlocks: number;
  /** Whether the market is the chain's right now (not drifted, no failed sync): only then is it saved. */
  trustworthy: () => boolean;
  /** Every pool the factories created (tracked or not), for a save that rewrites everything. */
  registry: () => readonly RegisteredPool[];
};

/**
 * Keeps the pool checkpoint close behind the market while the bot runs, so a restart has little to catch up:
 * every `everyBlocks` blocks it saves the pools that changed since the last save (work proportional to the
 * events, not to the market), and the pools created meanwhile. A market the follower distrusts is not saved.
 */
export class CheckpointWriter {
  private readonly dirty = new Set<string>();
  private created: RegisteredPool[] = [];
  private blocks = 0;
  /** The whole market must be written (after a re-bootstrap replaced it). */
  private whole = false;
  saves = 0;

  constructor(private readonly parameters: CheckpointWriterParameters) {}

  onBlock(changed: Iterable<Address>): void {
    for (const address of changed) this.dirty.add(address.toLowerCase());
    if (++this.blocks >= this.parameters.everyBlocks) this.save();
  }

  /** Pools created since (their registry entries) and the tracked ones among them (their states). */
  onNewPools(entries: readonly RegisteredPool[], tracked: readonly Pool[]): void {
    this.created.push(...entries);
    for (const pool of tracked) this.dirty.add(pool.address.toLowerCase());
  }

  /** The market was replaced wholesale (a re-bootstrap after a deep reorg): the next save rewrites everything. */
  onReplaced(): void {
    this.whole = true;
  }

  /** Saves now if the market can be trusted; otherwise keeps what is due for the next block. */
  save(): void {
    const { store, scope, market, logger, trustworthy } = this.parameters;
    const head = market.head;
    if (!head || !trustworthy()) return;
    try {
      if (this.whole) {
        store.savePoolCheckpoint(scope, { block: head, registry: this.parameters.registry(), states: [...market.all()], untracked: [], replace: true });
      } else {
        const states = [...this.dirty].map((address) => market.get(address as Address)).filter((pool): pool is Pool => pool !== undefined);
        store.savePoolCheckpoint(scope, { block: head, registry: this.created, states, untracked: [] });
      }
      this.dirty.clear();
      this.created = [];
      this.whole = false;
      this.blocks = 0;
      this.saves++;
    } catch (error) {
      // Only the next start's warmth is at stake: keep running, try again at the next block.
      logger.warn({ err: (error as Error).message }, 'state: cannot save the pool checkpoint');
    }
  }
}
