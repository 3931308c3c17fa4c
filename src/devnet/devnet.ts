import type { Hash } from 'viem';
import { rootLogger, type Logger } from '../log.ts';
import { accountIndex, devAccount, devnetExtraOperators } from './accounts.ts';
import { startAnvil, type Anvil } from '../chain/anvil.ts';
import { createDevnetClient, type DevnetClient } from './client.ts';
import { devnetChainId } from '../chain/chainIds.ts';
import { buildManifest, type DevnetManifest } from './manifest.ts';
import type { Scenario } from './scenario/schema.ts';
import { createPools } from './seed/pools.ts';
import { fundTraders } from './seed/traders.ts';
import { approvePermit2ForRouter } from './seed/permit2.ts';
import { deployTokens } from './tokens.ts';
import { planExplicitSwaps } from './traffic/plan.ts';
import { TrafficGenerator, type SentSwap } from './traffic/sender.ts';
import { placeUniswapContracts, verifyUniswapContracts } from './uniswap.ts';
import { verifyV4Contracts } from './v4/contracts.ts';
import { createV4Pools, type DevnetV4Pool } from './v4/pools.ts';
import { addDevnetOperators, deployDevnetExecutor } from './executor.ts';
import { isSimulateOnly } from '../amm/v4/poolKey.ts';
import { parseUnitsExact } from '../units/decimal.ts';
import type { ContributionRefundOptions } from './builder/contributionRefunds.ts';
import { LocalBuilder } from './builder/builder.ts';
import { MevBlockerRelay } from './relays/mevBlocker.ts';
import { PrivateRouter } from './traffic/privateRoute.ts';
import { PendingFilter } from './relays/pendingFilter.ts';
import { MevShareRelay } from './relays/mevShareRelay.ts';
import { mevShareSink } from './relays/mevShareSink.ts';
import { openScaleChain, type ScaleManifestInfo } from './scale/chain.ts';
import { defaultScaleCacheDir } from './scale/cache.ts';
import { defaultScaleSeed } from './scale/generate.ts';
import { scaleTraffic } from './scale/scenario.ts';
import type { BackgroundOrder } from './traffic/background.ts';
import type { DevnetPool } from './seed/pools.ts';
import type { DevnetToken } from './tokens.ts';
import { deployRivalExecutors, startRival, type RunningRival } from './rivals/rival.ts';

export type StartDevnetParameters = {
  scenario: Scenario;
  /** 0 for a free port. */
  port: number;
  /** Seconds between blocks; 0 = mining off (blocks only on evm_mine). */
  blockTime: number;
  chainId?: number;
  /** Send the scenario's traffic (default true). */
  traffic?: boolean;
  logger: Logger;
  onSwapSent?: (swap: SentSwap) => void;
  /** Each non-swap transaction the traffic sends (scale market only). */
  onBackgroundSent?: (order: BackgroundOrder, hash: Hash) => void;
  /** Extra anvil flags (tests raise the gas limit, for instance). */
  anvilArgs?: readonly string[];
  /** The local builder's HTTP port (default 0: a free one; the manifest says which). */
  builderPort?: number;
  /** BuilderNet-style refunds by the local builder (default off; see builder/contributionRefunds.ts). */
  builderContributionRefunds?: ContributionRefundOptions;
  /**
   * A generated mainnet-shaped market (`--scenario scale[:N]`) instead of the scenario's tokens and pools; the
   * scenario then gives traders, executor and traffic (see scale/scenario.ts). Built once, then loaded from the cache.
   */
  scale?: { pools: number; seed?: number; cacheDir?: string };
};

export type Devnet = {
  manifest: DevnetManifest;
  client: DevnetClient;
  anvil: Anvil;
  traffic: TrafficGenerator | undefined;
  /** The Flashbots-dialect builder that produces the devnet's blocks (every blockTime seconds, or on buildBlock()). */
  builder: LocalBuilder;
  /** The MEV Blocker-style relay (private transactions to the builder, unsigned stream and bids for searchers). */
  mevBlocker: MevBlockerRelay;
  /** The MEV-Share-style relay (SSE hints, mev_sendBundle, mev_simBundle); it hands private transactions to the builder. */
  mevShare: MevShareRelay;
  /** The scenario's rival searchers, running (each its own SearcherApp; see rivals/rival.ts). */
  rivals: RunningRival[];
  /** Milliseconds from start to ready. */
  readyMs: number;
  stop(): Promise<void>;
};


/**
 * Starts anvil, places the real Uniswap contracts at their mainnet addresses, builds the scenario's tokens,
 * pools and funded traders, then turns on block production and the scenario's traffic. With `scale`, anvil
 * instead loads the generated market's cached chain (building and caching it first if needed).
 */
export async function startDevnet(parameters: StartDevnetParameters): Promise<Devnet> {
  const started = performance.now();
  const { scenario, logger } = parameters;
  const chainId = parameters.chainId ?? devnetChainId;
  const traderCount = scenario.traders.count;
  let anvil: Anvil;
  let world: { tokens: DevnetToken[]; pools: DevnetPool[]; executor: DevnetManifest['executor']; scale?: ScaleManifestInfo; v4?: { pools: DevnetV4Pool[]; liquidityRouter: `0x${string}` } };
  if (parameters.scale) {
    const opened = await openScaleChain({
      pools: parameters.scale.pools,
      seed: parameters.scale.seed ?? defaultScaleSeed,
      scenario,
      port: parameters.port,
      chainId,
      cacheDir: parameters.scale.cacheDir ?? defaultScaleCacheDir(),
      anvilArgs: parameters.anvilArgs ?? [],
      logger,
    });
    anvil = opened.anvil;
    world = { tokens: opened.tokens, pools: opened.pools, executor: opened.executor, scale: opened.info };
  } else {
    anvil = await startAnvil({
      port: parameters.port,
      chainId,
      accounts: accountIndex.firstTrader + traderCount,
      // First in, first out: the local builder decides each block's order and feeds it to the pool in that order.
      extraArgs: ['--order', 'fifo', ...(parameters.anvilArgs ?? [])],
    });
  }
  let builder: LocalBuilder | undefined;
  let mevBlocker: MevBlockerRelay | undefined;
  let pendingFilter: PendingFilter | undefined;
  let mevShare: MevShareRelay | undefined;
  const rivals: RunningRival[] = [];
  try {
    const client = createDevnetClient(anvil.rpcUrl, chainId);
    const deployer = devAccount(accountIndex.deployer).address;
    const searcher = devAccount(accountIndex.searcher).address;
    const traders = Array.from({ length: traderCount }, (_, i) => devAccount(accountIndex.firstTrader + i));

    if (!parameters.scale) {
      await placeUniswapContracts(client, deployer);
      await verifyUniswapContracts(client, deployer);
      await verifyV4Contracts(client, deployer);
      const tokens = await deployTokens(client, deployer, scenario.tokens);
      const pools = await createPools(client, deployer, scenario.pools, tokens);
      const v4 = scenario.v4Pools?.length ? await createV4Pools(client, deployer, scenario.v4Pools, tokens) : undefined;
      await fundTraders(client, deployer, traders.map((trader) => trader.address), scenario.traders, tokens);
      // V4 swaps paid in tokens go through Permit2 (only scenarios with V4 pools: the others' setup is unchanged).
      if (v4) await approvePermit2ForRouter(client, traders.map((trader) => trader.address), tokens.filter((token) => token.kind !== 'honeypot' && token.kind !== 'salmonella'));
      // The executor may trade the hook pools the bot quotes exactly (a dynamic fee); a hook that may change a swap's amounts stays refused.
      const allowedHooks = (v4?.pools ?? []).map((pool) => pool.key).filter((key) => BigInt(key.hooks) !== 0n && !isSimulateOnly(key)).map((key) => key.hooks);
      const executor = await deployDevnetExecutor(client, deployer, searcher, parseUnitsExact(scenario.executor.inventoryWeth, 18), allowedHooks);
      world = { tokens, pools, executor, ...(v4 ? { v4 } : {}) };
    }
    const { tokens, pools, executor } = world!;
    const operators = Array.from({ length: devnetExtraOperators }, (_, i) => ({ address: devAccount(accountIndex.firstExtraOperator + i).address, index: accountIndex.firstExtraOperator + i }));
    await addDevnetOperators(client, deployer, executor.address, operators.map((operator) => operator.address));
    const rivalInfos = await deployRivalExecutors(client, deployer, scenario.rivals, BigInt(executor.inventoryWei));
    const explicit = planExplicitSwaps(scenario, pools, tokens);

    // Setup mined hundreds of near-empty blocks, which drove the EIP-1559 base fee to a few wei; traffic starts
    // from a mainnet-like 1 gwei and the base fee follows the EIP-1559 rule from there.
    await client.setNextBlockBaseFeePerGas({ baseFeePerGas: 1_000_000_000n });
    await client.setAutomine(false);
    builder = await LocalBuilder.start({ client, chainId, logger, port: parameters.builderPort ?? 0, ...(parameters.builderContributionRefunds ? { contributionRefunds: parameters.builderContributionRefunds } : {}) });
    mevBlocker = await MevBlockerRelay.start({ client, chainId, builderUrl: builder.url, logger, port: 0 });
    builder.requireCoinbaseTransfer(mevBlocker.signer);
    // With private flow, the public websocket is anvil's behind a filter that withholds the announcements of
    // private transactions (anvil announces them when the builder seals them). Without it: anvil's own, as before.
    const privateShare = (scenario.privateFlow?.mevBlockerShare ?? 0) + (scenario.privateFlow?.mevShareShare ?? 0);
    if (privateShare > 0) {
      const sealing = builder;
      pendingFilter = await PendingFilter.start({ upstreamUrl: anvil.wsUrl, hidden: (hash) => sealing.isPrivate(hash), logger });
    }
    mevShare = await MevShareRelay.start({ client, chainId, builderUrl: builder.url, builderCoinbase: builder.coinbase, logger });
    const startBlock = await client.getBlockNumber({ cacheTime: 0 });

    const manifest = buildManifest({
      chainId,
      rpcUrl: anvil.rpcUrl,
      wsUrl: pendingFilter?.url ?? anvil.wsUrl,
      scenario: scenario.name,
      startBlock: Number(startBlock),
      blockTime: parameters.blockTime,
      builderUrl: builder.url,
      builderCoinbase: builder.coinbase,
      mevBlocker: { rpcUrl: mevBlocker.url, wsUrl: mevBlocker.wsUrl },
      mevShare: { streamUrl: mevShare.streamUrl, apiUrl: mevShare.apiUrl },
      tokens: tokens.map(({ symbol, name, address, decimals, kind }) => ({ symbol, name, address, decimals, kind })),
      pools: pools.map((pool) => ({ ...pool })),
      ...(world!.v4 ? { v4: world!.v4 } : {}),
      executor,
      ...(world!.scale ? { scale: world!.scale } : {}),
      ...(rivalInfos.length > 0 ? { rivals: rivalInfos } : {}),
      accounts: {
        mnemonic: 'anvil default test mnemonic',
        deployer: { address: deployer, index: accountIndex.deployer },
        searcher: { address: searcher, index: accountIndex.searcher },
        traders: traders.map((trader, i) => ({ address: trader.address, index: accountIndex.firstTrader + i })),
        operators,
      },
    });

    // The rivals listen before the first swap is sent, as the bot does.
    for (const [position, rival] of scenario.rivals.entries()) {
      rivals.push(await startRival({ rival, position, info: rivalInfos[position]!, manifest, logger: rootLogger() }));
    }

    let traffic: TrafficGenerator | undefined;
    if (parameters.traffic !== false) {
      traffic = new TrafficGenerator({
        client,
        chainId,
        scenario,
        pools,
        tokens,
        traders,
        explicit,
        startBlock,
        logger,
        onSent: parameters.onSwapSent,
        // The MEV-Share relay's sink joins here when it exists; until then a mevShareShare > 0 fails the start.
        privateRouter: new PrivateRouter(scenario.traffic.random?.seed ?? 0, scenario.privateFlow, { mevBlocker, mevShare: mevShareSink(mevShare, scenario.privateFlow?.hints) }),
        ...(parameters.scale
          ? { mix: { txsPerBlock: scaleTraffic.txsPerBlock, held: tokens.filter((token) => token.symbol in scenario.traders.tokens) } }
          : {}),
        onBackgroundSent: parameters.onBackgroundSent,
        ...(world!.v4 ? { v4Pools: world!.v4.pools } : {}),
      });
      traffic.start();
    }
    builder.startProducing(parameters.blockTime);
    const running = builder;
    const relay = mevBlocker;
    const shareRelay = mevShare;
    const filter = pendingFilter;
    const stop = async () => {
      await traffic?.stop();
      for (const rival of rivals) await rival.stop();
      await filter?.stop();
      await relay.stop();
      await shareRelay.stop();
      await running.stop();
      await anvil.stop();
    };
    return { manifest, client, anvil, traffic, builder: running, mevBlocker: relay, mevShare: shareRelay, rivals, readyMs: Math.round(performance.now() - started), stop };
  } catch (error) {
    for (const rival of rivals) await rival.stop();
    await pendingFilter?.stop();
    await mevBlocker?.stop();
    await mevShare?.stop();
    await builder?.stop();
    await anvil.stop();
    throw error;
  }
}
