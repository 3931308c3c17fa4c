import type { Server } from 'node:http';
import { concat, keccak256, type Address, type Hex, type PublicClient } from 'viem';
import type { Logger } from '../../log.ts';
import type { DevnetClient } from '../client.ts';
import { assembleBlock, type Assembly, type IncludedBundle } from './assemble.ts';
import { runDropping } from './dropping.ts';
import { BundleBook, StaleReplacementError } from './bundleBook.ts';
import {
  blockReportParams,
  bundleLimits,
  bundleStatsParams,
  callBundleParams,
  cancelBundleParams,
  invalidParamsMessage,
  rpcErrorCodes,
  sendBundleParams,
  sendPrivateTransactionParams,
  type ExclusionReason,
  type StoredBundle,
  type TxOutcome,
} from './protocol.ts';
import { RpcError, serveJsonRpc } from './server.ts';
import { bidOf, bundleStatsAnswer, type WinningBid } from './stats.ts';
import { queueRefunds, refundsDue } from './refunds.ts';
import { blockValue, contributionRefunds, type ContributionRefund, type ContributionRefundOptions } from './contributionRefunds.ts';
import { readPendingPool, sealBlock } from './seal.ts';
import { PrivatePool, privateTxDefaultBlocks } from './privatePool.ts';
import { decodeSignedTx, SequenceInvalidError, SignedTxError, simulateSequence, type SignedTx, type SimulationBlock } from './simulate.ts';
import type { z } from 'zod';

/** The builder's coinbase on the devnet: an address no key controls, so its balance is only what bundles paid. */
export const localBuilderCoinbase: Address = '0x000000000000000000000000000000000000b17d';

/** What the builder did with one block, served by `builder_blockReport`. Amounts are decimal wei strings. */
export type BlockReport = {
  blockNumber: string;
  blockHash: Hex;
  timestamp: number;
  coinbase: Address;
  baseFeePerGas: string;
  included: Array<{
    bundleHash: Hex;
    signer: Address;
    txHashes: Hex[];
    /** Each transaction's sender, in txHashes' order (a relay's bundle is signed by the relay: this says whose it is). */
    senders: Address[];
    gasUsed: string;
    coinbaseDiff: string;
    bundleGasPrice: string;
    /** Transactions of the bundle left out under droppingTxHashes (they reverted or could not run). */
    droppedTxHashes: Hex[];
    /**
     * Only for bundles sent with refundPercent: what the builder paid back, and in which tx; `paymentWei` is what
     * `refundTxHash` paid the coinbase (see refunds.ts).
     */
    refund?: { recipient: Address; percent: number; refundTxHash: Hex; paymentWei: string; refundWei: string; txHash: Hex };
  }>;
  /**
   * `outbidBy`: for a bundle left out because a conflicting one paid more, that bundle and its bid (this report is the
   * devnet's own: it names the winner's signer, which a real builder keeps private; see bundleStats).
   */
  excluded: Array<{ bundleHash: Hex; signer: Address; txHashes: Hex[]; senders: Address[]; reason: ExclusionReason; detail: string; outbidBy?: WinningBid & { bundleHash: Hex; signer: Address } }>;
  /** Only with the contributionRefunds option: each signer's BuilderNet-style refund (see contributionRefunds.ts). */
  contributionRefunds?: Array<{ signer: Address; bundleHashes: Hex[]; paymentWei: string; contributionWei: string; refundWei: string; txHash: Hex }>;
  publicTxHashes: Hex[];
  /** Transactions sent privately (eth_sendPrivateTransaction) that this block holds outside any bundle. */
  privateTxHashes: Hex[];
  /** The sealed block starts with the winning bundles' transactions, in the order simulated. */
  orderVerified: boolean;
};

export type LocalBuilderParameters = {
  client: DevnetClient;
  chainId: number;
  logger: Logger;
  host?: string;
  /** 0 for a free port. */
  port?: number;
  coinbase?: Address;
  /** Unix ms (tests inject a clock). */
  now?: () => number;
  /** BuilderNet-style refunds by marginal contribution, paid in the block (default off; see contributionRefunds.ts). */
  contributionRefunds?: ContributionRefundOptions;
};

function parse<T extends z.ZodType>(schema: T, params: unknown): z.infer<T> {
  const parsed = schema.safeParse(params);
  if (!parsed.success) throw new RpcError(rpcErrorCodes.invalidParams, `invalid params: ${invalidParamsMessage(parsed.error)}`);
  return parsed.data;
}

const bundleHashOf = (hashes: readonly Hex[]) => keccak256(concat(hashes));

/**
 * A Flashbots-dialect block builder for the devnet. It holds bundles (`eth_sendBundle`, `eth_cancelBundle`),
 * simulates them (`eth_callBundle`), and produces the devnet's blocks: winning bundles on top in their order,
 * public transactions after by fee, each block's inclusions and exclusions recorded with a reason
 * (`flashbots_getBundleStatsV2`, `builder_blockReport`).
 */
export class LocalBuilder {
  readonly coinbase: Address;
  private readonly book = new BundleBook();
  /** Lowercase signers whose bundles must pay the fee recipient by transfer (requireCoinbaseTransfer). */
  private readonly paidByTransferSigners = new Set<string>();
  private readonly decoded = new Map<StoredBundle, SignedTx[]>();
  private readonly privatePool = new PrivatePool();
  private readonly reports = new Map<bigint, BlockReport>();
  private building: Promise<unknown> = Promise.resolve();
  /** Since start: bundles accepted by eth_sendBundle, bundles it refused, bundles withdrawn by eth_cancelBundle. */
  readonly counts = { bundles: 0, refused: 0, cancelled: 0 };
  private timer: NodeJS.Timeout | undefined;
  private server!: Server;
  url = '';

  private constructor(private readonly parameters: LocalBuilderParameters) {
    this.coinbase = parameters.coinbase ?? localBuilderCoinbase;
  }

  static async start(parameters: LocalBuilderParameters): Promise<LocalBuilder> {
    const builder = new LocalBuilder(parameters);
    await parameters.client.request({ method: 'anvil_setCoinbase' as never, params: [builder.coinbase] as never });
    const { server, url } = await serveJsonRpc({
      host: parameters.host ?? '127.0.0.1',
      port: parameters.port ?? 0,
      logger: parameters.logger,
      methods: {
        eth_sendBundle: (params, signer) =>
          builder.sendBundle(params, signer).catch((error: unknown) => {
            builder.counts.refused++;
            throw error;
          }),
        eth_callBundle: (params) => builder.callBundle(params),
        eth_sendPrivateTransaction: (params) => builder.sendPrivateTransaction(params),
        eth_cancelBundle: async (params, signer) => {
          const cancelled = builder.book.cancel(signer, parse(cancelBundleParams, params)[0].replacementUuid);
          builder.counts.cancelled += cancelled.length;
          return cancelled.map((bundle) => bundle.bundleHash);
        },
        flashbots_getBundleStatsV2: async (params, signer) => builder.bundleStats(params, signer),
        builder_blockReport: async (params) => builder.blockReportRpc(params),
      },
    });
    builder.server = server;
    builder.url = url;
    return builder;
  }

  private now(): number {
    return this.parameters.now?.() ?? Date.now();
  }

  private get client(): PublicClient {
    return this.parameters.client as unknown as PublicClient;
  }

  /** Produces a block every `seconds` (never two at once); 0 = only when `buildBlock` is called. */
  startProducing(seconds: number): void {
    if (seconds <= 0) return;
    const tick = () => {
      this.timer = setTimeout(() => {
        this.buildBlock()
          .catch((error: Error) => this.parameters.logger.error({ err: error.message }, 'builder: block failed'))
          .finally(() => {
            if (this.timer) tick();
          });
      }, seconds * 1000);
    };
    tick();
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.building.catch(() => {});
    await new Promise<void>((resolve) => {
      this.server.closeAllConnections();
      this.server.close(() => resolve());
    });
  }

  /** Whether this transaction reached the builder privately (held now, or lately). */
  isPrivate(hash: string): boolean {
    return this.privatePool.wasPrivate(hash);
  }

  report(blockNumber: bigint): BlockReport | undefined {
    return this.reports.get(blockNumber);
  }

  /** The next block's number, timestamp, base fee and gas limit, as anvil will mine it. */
  private async nextBlock(): Promise<SimulationBlock & { parentTimestamp: bigint }> {
    const [latest, pending] = await Promise.all([this.client.getBlock({ blockTag: 'latest' }), this.client.getBlock({ blockTag: 'pending' })]);
    const wall = BigInt(Math.floor(this.now() / 1000));
    return {
      number: latest.number! + 1n,
      timestamp: wall > latest.timestamp ? wall : latest.timestamp + 1n,
      parentTimestamp: latest.timestamp,
      baseFeePerGas: pending.baseFeePerGas ?? 0n,
      coinbase: this.coinbase,
      gasLimit: latest.gasLimit,
    };
  }

  private async decodeAll(txs: readonly Hex[]): Promise<SignedTx[]> {
    const decoded: SignedTx[] = [];
    for (const [index, raw] of txs.entries()) {
      try {
        const tx = await decodeSignedTx(raw);
        if (tx.chainId !== undefined && tx.chainId !== this.parameters.chainId) throw new SignedTxError('BUNDLE_TX', `chain id ${tx.chainId}, this chain is ${this.parameters.chainId}`);
        decoded.push(tx);
      } catch (error) {
        if (error instanceof SignedTxError) throw new RpcError(rpcErrorCodes.invalidParams, `txs[${index}]: ${error.message}`);
        throw error;
      }
    }
    return decoded;
  }

  /**
   * Bundles signed by `signer` (a relay's identity, e.g. MEV Blocker's) land only if their transactions after the
   * target pay the fee recipient by ETH transfer: the relay's rule, kept by the builders it sends to.
   */
  requireCoinbaseTransfer(signer: Address): void {
    this.paidByTransferSigners.add(signer.toLowerCase());
  }

  private async sendBundle(params: unknown, signer: Address): Promise<{ bundleHash: Hex }> {
    const [request] = parse(sendBundleParams, params);
    if (request.txs.length > bundleLimits.maxTxs) throw new RpcError(rpcErrorCodes.invalidParams, `bundle too large: ${request.txs.length} transactions, the limit is ${bundleLimits.maxTxs}`);
    const bytes = request.txs.reduce((sum, raw) => sum + (raw.length - 2) / 2, 0);
    if (bytes > bundleLimits.maxBytes) throw new RpcError(rpcErrorCodes.invalidParams, `bundle too large: ${bytes} bytes, the limit is ${bundleLimits.maxBytes}`);
    const txs = await this.decodeAll(request.txs as Hex[]);
    const next = await this.nextBlock();
    if (request.blockNumber < next.number) {
      throw new RpcError(rpcErrorCodes.invalidParams, `wrong block: blockNumber ${request.blockNumber} is not after the head (${next.number - 1n})`);
    }
    if (request.minTimestamp !== undefined && request.maxTimestamp !== undefined && request.maxTimestamp > 0 && request.minTimestamp > request.maxTimestamp) {
      throw new RpcError(rpcErrorCodes.invalidParams, `invalid timestamps: minTimestamp ${request.minTimestamp} is after maxTimestamp ${request.maxTimestamp}`);
    }
    if (request.maxTimestamp !== undefined && request.maxTimestamp > 0 && BigInt(request.maxTimestamp) < next.timestamp) {
      throw new RpcError(rpcErrorCodes.invalidParams, `expired: maxTimestamp ${request.maxTimestamp} is before the next block's timestamp ${next.timestamp}`);
    }
    const reverting = new Set((request.revertingTxHashes ?? []).map((hash) => hash.toLowerCase()));
    const dropping = new Set((request.droppingTxHashes ?? []).map((hash) => hash.toLowerCase()));
    // The hashes that decide what is dropped and what a refund is paid on must name the bundle's own transactions.
    const own = new Set(txs.map((tx) => tx.hash.toLowerCase()));
    for (const [field, hashes] of [['droppingTxHashes', request.droppingTxHashes], ['refundTxHashes', request.refundTxHashes]] as const) {
      for (const [i, hash] of (hashes ?? []).entries()) {
        if (!own.has(hash.toLowerCase())) throw new RpcError(rpcErrorCodes.invalidParams, `invalid params: ${field}[${i}] ${hash} is not a transaction of this bundle`);
      }
    }
    if (request.blockNumber === next.number) {
      // Fail fast, as relays do: a bundle that cannot run on top of the next block is refused now, not silently.
      let outcomes: TxOutcome[];
      try {
        // Listed droppable transactions that cannot run or revert are left out, as the block would.
        const nonces = new Map<string, number>();
        outcomes = (await runDropping((sequence) => simulateSequence(this.client, sequence, next, next.number - 1n, nonces), { droppingTxHashes: dropping, revertingTxHashes: reverting }, txs, [])).outcomes;
      } catch (error) {
        if (!(error instanceof SequenceInvalidError)) throw error;
        // A later nonce of a sender whose earlier one is in another bundle may run after it: keep it.
        if (!/nonce too high/.test(error.message)) throw new RpcError(rpcErrorCodes.invalidParams, `bundle cannot run: ${error.message}`);
        outcomes = [];
      }
      const index = outcomes.findIndex((outcome) => outcome.reverted && !reverting.has(outcome.txHash.toLowerCase()));
      if (index >= 0) {
        throw new RpcError(rpcErrorCodes.invalidParams, `bundle reverts: tx ${index} (${outcomes[index]!.txHash}) reverted (${outcomes[index]!.error}) and is not in revertingTxHashes`);
      }
    }
    const txHashes = txs.map((tx) => tx.hash);
    const bundle: StoredBundle = {
      bundleHash: bundleHashOf(txHashes),
      signer,
      txs: request.txs as Hex[],
      txHashes,
      blockNumber: request.blockNumber,
      ...(request.minTimestamp !== undefined ? { minTimestamp: request.minTimestamp } : {}),
      ...(request.maxTimestamp !== undefined ? { maxTimestamp: request.maxTimestamp } : {}),
      revertingTxHashes: reverting,
      droppingTxHashes: dropping,
      ...(request.replacementUuid ? { replacementUuid: request.replacementUuid } : {}),
      ...(request.replacementNonce !== undefined ? { replacementNonce: request.replacementNonce } : {}),
      ...(request.refundPercent !== undefined
        ? { refund: { percent: request.refundPercent, recipient: (request.refundRecipient as Address | undefined) ?? txs[0]!.from, ...(request.refundTxHashes?.[0] ? { txHash: request.refundTxHashes[0] as Hex } : {}) } }
        : {}),
      ...(this.paidByTransferSigners.has(signer.toLowerCase()) ? { paidByTransfer: true as const } : {}),
      receivedAtMs: this.now(),
      ...(request.blockNumber === next.number ? { simulatedAtMs: this.now() } : {}),
    };
    try {
      this.book.add(bundle);
    } catch (error) {
      if (error instanceof StaleReplacementError) throw new RpcError(rpcErrorCodes.invalidParams, error.message);
      throw error;
    }
    this.decoded.set(bundle, txs);
    this.counts.bundles++;
    this.parameters.logger.debug({ bundle: bundle.bundleHash, block: String(bundle.blockNumber), signer }, 'builder: bundle received');
    return { bundleHash: bundle.bundleHash };
  }

  private async sendPrivateTransaction(params: unknown): Promise<Hex> {
    const [request] = parse(sendPrivateTransactionParams, params);
    const [tx] = await this.decodeAll([request.tx as Hex]);
    const next = await this.nextBlock();
    const maxBlock = request.maxBlockNumber ?? next.number + privateTxDefaultBlocks;
    if (maxBlock < next.number) throw new RpcError(rpcErrorCodes.invalidParams, `expired: maxBlockNumber ${maxBlock} is before the next block (${next.number})`);
    this.privatePool.add(tx!, maxBlock);
    this.parameters.logger.debug({ tx: tx!.hash, maxBlock: String(maxBlock) }, 'builder: private transaction received');
    return tx!.hash;
  }

  private async callBundle(params: unknown) {
    const [request] = parse(callBundleParams, params);
    const txs = await this.decodeAll(request.txs as Hex[]);
    const next = await this.nextBlock();
    const stateBlock = request.stateBlockNumber;
    const block: SimulationBlock = {
      ...next,
      number: request.blockNumber,
      timestamp: request.timestamp !== undefined ? BigInt(request.timestamp) : next.timestamp,
      coinbase: (request.coinbase as Address | undefined) ?? this.coinbase,
    };
    let outcomes: TxOutcome[];
    try {
      outcomes = await simulateSequence(this.client, txs, block, stateBlock);
    } catch (error) {
      if (error instanceof SequenceInvalidError) throw new RpcError(rpcErrorCodes.invalidParams, `bundle cannot run: ${error.message}`);
      throw error;
    }
    const totalGasUsed = outcomes.reduce((sum, outcome) => sum + outcome.gasUsed, 0n);
    const gasFees = outcomes.reduce((sum, outcome) => sum + outcome.gasFees, 0n);
    const ethSentToCoinbase = outcomes.reduce((sum, outcome) => sum + outcome.ethSentToCoinbase, 0n);
    const coinbaseDiff = gasFees + ethSentToCoinbase;
    return {
      bundleHash: bundleHashOf(txs.map((tx) => tx.hash)),
      bundleGasPrice: String(totalGasUsed === 0n ? 0n : coinbaseDiff / totalGasUsed),
      coinbaseDiff: String(coinbaseDiff),
      ethSentToCoinbase: String(ethSentToCoinbase),
      gasFees: String(gasFees),
      stateBlockNumber: Number(stateBlock === 'latest' ? next.number - 1n : stateBlock),
      totalGasUsed: Number(totalGasUsed),
      results: outcomes.map((outcome, i) => ({
        txHash: outcome.txHash,
        fromAddress: outcome.fromAddress,
        toAddress: outcome.toAddress,
        gasUsed: Number(outcome.gasUsed),
        gasPrice: String(outcome.gasUsed === 0n ? 0n : (outcome.gasFees + outcome.ethSentToCoinbase) / outcome.gasUsed),
        gasFees: String(outcome.gasFees),
        ethSentToCoinbase: String(outcome.ethSentToCoinbase),
        coinbaseDiff: String(outcome.gasFees + outcome.ethSentToCoinbase),
        value: outcome.returnData,
        ...(outcome.reverted ? { error: 'execution reverted', revert: outcome.error ?? outcome.returnData } : {}),
        nonce: txs[i]!.nonce,
      })),
    };
  }

  // A block is on chain before its outcomes are written (sealing mines, then records), so a caller that saw the
  // head asks about a block still being sealed: the answer waits for the seal, as a real builder's does.
  private async bundleStats(params: unknown, signer: Address) {
    const [{ bundleHash, blockNumber }] = parse(bundleStatsParams, params);
    await this.building.catch(() => {});
    const bundle = this.book.find(signer, bundleHash as Hex, blockNumber);
    if (!bundle) throw new RpcError(rpcErrorCodes.invalidParams, `bundle ${bundleHash} for block ${blockNumber} not found for signer ${signer}`);
    return bundleStatsAnswer(bundle, this.reports.get(blockNumber)?.timestamp, this.now());
  }

  private async blockReportRpc(params: unknown): Promise<BlockReport> {
    const [blockNumber] = parse(blockReportParams, params);
    await this.building.catch(() => {});
    const report = this.reports.get(blockNumber);
    if (!report) throw new RpcError(rpcErrorCodes.invalidParams, `no report for block ${blockNumber}: this builder did not build it, or it is too old`);
    return report;
  }

  /** Builds and seals the next block now (after any block in progress). */
  buildBlock(): Promise<BlockReport> {
    const result = this.building.catch(() => {}).then(() => this.build());
    this.building = result;
    return result;
  }

  private async build(): Promise<BlockReport> {
    const next = await this.nextBlock();
    const bundles = this.book.open(next.number);
    const pooled = await readPendingPool(this.parameters.client);
    const pooledHashes = new Set(pooled.map((tx) => tx.hash.toLowerCase()));
    const privateTxs = this.privatePool.pending(next.number).filter((tx) => !pooledHashes.has(tx.hash.toLowerCase()));
    const nonces = new Map<string, number>();
    const simulate = (txs: readonly SignedTx[]) => simulateSequence(this.client, txs, next, next.number - 1n, nonces);
    const assemble = (from: readonly StoredBundle[]) =>
      assembleBlock({
        block: next,
        bundles: from,
        decoded: this.decoded,
        publicTxs: [...pooled, ...privateTxs],
        simulate,
        chainNonce: async (sender) => {
          if (!nonces.has(sender)) nonces.set(sender, await this.client.getTransactionCount({ address: sender as Address, blockNumber: next.number - 1n }));
          return nonces.get(sender)!;
        },
      });
    const assembly: Assembly = await assemble(bundles);
    const due = refundsDue(assembly.included);
    let contribution: ContributionRefund[] = [];
    if (this.parameters.contributionRefunds) {
      const onlyPublic = (bundle: StoredBundle) => this.decoded.get(bundle)!.every((tx) => pooledHashes.has(tx.hash.toLowerCase()));
      try {
        contribution = await contributionRefunds({
          assembly,
          options: this.parameters.contributionRefunds,
          publicHashes: pooledHashes,
          alreadyRefunded: new Map(due.map((refund) => [refund.bundleHash, refund.refundWei])),
          rebuild: (without) => assemble(bundles.filter((bundle) => !without.has(bundle.signer.toLowerCase()) || onlyPublic(bundle))),
          value: async (built) => blockValue(await simulate(built.order)),
        });
      } catch (error) {
        // Fail closed: a block whose value cannot be measured pays no contribution refunds (and says so).
        this.parameters.logger.error({ block: String(next.number), err: (error as Error).message }, 'builder: contribution refunds not computed; none paid');
      }
    }
    const payouts = [...due, ...contribution];
    let refundHashes: Hex[] = [];
    const sealed = await sealBlock(this.parameters.client, {
      order: assembly.order,
      pooled,
      timestamp: next.timestamp,
      logger: this.parameters.logger,
      beforeMine: async () => {
        refundHashes = await queueRefunds(this.parameters.client, this.coinbase, payouts, next.baseFeePerGas);
      },
    });
    const landed = new Set(sealed.transactions.map((hash) => hash.toLowerCase()));
    for (const [i, hash] of refundHashes.entries()) {
      if (!landed.has(hash.toLowerCase())) this.parameters.logger.error({ block: String(sealed.number), tx: hash, refundWei: String(payouts[i]!.refundWei) }, 'builder: a refund was not paid in its block');
    }
    const bundleTxs = assembly.included.flatMap((winner) => winner.txs.map((tx) => tx.hash));
    const orderVerified = sealed.number === next.number && bundleTxs.every((hash, i) => sealed.transactions[i]?.toLowerCase() === hash.toLowerCase());
    if (!orderVerified) this.parameters.logger.warn({ block: String(sealed.number) }, 'builder: the sealed block does not start with the winning bundles in order');
    for (const winner of assembly.included) winner.bundle.outcome = { included: true, blockHash: sealed.hash };
    for (const loser of assembly.excluded) {
      loser.bundle.outcome = { included: false, reason: loser.reason, detail: loser.detail, ...(loser.reason === 'outbid' && loser.winner ? { winningBid: bidOf(loser.winner) } : {}) };
    }
    const late = this.book.settle(next.number);
    // Who sent each bundle's transactions, read before the decoded forms of this block are dropped.
    const senders = new Map<StoredBundle, Address[]>(this.book.all(next.number).map((bundle) => [bundle, this.decoded.get(bundle)?.map((tx) => tx.from) ?? []]));
    await this.privatePool.settle(sealed.number, (sender) => this.client.getTransactionCount({ address: sender as Address, blockNumber: sealed.number }));
    for (const bundle of this.book.all(next.number)) this.decoded.delete(bundle);
    const privateHashes = new Set(privateTxs.map((tx) => tx.hash.toLowerCase()));
    const report: BlockReport = {
      blockNumber: String(sealed.number),
      blockHash: sealed.hash,
      timestamp: Number(sealed.timestamp),
      coinbase: this.coinbase,
      baseFeePerGas: String(next.baseFeePerGas),
      included: assembly.included.map(({ bundle, gasUsed, coinbaseDiff, dropped }) => {
        const index = due.findIndex((refund) => refund.bundleHash === bundle.bundleHash);
        const refund = index >= 0 ? due[index]! : undefined;
        return {
          bundleHash: bundle.bundleHash,
          signer: bundle.signer,
          txHashes: bundle.txHashes,
          senders: senders.get(bundle) ?? [],
          gasUsed: String(gasUsed),
          coinbaseDiff: String(coinbaseDiff),
          bundleGasPrice: String(gasUsed === 0n ? 0n : coinbaseDiff / gasUsed),
          droppedTxHashes: dropped,
          ...(refund && refundHashes[index] && landed.has(refundHashes[index]!.toLowerCase())
            ? { refund: { recipient: refund.recipient, percent: refund.percent, refundTxHash: refund.refundTxHash, paymentWei: String(refund.paymentWei), refundWei: String(refund.refundWei), txHash: refundHashes[index]! } }
            : {}),
        };
      }),
      excluded: [...assembly.excluded, ...late.map((entry) => ({ ...entry, winner: undefined }))].map(({ bundle, reason, detail, winner }) => ({
        bundleHash: bundle.bundleHash,
        signer: bundle.signer,
        txHashes: bundle.txHashes,
        senders: senders.get(bundle) ?? [],
        reason,
        detail,
        ...(reason === 'outbid' && winner ? { outbidBy: { bundleHash: winner.bundle.bundleHash, signer: winner.bundle.signer, ...bidOf(winner) } } : {}),
      })),
      ...(this.parameters.contributionRefunds
        ? {
            contributionRefunds: contribution.flatMap((refund, i) => {
              const txHash = refundHashes[due.length + i];
              if (!txHash || !landed.has(txHash.toLowerCase())) return [];
              return [{ signer: refund.signer, bundleHashes: refund.bundleHashes, paymentWei: String(refund.paymentWei), contributionWei: String(refund.contributionWei), refundWei: String(refund.refundWei), txHash }];
            }),
          }
        : {}),
      publicTxHashes: assembly.publicHashes.filter((hash) => !privateHashes.has(hash.toLowerCase())) as Hex[],
      privateTxHashes: assembly.publicHashes.filter((hash) => privateHashes.has(hash.toLowerCase())) as Hex[],
      orderVerified,
    };
    this.reports.set(sealed.number, report);
    for (const number of this.reports.keys()) if (number + 1024n < sealed.number) this.reports.delete(number);
    this.parameters.logger.debug({ block: report.blockNumber, included: report.included.length, excluded: report.excluded.length }, 'builder: block sealed');
    return report;
  }
}

