import type { Server } from 'node:http';
import { concat, keccak256, numberToHex, type Address, type Hex, type PublicClient } from 'viem';
import { generatePrivateKey, privateKeyToAccount, type PrivateKeyAccount } from 'viem/accounts';
import { z } from 'zod';
import type { Logger } from '../../log.ts';
import { SearcherError } from '../../errors.ts';
import type { DevnetClient } from '../client.ts';
import { invalidParamsMessage, rpcErrorCodes } from '../builder/protocol.ts';
import { RpcError, serveJsonRpc } from '../builder/server.ts';
import { decodeSignedTx, SequenceInvalidError, SignedTxError, type SignedTx } from '../builder/simulate.ts';
import { BundleRefusal, checkBackrun, mevBundle, simOptions } from './mevShareBundle.ts';
import { buildHint, defaultHints, defaultRefundPercent, hintNameSchema, type HintName, type MevShareHint } from './mevShareHints.ts';
import { simulateWithLogs } from './simulateLogs.ts';
import { SseHub } from './sseHub.ts';
import { callBuilder } from './builderCall.ts';
import { PrivateLog, privateTransactionsMethod } from './privateLog.ts';

/** How long a private transaction is retried, as Protect does by default. */
const defaultMaxBlocks = 25n;

export class MevShareRelayError extends SearcherError {}

export type PrivateTxOptions = { hints?: readonly HintName[]; refundPercent?: number; maxBlockNumber?: bigint };

type PrivateTx = { tx: SignedTx; hints: readonly HintName[]; refundPercent: number; maxBlock: bigint; hint: MevShareHint | undefined };
/** A private transaction waiting for its sender's earlier one: not hinted, not at the builder yet. */
type HeldTx = { tx: SignedTx; options: PrivateTxOptions; maxBlock: bigint };

export type MevShareRelayParameters = {
  client: DevnetClient;
  chainId: number;
  /** The local builder: the relay hands it every private transaction and matched backrun, never the public pool. */
  builderUrl: string;
  builderCoinbase: Address;
  logger: Logger;
  host?: string;
  /** JSON-RPC port (mev_sendBundle, mev_simBundle, eth_sendPrivateTransaction); 0 = free. */
  port?: number;
  /** SSE port; 0 = free. */
  streamPort?: number;
  /** Comment (`:ping`) interval on the stream; default 10 s like the real one (tests of a heartbeat use less). */
  pingMs?: number;
  /** How often the relay looks for a new head (ms); 0 = only when `poll()` is called. */
  pollMs?: number;
  /** The hints a user shares when they choose none (default: Protect's `hash` + `default_logs`). */
  defaultHints?: readonly HintName[];
};

const privateTxParams = z.tuple([
  z.object({
    tx: z.string().regex(/^0x([0-9a-fA-F]{2})+$/, 'expected a signed transaction'),
    maxBlockNumber: z.union([z.string().regex(/^0x[0-9a-fA-F]+$/), z.number().int()]).transform((v) => BigInt(v)).optional(),
    preferences: z.object({ privacy: z.object({ hints: z.array(hintNameSchema).optional() }).partial().optional() }).partial().optional(),
  }),
]);

function parse<T extends z.ZodType>(schema: T, params: unknown): z.infer<T> {
  const parsed = schema.safeParse(params);
  if (!parsed.success) throw new RpcError(rpcErrorCodes.invalidParams, `invalid params: ${invalidParamsMessage(parsed.error)}`);
  return parsed.data;
}

/**
 * A MEV-Share-style relay for the devnet: users' private transactions are simulated on the head and their hints
 * (only the fields each user shares) streamed over SSE; searchers backrun them with `mev_sendBundle` (`{hash}` +
 * one backrun `{tx}`), which the relay matches to the user's signed transaction and forwards to the local builder
 * with the user's refund (`refundPercent`/`refundRecipient`, paid by the builder in the block). `mev_simBundle`
 * simulates a bundle on the head. Private transactions reach the builder only as bundles, never the public pool.
 */
export class MevShareRelay {
  readonly counts = { privateTxs: 0, hints: 0, bundles: 0, refused: 0, landed: 0, expired: 0 };
  private readonly pending = new Map<string, PrivateTx>();
  private readonly held = new Map<string, HeldTx>();
  /** Every private transaction taken, landed or not (`devnet_privateTransactions`: the truth's record of routes). */
  private readonly log = new PrivateLog('mevShare');
  private readonly auth: PrivateKeyAccount = privateKeyToAccount(generatePrivateKey());
  private server!: Server;
  private hub!: SseHub;
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<void> = Promise.resolve();
  private lastHead = -1n;
  apiUrl = '';

  private constructor(private readonly parameters: MevShareRelayParameters) {}

  static async start(parameters: MevShareRelayParameters): Promise<MevShareRelay> {
    const relay = new MevShareRelay(parameters);
    const host = parameters.host ?? '127.0.0.1';
    relay.hub = await SseHub.start({ host, port: parameters.streamPort ?? 0, logger: parameters.logger, ...(parameters.pingMs !== undefined ? { pingMs: parameters.pingMs } : {}) });
    const { server, url } = await serveJsonRpc({
      host,
      port: parameters.port ?? 0,
      logger: parameters.logger,
      methods: {
        mev_sendBundle: (params) =>
          relay.sendBundle(params).catch((error: unknown) => {
            relay.counts.refused++;
            throw error;
          }),
        mev_simBundle: (params) => relay.simBundle(params),
        eth_sendPrivateTransaction: async (params) => {
          const [request] = parse(privateTxParams, params);
          const hints = request.preferences?.privacy?.hints;
          return relay.sendPrivateTransaction(request.tx as Hex, { ...(hints ? { hints } : {}), ...(request.maxBlockNumber !== undefined ? { maxBlockNumber: request.maxBlockNumber } : {}) });
        },
        // Devnet only (no such method on mainnet): what the relay took, for the devnet's truth.
        [privateTransactionsMethod]: async () => relay.log.list(),
      },
    });
    relay.server = server;
    relay.apiUrl = url;
    relay.lastHead = await parameters.client.getBlockNumber({ cacheTime: 0 });
    if ((parameters.pollMs ?? 100) > 0) {
      relay.timer = setInterval(() => void relay.poll().catch((error: Error) => parameters.logger.warn({ err: error.message }, 'mev-share relay: head poll failed')), parameters.pollMs ?? 100);
    }
    return relay;
  }

  /** The SSE hint stream (what `https://mev-share.flashbots.net` is on mainnet). */
  get streamUrl(): string {
    return this.hub.url;
  }

  get subscribers(): number {
    return this.hub.subscribers;
  }

  private get client(): PublicClient {
    return this.parameters.client as unknown as PublicClient;
  }

  /** A user's private transaction: simulated on the head, hinted on the stream, handed to the builder. Returns its hash. */
  async sendPrivateTransaction(raw: Hex, options: PrivateTxOptions = {}): Promise<Hex> {
    let tx: SignedTx;
    try {
      tx = await decodeSignedTx(raw);
    } catch (error) {
      if (error instanceof SignedTxError) throw new RpcError(rpcErrorCodes.invalidParams, `tx: ${error.message}`);
      throw error;
    }
    if (tx.chainId !== undefined && tx.chainId !== this.parameters.chainId) throw new RpcError(rpcErrorCodes.invalidParams, `tx: chain id ${tx.chainId}, this chain is ${this.parameters.chainId}`);
    const head = await this.client.getBlockNumber({ cacheTime: 0 });
    const held: HeldTx = { tx, options, maxBlock: options.maxBlockNumber ?? head + defaultMaxBlocks };
    const outcome = await this.simulateAlone(tx, head).catch((cause: Error) => {
      throw new RpcError(rpcErrorCodes.invalidParams, `tx cannot run on block ${head}: ${(cause as { details?: string }).details ?? cause.message.split('\n')[0]}`);
    });
    if (outcome === 'nonce too high') {
      // As mev-share-node's simulation queue does: a transaction whose sender's earlier one has not landed fails its
      // simulation recoverably and is simulated again on each new block, unseen (no hint, not at the builder) until
      // it runs or its last block passes.
      this.held.set(tx.hash.toLowerCase(), held);
      this.log.record(tx.hash);
      this.counts.privateTxs++;
      return tx.hash;
    }
    // Protect never includes a reverting transaction, so it does not advertise one either.
    if (!outcome.success) throw new RpcError(rpcErrorCodes.invalidParams, `tx reverts on block ${head}: ${outcome.error}`);
    await this.release(held, outcome.logs);
    this.log.record(tx.hash);
    this.counts.privateTxs++;
    return tx.hash;
  }

  /**
   * One private transaction alone on the head, its nonce checked as mev-share-node's simulation does: 'nonce too
   * high' while its sender's earlier transaction has not landed; a nonce already used throws.
   */
  private async simulateAlone(tx: SignedTx, head: bigint): Promise<'nonce too high' | Awaited<ReturnType<typeof simulateWithLogs>>[number]> {
    try {
      const [outcome] = await simulateWithLogs(this.client, [tx], head, this.parameters.builderCoinbase, { checkNonces: true });
      return outcome!;
    } catch (error) {
      if (error instanceof SequenceInvalidError && /nonce too high/.test(error.message)) return 'nonce too high';
      throw error;
    }
  }

  /** Hands a private transaction that runs on the head to the builder and streams its hint. */
  private async release(held: HeldTx, logs: Awaited<ReturnType<typeof simulateWithLogs>>[number]['logs']): Promise<void> {
    const hints = held.options.hints ?? this.parameters.defaultHints ?? defaultHints;
    const entry: PrivateTx = { tx: held.tx, hints, refundPercent: held.options.refundPercent ?? defaultRefundPercent, maxBlock: held.maxBlock, hint: buildHint(held.tx, logs, hints) };
    // Held by the builder itself (Flashbots' eth_sendPrivateTransaction): it lands whether or not anyone bids, and
    // the builder knows it is private (the devnet's public websocket then never announces it).
    await callBuilder(this.parameters.builderUrl, this.auth, 'eth_sendPrivateTransaction', [{ tx: held.tx.raw, maxBlockNumber: numberToHex(entry.maxBlock) }]);
    this.pending.set(held.tx.hash.toLowerCase(), entry);
    if (entry.hint) {
      this.hub.broadcast(entry.hint);
      this.counts.hints++;
    }
  }

  /** Simulates the held transactions again on a new head: released when they run, dropped when they cannot any more. */
  private async retryHeld(head: bigint): Promise<void> {
    for (const [key, held] of [...this.held]) {
      if (head >= held.maxBlock) {
        this.held.delete(key);
        this.counts.expired++;
        continue;
      }
      // A node error says nothing about the transaction: tried again on the next block, like a recoverable failure.
      const outcome = await this.simulateAlone(held.tx, head).catch((error: unknown) => (error instanceof SequenceInvalidError ? undefined : ('node error' as const)));
      // Still waiting, or reverting now: both recoverable for mev-share-node, simulated again on the next block.
      if (outcome === 'nonce too high' || outcome === 'node error' || (outcome && !outcome.success)) continue;
      this.held.delete(key);
      if (!outcome) {
        // Its nonce was used by another transaction ("nonce too low": the one error mev-share-node gives up on).
        this.counts.expired++;
        continue;
      }
      await this.release(held, outcome.logs).catch((error: Error) => this.parameters.logger.warn({ tx: held.tx.hash, err: error.message }, 'mev-share relay: a held private transaction could not be handed to the builder'));
    }
  }

  /** Sends one signed eth_sendBundle to the builder; its refusal comes back as an RpcError with the builder's reason. */
  private async forward(txs: readonly Hex[], blockNumber: bigint, extra: Record<string, unknown> = {}): Promise<Hex> {
    try {
      const answer = await callBuilder<{ bundleHash: Hex }>(this.parameters.builderUrl, this.auth, 'eth_sendBundle', [{ txs, blockNumber: numberToHex(blockNumber), ...extra }]);
      return answer.bundleHash;
    } catch (error) {
      if (!(error instanceof RpcError)) throw error;
      throw new RpcError(rpcErrorCodes.invalidParams, `the builder refused the bundle for block ${blockNumber}: ${error.message.replace(/^builder: /, '')}`);
    }
  }

  private async sendBundle(params: unknown): Promise<{ bundleHash: Hex }> {
    const [bundle] = parse(z.tuple([mevBundle]), params);
    const head = await this.client.getBlockNumber({ cacheTime: 0 });
    let checked: ReturnType<typeof checkBackrun>;
    try {
      checked = checkBackrun(bundle, head);
    } catch (error) {
      if (error instanceof BundleRefusal) throw new RpcError(rpcErrorCodes.invalidParams, error.message);
      throw error;
    }
    const target = this.pending.get(checked.targetHash);
    if (!target) throw new RpcError(rpcErrorCodes.invalidParams, `unknown transaction hash ${checked.targetHash}: not a pending MEV-Share transaction (landed, expired or never seen)`);
    let backrun: SignedTx;
    try {
      backrun = await decodeSignedTx(checked.backrun.tx);
    } catch (error) {
      if (error instanceof SignedTxError) throw new RpcError(rpcErrorCodes.invalidParams, `body[1].tx: ${error.message}`);
      throw error;
    }
    if (backrun.chainId !== undefined && backrun.chainId !== this.parameters.chainId) throw new RpcError(rpcErrorCodes.invalidParams, `body[1].tx: chain id ${backrun.chainId}, this chain is ${this.parameters.chainId}`);
    const first = checked.block > head + 1n ? checked.block : head + 1n;
    const last = checked.maxBlock < target.maxBlock ? checked.maxBlock : target.maxBlock;
    if (last < first) throw new RpcError(rpcErrorCodes.invalidParams, `invalid inclusion: the target transaction is only valid until block ${target.maxBlock}`);
    // As Flashbots' mev-share-node does (mevshare/sim_result_backend.go): the bundle is simulated on the newest block
    // first and goes to builders only if that succeeds. A backrun that reverts there, or whose nonce follows one still
    // elsewhere (a bundle of the searcher's not yet landed), never reaches a builder.
    const simulated = await this.simulateOn(head, [target.tx, backrun], [false, checked.backrun.canRevert ?? false]);
    if (!simulated.success) throw new RpcError(rpcErrorCodes.invalidParams, `bundle simulation failed on block ${head}: ${simulated.error}`);
    const extra = {
      refundPercent: target.refundPercent,
      // Protect refunds tx.origin.
      refundRecipient: target.tx.from,
      ...(checked.backrun.canRevert ? { revertingTxHashes: [backrun.hash] } : {}),
    };
    for (let block = first; block <= last; block++) {
      try {
        await this.forward([target.tx.raw, backrun.raw], block, extra);
      } catch (error) {
        // The next block is simulated by the builder: its refusal is the searcher's answer. Later ones are not.
        if (block === first) throw error;
        this.parameters.logger.debug({ block: String(block), err: (error as Error).message }, 'mev-share relay: builder refused a later block');
      }
    }
    this.counts.bundles++;
    return { bundleHash: keccak256(concat([target.tx.hash, backrun.hash])) };
  }

  private async simBundle(params: unknown) {
    const [bundle, options] = parse(z.union([z.tuple([mevBundle]), z.tuple([mevBundle, simOptions])]), params);
    if (bundle.version !== 'v0.1' && bundle.version !== 'beta-1') throw new RpcError(rpcErrorCodes.invalidParams, `unsupported bundle version "${bundle.version}": use "v0.1"`);
    const txs: SignedTx[] = [];
    const canRevert: boolean[] = [];
    for (const [index, item] of bundle.body.entries()) {
      if ('bundle' in item) throw new RpcError(rpcErrorCodes.invalidParams, `body[${index}]: nested bundles are not simulated by this relay`);
      if ('hash' in item) {
        const known = this.pending.get(item.hash.toLowerCase());
        if (!known) throw new RpcError(rpcErrorCodes.invalidParams, `body[${index}]: unknown transaction hash ${item.hash}`);
        txs.push(known.tx);
        canRevert.push(false);
        continue;
      }
      try {
        txs.push(await decodeSignedTx(item.tx as Hex));
      } catch (error) {
        if (error instanceof SignedTxError) throw new RpcError(rpcErrorCodes.invalidParams, `body[${index}].tx: ${error.message}`);
        throw error;
      }
      canRevert.push(item.canRevert ?? false);
    }
    const parentOption = options?.parentBlock;
    const parent = parentOption === undefined || parentOption === 'latest' ? await this.client.getBlockNumber({ cacheTime: 0 }) : parentOption;
    return this.simulateOn(parent, txs, canRevert);
  }

  /** mev_simBundle's answer for these transactions on top of block `parent`. */
  private async simulateOn(parent: bigint, txs: readonly SignedTx[], canRevert: readonly boolean[]) {
    let outcomes: Awaited<ReturnType<typeof simulateWithLogs>>;
    try {
      outcomes = await simulateWithLogs(this.client, txs, parent, this.parameters.builderCoinbase, { checkNonces: true });
    } catch (cause) {
      return { success: false, error: (cause as { details?: string }).details ?? (cause as Error).message.split('\n')[0], stateBlock: numberToHex(parent), mevGasPrice: '0x0', profit: '0x0', refundableValue: '0x0', gasUsed: '0x0' };
    }
    const failed = outcomes.findIndex((outcome, i) => !outcome.success && !canRevert[i]);
    const gasUsed = outcomes.reduce((sum, outcome) => sum + outcome.gasUsed, 0n);
    const profit = outcomes.reduce((sum, outcome) => sum + outcome.coinbasePaidWei, 0n);
    // The refund basis, as the builder pays it: what the transactions after the user's paid.
    const refundableValue = outcomes.length > 1 ? outcomes.slice(1).reduce((sum, outcome) => sum + outcome.coinbasePaidWei, 0n) : 0n;
    return {
      success: failed < 0,
      ...(failed >= 0 ? { error: `body[${failed}] reverted: ${outcomes[failed]!.error}`, revert: outcomes[failed]!.returnData } : {}),
      stateBlock: numberToHex(parent),
      mevGasPrice: numberToHex(gasUsed === 0n ? 0n : profit / gasUsed),
      profit: numberToHex(profit),
      refundableValue: numberToHex(refundableValue),
      gasUsed: numberToHex(gasUsed),
      logs: outcomes.map((outcome) => ({ txLogs: outcome.logs })),
    };
  }

  /**
   * Looks at the head once: private transactions that landed or expired are forgotten (the builder holds the rest
   * until their last block). Calls never overlap.
   */
  poll(): Promise<void> {
    const run = this.polling.catch(() => {}).then(() => this.pollOnce());
    this.polling = run;
    return run;
  }

  private async pollOnce(): Promise<void> {
    const head = await this.client.getBlockNumber({ cacheTime: 0 });
    if (head === this.lastHead) return;
    this.lastHead = head;
    await this.retryHeld(head);
    for (const [key, entry] of [...this.pending]) {
      const receipt = await this.client.getTransactionReceipt({ hash: entry.tx.hash }).catch(() => undefined);
      if (receipt) {
        this.pending.delete(key);
        this.counts.landed++;
        continue;
      }
      if (head >= entry.maxBlock) {
        this.pending.delete(key);
        this.counts.expired++;
        continue;
      }
    }
  }

  /** True while the relay still holds this transaction for inclusion (at the builder, or waiting for its sender's earlier one). */
  isPending(hash: Hex): boolean {
    return this.pending.has(hash.toLowerCase()) || this.held.has(hash.toLowerCase());
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.polling.catch(() => {});
    await this.hub.stop();
    await new Promise<void>((resolve) => {
      this.server.closeAllConnections();
      this.server.close(() => resolve());
    });
  }
}
