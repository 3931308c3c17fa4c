import { appendFileSync } from 'node:fs';
import { toEventSelector, type Address, type Hex } from 'viem';
import { mainnet, mainnetV4 } from '../chain/addresses.ts';
import type { Devnet } from './devnet.ts';
import { countVictim, creditOf, emptyVictimTally, marginalOf, ratioOf, type Marginal, type VictimTally } from './truth/baseline.ts';
import { bestBackrun, type CycleBest } from './truth/best.ts';
import type { Capture } from './truth/capture.ts';
import { ourCycleOf, tradeOfLogs, type OurCycle, type OurTrade } from './truth/credit.ts';
import { cyclesThrough, poolIdOf, poolsOfManifest, v4PoolsOfManifest, type TruthCycle } from './truth/cycles.ts';
import { TruthFork } from './truth/fork.ts';
import { executeOnFork, type Execution } from './truth/execute.ts';
import { emptyProtocolTallies, protocolCaptures, protocolOf, simulateOnlyReason, type ProtocolCaptures, type ProtocolTally, type SimulateOnlyTruth, type TruthProtocol } from './truth/protocols.ts';
import { gradedRecord } from './truth/gradedRecord.ts';
import { depthsOf, quoteCycles, quoteEdges } from './truth/quote.ts';
import { routeOf, type SwapRoutes } from './truth/routes.ts';
import { emptyTallies, refundsByRoute, sourceCaptures, type SourceCaptures } from './truth/sources.ts';
import type { SwapRoute } from './traffic/privateRoute.ts';

export type { SourceCapture, SourceCaptures } from './truth/sources.ts';
export type { Marginal } from './truth/baseline.ts';
export type { Capture } from './truth/capture.ts';
export type { ProtocolCapture, ProtocolCaptures, SimulateOnlyTruth, TruthProtocol } from './truth/protocols.ts';

const poisonedKinds = new Set(['feeOnTransfer', 'honeypot', 'salmonella']);
const swapTopics = new Set([
  toEventSelector('event Swap(address indexed sender, uint256 amount0In, uint256 amount1In, uint256 amount0Out, uint256 amount1Out, address indexed to)'),
  toEventSelector('event Swap(address indexed sender, address indexed recipient, int256 amount0, int256 amount1, uint160 sqrtPriceX96, uint128 liquidity, int24 tick)'),
]);
/** The PoolManager's Swap: the pool it moved is topic 1 (its id), the log's address the manager. */
const v4SwapTopic = toEventSelector('event Swap(bytes32 indexed id, address indexed sender, int128 amount0, int128 amount1, uint160 sqrtPriceX96, uint128 liquidity, int24 tick, uint24 fee)');
/** The routers whose callers are victims (traders), as opposed to searchers calling pools through their own contracts. */
const routers = new Set([mainnet.uniswapV2Router02, mainnet.sushiswapRouter, mainnet.swapRouter, mainnet.swapRouter02, mainnet.universalRouter].map((address) => address.toLowerCase()));

export type MeasureCaptureParameters = {
  /** The devnet's manifest and a client of its node (the devnet may run in another process). */
  devnet: Pick<Devnet, 'manifest' | 'client'>;
  /** Our landed bundles: the victim backrun, and what the receipt says (`txHash`, `blockNumber` find the refunds). */
  landed: ReadonlyArray<{ victim?: Hex; execution: { gross: bigint; txHash?: Hex; blockNumber?: bigint } }>;
  fromBlock: bigint;
  toBlock: bigint;
  /** The bot's largest input (its inventory cap, or the flash cap when it borrows): the best is held to it. */
  maxAmountInWei?: bigint;
  /** The tip per gas the bot pays on top of the base fee (default 1 gwei), to price a backrun's gas. */
  priorityFeeWei?: bigint;
  /**
   * At most this many router swaps are analysed (each costs a replay and a search on the fork); when a run has
   * more, an evenly spread sample of them (`sampledFrom` says of how many). Default 60.
   */
  maxSwaps?: number;
  /**
   * Called for every swap the truth found a gaining headline backrun for, with that backrun and what the executor
   * made of it on the fork (for tests and tools that look at single victims; the measurement does not depend on it).
   */
  onGraded?: (graded: GradedSwap) => void;
  /**
   * A file to append one JSON line per victim to (truth/gradedRecord.ts: the truth's best cycle and input, our
   * backrun's cycle and what it was worth), to diagnose a shortfall victim by victim. Default: the
   * SEARCHER_TRUTH_RECORDS environment variable (the demo passes no option), else none.
   */
  recordsFile?: string;
};

/**
 * One measured swap with a gaining headline backrun: where it is, its protocol, the best trade after it, the
 * executor's run of it, and (for the victims, whose state before was searched) its own value (`marginal`).
 */
export type GradedSwap = {
  victim: Hex;
  block: bigint;
  index: number;
  protocol: TruthProtocol;
  best: CycleBest;
  execution: Execution;
  marginal?: Marginal;
  /** For a victim we backran: our transaction's swaps as its receipt says, and the cycle of the truth's they are (truth/credit.ts). */
  ours?: { trade: OurTrade | undefined; cycle: OurCycle };
};

/**
 * The devnet knows the truth, found without the bot's code. After a run, for every router swap that landed, a
 * fork of the devnet is brought to the state right after that swap (the block's parent plus the block's own
 * signed transactions up to and including it, each checked to do exactly what it did on the devnet), and the best
 * backrun there is searched on the chain's own quotes (Router02 getAmountsOut, QuoterV2, V4Quoter): every two- and
 * three-hop WETH cycle through a pool the swap moved (a V4 pool by the id in the PoolManager's Swap log; native ETH
 * and WETH are one token to the executor, which wraps and unwraps), a dense input grid and a k-section refinement. The best
 * gross is the cycle's WETH out minus WETH in at its best input (what the bot's executor books as gross, before
 * gas and the builder's share), held to the bot's input cap when given (`capWei`); the uncapped best is
 * reported beside it. Cycles through a simulate-only V4 pool (a hook that runs around swaps) are searched apart and
 * kept out of it (truth/protocols.ts SimulateOnlyTruth says why).
 *
 * The baseline: a gap that already stood before the swap (an earlier swap nobody backran, a hook pool's swap, a
 * rival, a previous block) is not this victim's. For every swap whose best after it pays its gas, the same fork is
 * brought to the state right before it (the block's transactions up to, not including, the swap) and the same
 * cycles that gain after it are searched there the same way. The victim's own value is, per cycle, its best after
 * less its best before, the best of that over the cycles, and 0 at least (truth/baseline.ts argues why per cycle).
 * The headline grades victims by that value: a victim counts when its value is above 0, and our backrun is credited
 * at most what the victim added on the cycle our backrun traded, read from our transaction's own Swap logs
 * (`capturedGrossWei`, truth/credit.ts; where the truth cannot place that cycle, at most the victim's value, counted
 * in `creditUnmatched`); what it took above that, a standing gap, is reported apart
 * (`standingGapBackrunGrossWei`), as is the gross of our block arbitrage (bundles with no victim, `blockArbGrossWei`).
 * The capture ratio is the credited gross over the victims' own values. The old rule (the best after the swap alone,
 * our gross in full) stays beside it as `afterOnly*`. Skipped: the state before a swap with nothing worth taking after it.
 */
export async function measureCapture(input: MeasureCaptureParameters): Promise<Capture> {
  return (await measure(input)).capture;
}

/**
 * The same measurement, and the victims grouped by the route each user's swap took (`routes`: the relays' record,
 * see truth/routes.ts readSwapRoutes), with the refunds the builder paid for our backruns of each route's victims.
 * The routes add up to the capture: victims, captured, best and captured gross.
 */
export async function measureCaptureBySource(
  input: MeasureCaptureParameters & { routes: SwapRoutes },
): Promise<{ capture: Capture; sources: SourceCaptures; byProtocol: ProtocolCaptures; simulateOnly: SimulateOnlyTruth }> {
  const { capture, tallies, byProtocol, simulateOnly } = await measure(input, input.routes);
  const refunds = await refundsByRoute(input.devnet.manifest.builderUrl, input.landed, input.routes, input);
  return { capture, sources: sourceCaptures(tallies, refunds), byProtocol, simulateOnly };
}

/**
 * The same measurement split by protocol (`byProtocol`: a victim counts for V4 when its swap moved any V4 pool),
 * and what the simulate-only V4 pools would add (`simulateOnly`, kept out of `capture`).
 */
export async function measureCaptureByProtocol(input: MeasureCaptureParameters): Promise<{ capture: Capture; byProtocol: ProtocolCaptures; simulateOnly: SimulateOnlyTruth }> {
  const { capture, byProtocol, simulateOnly } = await measure(input);
  return { capture, byProtocol, simulateOnly };
}

type Measured = { capture: Capture; tallies: Record<SwapRoute, VictimTally>; byProtocol: ProtocolCaptures; simulateOnly: SimulateOnlyTruth };

const touchesSimulateOnly = (cycle: TruthCycle) => cycle.some((hop) => hop.pool.v4?.simulateOnly === true);

async function measure(input: MeasureCaptureParameters, routes: SwapRoutes = new Map()): Promise<Measured> {
  const started = performance.now();
  const { manifest, client } = input.devnet;
  const recordsFile = input.recordsFile ?? (process.env.SEARCHER_TRUTH_RECORDS || undefined);
  // V4 pools sit in the one PoolManager and are named by their ids; native ETH stands as WETH in the cycles.
  const pools = [...poolsOfManifest(manifest.pools), ...v4PoolsOfManifest(manifest.v4?.pools ?? [], mainnetV4.poolManager, mainnet.weth)];
  const known = new Set(pools.map(poolIdOf));
  const hooked = pools.filter((pool) => pool.v4?.simulateOnly).map((pool) => pool.v4!.poolId);
  const excluded = new Set(manifest.tokens.filter((token) => poisonedKinds.has(token.kind)).map((token) => token.address.toLowerCase()));
  const capturedByVictim = new Map<string, bigint>();
  const backrunOf = new Map<string, Hex | undefined>();
  for (const bundle of input.landed) {
    if (!bundle.victim) continue;
    capturedByVictim.set(bundle.victim.toLowerCase(), bundle.execution.gross);
    backrunOf.set(bundle.victim.toLowerCase(), bundle.execution.txHash);
  }
  // Block arbitrage: our bundles with no victim, landed in the range (or with no block said).
  const inRange = (block: bigint | undefined) => block === undefined || (block >= input.fromBlock && block <= input.toBlock);
  const blockArbs = input.landed.filter((bundle) => !bundle.victim && inRange(bundle.execution.blockNumber));
  const total = emptyVictimTally();
  let quotes = 0;
  let aboveBest = 0;
  let belowGas = 0;
  let analyzed = 0;
  let sampledFrom = 0;
  let verified = 0;
  let baselineMs = 0;
  const unverified: Capture['unverified'] = [];
  const shortfalls: Capture['shortfalls'] = [];
  const tallies = emptyTallies();
  const protocols: Record<TruthProtocol, ProtocolTally> = emptyProtocolTallies();
  const hookedTruth = { swaps: 0, best: 0n, extra: 0n };
  const result = (): Measured => ({ tallies, byProtocol: protocolCaptures(protocols), simulateOnly: {
    pools: hooked,
    reason: simulateOnlyReason,
    swaps: hookedTruth.swaps,
    bestGrossWei: String(hookedTruth.best),
    extraGrossWei: String(hookedTruth.extra),
  }, capture: {
    victims: total.victims,
    captured: total.captured,
    bestGrossWei: String(total.best),
    capturedGrossWei: String(total.capturedGross),
    ratio: ratioOf(total.capturedGross, total.best),
    shortfalls,
    truth: 'independent',
    capWei: input.maxAmountInWei === undefined ? null : String(input.maxAmountInWei),
    uncappedBestGrossWei: String(total.uncapped),
    uncappedRatio: ratioOf(total.capturedGross, total.uncapped),
    afterOnlyVictims: total.afterOnlyVictims,
    afterOnlyCaptured: total.afterOnlyCaptured,
    afterOnlyBestGrossWei: String(total.afterOnlyBest),
    afterOnlyCapturedGrossWei: String(total.afterOnlyCapturedGross),
    afterOnlyRatio: ratioOf(total.afterOnlyCapturedGross, total.afterOnlyBest),
    afterOnlyUncappedBestGrossWei: String(total.afterOnlyUncapped),
    afterOnlyUncappedRatio: ratioOf(total.afterOnlyCapturedGross, total.afterOnlyUncapped),
    standingGapBackrunGrossWei: String(total.standing),
    creditUnmatched: total.creditUnmatched,
    anyCycleCapturedGrossWei: String(total.anyCycleCredit),
    blockArbs: blockArbs.length,
    blockArbGrossWei: String(blockArbs.reduce((sum, bundle) => sum + bundle.execution.gross, 0n)),
    aboveBest,
    belowGas,
    analyzed,
    sampledFrom,
    verified,
    unverified,
    quotes,
    ms: Math.round(performance.now() - started),
    baselineMs: Math.round(baselineMs),
  } });
  if (input.toBlock < input.fromBlock) return result();

  // Every router swap of the run, then an evenly spread sample of them if there are more than the budget.
  const blocks = [];
  for (let number = input.fromBlock; number <= input.toBlock; number++) blocks.push(await client.getBlock({ blockNumber: number, includeTransactions: true }));
  const all = blocks.flatMap((block) => block.transactions.filter((tx) => tx.to && routers.has(tx.to.toLowerCase())).map((tx) => tx.hash));
  const budget = input.maxSwaps ?? 60;
  const sample = new Set(all.length <= budget ? all : Array.from({ length: budget }, (_, i) => all[Math.floor((i * all.length) / budget)]!));
  sampledFrom = all.length;
  const fork = await TruthFork.start({ devnetUrl: manifest.rpcUrl, chainId: manifest.chainId, atBlock: input.fromBlock - 1n });
  // Our backrun's swaps, from its receipt: the fork holds the receipts of the blocks it loaded, the devnet the rest.
  const tradeOf = async (hash: Hex | undefined): Promise<OurTrade | undefined> => {
    if (!hash) return undefined;
    const logs = fork.receipt(hash)?.logs ?? (await client.getTransactionReceipt({ hash }).then((receipt) => receipt.logs, () => undefined));
    return logs && tradeOfLogs(logs, pools, mainnetV4.poolManager);
  };
  try {
    for (const block of blocks) {
      const number = block.number!;
      const candidates = block.transactions.filter((tx) => sample.has(tx.hash));
      if (candidates.length === 0) continue;
      const replayBlock = {
        number,
        timestamp: block.timestamp,
        baseFeePerGas: block.baseFeePerGas ?? 0n,
        gasLimit: block.gasLimit,
        miner: block.miner,
        transactions: block.transactions.map((tx) => ({ hash: tx.hash })),
      };
      await fork.loadBlock(replayBlock);
      for (const tx of candidates) {
        const receipt = fork.receipt(tx.hash)!;
        const moved = movedPools(receipt.logs, known);
        if (receipt.status !== '0x1' || moved.size === 0) continue;
        const all = cyclesThrough(pools, moved, mainnet.weth, excluded);
        if (all.length === 0) continue;
        const cycles = all.filter((cycle) => !touchesSimulateOnly(cycle));
        const throughHooks = all.filter(touchesSimulateOnly);
        await fork.replay(replayBlock, tx.transactionIndex! + 1);
        analyzed++;
        const protocol = protocols[protocolOf(pools, moved)];
        protocol.analyzed++;
        // `everyCycle`: each cycle's own best, to compare with the same cycle before the swap (the baseline).
        const search = async (among: readonly TruthCycle[], everyCycle: boolean) => {
          if (among.length === 0) return undefined;
          const depth = await depthsOf(fork.url, mainnet.weth, among);
          const found = await bestBackrun({ edges: (requests) => quoteEdges(fork.url, requests), forward: (requests) => quoteCycles(fork.url, requests) }, among, { depth, everyCycle, ...(input.maxAmountInWei !== undefined ? { cap: input.maxAmountInWei } : {}) });
          quotes += found.quotes;
          return found;
        };
        const found = await search(cycles, true);
        const top = gross(found?.capped);
        const hookTop = gross((await search(throughHooks, false))?.capped);
        if (hookTop > top) {
          hookedTruth.swaps++;
          hookedTruth.best += hookTop;
          hookedTruth.extra += hookTop - top;
        }
        if (!found) continue;
        const ours = capturedByVictim.get(tx.hash.toLowerCase());
        if (ours !== undefined && ours > top) aboveBest++;
        if (top === 0n) continue;
        // Run the best trade through the executor: the chain must pay exactly the quoted gross, and its gas decides
        // whether the backrun was worth sending at all.
        const run = await executeOnFork(fork.url, { executor: manifest.executor.address, operator: manifest.executor.operator, cycle: found.capped!.cycle, amountIn: found.capped!.amountIn, nextBlock: number + 1n });
        const graded: GradedSwap = { victim: tx.hash, block: number, index: tx.transactionIndex!, protocol: protocolOf(pools, moved), best: found.capped!, execution: run };
        if ('error' in run || run.profit !== top) {
          if (unverified.length < 20) unverified.push({ victim: tx.hash, reason: 'error' in run ? run.error : `the executor realised ${run.profit}, the quotes said ${top}` });
        } else {
          verified++;
          if (top <= run.gasUsed * (replayBlock.baseFeePerGas + (input.priorityFeeWei ?? 1_000_000_000n))) {
            belowGas++;
            input.onGraded?.(graded);
            continue;
          }
        }
        // The baseline: the same cycles that gain after the swap, searched the same way on the state right before it.
        const baselineStarted = performance.now();
        const after = found.byCycle!;
        const gaining = cycles.map((_, i) => i).filter((i) => after.capped[i] !== undefined || after.uncapped[i] !== undefined);
        await fork.replay(replayBlock, tx.transactionIndex!);
        const prior = await search(gaining.map((i) => cycles[i]!), true);
        const before = { capped: cycles.map(() => undefined as CycleBest | undefined), uncapped: cycles.map(() => undefined as CycleBest | undefined) };
        gaining.forEach((cycle, j) => {
          before.capped[cycle] = prior?.byCycle!.capped[j];
          before.uncapped[cycle] = prior?.byCycle!.uncapped[j];
        });
        const marginal = marginalOf(after, before);
        baselineMs += performance.now() - baselineStarted;
        // Our backrun is credited on the cycle it traded, read from its own receipt.
        let oursGraded: GradedSwap['ours'];
        if (ours !== undefined) {
          const trade = await tradeOf(backrunOf.get(tx.hash.toLowerCase()));
          oursGraded = { trade, cycle: ourCycleOf(trade, cycles, marginal.gains, moved, known) };
        }
        input.onGraded?.({ ...graded, marginal, ...(oursGraded ? { ours: oursGraded } : {}) });
        const route = routeOf(routes, tx.hash);
        const grade = { afterOnly: top, afterOnlyUncapped: gross(found.uncapped), marginal, ours, ...(oursGraded ? { oursCycle: oursGraded.cycle } : {}) };
        countVictim(total, grade);
        countVictim(tallies[route], grade);
        countVictim(protocol, grade);
        countVictim(protocol.bySource[route], grade);
        const credited = creditOf(grade);
        if (recordsFile) {
          const record = gradedRecord({ victim: tx.hash, block: number, index: tx.transactionIndex!, protocol: protocolOf(pools, moved), route, afterOnly: found.capped, marginal, after: after.capped, before: before.capped, ours, credited, oursTx: backrunOf.get(tx.hash.toLowerCase()), oursTrade: oursGraded?.trade, oursCycle: oursGraded?.cycle });
          appendFileSync(recordsFile, `${JSON.stringify(record)}\n`);
        }
        if (marginal.gross > 0n && credited * 100n < marginal.gross * 99n && shortfalls.length < 20) {
          shortfalls.push({ victim: tx.hash, block: String(number), bestGrossWei: String(marginal.gross), capturedGrossWei: String(credited), afterOnlyBestGrossWei: String(top), afterOnlyCapturedGrossWei: String(ours ?? 0n) });
        }
      }
    }
  } finally {
    await fork.stop();
  }
  return result();
}

const gross = (best: CycleBest | undefined) => (best ? best.gross : 0n);

/** The pools a receipt's swaps moved, by `poolIdOf`: V2/V3 pools by their address, V4 pools by the id the PoolManager logs. */
function movedPools(logs: ReadonlyArray<{ address: string; topics: string[] }>, known: ReadonlySet<string>): Set<string> {
  const moved = new Set<string>();
  const manager = mainnetV4.poolManager.toLowerCase();
  for (const log of logs) {
    const address = log.address.toLowerCase();
    if (swapTopics.has(log.topics[0] as Hex) && known.has(address)) moved.add(address);
    else if (address === manager && log.topics[0] === v4SwapTopic && log.topics[1] && known.has(log.topics[1].toLowerCase())) moved.add(log.topics[1].toLowerCase());
  }
  return moved;
}
