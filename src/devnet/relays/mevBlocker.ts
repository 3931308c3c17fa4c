import { parseTransaction, type Address, type Hash, type Hex } from 'viem';
import { generatePrivateKey, privateKeyToAccount, type LocalAccount } from 'viem/accounts';
import { WebSocket } from 'ws';
import type { Logger } from '../../log.ts';
import type { DevnetClient } from '../client.ts';
import { invalidParamsMessage, rpcErrorCodes } from '../builder/protocol.ts';
import { RpcError } from '../builder/server.ts';
import { decodeSignedTx, SignedTxError, type SignedTx } from '../builder/simulate.ts';
import type { PrivateSink } from '../traffic/privateRoute.ts';
import { callBuilder } from './builderCall.ts';
import { PrivateLog, privateTransactionsMethod } from './privateLog.ts';
import { JsonRpcEndpoint, newSubscriptionId, type Caller } from './jsonRpcEndpoint.ts';
import { builderUuid, partialPendingTopic, partialTransaction, relayBundleParams, splitBid } from './mevBlockerProtocol.ts';

export type MevBlockerRelayParameters = {
  client: DevnetClient;
  chainId: number;
  builderUrl: string;
  logger: Logger;
  host?: string;
  /** 0 for a free port. */
  port?: number;
};

/** How many private transactions the relay remembers (oldest forgotten first). */
const maxHeld = 10_000;

/**
 * The devnet's MEV Blocker: users send swaps to it instead of the public mempool; it hands each one to the local
 * builder privately (eth_sendPrivateTransaction, so the transaction lands even if nobody bids), streams it without
 * its signature to subscribed searchers, and forwards their bids (`eth_sendBundle` with the target's hash first)
 * to the builder with the signed target put back in, under the relay's own Flashbots identity.
 */
export class MevBlockerRelay implements PrivateSink {
  readonly name = 'mevBlocker' as const;
  /** Since start: private transactions taken, bids forwarded, bids refused. */
  readonly counts = { privateTxs: 0, bids: 0, refused: 0 };
  private readonly auth: LocalAccount = privateKeyToAccount(generatePrivateKey());
  private readonly held = new Map<string, { tx: SignedTx; partial: Record<string, unknown> }>();
  private readonly subscriptions = new Map<string, WebSocket>();
  /** Every private transaction taken, landed or not (`devnet_privateTransactions`: the truth's record of routes). */
  private readonly log = new PrivateLog('mevBlocker');
  private endpoint!: JsonRpcEndpoint;

  private constructor(private readonly parameters: MevBlockerRelayParameters) {}

  static async start(parameters: MevBlockerRelayParameters): Promise<MevBlockerRelay> {
    const relay = new MevBlockerRelay(parameters);
    relay.endpoint = new JsonRpcEndpoint(
      {
        eth_sendRawTransaction: async (params) => {
          const raw = Array.isArray(params) ? params[0] : undefined;
          if (typeof raw !== 'string' || !/^0x[0-9a-fA-F]+$/.test(raw)) throw new RpcError(rpcErrorCodes.invalidParams, 'invalid params: expected [signedTransactionHex]');
          return relay.submit(raw as Hex);
        },
        eth_sendBundle: (params, caller) =>
          relay.sendBid(params, caller).catch((error: unknown) => {
            relay.counts.refused++;
            throw error;
          }),
        eth_subscribe: async (params, caller) => relay.subscribe(params, caller),
        eth_unsubscribe: async (params, caller) => relay.unsubscribe(params, caller),
        // Devnet only (no such method on mainnet): what the relay took, for the devnet's truth.
        [privateTransactionsMethod]: async () => relay.log.list(),
      },
      parameters.logger,
      (socket) => {
        for (const [id, owner] of relay.subscriptions) if (owner === socket) relay.subscriptions.delete(id);
      },
    );
    await relay.endpoint.listen(parameters.host ?? '127.0.0.1', parameters.port ?? 0);
    return relay;
  }

  /** The HTTP JSON-RPC endpoint (users' eth_sendRawTransaction, searchers' eth_sendBundle). */
  get url(): string {
    return this.endpoint.url;
  }

  /** The websocket for `eth_subscribe ["mevblocker_partialPendingTransactions"]` (and eth_sendBundle). */
  get wsUrl(): string {
    return this.endpoint.wsUrl;
  }

  /** The relay's Flashbots identity at the builder (an in-memory key made at start; an address only). */
  get signer(): Address {
    return this.auth.address;
  }

  /**
   * Takes a user's signed transaction privately: the builder holds it first (if the builder refuses it, so does
   * the relay, and nothing is streamed), then every subscriber gets it without the signature.
   */
  async submit(raw: Hex): Promise<Hash> {
    let tx: SignedTx;
    try {
      tx = await decodeSignedTx(raw);
    } catch (error) {
      if (error instanceof SignedTxError) throw new RpcError(rpcErrorCodes.invalidParams, `invalid transaction: ${error.message}`);
      throw error;
    }
    if (tx.chainId !== undefined && tx.chainId !== this.parameters.chainId) throw new RpcError(rpcErrorCodes.invalidParams, `invalid transaction: chain id ${tx.chainId}, this chain is ${this.parameters.chainId}`);
    await callBuilder<Hex>(this.parameters.builderUrl, this.auth, 'eth_sendPrivateTransaction', [{ tx: raw }]);
    const partial = partialTransaction(tx, parseTransaction(raw));
    this.held.set(tx.hash.toLowerCase(), { tx, partial });
    this.log.record(tx.hash);
    if (this.held.size > maxHeld) this.held.delete(this.held.keys().next().value!);
    this.counts.privateTxs++;
    const notifications = [...this.subscriptions].map(([subscription, socket]) => ({ socket, text: JSON.stringify({ jsonrpc: '2.0', method: 'eth_subscription', params: { subscription, result: partial } }) }));
    for (const { socket, text } of notifications) if (socket.readyState === WebSocket.OPEN) socket.send(text);
    this.parameters.logger.debug({ tx: tx.hash, subscribers: notifications.length }, 'mevblocker: private transaction');
    return tx.hash;
  }

  private subscribe(params: unknown, caller: Caller): string {
    if (!caller.socket) throw new RpcError(rpcErrorCodes.invalidRequest, 'eth_subscribe needs the websocket endpoint');
    if (!Array.isArray(params) || params[0] !== partialPendingTopic) {
      throw new RpcError(rpcErrorCodes.invalidParams, `invalid params: the only subscription here is ["${partialPendingTopic}"]`);
    }
    const id = newSubscriptionId();
    this.subscriptions.set(id, caller.socket);
    return id;
  }

  private unsubscribe(params: unknown, caller: Caller): boolean {
    const id = Array.isArray(params) ? params[0] : undefined;
    if (typeof id !== 'string') throw new RpcError(rpcErrorCodes.invalidParams, 'invalid params: expected [subscriptionId]');
    if (this.subscriptions.get(id) !== caller.socket) return false;
    return this.subscriptions.delete(id);
  }

  private async sendBid(params: unknown, caller: Caller): Promise<{ bundleHash: Hex }> {
    const parsed = relayBundleParams.safeParse(params);
    if (!parsed.success) throw new RpcError(rpcErrorCodes.invalidParams, `invalid params: ${invalidParamsMessage(parsed.error)}`);
    const request = parsed.data[0];
    const { target, backruns } = splitBid(request.txs, (hash) => this.held.get(hash.toLowerCase())?.tx);
    // Not found throws; any other failure to read also counts as not landed (the simulation below then decides).
    const receipt = await this.parameters.client.getTransactionReceipt({ hash: target.hash }).catch(() => null);
    if (receipt) {
      this.held.delete(target.hash.toLowerCase());
      throw new RpcError(rpcErrorCodes.invalidParams, `target ${target.hash} already landed in block ${BigInt(receipt.blockNumber)}`);
    }
    // MEV Blocker's rule (the bid is an ETH transfer from the backrun to the fee recipient) is kept by the builder,
    // which sees each bundle after the ones ahead of it: a searcher's second bundle of a block (its next nonce) can
    // only be judged there.
    const txs = [target.raw, ...backruns];
    const forwarded = await callBuilder<{ bundleHash: Hex }>(this.parameters.builderUrl, this.auth, 'eth_sendBundle', [
      {
        txs,
        blockNumber: request.blockNumber,
        ...(request.minTimestamp !== undefined ? { minTimestamp: request.minTimestamp } : {}),
        ...(request.maxTimestamp !== undefined ? { maxTimestamp: request.maxTimestamp } : {}),
        ...(request.revertingTxHashes ? { revertingTxHashes: request.revertingTxHashes } : {}),
        ...(request.replacementUuid ? { replacementUuid: builderUuid(caller.identity, request.replacementUuid) } : {}),
      },
    ]);
    this.counts.bids++;
    this.parameters.logger.debug({ target: target.hash, bundle: forwarded.bundleHash, searcher: caller.identity }, 'mevblocker: bid forwarded');
    return forwarded;
  }

  async stop(): Promise<void> {
    await this.endpoint.close();
  }
}
