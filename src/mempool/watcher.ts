import { EventEmitter } from 'node:events';
import { formatTransaction, type RpcTransaction, type Transaction } from 'viem';
import { nextBaseFee } from '../chain/baseFee.ts';
import type { MalformedInputs } from '../chain/malformedInputs.ts';
import type { WsConnection } from '../chain/wsConnection.ts';
import type { Logger } from '../log.ts';
import { decodeTransaction, type DecoderConfig } from './decode.ts';
import { checkBlockHashes, checkNodeHead, checkNodeTx, isTxHash, type NodeTx } from './nodeJson.ts';
import { RecentSet } from './recentSet.ts';
import type { OrderFlowSource, RawTx, SwapIntent } from './types.ts';

export type PendingTx = RawTx & {
  nonce: bigint;
  maxFeePerGas: bigint;
  maxPriorityFeePerGas?: bigint;
  gas?: bigint;
  /** The node's transaction with its signature (swaps only): enough to rebuild the signed bytes for a bundle. */
  signed?: Transaction;
};

export type PendingSwaps = {
  tx: PendingTx;
  swaps: SwapIntent[];
  /** performance.now() when the hash was first seen, and when the swaps were decoded. */
  firstSeenMs: number;
  decodedMs: number;
  /** Where it was seen; the public mempool when absent. */
  source?: OrderFlowSource;
};

export type Head = {
  number: bigint;
  hash: string;
  parentHash: string;
  baseFeePerGas: bigint;
  /** The next block's base fee, by the EIP-1559 rule from this header. */
  nextBaseFeePerGas: bigint;
  /** Unix seconds. */
  timestamp: bigint;
  /** The block's transaction hashes, read once by the watcher (undefined if the node did not answer). */
  transactions: Promise<readonly string[] | undefined>;
};

export type MempoolWatcherOptions = {
  connection: WsConnection;
  decoder: DecoderConfig;
  logger: Logger;
  /** Hashes waiting for their bodies; beyond this the oldest are dropped (and counted). */
  maxQueue?: number;
  fetchConcurrency?: number;
  /** A hash still waiting after this many new heads is too old for the next block: dropped and counted. */
  maxAgeBlocks?: number;
  /** Hashes remembered for de-duplication and for "already mined". */
  memory?: number;
  /** Where garbage from the node is counted; the connection's counter by default. */
  malformed?: MalformedInputs;
};

export type WatcherStats = {
  hashes: number;
  duplicates: number;
  fetched: number;
  swaps: number;
  decodeErrors: number;
  mined: number;
  droppedQueueFull: number;
  droppedStale: number;
  droppedUnderpriced: number;
  fetchErrors: number;
  backfilled: number;
};

/**
 * The bot's eyes on the mempool: pending transactions (full bodies where the node sends them, else hashes
 * fetched with bounded concurrency), de-duplicated, minus what is already mined, decoded into swaps with the
 * node's `from` (no signature recovery). New heads are emitted with their parent hash. After a reconnect it
 * backfills from `txpool_content`. Events: 'swaps' (PendingSwaps), 'head' (Head), 'blind' (boolean): blind
 * while the socket is down and until the backfill after a reconnect is done.
 */
export class MempoolWatcher extends EventEmitter {
  readonly stats: WatcherStats = { hashes: 0, duplicates: 0, fetched: 0, swaps: 0, decodeErrors: 0, mined: 0, droppedQueueFull: 0, droppedStale: 0, droppedUnderpriced: 0, fetchErrors: 0, backfilled: 0 };
  blind = true;
  private readonly seen: RecentSet;
  private readonly mined: RecentSet;
  /** `asked`: the node already answered this hash once with garbage (it gets one more try). */
  private readonly queue: Array<{ hash: string; firstSeenMs: number; head: bigint; asked?: boolean }> = [];
  private inFlight = 0;
  private headNumber = 0n;
  private nextBaseFee = 0n;
  private readonly unsubscribers: Array<() => void> = [];
  private readonly malformed: MalformedInputs;

  constructor(private readonly options: MempoolWatcherOptions) {
    super();
    this.malformed = options.malformed ?? options.connection.malformed;
    this.seen = new RecentSet(options.memory ?? 50_000);
    this.mined = new RecentSet(options.memory ?? 50_000);
  }

  async start(): Promise<void> {
    const { connection } = this.options;
    connection.on('down', () => this.setBlind(true));
    connection.on('up', () => void this.afterReconnect());
    if (!connection.connected) await connection.start();
    this.unsubscribers.push(await connection.subscribe(['newHeads'], (head) => void this.onHead(head)));
    this.unsubscribers.push(await connection.subscribe(['newPendingTransactions', true], (item) => this.onPending(item)));
    await this.backfill();
    this.setBlind(false);
  }

  stop(): void {
    for (const unsubscribe of this.unsubscribers) unsubscribe();
    this.unsubscribers.length = 0;
  }

  private setBlind(blind: boolean): void {
    if (blind === this.blind) return;
    this.blind = blind;
    this.emit('blind', blind);
  }

  private async afterReconnect(): Promise<void> {
    if (this.unsubscribers.length === 0) return; // the first connect: start() does the rest
    try {
      await this.backfill();
      this.setBlind(false);
    } catch (error) {
      this.options.logger.warn({ err: (error as Error).message }, 'mempool: backfill failed');
    }
  }

  /** Everything pending in the node's pool that we have not seen (after a gap in the stream). */
  private async backfill(): Promise<void> {
    let content: unknown;
    try {
      content = await this.options.connection.request('txpool_content');
    } catch (error) {
      this.options.logger.info({ err: (error as Error).message }, 'mempool: node has no txpool_content, no backfill');
      return;
    }
    const pending = (content as { pending?: unknown } | null)?.pending;
    if (typeof content !== 'object' || content === null || (pending !== undefined && (typeof pending !== 'object' || pending === null))) {
      this.malformed.record('bad-reply', 'txpool_content is not { pending: { sender: { nonce: tx } } }');
      return;
    }
    const now = performance.now();
    for (const byNonce of Object.values(pending ?? {})) {
      if (typeof byNonce !== 'object' || byNonce === null) {
        this.malformed.record('bad-reply', 'txpool_content: a sender entry is not an object');
        continue;
      }
      for (const raw of Object.values(byNonce)) {
        const checked = checkNodeTx(raw);
        if (!checked.ok) {
          this.malformed.record('bad-reply', `txpool_content: ${checked.reason}`);
          continue;
        }
        const tx = checked.value;
        if (this.seen.has(tx.hash)) continue;
        this.seen.add(tx.hash);
        this.stats.backfilled++;
        this.process(tx, now);
      }
    }
  }

  private async onHead(notification: unknown): Promise<void> {
    const checked = checkNodeHead(notification);
    if (!checked.ok) {
      this.malformed.record('bad-head', checked.reason);
      return;
    }
    const raw = checked.value;
    const baseFeePerGas = BigInt(raw.baseFeePerGas);
    const head: Head = {
      number: BigInt(raw.number),
      hash: raw.hash,
      parentHash: raw.parentHash,
      baseFeePerGas,
      nextBaseFeePerGas: nextBaseFee(baseFeePerGas, BigInt(raw.gasUsed), BigInt(raw.gasLimit)),
      timestamp: BigInt(raw.timestamp),
      transactions: this.options.connection.request<unknown>('eth_getBlockByHash', [raw.hash, false]).then(
        (block) => {
          const hashes = checkBlockHashes(block);
          if (!hashes.ok) {
            this.malformed.record('bad-reply', `eth_getBlockByHash: ${hashes.reason}`);
            return undefined;
          }
          for (const hash of hashes.value ?? []) this.mined.add(hash);
          return hashes.value;
        },
        (error: Error) => {
          this.options.logger.debug({ err: error.message }, 'mempool: could not read the block body');
          return undefined;
        },
      ),
    };
    this.headNumber = head.number;
    this.nextBaseFee = head.nextBaseFeePerGas;
    this.emit('head', head);
    await head.transactions;
  }

  private onPending(item: unknown): void {
    const now = performance.now();
    // Checked before de-duplication: a garbage body must not make us ignore the real transaction of that hash.
    let body: NodeTx | undefined;
    if (typeof item !== 'string') {
      const checked = checkNodeTx(item);
      if (!checked.ok) {
        this.malformed.record('bad-pending-tx', checked.reason);
        return;
      }
      body = checked.value;
    } else if (!isTxHash(item)) {
      this.malformed.record('bad-pending-tx', 'a hash that is not 32 bytes of hex');
      return;
    }
    const hash = body ? body.hash : (item as string);
    this.stats.hashes++;
    if (this.seen.has(hash)) {
      this.stats.duplicates++;
      return;
    }
    this.seen.add(hash);
    if (body) {
      this.process(body, now);
      return;
    }
    this.queue.push({ hash, firstSeenMs: now, head: this.headNumber });
    if (this.queue.length > (this.options.maxQueue ?? 10_000)) {
      this.queue.shift();
      this.stats.droppedQueueFull++;
    }
    this.pump();
  }

  private pump(): void {
    const limit = this.options.fetchConcurrency ?? 16;
    while (this.inFlight < limit && this.queue.length > 0) {
      const next = this.queue.shift()!;
      if (this.headNumber - next.head > BigInt(this.options.maxAgeBlocks ?? 2)) {
        this.stats.droppedStale++;
        continue;
      }
      this.inFlight++;
      this.options.connection
        .request<unknown>('eth_getTransactionByHash', [next.hash])
        .then(
          (tx) => {
            if (tx === null) return;
            const checked = checkNodeTx(tx);
            if (!checked.ok || checked.value.hash.toLowerCase() !== next.hash.toLowerCase()) {
              this.malformed.record('bad-reply', `eth_getTransactionByHash: ${checked.ok ? 'another hash' : checked.reason}`);
              if (next.asked) this.seen.delete(next.hash);
              else this.queue.push({ ...next, asked: true });
              return;
            }
            this.process(checked.value, next.firstSeenMs);
          },
          () => {
            // Forget it: if it is still pending, the backfill after the reconnect (or a resend) brings it back.
            this.stats.fetchErrors++;
            this.seen.delete(next.hash);
          },
        )
        .catch((error: Error) => this.malformed.record('unhandled', error.message))
        .finally(() => {
          this.inFlight--;
          this.pump();
        });
    }
  }

  private process(node: NodeTx, firstSeenMs: number): void {
    this.stats.fetched++;
    if (node.blockNumber || this.mined.has(node.hash)) {
      this.stats.mined++;
      return;
    }
    const maxFeePerGas = BigInt(node.maxFeePerGas ?? node.gasPrice ?? '0x0');
    if (this.nextBaseFee > 0n && maxFeePerGas < this.nextBaseFee) {
      this.stats.droppedUnderpriced++;
      return;
    }
    let tx: PendingTx;
    try {
      tx = {
        hash: node.hash,
        from: node.from.toLowerCase(),
        to: node.to ? node.to.toLowerCase() : null,
        value: BigInt(node.value),
        input: node.input,
        nonce: BigInt(node.nonce ?? '0x0'),
        maxFeePerGas,
        ...(node.maxPriorityFeePerGas ? { maxPriorityFeePerGas: BigInt(node.maxPriorityFeePerGas) } : {}),
        ...(node.gas ? { gas: BigInt(node.gas) } : {}),
      };
    } catch {
      this.stats.decodeErrors++;
      return;
    }
    const result = decodeTransaction(tx, this.options.decoder);
    if ('error' in result) {
      this.stats.decodeErrors++;
      return;
    }
    if (result.swaps.length === 0) return;
    if ((node as { r?: string }).r) {
      try {
        tx.signed = formatTransaction(node as unknown as RpcTransaction);
      } catch {
        // Without the signed fields the submitter asks the node for the raw bytes instead.
      }
    }
    this.stats.swaps++;
    this.emit('swaps', { tx, swaps: result.swaps, firstSeenMs, decodedMs: performance.now() } satisfies PendingSwaps);
  }
}
