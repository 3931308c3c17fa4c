import { getAddress, type Address, type Hex, type PublicClient } from 'viem';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CandidateDecider, type DecisionContext } from '../../src/decision.ts';
import { LatencyHistogram } from '../../src/histogram.ts';
import { createLogger } from '../../src/log.ts';
import type { CandidateReport } from '../../src/monitor/candidateReport.ts';
import { RiskGate } from '../../src/risk/gate.ts';
import { parseRiskConfig } from '../../src/risk/config.ts';
import { TokenSafety } from '../../src/sim/tokenSafety.ts';
import type { PoolLog } from '../../src/state/events.ts';
import { wethPrices } from '../../src/state/liquidityFloor.ts';
import { MarketState, type BlockRef } from '../../src/state/market.ts';
import type { RegisteredPool } from '../../src/state/poolCheckpoint.ts';
import { PoolPromoter } from '../../src/state/promoter.ts';
import type { Pool, V2Pair } from '../../src/state/types.ts';
import type { Candidate } from '../../src/strategy/candidates.ts';
import { PoolGraph } from '../../src/strategy/graph.ts';

// Per-block work at scale, counted (pools walked, lookups made), never timed: the same blocks on a small and a
// large market cost the same, and what the market no longer holds leaves every per-pool map.

const address = (n: number) => getAddress(`0x${n.toString(16).padStart(40, '0')}`);
const hash = (n: number) => `0x${n.toString(16).padStart(64, '0')}` as Hex;
const blockRef = (n: number): BlockRef => ({ number: BigInt(n), hash: hash(n), parentHash: hash(n - 1) });
const e18 = 10n ** 18n;
const WETH = address(0xeeee);
const logger = createLogger('test');
const pair = (n: number, token0: Address, token1: Address, reserve0: bigint, reserve1: bigint): V2Pair => ({ kind: 'v2', address: address(n), token0, token1, reserve0, reserve1, feeBps: 30n });
const sync = (pool: Address, block: number, logIndex: number, reserve0: bigint, reserve1: bigint): PoolLog => ({ address: pool, event: { kind: 'sync', reserve0, reserve1 }, blockNumber: BigInt(block), blockHash: hash(block), logIndex, removed: false });

afterEach(() => {
  vi.restoreAllMocks();
});

/**
 * A market of `size` tracked pools: tokens T_i, each with a deep WETH pair (WETH side 1,000 WETH, price 1/2), and
 * a level-two token Y_0 priced through T_0 only (a deep and a shallow T_0/Y_0 pair); the rest are T_i/T_(i+1) pairs.
 */
function promoterMarket(size: number) {
  const tokens = Math.floor(size / 2);
  const token = (i: number) => address(0x20_000 + i);
  const Y = address(0x30_000);
  const Z = address(0x30_001); // only in untracked pools: no price
  const pools: V2Pair[] = [];
  // WETH (0xeeee) sorts below every token here: token0 is WETH.
  for (let i = 0; i < tokens; i++) pools.push(pair(0x100_000 + i, WETH, token(i), 1_000n * e18, 2_000n * e18));
  pools.push(pair(0x180_000, token(0), Y, 500n * e18, 5_000n * e18)); // deep: Y = T_0 / 10
  pools.push(pair(0x180_001, token(0), Y, e18, 50n * e18)); // shallow, another price
  for (let i = 0; pools.length < size; i++) pools.push(pair(0x200_000 + i, token(i % tokens), token((i + 1) % tokens), e18, e18));
  const market = new MarketState(64);
  market.reset(pools, blockRef(1));
  const untracked: RegisteredPool[] = [{ address: address(0x400_000), kind: 'v2', feeBps: 30n, token0: token(0), token1: Z }];
  return { market, pools, token, Y, Z, untracked };
}

/** Runs the same 250 blocks on a market of `size` pools; counts the pools walked and the lookups made after start. */
function runPromoter(size: number) {
  const { market, pools, token, Y, untracked } = promoterMarket(size);
  const floor = 100n * e18;
  const promoter = new PoolPromoter({ client: {} as PublicClient, market, logger, floor: { weth: WETH, minLiquidityWei: floor }, onPromoted: () => {} }, untracked);
  // Reading the pool from the chain is not what is counted here: which pools are sent to be read is.
  const read: Array<{ block: bigint; pools: string[] }> = [];
  vi.spyOn(PoolPromoter.prototype as unknown as { promote: (block: BlockRef, entries: RegisteredPool[]) => Promise<void> }, 'promote').mockImplementation(async (block, entries) => {
    read.push({ block: block.number, pools: entries.map((entry) => entry.address) });
  });
  // From here on (start-up is over), count every pool walked through the all-pools accessor and every lookup.
  const walkAll = market.all.bind(market);
  let walked = 0;
  market.all = function* () {
    for (const pool of walkAll()) {
      walked++;
      yield pool;
    }
  };
  const get = vi.spyOn(market, 'get');
  const deep0 = pools[0]!; // WETH/T_0
  const deepY = pools.find((pool) => pool.address === address(0x180_000))!;
  let T0: { weth: bigint; t: bigint } = { weth: 1_000n * e18, t: 2_000n * e18 };
  for (let b = 2; b <= 251; b++) {
    const logs: PoolLog[] = [];
    // Three tracked pools move per block: WETH/T_0 (its price walks), another WETH pair, a T_i/T_(i+1) pair.
    if (b === 150) T0 = { weth: 2_000n * e18, t: 2_000n * e18 }; // T_0 doubles: 1 WETH per T_0
    else T0 = { weth: T0.weth + BigInt(b), t: T0.t }; // a few wei a block
    logs.push(sync(deep0.address, b, 0, T0.weth, T0.t));
    const other = pools[1 + (b % (Math.floor(size / 2) - 1))]!;
    logs.push(sync(other.address, b, 1, 1_000n * e18 + BigInt(b), 2_000n * e18));
    if (b % 7 === 0) logs.push(sync(deepY.address, b, 2, 500n * e18 + BigInt(b) * e18, 5_000n * e18));
    const changed = market.applyBlock(blockRef(b), logs);
    // Every block an untracked T_0/Z pair reports its reserves: 150 T_0 a side, 75 WETH at T_0's first price.
    const untrackedLogs = [sync(untracked[0]!.address, b, 9, 150n * e18, 150n * e18)];
    promoter.onLogs(blockRef(b), untrackedLogs, changed);
    promoter.onBlock(blockRef(b), changed); // as the keeper does on every block (once per block)
  }
  const reference = wethPrices([...walkAll()], WETH);
  return { walked, gets: get.mock.calls.length, read, promoter, reference, token, Y };
}

describe('the promoter keeps the floor prices with the blocks, at any market size', () => {
  it('walks no pool per block or every hundred blocks: 250 blocks cost the same on 200 pools as on 40,000', () => {
    const small = runPromoter(200);
    const large = runPromoter(40_000);
    expect(small.walked).toBe(0);
    expect(large.walked).toBe(0);
    // The lookups follow the blocks' events, not the market: the same on both markets, a few per event.
    expect(large.gets).toBe(small.gets);
    expect(large.gets).toBeGreaterThan(0);
    expect(large.gets).toBeLessThanOrEqual(250 * 10);
  });

  it('prices move with their source pool in the block it moves, and a promotion is judged on them', () => {
    const { read, promoter, reference, token, Y } = runPromoter(200);
    // Up to block 149 T_0 is worth about half a WETH: 150 T_0 are under the 100 WETH floor. From block 150 a
    // T_0 is worth 1 WETH or more: the pair's T_0 side (150) valued at T_0's price, Z priced off the pair itself.
    expect(read.length).toBeGreaterThan(0);
    expect(read[0]!.block).toBe(150n);
    // The prices equal a full computation over the market as it is now, for the tokens one hop from WETH and
    // for Y (its deep source moved after T_0 last did: block 245).
    const same = (token: string) => {
      const ours = promoter.prices.get(token.toLowerCase())!;
      const full = reference.get(token.toLowerCase())!;
      expect(ours, token).toBeDefined();
      expect(full, token).toBeDefined();
      expect(ours.num * full.den, token).toBe(full.num * ours.den);
    };
    same(token(0));
    same(token(1));
    same(token(57));
    same(Y);
  });
});

describe('a pool gone from the market leaves the graph', () => {
  const X = address(0xa1);
  const Y = address(0xa2);
  const A = pair(0x501, WETH, X, 100n * e18, 200n * e18);
  const B = pair(0x502, WETH, X, 100n * e18, 210n * e18);
  const C = pair(0x503, X, Y, 200n * e18, 200n * e18);
  const D = pair(0x504, WETH, Y, 100n * e18, 100n * e18);
  const paths = (graph: PoolGraph, pool: Pool) => graph.cyclesThrough(pool, WETH).map((cycle) => cycle.hops.map((hop) => hop.pool.address).join(' '));

  it('is no longer quoted, walked or found; a pool added again comes back', () => {
    const graph = new PoolGraph([A, B, C, D]);
    expect(paths(graph, A)).toContain(`${A.address} ${B.address}`);
    expect(paths(graph, A)).toContain(`${A.address} ${C.address} ${D.address}`);
    graph.remove(B.address.toLowerCase());
    expect(graph.entry(B.address)).toBeUndefined();
    expect(graph.pools(X, WETH).map((pool) => pool.address)).toEqual([A.address]);
    expect(paths(graph, A).some((path) => path.includes(B.address))).toBe(false);
    expect(paths(graph, A)).toContain(`${A.address} ${C.address} ${D.address}`);
    // The only X/Y pool goes: no three-hop cycle through it is left (the remembered links are dropped too).
    graph.remove(C.address);
    expect(paths(graph, A)).toEqual([]);
    expect(paths(graph, D)).toEqual([]);
    graph.add(C);
    graph.add(B);
    expect(paths(graph, A)).toContain(`${A.address} ${B.address}`);
    expect(paths(graph, A)).toContain(`${A.address} ${C.address} ${D.address}`);
  });
});

describe('the token probe goes through the market as it is now', () => {
  const X = address(0xa1);
  function decider(market: MarketState, graph: PoolGraph) {
    const reports: CandidateReport[] = [];
    // A real TokenSafety: a probe depth no market reaches makes it answer "unknown" naming the market it was
    // given and that market's WETH depth, without any call to a node.
    const safety = new TokenSafety({ client: {} as PublicClient, weth: WETH, logger, scope: 'test', minProbeDepthWei: 10n ** 30n });
    const context = {
      parameters: { config: { strategy: { minNetProfitWei: 0n, priorityFeeWei: 0n }, simulation: { mode: 'simulate-first' } }, chain: { weth: WETH }, logger, onCandidate: (report: CandidateReport) => reports.push(report) },
      engineConfig: { policy: { builderShareBps: 5000n } },
      client: {},
      simulator: {},
      safety,
      graph,
      market,
      latency: { decode: new LatencyHistogram(), search: new LatencyHistogram(), simulate: new LatencyHistogram(), send: new LatencyHistogram(), total: new LatencyHistogram(), seenToSent: new LatencyHistogram() },
      stats: { candidates: 0, sendDecisions: 0, rejects: 0, mismatches: 0 },
      head: () => ({ number: 9n, hash: hash(9), parentHash: hash(8), baseFeePerGas: 0n, nextBaseFeePerGas: 0n, timestamp: 0n, transactions: Promise.resolve([]) }),
    } as unknown as DecisionContext;
    return { decider: new CandidateDecider(context), reports };
  }
  const candidate = (first: Pool, second: Pool): Candidate => ({
    victim: null,
    cycle: { startToken: WETH, hops: [{ pool: first, tokenIn: WETH, tokenOut: X, zeroForOne: true }, { pool: second, tokenIn: X, tokenOut: WETH, zeroForOne: false }] },
    amountIn: e18,
    amountOut: 2n * e18,
    grossProfitWei: e18,
    gas: 100_000n,
    gasCostWei: 0n,
    bribeWei: 0n,
    netProfitWei: e18,
    ticksCrossed: 0,
    view: new MarketState(),
  });

  it('chooses the deepest WETH market by its depth now, not at start-up, and never a pool the market dropped', async () => {
    const A = pair(0x601, WETH, X, 50n * e18, 100n * e18);
    const B = pair(0x602, WETH, X, 5n * e18, 10n * e18);
    const market = new MarketState(64);
    market.reset([A, B], blockRef(1));
    const graph = new PoolGraph(market.all());
    // A block drains A and deepens B: B is the deepest WETH market now (20 WETH against A's 1).
    market.applyBlock(blockRef(2), [sync(A.address, 2, 0, e18, 2n * e18), sync(B.address, 2, 1, 20n * e18, 40n * e18)]);
    const first = decider(market, graph);
    await first.decider.decide(candidate(A, B), undefined, 0, 0);
    expect(first.reports).toHaveLength(1);
    expect(first.reports[0]!.reason).toContain(`the deepest (${B.address}) holds ${20n * e18} wei`);
    // A re-read after a deep reorg keeps only A (B is gone from the chain): the probe never names B.
    market.reset([{ ...A, reserve0: 3n * e18, reserve1: 6n * e18 }], blockRef(3));
    const second = decider(market, graph);
    await second.decider.decide(candidate(A, A), undefined, 0, 0);
    expect(second.reports[0]!.reason).toContain(`the deepest (${A.address}) holds ${3n * e18} wei`);
  });
});

describe('the risk layer forgets pools the market no longer holds', () => {
  it('holds prices and liquidity peaks for tracked pools only: 50,000 seen, 49,990 gone, 10 kept', () => {
    const gate = new RiskGate({ config: parseRiskConfig(), logger, now: () => 1_000 });
    const pools = Array.from({ length: 50_000 }, (_, i) => address(0x7000 + i));
    for (const pool of pools) gate.onPoolObservation({ pool, price: 1_000_000n, liquidity: 1_000n, explainedByLog: true });
    const inner = gate as unknown as { integrity: { prices: Map<string, bigint> }; liquidity: { peaks: Map<string, unknown> } };
    expect(inner.integrity.prices.size).toBe(50_000);
    expect(inner.liquidity.peaks.size).toBe(50_000);
    gate.onPoolsGone(pools.slice(10));
    expect(inner.integrity.prices.size).toBe(10);
    expect(inner.liquidity.peaks.size).toBe(10);
    // A forgotten pool has no baseline: its next price is a first sighting, not a jump.
    gate.onPoolObservation({ pool: pools[20]!, price: 2_000_000n, explainedByLog: false });
    // A kept pool is still watched: an unexplained 100% jump pauses it.
    gate.onPoolObservation({ pool: pools[0]!, price: 2_000_000n, explainedByLog: false });
    expect(inner.integrity.prices.size).toBe(11);
    const status = gate.status().breakers.filter((entry) => entry.breaker === 'integrity' && entry.state === 'tripped').map((entry) => entry.scope);
    expect(status).toEqual([pools[0]!.toLowerCase()]);
  });
});

describe('the floor judges a block\'s new pools against the known prices without copying them', () => {
  it('looks up the tokens of the pools judged, never walks the 50,000 prices it is given', async () => {
    const { applyLiquidityFloor } = await import('../../src/state/liquidityFloor.ts');
    // The prices the promoter keeps for the whole market: a Map here, counted when walked.
    let walked = 0;
    class CountedMap<K, V> extends Map<K, V> {
      override *[Symbol.iterator](): MapIterator<[K, V]> {
        for (const entry of super.entries()) {
          walked++;
          yield entry;
        }
      }
    }
    const known = new CountedMap<string, { num: bigint; den: bigint; depth: bigint }>();
    for (let i = 0; i < 50_000; i++) known.set(address(0x9_0000 + i).toLowerCase(), { num: 1n, den: 2n, depth: e18 });
    walked = 0;
    // A block's two new pairs: one deep against a known token, one dust.
    const deepPair = pair(0x801, address(0x9_0000), address(0xb1), 400n * e18, 100n * e18);
    const dustPair = pair(0x802, address(0x9_0001), address(0xb2), e18, e18);
    const { kept } = applyLiquidityFloor([deepPair, dustPair], WETH, 100n * e18, [], known);
    expect(kept).toEqual([deepPair]);
    expect(walked).toBe(0);
  });
});
