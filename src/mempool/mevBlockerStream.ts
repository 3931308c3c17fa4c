import { EventEmitter } from 'node:events';
import { MalformedInputs } from '../chain/malformedInputs.ts';
import { WsConnection } from '../chain/wsConnection.ts';
import type { Logger } from '../log.ts';
import { redactUrl } from '../redact.ts';
import { decodeTransaction, type DecoderConfig } from './decode.ts';
import { checkPartialTx } from './partialTx.ts';
import { RecentSet } from './recentSet.ts';
import type { PendingSwaps, PendingTx } from './watcher.ts';

/** MEV Blocker's searcher stream (docs.cow.fi, mevblocker/searchers): private transactions without v, r, s. */
export const partialPendingTopic = 'mevblocker_partialPendingTransactions';

export type MevBlockerStreamOptions = {
  /** The relay's websocket (mainnet: wss://searchers.mevblocker.io). */
  url: string;
  logger: Logger;
  decoder: DecoderConfig;
  /** A transaction naming another chain is refused (counted) when set. */
  chainId?: number;
  /** No pong (nor anything else) for this long: the socket is dead, replaced, and the stream blind meanwhile. */
  silenceMs?: number;
  /** Heartbeat ping interval; a quarter of silenceMs (at most 1 s) by default. */
  pingIntervalMs?: number;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** Hashes remembered for de-duplication. */
  memory?: number;
  /** Where garbage from the relay is counted; one of its own (source 'mevBlocker') otherwise. */
  malformed?: MalformedInputs;
};

export type MevBlockerStreamStats = { received: number; duplicates: number; swaps: number; nonSwaps: number; decodeErrors: number };

/**
 * The bot's view of MEV Blocker: `eth_subscribe ["mevblocker_partialPendingTransactions"]` on the relay's
 * websocket (a WsConnection: ping/pong heartbeat, reconnection with backoff, re-subscription), each transaction
 * checked strictly (garbage counted in `malformed`, never thrown), de-duplicated, and decoded into swaps by the
 * watcher's decoders. Events: 'swaps' (PendingSwaps, source 'mevBlocker', no `signed`: only the relay holds the
 * signature and puts the target back into a bundle that names its hash), 'blind' (boolean): blind until
 * subscribed, while the socket is down or dead, until re-subscribed; `blind` says it now.
 */
export class MevBlockerStream extends EventEmitter {
  readonly stats: MevBlockerStreamStats = { received: 0, duplicates: 0, swaps: 0, nonSwaps: 0, decodeErrors: 0 };
  readonly malformed: MalformedInputs;
  readonly connection: WsConnection;
  blind = true;
  private readonly seen: RecentSet;
  private subscribed = false;
  private unsubscribe: (() => void) | undefined;

  constructor(private readonly options: MevBlockerStreamOptions) {
    super();
    this.malformed = options.malformed ?? new MalformedInputs({ logger: options.logger, source: 'mevBlocker' });
    const silenceMs = options.silenceMs ?? 5_000;
    this.connection = new WsConnection({
      url: options.url,
      logger: options.logger,
      deadAfterMs: silenceMs,
      pingIntervalMs: options.pingIntervalMs ?? Math.max(50, Math.min(1_000, Math.floor(silenceMs / 4))),
      ...(options.backoffBaseMs !== undefined ? { backoffBaseMs: options.backoffBaseMs } : {}),
      ...(options.backoffMaxMs !== undefined ? { backoffMaxMs: options.backoffMaxMs } : {}),
      malformed: this.malformed,
    });
    this.seen = new RecentSet(options.memory ?? 50_000);
    this.connection.on('down', () => this.setBlind(true));
    // The connection re-subscribes before it says 'up': from then on the stream flows again.
    this.connection.on('up', () => {
      if (this.subscribed) this.setBlind(false);
    });
  }

  /**
   * Connects (retrying with backoff for as long as it takes) and subscribes; resolves once subscribed. The engine
   * need not wait for it: until then the stream is blind. A relay that refuses the subscription leaves it blind
   * (logged as an error), never half-working.
   */
  async start(): Promise<void> {
    if (!this.connection.connected) await this.connection.start();
    try {
      this.subscribed = true;
      this.unsubscribe = await this.connection.subscribe([partialPendingTopic], (item) => this.onItem(item));
      this.setBlind(false);
    } catch (error) {
      // The subscription stays registered: the next reconnect subscribes again, and 'up' then clears blind.
      this.options.logger.error({ url: redactUrl(this.options.url), err: (error as Error).message }, `MEV Blocker: cannot subscribe to ${partialPendingTopic} at ${redactUrl(this.options.url)}; blind until it can`);
    }
  }

  stop(): void {
    this.unsubscribe?.();
    this.subscribed = false;
    this.connection.close();
  }

  private setBlind(blind: boolean): void {
    if (blind === this.blind) return;
    this.blind = blind;
    this.emit('blind', blind);
  }

  private onItem(item: unknown): void {
    const firstSeenMs = performance.now();
    // Checked before de-duplication: a garbage body must not make us ignore the real transaction of that hash.
    const checked = checkPartialTx(item, this.options.chainId);
    if (!checked.ok) {
      this.malformed.record('bad-pending-tx', checked.reason);
      return;
    }
    const partial = checked.value;
    this.stats.received++;
    const hash = partial.hash.toLowerCase();
    if (this.seen.has(hash)) {
      this.stats.duplicates++;
      return;
    }
    this.seen.add(hash);
    const tx: PendingTx = {
      hash: partial.hash,
      from: partial.from.toLowerCase(),
      to: partial.to ? partial.to.toLowerCase() : null,
      value: BigInt(partial.value),
      input: partial.input,
      nonce: BigInt(partial.nonce),
      maxFeePerGas: BigInt(partial.maxFeePerGas ?? partial.gasPrice!),
      ...(partial.maxPriorityFeePerGas ? { maxPriorityFeePerGas: BigInt(partial.maxPriorityFeePerGas) } : {}),
      gas: BigInt(partial.gas),
    };
    const result = decodeTransaction(tx, this.options.decoder);
    if ('error' in result) {
      this.stats.decodeErrors++;
      return;
    }
    if (result.swaps.length === 0) {
      this.stats.nonSwaps++;
      return;
    }
    this.stats.swaps++;
    this.emit('swaps', { tx, swaps: result.swaps, firstSeenMs, decodedMs: performance.now(), source: 'mevBlocker' } satisfies PendingSwaps);
  }
}
