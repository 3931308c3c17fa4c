import { createPublicClient, http, type Address, type Hex, type PublicClient } from 'viem';
import type { LocalAccount } from 'viem/accounts';
import type { Pool } from './state/types.ts';
import { MalformedInputs } from './chain/malformedInputs.ts';
import { WsConnection } from './chain/wsConnection.ts';
import type { ResolvedChain, RunConfig } from './config/runConfig.ts';
import { SearcherError } from './errors.ts';
import type { Logger } from './log.ts';
import { mainnetRouters } from './mempool/decode.ts';
import { nextBaseFee } from './chain/baseFee.ts';
import { MempoolWatcher, type Head, type PendingSwaps } from './mempool/watcher.ts';
import { MevBlockerStream } from './mempool/mevBlockerStream.ts';
import { MevShareStream } from './mempool/mevShareStream.ts';
import type { PrivateHint } from './mempool/mevShareHint.ts';
import { BlindBackruns } from './blindBackrun.ts';
import type { OrderFlowSource } from './mempool/types.ts';
import { PendingBySender } from './mempool/pendingBySender.ts';
import { senderNonceGap } from './mempool/senderNonceGap.ts';
import { UnsentVictims } from './mempool/unsentVictims.ts';
import { LatencyHistogram } from './histogram.ts';
import type { CandidateReport } from './monitor/candidateReport.ts';
import type { BundleSimulator } from './sim/bundle.ts';
import { ForkSimulator } from './sim/fork.ts';
import { SimulateV1Simulator } from './sim/simulateV1.ts';
import { V3RangeError } from './amm/v3/pool.ts';
import { MarketKeeper } from './state/marketKeeper.ts';
import type { PoolCheckpointStore } from './state/poolCheckpoint.ts';
import { MarketState } from './state/market.ts';
import { backrunCandidates, blockCandidates, simulatedBackrunCandidates, tradesSimulateOnly, resolveConflicts, type Candidate, type EngineConfig, type PriorTrade, type Rejection } from './strategy/candidates.ts';
import { PoolGraph } from './strategy/graph.ts';
import { BidPolicy, type BidOutcome } from './strategy/bidPolicy.ts';
import { TokenSafety } from './sim/tokenSafety.ts';
import type { VerdictStore } from './strategy/verdictStore.ts';
import { builderShareProblem, readBuilderShareCap } from './bundle/builderShareCap.ts';
import type { Dispatcher } from './bundle/dispatch.ts';
import type { Submitter } from './bundle/submitter.ts';
import type { RiskGate } from './risk/gate.ts';
import { CandidateDecider, type PriorSends } from './decision.ts';
import { pendingBundleTx } from './sim/bundleTxs.ts';
import { observePool } from './risk/poolObservation.ts';
import { exposureCaps } from './risk/config.ts';
import { venueOfProtocol } from './state/venues.ts';
import { configuredV4PoolManager } from './config/v4PoolManager.ts';

export type SearcherEngineParameters = {
  config: RunConfig;
  chain: ResolvedChain;
  /** Where token safety verdicts persist across runs (the store); without it they last one run. */
  verdictStore?: VerdictStore;
  /** Where the pool registry and states persist, so a restart reads only what changed (the store). */
  poolCheckpoints?: PoolCheckpointStore;
  logger: Logger;
  /** The operator's key (signs the executor transaction); required by the fork backend. */
  signer?: LocalAccount;
  onCandidate: (report: CandidateReport) => void;
  /** Bundles already sent that a hint-only MEV-Share transaction may run before (their state is nobody's to simulate). */
  onStateHidden?: (uuids: readonly string[], target: bigint, reason: string) => void;
  /** Sends what simulates (risk gate, signing, builders). Without it the engine only decides. */
  dispatcher?: Dispatcher;
  /** Tracks inclusion of what was sent, on every head. */
  submitter?: Submitter;
  /** Blind MEV-Share backruns' operators, each with its own submitter (nonce chain); tracked on every head too. */
  operatorLanes?: ReadonlyArray<{ account: LocalAccount; submitter: Submitter }>;
  risk?: RiskGate;
  /** A new head was applied (the store counts blocks from here). */
  onHead?: (block: { number: bigint; hash: Hex; timestamp: bigint; baseFeePerGas: bigint; transactions: readonly Hex[] }) => void;
  /** After a head's inclusions were tracked (per-block summaries are complete from here). */
  afterHead?: (number: bigint) => Promise<void>;
  /** The node's websocket came up or went down. */
  onSocket?: (up: boolean) => void;
  /** A pending swap transaction was decoded (counted toward the block it may land in). */
  onSeen?: (targetBlock: bigint, source: OrderFlowSource) => void;
};

export class EngineError extends SearcherError {}


/** How long a send waits for a private victim's sender's transaction count (read beside the search). */
const victimNonceReadMs = 1_000;
/** How long a start waits for a private stream to connect before going on without it (it keeps retrying). */
const privateStreamStartWaitMs = 5_000;

/**
 * The pipeline: mempool watcher -> victim applied to a pending overlay -> cycle search and sizing -> bundle
 * simulation -> decision. New heads move the market (log by log, reorg-safe) and trigger block arbitrage on
 * the pools that changed. Work is serialised so a candidate always sees one consistent state.
 */
export class SearcherEngine {
  readonly latency = { decode: new LatencyHistogram(), search: new LatencyHistogram(), simulate: new LatencyHistogram(), send: new LatencyHistogram(), total: new LatencyHistogram(), seenToSent: new LatencyHistogram() };
  readonly stats = { victims: 0, candidates: 0, sendDecisions: 0, rejects: 0, mismatches: 0 };
  private readonly market = new MarketState(64);
  private safety!: TokenSafety;
  private graph!: PoolGraph;
  private client!: PublicClient;
  private connection!: WsConnection;
  private watcher!: MempoolWatcher;
  /** The private order flow: MEV Blocker's transactions (full, unsigned) and MEV-Share's hints, when configured. */
  private mevBlocker: MevBlockerStream | undefined;
  private mevShare: MevShareStream | undefined;
  private blind: BlindBackruns | undefined;
  private simulator!: BundleSimulator;
  private head!: Head;
  private queue: Promise<void> = Promise.resolve();
  private stopping = false;
  /** Per-head bookkeeping (store, summaries), in head order, off the trading path. */
  private bookkeeping: Promise<void> = Promise.resolve();
  private decider!: CandidateDecider;
  private keeper!: MarketKeeper;
  private readonly pendingBySender = new PendingBySender();
  /** Victims of the coming block without a bundle of ours: searched again when a later bundle of ours trades their tokens. */
  private readonly unsent = new UnsentVictims();
  private readonly engineConfig: EngineConfig;
  private bids: BidPolicy | undefined;
  /** Garbage from the node's websocket, by kind (the app exports it as a metric). */
  readonly nodeInputs: MalformedInputs;
  /** Garbage from the private streams, by kind. */
  readonly mevBlockerInputs: MalformedInputs;
  readonly mevShareInputs: MalformedInputs;

  constructor(private readonly parameters: SearcherEngineParameters) {
    const { config, chain } = parameters;
    this.nodeInputs = new MalformedInputs({ logger: parameters.logger, source: 'node' });
    this.mevBlockerInputs = new MalformedInputs({ logger: parameters.logger, source: 'mevBlocker' });
    this.mevShareInputs = new MalformedInputs({ logger: parameters.logger, source: 'mevShare' });
    const v4PoolManager = configuredV4PoolManager(config.factories);
    this.engineConfig = {
      startToken: chain.weth,
      venues: venueOfProtocol,
      ...(v4PoolManager ? { v4PoolManager } : {}),
      policy: {
        priorityFeeWei: config.strategy.priorityFeeWei,
        builderShareBps: BigInt(config.strategy.builderShareBps),
        minNetProfitWei: config.strategy.minNetProfitWei,
      },
      // Trades are sized within the risk layer's exposure caps (the gate would refuse anything larger).
      exposure: {
        maxInventoryAmountIn: exposureCaps(config.risk, chain.weth).maxInventoryAmountIn,
        maxFlashAmount: config.strategy.flash ? exposureCaps(config.risk, chain.weth).maxFlashAmount : 0n,
        unit: { symbol: 'WETH', decimals: 18 },
      },
      maxCyclesPerPool: config.strategy.maxCyclesPerPool,
      maxSizedPerSearch: config.strategy.maxSizedPerSearch,
    };
  }

  /** Plans stating a builder share above the executor's owner-set cap revert: refuse to start rather than send them. */
  private async checkBuilderShareCap(): Promise<number> {
    const { config, chain } = this.parameters;
    const cap = await readBuilderShareCap(this.client, chain.executor).catch((error: Error) => {
      throw new EngineError('ENGINE_CONFIG', `cannot read maxBuilderShareBps() of the executor at ${chain.executor} (not deployed there, or deployed before the builder-share cap: redeploy)`, { cause: error });
    });
    // The fixed share is what every plan states; an adaptive bid is held under the cap instead (bidPolicy.ts).
    const problem = config.strategy.bidding.policy === 'fixed' ? builderShareProblem(config.strategy.builderShareBps, cap, chain.executor) : undefined;
    if (problem) throw new EngineError('ENGINE_CONFIG', problem);
    return cap;
  }

  /** The share bid per opportunity, from what earlier bids met (fed by the ledger's outcomes: learnBid). */
  private startBidding(executorCapBps: number): void {
    const { strategy } = this.parameters.config;
    const bids = new BidPolicy({ settings: strategy.bidding, fixedShareBps: strategy.builderShareBps, executorCapBps });
    this.bids = bids;
    this.engineConfig.bid = (input) => BigInt(bids.bid({ ...input, minNetProfitWei: strategy.minNetProfitWei, nowMs: Date.now() }).shareBps);
  }

  /** An outcome of one of our bids (won, outbid, missed for another reason): the policy learns from it. */
  learnBid(outcome: Omit<BidOutcome, 'nowMs'> & { nowMs?: number }): void {
    const nowMs = outcome.nowMs ?? Date.now();
    this.bids?.learn({ ...outcome, nowMs });
    // A rival's win: our bundles that would run ahead of one of ours on that route detach rather than chain (decision.ts).
    if (outcome.outcome === 'outbid') this.decider?.noteOutbid(outcome.route ?? 'public', nowMs);
  }

  /** How dependent bundles went out (lanes.detachDependents): detached (ahead of an earlier one or not), capped to rank below, or chained and why. */
  get detaching(): CandidateDecider['detaching'] {
    return this.decider?.detaching ?? { detached: 0, capped: 0, chainedUnranked: 0, chainedUnrelaxed: 0, detachedOutranking: 0 };
  }

  /** The bidding policy, once started (its per-builder counts, a pool's learned share). */
  get bidding(): BidPolicy | undefined {
    return this.bids;
  }

  async start(): Promise<void> {
    const { config, chain, logger } = this.parameters;
    this.client = createPublicClient({ transport: http(chain.rpcUrl, { batch: true }) }) as PublicClient;
    const block = await this.client.getBlock();
    this.startBidding(await this.checkBuilderShareCap());
    const baseFeePerGas = block.baseFeePerGas ?? 0n;
    this.head = {
      number: block.number!,
      hash: block.hash!,
      parentHash: block.parentHash,
      baseFeePerGas,
      nextBaseFeePerGas: nextBaseFee(baseFeePerGas, block.gasUsed, block.gasLimit),
      timestamp: block.timestamp,
      transactions: Promise.resolve(block.transactions),
    };
    const factories = {
      v2: config.factories.v2.map((f) => ({ ...f, feeBps: BigInt(f.feeBps) })),
      v3: config.factories.v3,
      ...(config.factories.v4 ? { v4: config.factories.v4 } : {}),
    };
    const headRef = { number: block.number!, hash: block.hash!, parentHash: block.parentHash };
    const scope = await this.chainScope();
    this.keeper = new MarketKeeper({
      client: this.client,
      market: this.market,
      logger,
      factories,
      weth: chain.weth,
      settings: config.market,
      ...(scope.genesis && this.parameters.poolCheckpoints ? { checkpoints: { store: this.parameters.poolCheckpoints, chainScope: scope.scope } } : {}),
      onNewPools: (pools) => {
        for (const pool of pools) this.graph.add(pool);
        logger.info({ pools: pools.map((pool) => pool.address) }, 'engine: new pools');
      },
      // A pool the market dropped must not be searched or quoted (the graph would keep its last state).
      onGonePools: (addresses) => {
        for (const address of addresses) this.graph?.remove(address);
        this.parameters.risk?.onPoolsGone(addresses);
        this.decider?.forgetPools(addresses);
        logger.warn({ pools: addresses }, 'engine: pools gone from the market');
      },
      onStale: (stale) => this.parameters.risk?.onDrift(stale),
      onPause: (reason) => (reason === undefined ? this.parameters.risk?.resumeSending('state') : this.parameters.risk?.pauseSending('state', reason)),
      onBlock: (applied, changed) => {
        this.observePools(changed);
        if (changed.size > 0) this.enqueue(() => this.onBlockChanged(applied.number, [...changed]));
      },
    });
    await this.keeper.start(headRef);
    const excluded = new Set(config.strategy.excludedTokens.map((token) => token.toLowerCase()));
    this.safety = new TokenSafety({ client: this.client, weth: chain.weth, logger, scope: scope.scope, ...(scope.genesis && this.parameters.verdictStore ? { store: this.parameters.verdictStore } : {}) });
    const unsafe = (token: string) => excluded.has(token.toLowerCase()) || this.safety.isUnsafe(token);
    // Exclusion by token: a search walk asks once per token, not once per pool (a hub meets thousands).
    this.graph = new PoolGraph(this.market.all(), undefined, { excludedToken: unsafe, nativeAs: chain.weth });
    logger.info({ pools: this.market.size, block: String(block.number) }, 'engine: market loaded');

    this.simulator =
      config.simulation.backend === 'fork'
        ? await ForkSimulator.start({ upstreamRpcUrl: chain.rpcUrl, blockNumber: block.number!, chainId: chain.chainId })
        : new SimulateV1Simulator(this.client);
    if (config.simulation.backend === 'fork' && !this.parameters.signer) {
      throw new EngineError('ENGINE_CONFIG', 'the fork backend simulates signed transactions: set the operator key (SEARCHER_PRIVATE_KEY or a keystore)');
    }
    if (!this.parameters.signer && !chain.operator) {
      throw new EngineError('ENGINE_CONFIG', 'no operator: set the operator key, or use a chain section that names the executor operator');
    }
    this.decider = new CandidateDecider({
      parameters: this.parameters,
      engineConfig: this.engineConfig,
      client: this.client,
      simulator: this.simulator,
      safety: this.safety,
      graph: this.graph,
      market: this.market,
      latency: this.latency,
      stats: this.stats,
      head: () => this.head,
    });

    this.connection = new WsConnection({ url: chain.wsUrl, logger, malformed: this.nodeInputs });
    this.connection.on('latency', (ms: number) => this.parameters.risk?.onSocketLatency(ms));
    this.connection.on('up', () => this.parameters.onSocket?.(true));
    this.connection.on('down', () => this.parameters.onSocket?.(false));
    const pairs = (address: string) => {
      const pool = this.market.get(address as Address);
      return pool?.kind === 'v2' ? { token0: pool.token0.toLowerCase(), token1: pool.token1.toLowerCase() } : undefined;
    };
    this.watcher = new MempoolWatcher({ connection: this.connection, decoder: { routers: mainnetRouters, pairs }, logger });
    this.watcher.on('head', (head: Head) => this.enqueue(() => this.onHead(head)));
    this.watcher.on('swaps', (event: PendingSwaps) => {
      this.parameters.onSeen?.(this.head.number + 1n, 'public');
      this.enqueue(() => this.onVictim(event));
    });
    this.watcher.on('blind', (blind: boolean) => {
      if (!this.stopping) this.parameters.risk?.onBlind(blind);
    });
    await this.watcher.start();
    await this.startPrivateFlow(pairs);
  }

  /**
   * The private order flow beside the public mempool: MEV Blocker's victims take the same exact path as public ones
   * (their bundles go back to MEV Blocker by hash); MEV-Share's hints are backrun blind, sized on chain. Each stream
   * has its own blind signal: while one is blind, only bundles of its source are held.
   */
  private async startPrivateFlow(pairs: (address: string) => { token0: string; token1: string } | undefined): Promise<void> {
    const { chain, logger, risk } = this.parameters;
    if (chain.mevBlocker) {
      const stream = new MevBlockerStream({ url: chain.mevBlocker.wsUrl, decoder: { routers: mainnetRouters, pairs }, chainId: chain.chainId, logger, malformed: this.mevBlockerInputs });
      this.mevBlocker = stream;
      stream.on('swaps', (event: PendingSwaps) => {
        this.parameters.onSeen?.(this.head.number + 1n, 'mevBlocker');
        this.enqueue(() => this.onVictim(event));
      });
      stream.on('blind', (blind: boolean) => {
        if (!this.stopping) risk?.onSourceBlind('mevBlocker', blind);
      });
      // Waited for a moment, so the first private transactions after a start are seen; beyond that it keeps retrying
      // in the background and its blind signal holds its bundles meanwhile.
      const started = stream.start().catch((error: Error) => logger.error({ err: error.message }, 'engine: the MEV Blocker stream did not start; its victims are not seen'));
      await Promise.race([started, new Promise((resolve) => setTimeout(resolve, privateStreamStartWaitMs).unref())]);
      // Still not up: the breaker shows it (the stream reports only changes from here on).
      if (stream.blind) risk?.onSourceBlind('mevBlocker', true);
    }
    if (chain.mevShare) {
      const { signer, submitter } = this.parameters;
      if (signer && submitter && risk) {
        this.blind = new BlindBackruns({
          market: this.market,
          graph: () => this.graph,
          engineConfig: this.engineConfig,
          head: () => this.head,
          prior: (target) => this.decider.prior(target),
          // Their own operators when there are some (a revert there drops no other bundle of ours), else the main chain.
          lanes: [{ account: signer, submitter }, ...(this.parameters.operatorLanes ?? [])],
          risk,
          chainId: chain.chainId,
          executor: chain.executor,
          startToken: chain.weth,
          logger,
          onCandidate: (report) => this.parameters.onCandidate(report),
          ...(this.parameters.onStateHidden ? { onStateHidden: this.parameters.onStateHidden } : {}),
          relax: async (uuid, lane, target) => {
            const lanes = [submitter, ...(this.parameters.operatorLanes ?? []).map((operator) => operator.submitter)];
            return (await lanes[lane]?.relax(uuid, target).catch(() => false)) ?? false;
          },
          latency: this.latency,
        });
      } else {
        logger.warn('engine: MEV-Share hints are read but not backrun (no operator key to sign the on-chain sizing call)');
      }
      const stream = new MevShareStream({ url: chain.mevShare.streamUrl, logger, malformed: this.mevShareInputs });
      this.mevShare = stream;
      stream.on('hint', (hint: PrivateHint) => {
        this.parameters.onSeen?.(this.head.number + 1n, 'mevShare');
        const head = this.head.number;
        this.enqueue(() => this.onHint(hint, hint.seenMs ?? performance.now(), head));
      });
      stream.on('blind', (blind: boolean) => {
        if (!this.stopping) risk?.onSourceBlind('mevShare', blind);
      });
      const open = new Promise<void>((resolve) => {
        const onBlind = (blind: boolean) => {
          if (blind) return;
          stream.off('blind', onBlind);
          resolve();
        };
        stream.on('blind', onBlind);
      });
      stream.start();
      await Promise.race([open, new Promise((resolve) => setTimeout(resolve, privateStreamStartWaitMs).unref())]);
      if (stream.blind) risk?.onSourceBlind('mevShare', true);
    }
  }

  private async onHint(hint: PrivateHint, firstSeenMs: number, headAtHint: bigint): Promise<void> {
    if (this.stopping || !this.blind) return;
    this.stats.victims++;
    await this.blind.onHint(hint, firstSeenMs, headAtHint);
  }

  /**
   * What persists across runs (token verdicts, the pool checkpoint) belongs to one chain: its id and genesis hash
   * (a devnet restarted at the same addresses, or another chain with the same id, starts afresh). If the genesis
   * cannot be read, nothing is stored: it lasts this run only.
   */
  private async chainScope(): Promise<{ scope: string; genesis: boolean }> {
    const { chain, logger } = this.parameters;
    const genesis = await this.client.getBlock({ blockNumber: 0n }).catch(() => undefined);
    if (!genesis?.hash) {
      logger.warn('engine: cannot read the genesis block; token verdicts and the pool checkpoint are kept for this run only');
      return { scope: `${chain.chainId}`, genesis: false };
    }
    return { scope: `${chain.chainId}:${genesis.hash}`, genesis: true };
  }

  private enqueue(work: () => Promise<void>): void {
    this.queue = this.queue.then(work).catch((error: Error) => this.parameters.logger.error({ err: error.message, stack: error.stack }, 'engine: step failed'));
  }

  private async onHead(head: Head): Promise<void> {
    this.head = head;
    await this.simulator.onHead(head.number, head.nextBaseFeePerGas);
    // Victims of the new block queue behind this: only what their search needs is awaited here (the state,
    // the block's transactions, our nonce); bookkeeping runs after, beside them.
    // The watcher reads the block's transactions once per head; the node is asked again only if that failed.
    const transactionsRead = head.transactions.then(async (hashes) => (hashes ?? (await this.client.getBlock({ blockHash: head.hash as Hex })).transactions) as Hex[]);
    const nonceRead = this.refreshOperatorNonce();
    await this.keeper.sync({ number: head.number, hash: head.hash as Hex, parentHash: head.parentHash as Hex });
    const transactions = await transactionsRead;
    await nonceRead;
    this.pendingBySender.onBlock(new Set(transactions.map((hash) => hash.toLowerCase())), head.number);
    const { submitter, risk, onHead, afterHead } = this.parameters;
    risk?.onHead({ number: head.number, latencyMs: Math.max(0, Date.now() - Number(head.timestamp) * 1000) });
    await submitter?.onHead({ number: head.number, transactions, timestamp: head.timestamp });
    for (const blind of this.parameters.operatorLanes ?? []) await blind.submitter.onHead({ number: head.number, transactions, timestamp: head.timestamp });
    this.bookkeeping = this.bookkeeping
      .then(async () => {
        onHead?.({ number: head.number, hash: head.hash as Hex, timestamp: head.timestamp, baseFeePerGas: head.baseFeePerGas, transactions });
        await afterHead?.(head.number);
      })
      .catch((error: Error) => this.parameters.logger.error({ err: error.message }, 'engine: head bookkeeping failed'));
  }

  /** Our operator's transaction count at the head, read once per head (private bundles move it only when they land). */
  private async refreshOperatorNonce(): Promise<void> {
    const operator = this.parameters.signer?.address ?? this.parameters.chain.operator;
    if (!operator) return;
    const number = this.head.number;
    this.decider.setOperatorNonce(number, await this.client.getTransactionCount({ address: operator, blockTag: 'latest' }));
  }

  private async onBlockChanged(number: bigint, changed: Address[]): Promise<void> {
    if (number !== this.head.number) return; // an older block while catching up: only the newest state trades
    if (this.stopping) return; // a stopping bot sends nothing: searching would only delay the stop
    const started = performance.now();
    const target = this.head.number + 1n;
    const sentBefore = this.decider.prior(target).trades.length;
    const candidates = blockCandidates(this.market, this.graph, changed, this.head.nextBaseFeePerGas, this.engineConfig, this.decider.prior(target).trades);
    await this.decider.decide(resolveConflicts(candidates, 0n)[0] ?? candidates[0], undefined, started, started);
    this.afterDecision(target, sentBefore, started);
  }

  private async onVictim(event: PendingSwaps): Promise<void> {
    if (this.stopping) return; // queued before the stop: a stopping bot takes no new victims (heads are still tracked)
    this.stats.victims++;
    const started = performance.now();
    this.pendingBySender.add(event, this.head.number);
    await this.searchVictim(event, event.firstSeenMs, started);
  }

  /**
   * A victim searched on the state our sends for the block leave, and decided. `firstSeenMs`: when the news that
   * made it worth a search was first seen (its own sighting, or for a search again, the sighting of the victim
   * whose bundle changed its state).
   */
  private async searchVictim(event: PendingSwaps, firstSeenMs: number, started: number): Promise<void> {
    const target = this.head.number + 1n;
    const sent = this.decider.prior(target);
    const sentBefore = sent.trades.length;
    // The sender's earlier swaps still pending land before this one: bundle them ahead of it, judge after them.
    // Only the sender's earlier transactions seen where this one was: a public victim cannot carry a private one's
    // bytes (its relay holds them, and the builder places it ahead by its nonce anyway).
    const leading = this.pendingBySender.before(event).filter((earlier) => !sent.victims.has(earlier.tx.hash.toLowerCase()) && (earlier.source ?? 'public') === (event.source ?? 'public'));
    const prior = [...sent.trades, ...leading.map((earlier) => ({ swaps: earlier.swaps }))];
    // Read beside the search (needed when the bundle is sent): whether a private victim can run next,
    // after every earlier pending transaction of its sender's we know of (wherever seen: the builder places those
    // too). A public one is not read (no round trip on the hot path): the node announces only transactions that can
    // run next (a later nonce waits in its queue, unannounced).
    const nonceGap = (event.source ?? 'public') !== 'public' ? this.victimNonceGap(event, this.pendingBySender.before(event)) : undefined;
    let result: ReturnType<typeof backrunCandidates>;
    try {
      // Bid for the auction the victim is in: where it was seen.
      const bid = this.engineConfig.bid;
      const config = bid && event.source ? { ...this.engineConfig, bid: (input: Parameters<typeof bid>[0]) => bid({ ...input, route: event.source }) } : this.engineConfig;
      // A victim through a hooked V4 pool is priced by simulating it (our math cannot say what the hook does).
      result = tradesSimulateOnly(this.market, event.swaps)
        ? await this.simulatedBackrun(event, leading, sent, target, config)
        : backrunCandidates(this.market, this.graph, event, this.head.nextBaseFeePerGas, config, prior);
    } catch (error) {
      // The victim's own swap leaves a pool's loaded tick window: the state after it is unknown, so no backrun.
      if (!(error instanceof V3RangeError)) throw error;
      this.parameters.logger.info({ victim: event.tx.hash, reason: error.message }, 'engine: no backrun (the victim trades past the loaded ticks)');
      return;
    }
    if (!Array.isArray(result)) {
      this.parameters.logger.debug({ victim: event.tx.hash, reason: result.reason }, 'engine: no backrun');
      return;
    }
    await this.decider.decide(result[0], event, firstSeenMs, started, leading, nonceGap);
    this.afterDecision(target, sentBefore, firstSeenMs, event);
  }

  /**
   * Why the victim may not run in the target block (senderNonceGap), from its sender's count at the head; a count
   * that cannot be read is a reason too (it is not known to run).
   */
  private victimNonceGap(event: PendingSwaps, earlierPending: readonly PendingSwaps[]): Promise<string | undefined> {
    const earlier = earlierPending.map((pending) => pending.tx.nonce);
    const read = this.client.getTransactionCount({ address: event.tx.from as Address, blockNumber: this.head.number }).then(
      (count) => senderNonceGap(count, event.tx.nonce, earlier),
      (error: Error) => `its sender's transaction count could not be read (${error.message.split('\n')[0]})`,
    );
    // The engine's one queue waits on this before the send: a slow node holds it at most this long (not known to run).
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<string>((resolve) => {
      timer = setTimeout(() => resolve(`its sender's transaction count was not read within ${victimNonceReadMs} ms`), victimNonceReadMs);
    });
    return Promise.race([read, late]).finally(() => clearTimeout(timer));
  }

  /**
   * A victim's backruns from a simulation of it (and of its sender's earlier pending transactions) after our earlier
   * sends for the block: fail closed when the backend cannot report logs, the simulation fails, or a new head came
   * meanwhile (the logs then describe a block that will not be built).
   */
  private async simulatedBackrun(event: PendingSwaps, leading: readonly PendingSwaps[], sent: PriorSends, target: bigint, config: EngineConfig): Promise<Candidate[] | Rejection> {
    const reject = (reason: string) => ({ victim: event.tx.hash, reason });
    if (!this.simulator.simulateLogs) return reject(`the ${this.simulator.name} backend does not report a simulated transaction's logs: a victim through a hooked V4 pool is not priced`);
    // A bundle sent before its simulation counts among the trades at once but joins the transactions only once
    // simulated: wait for those checks, so that the prefix simulated is every send the trades below assume.
    await this.decider.settled();
    if (this.head.number + 1n !== target) return reject('a new head arrived while our earlier sends were checked');
    sent = this.decider.prior(target);
    let simulated;
    try {
      const txs = [...leading, event].map((pending) => pendingBundleTx(pending.tx));
      simulated = await this.simulator.simulateLogs({ txs, prefix: sent.txs, targetBlock: target, timestamp: this.head.timestamp + 1n });
    } catch (error) {
      return reject(`the victim's simulation failed: ${(error as Error).message.split('\n')[0]}`);
    }
    if (this.head.number + 1n !== target) return reject('a new head arrived while the victim was simulated');
    const result = simulatedBackrunCandidates(this.market, this.graph, event, simulated, this.head.nextBaseFeePerGas, config, sent.trades);
    if (Array.isArray(result)) this.parameters.logger.debug({ victim: event.tx.hash, candidates: result.length }, 'engine: victim priced by simulation');
    return result;
  }

  /**
   * After a decision for `target`: a victim that went without a bundle is remembered; when a bundle went out, the
   * remembered victims trading one of its tokens are searched again, in the queue (behind what arrived meanwhile).
   */
  private afterDecision(target: bigint, sentBefore: number, firstSeenMs: number, event?: PendingSwaps): void {
    const sent = this.decider.prior(target);
    if (event && !sent.victims.has(event.tx.hash.toLowerCase())) this.unsent.remember(target, event, this.tokensOf({ swaps: event.swaps }));
    if (sent.trades.length === sentBefore) return;
    this.unsent.forget(target, sent.victims);
    const due = this.unsent.touching(target, new Set(sent.trades.slice(sentBefore).flatMap((trade) => this.tokensOf(trade))));
    if (due.length > 0) this.enqueue(() => this.searchAgain(target, due, firstSeenMs));
  }

  /**
   * The tokens a trade swaps, but the start token (lowercase). A victim's cycles back run through pools of its own
   * tokens (2 hops: the same pair; 3 hops WETH -> A -> B -> WETH: a pool of A), so a bundle of ours trading none of
   * them has not moved those pools (only the far B/WETH pool of a 3-hop cycle can be missed this way). Per token,
   * not per pool: a search again costs a search, and victims share hubs.
   */
  private tokensOf(trade: PriorTrade): string[] {
    const start = this.engineConfig.startToken.toLowerCase();
    const tokens = [...(trade.swaps ?? []).flatMap((swap) => swap.path), ...(trade.cycle?.hops.flatMap((hop) => [hop.tokenIn, hop.tokenOut]) ?? [])];
    return tokens.map((token) => token.toLowerCase()).filter((token) => token !== start);
  }

  /** Victims searched again after a bundle of ours moved their pools, while their block is still the coming one. */
  private async searchAgain(target: bigint, victims: readonly PendingSwaps[], firstSeenMs: number): Promise<void> {
    for (const event of victims) {
      if (this.stopping || this.head.number + 1n !== target) return;
      if (this.decider.prior(target).victims.has(event.tx.hash.toLowerCase())) continue;
      await this.searchVictim(event, firstSeenMs, performance.now());
    }
  }

  /** The market's pool by address (a V4 pool by its pool id), as it is now; undefined when the market does not hold it. */
  pool(address: string): Pool | undefined {
    return this.market.get(address as Address);
  }

  /** The next block's base fee, by the EIP-1559 rule from the newest head. */
  get nextBaseFee(): bigint {
    return this.head.nextBaseFeePerGas;
  }

  /** The operator's transaction count as read at the newest head, if it has been read yet. */
  knownOperatorNonce(): number | undefined {
    return this.decider?.knownOperatorNonce();
  }

  /** How the market was loaded at start: pools found and kept, time to a searchable market, checkpoint used. */
  get bootstrap() {
    return this.keeper?.bootstrap;
  }

  get headNumber(): bigint {
    return this.head.number;
  }

  /** Every pool a block moved, by its logs, for the risk layer's price-jump and liquidity-exit breakers. */
  private observePools(changed: ReadonlySet<Address>): void {
    const risk = this.parameters.risk;
    if (!risk) return;
    for (const address of changed) {
      const pool = this.market.get(address);
      const observation = pool && observePool(pool, this.parameters.chain.weth);
      if (observation) risk.onPoolObservation(observation);
    }
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.watcher?.stop();
    this.mevBlocker?.stop();
    await this.mevShare?.stop();
    this.connection?.close();
    await this.queue;
    await this.decider?.settled();
    await this.bookkeeping;
    await this.keeper?.stop();
    await this.simulator?.stop();
    await this.safety?.flush();
  }
}
