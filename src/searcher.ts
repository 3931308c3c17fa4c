import { signingBackend } from './chain/nativeSigning.ts';
import { SearcherError } from './errors.ts';
import { createPublicClient, http, parseAbi, type PublicClient } from 'viem';
import type { LocalAccount } from 'viem/accounts';
import { bundleStatsExplainer } from './bundle/bundleStats.ts';
import { JsonRpcBuilderClient } from './bundle/builderClient.ts';
import { Dispatcher } from './bundle/dispatch.ts';
import { planContext } from './bundle/toPlan.ts';
import { configuredV4PoolManager } from './config/v4PoolManager.ts';
import { Treasury } from './bundle/treasury.ts';
import { BuilderFanout } from './bundle/fanout.ts';
import { FlashbotsLibraryClient } from './bundle/flashbotsLibraryClient.ts';
import { NonceManager } from './bundle/nonceManager.ts';
import { submissionMode, Submitter, type BundleSender, type PrivateRoute } from './bundle/submitter.ts';
import { MevShareClient } from './bundle/mevShareClient.ts';
import type { BuilderClient } from './bundle/types.ts';
import { nodeRawTransactionSource } from './bundle/victimRaw.ts';
import type { ResolvedBuilder, ResolvedChain, RunConfig } from './config/runConfig.ts';
import { SearcherEngine } from './engine.ts';
import type { CandidateReport } from './monitor/candidateReport.ts';
import type { Logger } from './log.ts';
import { startDashboardServer, type DashboardServer } from './monitor/dashboard/server.ts';
import { defaultLatencyBoundsUs, storeDashboardSource } from './monitor/dashboard/storeSource.ts';
import { Ledger, type LandedBundle } from './monitor/ledger.ts';
import { Metrics } from './monitor/metrics.ts';
import type { BlockSummary } from './monitor/queries.ts';
import { Store } from './monitor/store.ts';
import { createKillSwitchHandler } from './risk/killSwitch.ts';
import { registerRiskMetrics } from './risk/metrics.ts';
import { openRiskGate, type RiskGateShell } from './risk/persistence.ts';

export type SearcherAppParameters = {
  config: RunConfig;
  chain: ResolvedChain;
  builders: ResolvedBuilder[];
  /** The store: a SQLite file or a postgres:// URL. */
  dbFile: string;
  /** The instance the store's rows are tagged with (default: the host name). */
  instance?: string;
  /** Decide and log, never send (forced off the devnet unless the config says submit). */
  dryRun: boolean;
  /** The executor's operator; without it only a dry run with eth_simulateV1 is possible. */
  signer?: LocalAccount;
  /**
   * More executor operators, each its own nonce chain ("lanes"): a bundle that depends on none of our earlier ones
   * of the block goes out from a free one, so one that misses (outbid, a blind backrun whose victim was too small,
   * a state moved by a private transaction) cannot drop the others through our nonces. Blind MEV-Share backruns
   * use only these when there are some. Without them everything goes out on the main operator's chain.
   */
  laneSigners?: readonly LocalAccount[];
  /** Pays the extra operators' gas money (config `treasury`); default the main operator (top-ups at start only). */
  treasurySigner?: LocalAccount;
  /** The Flashbots reputation key. */
  authAccount: LocalAccount;
  dashboard: { host: string; port: number } | false;
  /** The process's logger, without a component: the app names its parts (engine, risk, builders, submitter, dashboard). */
  logger: Logger;
  onCandidate?: (report: CandidateReport) => void;
  /** Called once per block, when its inclusions are accounted. */
  onBlock?: (summary: BlockSummary) => void;
  /** Each bundle that landed, with its realised account. */
  onLanded?: (bundle: LandedBundle) => void;
};

const balanceOfAbi = parseAbi(['function balanceOf(address) view returns (uint256)']);
const isOperatorAbi = parseAbi(['function isOperator(address) view returns (bool)']);

export class SearcherAppError extends SearcherError {
  constructor(message: string) {
    super('SEARCHER_CONFIG', message);
  }
}

/**
 * The whole bot, wired: engine (watch, search, simulate) -> risk gate -> signer -> builders, with the store,
 * metrics, inclusion tracking and the dashboard around it. `searcher run` and `searcher demo` start this.
 */
export class SearcherApp {
  readonly store: Store;
  readonly metrics = new Metrics();
  readonly risk: RiskGateShell;
  readonly engine: SearcherEngine;
  readonly ledger: Ledger;
  readonly fanout: BuilderFanout | undefined;
  /** The private order-flow relays bundles on their victims go to (each its own fan-out of one). */
  readonly relayFanouts: BuilderFanout[] = [];
  readonly submitter: Submitter | undefined;
  /** One submitter per extra operator (its own nonces), sharing the builders, the relays and the ledger. */
  readonly operatorLanes: Array<{ account: LocalAccount; submitter: Submitter }> = [];
  readonly mode: 'send' | 'dry-run';
  /** Keeps the extra operators' gas money topped up (config `treasury`). */
  readonly treasury: Treasury | undefined;
  private treasuryTick: Promise<void> = Promise.resolve();
  private dashboard: DashboardServer | undefined;
  private quiesced = false;
  private closed = false;
  private readonly client: PublicClient;

  private constructor(private readonly parameters: SearcherAppParameters) {
    const { config, chain, logger: base, signer } = parameters;
    // One `component` per line: pino appends a child's bindings, so a part's logger is a child of the base, not of the engine's.
    const logger = base.child({ component: 'engine' });
    this.client = createPublicClient({ transport: http(chain.rpcUrl, { batch: true }) }) as PublicClient;
    this.store = Store.open(parameters.dbFile, parameters.instance ? { instance: parameters.instance } : {});
    this.risk = openRiskGate({ store: this.store, config: config.risk, logger: base.child({ component: 'risk' }) });
    registerRiskMetrics(this.risk.gate, this.metrics.registry);
    // From the store, not 0: a restart must not read as a loss to whoever watches the gauge (the alert rules do).
    this.metrics.setCumulativePnl(this.store.totals().netWei);
    this.mode = parameters.dryRun ? 'dry-run' : submissionMode(chain.chainId, config.submit);
    this.ledger = new Ledger({ store: this.store, metrics: this.metrics, risk: this.risk.gate, client: this.client as never, executor: chain.executor, startToken: chain.weth, logger, ...(parameters.onLanded ? { onLanded: parameters.onLanded } : {}), bidPolicy: config.strategy.bidding.policy, onBidOutcome: (outcome) => this.engine?.learnBid(outcome), poolOf: (address) => this.engine?.pool(address) });

    let dispatcher: Dispatcher | undefined;
    if (signer) {
      // Two signatures stand between a victim and our bundle on the wire; without the addon each is ~7x slower.
      if (signingBackend !== 'libsecp256k1') logger.warn({ signing: signingBackend }, 'searcher: the native secp256k1 addon did not load, signing in JavaScript (slower sends)');
      this.fanout = new BuilderFanout({
        logger: base.child({ component: 'builders' }),
        builders: parameters.builders.map((builder) => ({
          timeoutMs: builder.timeoutMs,
          ...(builder.maxRequestsPerSecond !== undefined ? { maxRequestsPerSecond: builder.maxRequestsPerSecond } : {}),
          client:
            builder.kind === 'flashbots-library'
              ? new FlashbotsLibraryClient({ name: builder.name, url: builder.url, authSigner: parameters.authAccount, timeoutMs: builder.timeoutMs, chainId: chain.chainId, ...(builder.fields ? { fields: builder.fields } : {}) })
              : // A dry run sends nothing to builders, not even the warm-up requests.
                new JsonRpcBuilderClient({ name: builder.name, url: builder.url, authSigner: parameters.authAccount, warmConnections: this.mode === 'send' ? (builder.warmConnections ?? 0) : 0, ...(builder.fields ? { fields: builder.fields } : {}) }),
        })),
      });
      const fanout = this.fanout;
      const relays = this.relaySenders(base);
      const builders: BundleSender = { send: (bundle, allowed, onFirstWrite) => fanout.send(bundle, { allowed, ...(onFirstWrite ? { onFirstWrite } : {}) }), cancel: (uuid) => fanout.cancel(uuid) };
      this.submitter = new Submitter({
        relays,
        sender: builders,
        // The engine reads the count once per head for its simulations; the submitter's resync reuses it.
        nonces: new NonceManager({
          fetchNonce: async () => this.engine.knownOperatorNonce() ?? this.client.getTransactionCount({ address: signer.address, blockTag: 'latest' }),
        }),
        countAt: (block) => this.client.getTransactionCount({ address: signer.address, blockNumber: block }),
        mode: this.mode,
        extraBlocks: config.extraBlocks,
        sink: this.ledger,
        logger: base.child({ component: 'submitter' }),
        explain: bundleStatsExplainer(parameters.builders.filter((builder) => builder.stats), parameters.authAccount),
      });
      const submitter = this.submitter;
      // The fork backend simulates our signed transactions in the main operator's nonce order: one lane there.
      if (config.simulation.backend === 'fork' && (parameters.laneSigners?.length ?? 0) > 0) logger.warn('searcher: the fork backend simulates one nonce chain; the extra operators are not used');
      for (const account of config.simulation.backend === 'fork' ? [] : (parameters.laneSigners ?? [])) {
        this.operatorLanes.push({
          account,
          submitter: new Submitter({
            sender: builders,
            relays,
            nonces: new NonceManager({ fetchNonce: () => this.client.getTransactionCount({ address: account.address, blockTag: 'latest' }) }),
            countAt: (block) => this.client.getTransactionCount({ address: account.address, blockNumber: block }),
            mode: this.mode,
            extraBlocks: config.extraBlocks,
            sink: this.ledger,
            logger: base.child({ component: 'submitter', operator: account.address }),
            // Its misses as the builders reported them too (the bidding policy learns from them).
            explain: bundleStatsExplainer(parameters.builders.filter((builder) => builder.stats), parameters.authAccount),
          }),
        });
      }
      dispatcher = new Dispatcher({
        submitter,
        risk: this.risk.gate,
        account: signer,
        lanes: this.operatorLanes,
        chainId: chain.chainId,
        executor: chain.executor,
        planContext: planContext(chain.weth, configuredV4PoolManager(config.factories)),
        policy: { priorityFeeWei: config.strategy.priorityFeeWei, builderShareBps: BigInt(config.strategy.builderShareBps), minNetProfitWei: config.strategy.minNetProfitWei },
        nextBaseFee: () => this.engine.nextBaseFee,
        fetchRaw: nodeRawTransactionSource(this.client as never),
        logger,
        dryRun: this.mode !== 'send',
      });
      this.risk.gate.onHalt((notice) => {
        const all = [submitter, ...this.operatorLanes.map((blind) => blind.submitter)];
        void Promise.all(all.map((each) => each.cancelAll(`halted: ${notice.reason}`))).then((counts) => logger.warn({ cancelled: counts.reduce((sum, count) => sum + count, 0), reason: notice.reason }, 'searcher: halted, outstanding bundles cancelled'));
      });
    }

    const funder = parameters.treasurySigner ?? signer;
    this.treasury =
      config.treasury && funder && this.operatorLanes.length > 0 && this.mode === 'send'
        ? new Treasury({
            client: this.client,
            chainId: chain.chainId,
            funder,
            policy: config.treasury,
            operators: this.operatorLanes.map((lane) => ({ account: lane.account, stop: (reason: string) => lane.submitter.stopSending(reason) })),
            load: () => this.store.riskValue('treasury'),
            save: (json) => this.store.setRiskValue('treasury', json),
            logger: base.child({ component: 'treasury' }),
          })
        : undefined;

    this.engine = new SearcherEngine({
      config,
      chain,
      verdictStore: this.store,
      poolCheckpoints: this.store,
      logger,
      ...(signer ? { signer } : {}),
      ...(dispatcher ? { dispatcher } : {}),
      ...(this.submitter ? { submitter: this.submitter } : {}),
      operatorLanes: this.operatorLanes,
      risk: this.risk.gate,
      onSeen: (target, source) => this.ledger.countSeen(target, source),
      onSocket: (up) => this.metrics.setSocketConnected(up),
      onHead: (block) => {
        this.ledger.onHead(block);
        this.metrics.setHead(Number(block.number), Number(block.timestamp));
      },
      afterHead: (number) => this.afterHead(number),
      onCandidate: (report) => {
        this.ledger.onCandidate(report);
        parameters.onCandidate?.(report);
      },
      onStateHidden: (uuids, target, reason) => {
        for (const uuid of uuids) this.ledger.markUncompared(uuid, target, reason);
      },
    });
    this.metrics.countMalformed(this.engine.nodeInputs);
    this.metrics.countMalformed(this.engine.mevBlockerInputs);
    this.metrics.countMalformed(this.engine.mevShareInputs);
  }

  /**
   * MEV Blocker takes `eth_sendBundle` with the target's hash first (the builders' dialect), MEV-Share takes
   * `mev_sendBundle`; both are signed with our Flashbots identity, with the builders' timeout and retry rules.
   */
  private relaySenders(base: Logger): Partial<Record<PrivateRoute, BundleSender>> {
    const { chain, authAccount } = this.parameters;
    const timeoutMs = Math.max(...this.parameters.builders.map((builder) => builder.timeoutMs), 2_000);
    const relays: Partial<Record<PrivateRoute, BundleSender>> = {};
    const add = (route: PrivateRoute, client: BuilderClient) => {
      const fanout = new BuilderFanout({ logger: base.child({ component: 'relays' }), builders: [{ client, timeoutMs }] });
      this.relayFanouts.push(fanout);
      relays[route] = { send: (bundle, allowed, onFirstWrite) => fanout.send(bundle, { allowed, ...(onFirstWrite ? { onFirstWrite } : {}) }), cancel: (uuid) => fanout.cancel(uuid) };
    };
    if (chain.mevBlocker) add('mevBlocker', new JsonRpcBuilderClient({ name: 'mevBlocker', url: chain.mevBlocker.rpcUrl, authSigner: authAccount }));
    if (chain.mevShare) add('mevShare', new MevShareClient({ name: 'mevShare', url: chain.mevShare.apiUrl, authSigner: authAccount }));
    return relays;
  }

  /** The bidding policy learns again from the outcomes of this instance's recent bids (in memory only, so cheap). */
  private relearnBids(): void {
    if (this.parameters.config.strategy.bidding.policy !== 'adaptive') return;
    try {
      const bids = this.store.resolvedBids();
      for (const bid of bids) {
        this.engine.learnBid({
          pools: bid.pools,
          shareBps: bid.shareBps,
          grossWei: bid.grossWei,
          gasCostWei: bid.gasWei,
          outcome: bid.outcome === 'pending' ? 'missed' : bid.outcome,
          ...(bid.outcomeBuilder ? { builder: bid.outcomeBuilder } : {}),
          ...(bid.missKind && bid.missKind !== 'outbid' ? { missKind: bid.missKind } : {}),
          ...(bid.winningBidWei !== null ? { winnerBidWei: bid.winningBidWei } : {}),
          route: bid.route,
          nowMs: bid.at,
        });
      }
      if (bids.length > 0) this.parameters.logger.info({ bids: bids.length }, 'searcher: the bidding policy learned again from the stored bids');
    } catch (error) {
      this.parameters.logger.warn({ err: (error as Error).message }, 'searcher: could not read the stored bids; the bidding policy starts afresh');
    }
  }

  static async start(parameters: SearcherAppParameters): Promise<SearcherApp> {
    const app = new SearcherApp(parameters);
    try {
      await app.refreshEquity();
      await app.checkLanes();
      // Before trading, the main operator's nonces are nobody else's yet: a top-up from it cannot drop a bundle.
      await app.treasury?.topUpAll({ send: true });
      if (parameters.dashboard) {
        const killSwitch = createKillSwitchHandler({ gate: app.risk, tokenEnv: parameters.config.risk.killSwitch.tokenEnv });
        app.dashboard = await startDashboardServer({
          ...parameters.dashboard,
          source: storeDashboardSource({
            store: app.store,
            risk: app.risk.gate,
            latency: () => ({
              stage: 'first seen -> bundle sent',
              bucketsUs: [...defaultLatencyBoundsUs],
              counts: app.engine.latency.seenToSent.bucketCounts(defaultLatencyBoundsUs),
            }),
          }),
          metricsText: () => app.metrics.text(),
          control: killSwitch,
          logger: parameters.logger.child({ component: 'dashboard' }),
        });
        const dashboard = app.dashboard;
        app.risk.gate.onStateChange(() => dashboard.notify());
      }
      await app.engine.start();
      app.relearnBids();
      return app;
    } catch (error) {
      await app.stop();
      throw error;
    }
  }

  get dashboardUrl(): string | undefined {
    return this.dashboard?.url;
  }

  /**
   * Every extra operator must be one of the executor's (a transaction from any other reverts NotOperator, which a
   * blind bundle's relay would report like a victim too small to backrun): refused at start, not found by misses.
   */
  private async checkLanes(): Promise<void> {
    const { chain } = this.parameters;
    const seen = new Set<string>([this.parameters.signer?.address.toLowerCase() ?? '']);
    for (const { account } of this.operatorLanes) {
      if (seen.has(account.address.toLowerCase())) throw new SearcherAppError(`extra operator ${account.address} is given twice (or is the main operator): each needs its own nonce chain`);
      seen.add(account.address.toLowerCase());
      const allowed = await this.client.readContract({ address: chain.executor, abi: isOperatorAbi, functionName: 'isOperator', args: [account.address] });
      if (!allowed) throw new SearcherAppError(`extra operator ${account.address} is not an operator of the executor ${chain.executor}: the owner calls setOperator(${account.address}, true), or leave it out`);
    }
  }

  /** The loss caps are a share of equity: the executor's start-token holdings. */
  private async refreshEquity(): Promise<void> {
    const { chain } = this.parameters;
    const equity = await this.client.readContract({ address: chain.weth, abi: balanceOfAbi, functionName: 'balanceOf', args: [chain.executor] });
    this.risk.gate.setEquity(equity);
  }

  private async afterHead(number: bigint): Promise<void> {
    await this.ledger.settled();
    // Off the head's path, one round at a time: while trading only a separate funder sends (the main one's nonces are its bundles').
    if (this.treasury) this.treasuryTick = this.treasuryTick.then(() => this.treasury!.topUpAll({ send: this.parameters.treasurySigner !== undefined })).catch(() => {});
    await this.refreshEquity().catch(() => {});
    const summary = this.store.blockSummaries({ last: 4 }).find((block) => BigInt(block.number) === number);
    if (summary) this.parameters.onBlock?.(summary);
    this.dashboard?.notify();
  }

  /** Stops trading: the engine, outstanding bundles (cancelled), receipts being accounted. The store stays open. */
  async quiesce(): Promise<void> {
    if (this.quiesced) return;
    this.quiesced = true;
    // Nothing more goes out from here, not even what the engine decides while it finishes the work in hand.
    const submitters = [...(this.submitter ? [this.submitter] : []), ...this.operatorLanes.map((blind) => blind.submitter)];
    for (const submitter of submitters) submitter.stopSending('searcher stopping');
    await this.engine.stop().catch(() => {});
    // No heads come in from here: their silence is ours, and must not read as the node's (a connectivity trip).
    this.risk.gate.onStoppedListening();
    await Promise.all(submitters.map((submitter) => submitter.cancelAll('searcher stopped').catch(() => {})));
    await this.ledger.settled();
    await this.treasuryTick;
  }

  async stop(): Promise<void> {
    await this.quiesce();
    if (this.closed) return;
    this.closed = true;
    await this.dashboard?.close();
    this.fanout?.close();
    for (const fanout of this.relayFanouts) fanout.close();
    this.risk.close();
    this.store.close();
  }
}
