import type { Address, Hex, PublicClient } from 'viem';
import { mainnet } from '../chain/addresses.ts';
import type { Devnet } from './devnet.ts';
import { decodeTransaction, mainnetRouters } from '../mempool/decode.ts';
import { applyPoolEvent } from '../state/apply.ts';
import { bootstrapPools, discoverPools } from '../state/bootstrap.ts';
import { decodePoolLog } from '../state/events.ts';
import { MarketState } from '../state/market.ts';
import type { Pool } from '../state/types.ts';
import { blockCandidates, type EngineConfig } from '../strategy/candidates.ts';
import { PoolGraph } from '../strategy/graph.ts';
import { mainnetFactories, venueOfProtocol } from '../state/venues.ts';

/** What the bot captured of what was there to take. Amounts are decimal wei strings. */
export type Capture = {
  /** Victims (router swaps) with a profitable backrun. */
  victims: number;
  /** Of those, backrun by us. */
  captured: number;
  bestGrossWei: string;
  capturedGrossWei: string;
  /** capturedGross / bestGross, 4 decimals; null when there was nothing to take. */
  ratio: number | null;
  /** Victims where we took less than 99% of the best (at most 20), to see where the rest went. */
  shortfalls: Array<{ victim: Hex; block: string; bestGrossWei: string; capturedGrossWei: string }>;
};

const poisonedKinds = new Set(['feeOnTransfer', 'honeypot', 'salmonella']);

/** An exhaustive search: every cycle, every one sized exactly (what the bot trades away for latency). */
const exhaustive = (startToken: Address): EngineConfig => ({
  startToken,
  venues: venueOfProtocol,
  policy: { priorityFeeWei: 1_000_000_000n, builderShareBps: 0n, minNetProfitWei: 0n },
  maxCyclesPerPool: 100_000,
  maxSizedPerSearch: 1_000,
});

/**
 * The devnet knows the truth. After a run, for every router swap that landed, it rebuilds the exact pool state
 * right after the swap (the state at the parent block plus the block's logs up to and including the swap's
 * transaction, read from the chain) and searches it exhaustively for the best backrun. The capture ratio is the
 * gross our landed backruns made over the best gross there was.
 */
export async function measureCapture(input: { devnet: Devnet; landed: ReadonlyArray<{ victim?: Hex; execution: { gross: bigint } }>; fromBlock: bigint; toBlock: bigint }): Promise<Capture> {
  const client = input.devnet.client as unknown as PublicClient;
  const poisoned = new Set(input.devnet.manifest.tokens.filter((token) => poisonedKinds.has(token.kind)).map((token) => token.address.toLowerCase()));
  const capturedByVictim = new Map<string, bigint>();
  for (const bundle of input.landed) if (bundle.victim) capturedByVictim.set(bundle.victim.toLowerCase(), bundle.execution.gross);
  const config = exhaustive(mainnet.weth);
  let best = 0n;
  let captured = 0n;
  let victims = 0;
  let capturedVictims = 0;
  const shortfalls: Capture['shortfalls'] = [];
  if (input.toBlock < input.fromBlock) return { victims, captured: capturedVictims, bestGrossWei: '0', capturedGrossWei: '0', ratio: null, shortfalls };
  const discovered = await discoverPools(client, mainnetFactories, input.toBlock);
  for (let number = input.fromBlock; number <= input.toBlock; number++) {
    const block = await client.getBlock({ blockNumber: number, includeTransactions: true });
    const swaps = block.transactions.filter((tx) => {
      if (!tx.to) return false;
      const decoded = decodeTransaction({ hash: tx.hash, from: tx.from.toLowerCase(), to: tx.to.toLowerCase(), value: tx.value, input: tx.input }, { routers: mainnetRouters });
      return !('error' in decoded) && decoded.swaps.length > 0;
    });
    if (swaps.length === 0) continue;
    const pools = new Map<string, Pool>((await bootstrapPools(client, discovered, number - 1n)).map((pool) => [pool.address.toLowerCase(), pool]));
    const logs = (await client.getLogs({ fromBlock: number, toBlock: number })).flatMap((log) => {
      const decoded = decodePoolLog(log);
      return decoded ? [{ index: log.transactionIndex!, decoded }] : [];
    });
    let applied = 0;
    for (const swap of swaps) {
      const touched = new Set<Address>();
      while (applied < logs.length && logs[applied]!.index <= swap.transactionIndex!) {
        const { decoded, index } = logs[applied]!;
        const key = decoded.address.toLowerCase();
        const pool = pools.get(key);
        if (pool) {
          pools.set(key, applyPoolEvent(pool, decoded.event));
          if (index === swap.transactionIndex) touched.add(pool.address);
        }
        applied++;
      }
      if (touched.size === 0) continue;
      const market = new MarketState();
      market.reset([...pools.values()], { number, hash: block.hash!, parentHash: block.parentHash });
      const graph = new PoolGraph(market.all(), (pool) => poisoned.has(pool.token0.toLowerCase()) || poisoned.has(pool.token1.toLowerCase()));
      const candidates = blockCandidates(market, graph, [...touched], block.baseFeePerGas ?? 0n, config).filter((candidate) => candidate.netProfitWei > 0n);
      const top = candidates.reduce((max, candidate) => (candidate.grossProfitWei > max ? candidate.grossProfitWei : max), 0n);
      if (top === 0n) continue;
      victims++;
      best += top;
      const ours = capturedByVictim.get(swap.hash.toLowerCase());
      if (ours !== undefined) {
        capturedVictims++;
        captured += ours;
      }
      if ((ours ?? 0n) * 100n < top * 99n && shortfalls.length < 20) {
        shortfalls.push({ victim: swap.hash, block: String(number), bestGrossWei: String(top), capturedGrossWei: String(ours ?? 0n) });
      }
    }
  }
  return {
    victims,
    captured: capturedVictims,
    bestGrossWei: String(best),
    capturedGrossWei: String(captured),
    ratio: best === 0n ? null : Number((captured * 10_000n) / best) / 10_000,
    shortfalls,
  };
}
