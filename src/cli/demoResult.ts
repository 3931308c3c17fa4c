import type { Devnet } from '../devnet/devnet.ts';
import type { BlockSummary } from '../monitor/queries.ts';
import type { LandedBundle } from '../monitor/ledger.ts';
import type { SearcherApp } from '../searcher.ts';
import type { MissKindCounts } from '../monitor/missQueries.ts';
import { measureCaptureBySource, type Capture, type ProtocolCapture, type ProtocolCaptures, type SimulateOnlyTruth, type SourceCaptures } from '../devnet/truth.ts';
import { readSwapRoutes } from '../devnet/truth/routes.ts';
import { mainnet } from '../chain/addresses.ts';
import { exposureCaps } from '../risk/config.ts';
import { formatUnitsExact } from '../units/decimal.ts';
import { measureContests, type Contested, type RivalTally } from '../devnet/rivals/contest.ts';

export type DemoResult = {
  blocks: Array<{ number: number; seen: number; candidates: number; sent: number; included: number; grossProfitWei: string; gasCostWei: string; bribeWei: string; netProfitWei: string }>;
  totals: { seen: number; candidates: number; sent: number; included: number; netProfitWei: string; realizedEqualsSimulated: boolean | null; lossWei: string };
  breakers: { tripped: string[] };
  /** First seen -> bundle handed to the builders, and each stage's share of it; `count` is how many samples each has. */
  latencyUs: { p50: number; p99: number; count: number; stages: Record<'decode' | 'search' | 'simulate' | 'send', { p50: number; p99: number; count: number }> };
  capture: Capture;
  /**
   * The capture per order-flow source: the devnet's victims grouped by the route each user's swap took (the
   * relays' own record), each against the same independent truth, with the refunds the builder paid those users
   * for our backruns (its block reports). The three add up to `capture`.
   */
  sources: SourceCaptures;
  /**
   * The capture per protocol, against the same independent truth: a victim counts for `v4` when its swap moved any
   * Uniswap V4 pool, else `v3` when it moved a V3 pool, else `v2` (V2 and SushiSwap pairs). The three add up to
   * `capture` (victims, captured, best and captured gross).
   */
  captureByProtocol: ProtocolCaptures;
  /**
   * The V4 pools whose hooks run around a swap (simulate-only): out of `capture` and `captureByProtocol` because
   * this executor may not trade them; what cycles through them would add over the headline truth, reported here.
   */
  simulateOnly: SimulateOnlyTruth;
  /** Per builder: bundles sent, accepted, included, and failures by kind, from the store. */
  builders: Array<{ name: string; sent: number; accepted: number; refused: number; timeout: number; error: number; included: number }>;
  /** How the market was loaded: pools found, pools kept after the liquidity floor, time to a searchable market, checkpoint used. */
  bootstrap: { discovered: number; tracked: number; ms: number; warm: boolean; read: number; getLogsRequests: number; getLogsCapped: number };
  /**
   * Bundles that missed, by why as the builders reported them (flashbots_getBundleStatsV2, a refusal's words, our
   * own cancels); the bot's inference when no builder said anything counts as "other".
   */
  misses: MissKindCounts;
  /**
   * Backruns we contested with the devnet's rivals (a victim the builder had bundles for from us and at least one
   * rival, for the same block): won = ours landed; avgBidShareBps = our mean builder share on the won ones, from their
   * receipts (null when none). From the builder's block reports and the chain.
   */
  contested: Contested;
  /** Each rival: bundles it landed, and its net from the chain (its executor's and operator's balance changes). */
  rivals: RivalTally[];
  /**
   * The nonce misses split by whose nonce failed: `ours` where the builder named our transaction or no transaction
   * (a gap in our own chain: a bundle lost to our own nonces), `others` where it named another sender's (a victim
   * whose earlier transaction was not in the builder's simulation). `operators`: how many nonce chains we sent from.
   */
  nonceMisses: { ours: number; others: number; operators: number };
  /**
   * Bundles on the pools of an earlier one of ours for the block that also ran alone (lanes.detachDependents): sent
   * from their own operator (capped: their builder share lowered so they rank below the earlier ones, with
   * lanes.capDependentShare), or chained after them because they would pay the builder more per gas than one of them
   * (unranked: at their own share, or at any share when capping) or a builder did not take an earlier one's floor
   * version (unrelaxed).
   */
  detaching: { detached: number; capped: number; chainedUnranked: number; chainedUnrelaxed: number };
  /** This process's peak resident memory: the bot's (the devnet, its builder and traffic run in a process of their own). */
  memory: { maxRssBytes: number };
};

/**
 * Every landed bundle realised exactly its simulated net, to the wei. Null when nothing landed: an empty run has
 * nothing to compare, and "true" would read as a proof it is not.
 */
export function realizedEqualsSimulated(landed: readonly LandedBundle[]): boolean | null {
  // Blind backruns (sized by the chain) and backruns behind one of ours on their pools meet states nobody could
  // simulate: they are held to the executor's profit floor, which lossWei shows. Every other one must agree.
  const compared = landed.filter((bundle) => bundle.uncompared === undefined);
  if (compared.length === 0) return null;
  return compared.every((bundle) => bundle.simulatedNetWei === bundle.execution.net);
}

/** The human end line's per-source part: captured of the victims, the capture ratio, and (private routes) the refunds. */
export function formatSourcesLine(sources: SourceCaptures): string {
  const part = (name: string, source: SourceCaptures['public'], refunds: boolean) =>
    `${name} ${source.captured}/${source.victims} victims, capture ${source.ratio ?? '-'}${refunds ? `, refunds ${formatUnitsExact(BigInt(source.refundsWei), 18)} ETH` : ''}`;
  return `by source: ${part('public', sources.public, false)}; ${part('MEV Blocker', sources.mevBlocker, true)}; ${part('MEV-Share', sources.mevShare, true)}`;
}

/**
 * The human end line's V4 part (only when the scenario has V4 pools): the V4 victims' capture, and what the
 * simulate-only hook pools held apart from it.
 */
export function formatV4Line(v4: ProtocolCapture, simulateOnly: SimulateOnlyTruth): string {
  return (
    `V4 ${v4.captured}/${v4.victims} victims, capture ${v4.ratio ?? '-'} (truth ${formatUnitsExact(BigInt(v4.bestGrossWei), 18)} ETH); ` +
    `simulate-only hook pools (${simulateOnly.pools.length}, not in the ratio): ${formatUnitsExact(BigInt(simulateOnly.extraGrossWei), 18)} ETH more on ${simulateOnly.swaps} swaps`
  );
}

/** The demo's last line: per block and in total, from the store; realised against simulated; the truth. */
export async function demoResult(input: { app: SearcherApp; devnet: Pick<Devnet, 'manifest' | 'client'>; summaries: BlockSummary[]; landed: readonly LandedBundle[]; startBlock: bigint; startedAtMs: number; truthSwaps?: number }): Promise<DemoResult> {
  const { app, summaries, landed } = input;
  const loss = landed.reduce((sum, bundle) => (bundle.execution.net < 0n ? sum - bundle.execution.net : sum), 0n);
  // This run's trips only: the store may hold earlier runs.
  const tripped = [...new Set(app.store.breakerEvents(10_000).filter((event) => event.at >= input.startedAtMs && (event.kind === 'trip' || event.kind === 'halt')).map((event) => event.breaker))];
  const latency = app.engine.latency.seenToSent;
  // The best is held to the input the bot may take from inventory (the demo runs with flash swaps off).
  const maxAmountInWei = exposureCaps(app.risk.gate.config, mainnet.weth).maxInventoryAmountIn;
  const routes = await readSwapRoutes(input.devnet.manifest);
  const { capture, sources, byProtocol, simulateOnly } = await measureCaptureBySource({
    devnet: input.devnet,
    landed,
    routes,
    fromBlock: input.startBlock + 1n,
    toBlock: BigInt(summaries.at(-1)?.number ?? input.startBlock),
    maxAmountInWei,
    ...(input.truthSwaps !== undefined ? { maxSwaps: input.truthSwaps } : {}),
  });
  const { manifest } = input.devnet;
  const contests = await measureContests({
    client: input.devnet.client,
    builderUrl: manifest.builderUrl,
    ourOperators: [manifest.accounts.searcher.address, ...manifest.accounts.operators.map((operator) => operator.address)],
    ourExecutor: manifest.executor.address,
    rivals: manifest.rivals ?? [],
    fromBlock: input.startBlock + 1n,
    toBlock: BigInt(summaries.at(-1)?.number ?? input.startBlock),
  });
  return {
    blocks: summaries.map((block) => ({
      number: block.number,
      seen: block.seen,
      candidates: block.candidates,
      sent: block.sent,
      included: block.included,
      grossProfitWei: String(block.grossWei),
      gasCostWei: String(block.gasWei),
      bribeWei: String(block.bribeWei),
      netProfitWei: String(block.netWei),
    })),
    totals: {
      seen: summaries.reduce((sum, block) => sum + block.seen, 0),
      candidates: summaries.reduce((sum, block) => sum + block.candidates, 0),
      sent: summaries.reduce((sum, block) => sum + block.sent, 0),
      included: summaries.reduce((sum, block) => sum + block.included, 0),
      netProfitWei: String(summaries.reduce((sum, block) => sum + block.netWei, 0n)),
      realizedEqualsSimulated: realizedEqualsSimulated(landed),
      lossWei: String(loss),
    },
    breakers: { tripped },
    latencyUs: {
      p50: latency.quantile(0.5),
      p99: latency.quantile(0.99),
      count: latency.count,
      stages: Object.fromEntries(
        (['decode', 'search', 'simulate', 'send'] as const).map((stage) => {
          const histogram = app.engine.latency[stage];
          return [stage, { p50: histogram.quantile(0.5), p99: histogram.quantile(0.99), count: histogram.count }];
        }),
      ) as DemoResult['latencyUs']['stages'],
    },
    capture,
    sources,
    captureByProtocol: byProtocol,
    simulateOnly,
    bootstrap: bootstrapOf(app),
    memory: { maxRssBytes: process.resourceUsage().maxRSS * 1024 },
    misses: app.store.missKinds(),
    contested: contests.contested,
    rivals: contests.rivals,
    nonceMisses: nonceMissesOf(app),
    detaching: { ...app.engine.detaching },
    builders: app.store.builderStats().map((builder) => ({
      name: builder.builder,
      sent: builder.sent,
      accepted: builder.accepted,
      refused: builder.refused,
      timeout: builder.timeout,
      error: builder.error,
      included: builder.included,
    })),
  };
}

function bootstrapOf(app: SearcherApp): DemoResult['bootstrap'] {
  const loaded = app.engine.bootstrap;
  if (!loaded) return { discovered: 0, tracked: 0, ms: 0, warm: false, read: 0, getLogsRequests: 0, getLogsCapped: 0 };
  const { discovered, tracked, ms, warm, read, getLogsRequests, getLogsCapped } = loaded;
  return { discovered, tracked, ms, warm, read, getLogsRequests, getLogsCapped };
}

/** Nonce misses by whose nonce it was: a transaction the builder names that is not ours is another sender's. */
export function nonceMissesOf(app: Pick<SearcherApp, "store" | "operatorLanes">): DemoResult['nonceMisses'] {
  const bundles = new Map(app.store.recentBundles(100_000).map((bundle) => [bundle.id, bundle]));
  let ours = 0;
  let others = 0;
  for (const miss of app.store.recentMisses(100_000)) {
    if (miss.verdict?.kind !== 'nonce') continue;
    const bundle = bundles.get(miss.bundleId);
    const words = `${miss.verdict.detail ?? ''} ${miss.detail ?? ''}`.toLowerCase();
    const named = (bundle?.txHashes ?? []).filter((hash) => words.includes(hash.toLowerCase()));
    if (named.length > 0 && named.every((hash) => hash.toLowerCase() !== bundle!.ourTxHash.toLowerCase())) others++;
    else ours++;
  }
  return { ours, others, operators: 1 + app.operatorLanes.length };
}
