// Per-block state work at 1,000 vs 50,000 pools: a block's logs applied to the market (journaled) and its
// drift sample drawn, as the follower does after every block. Two samplers on the same blocks: the one the
// follower uses (changed pools, then pools drawn by index) and, for comparison, the old one (a copy of every
// address each block, then random picks from it). Five runs; per run the p50 and p99 per block; printed as
// min / median / max over the runs.
//   npx tsx scripts/bench-block.ts      (npm run bench:block)
import { getAddress, type Address, type Hex } from 'viem';
import { getSqrtRatioAtTick } from '../src/amm/v3/tickMath.ts';
import { driftSample } from '../src/state/driftSample.ts';
import type { PoolLog } from '../src/state/events.ts';
import { MarketState } from '../src/state/market.ts';
import type { Pool } from '../src/state/types.ts';

const RUNS = 5;
const BLOCKS = 300;
const LOGS_PER_BLOCK = 60; // ~40 swaps in ~200 transactions, some through two or three pools
const SAMPLE = 4; // the follower's default drift sample

function pools(count: number): Pool[] {
  const out: Pool[] = [];
  for (let i = 0; i < count; i++) {
    const address = getAddress(`0x${(0x1000 + i).toString(16).padStart(40, '0')}`);
    const token0 = getAddress(`0x${'a'.repeat(40)}`);
    const token1 = getAddress(`0x${'b'.repeat(40)}`);
    if (i % 5 === 4) {
      out.push({ kind: 'v3', address, token0, token1, fee: 3000, tickSpacing: 60, sqrtPriceX96: getSqrtRatioAtTick(0), tick: 0, liquidity: 10n ** 21n, ticks: [-600, 600], liquidityNet: [10n ** 21n, -(10n ** 21n)], liquidityGross: [10n ** 21n, 10n ** 21n] });
    } else {
      out.push({ kind: 'v2', address, token0, token1, reserve0: 10n ** 21n, reserve1: 10n ** 21n, feeBps: 30n });
    }
  }
  return out;
}

/** The follower's sampler before this change: every address copied, then random picks until full. */
function oldSample(market: MarketState, changed: ReadonlySet<Address>, size: number): Address[] {
  const candidates = [...changed];
  const all = market.addresses();
  while (candidates.length < size && candidates.length < all.length) {
    const pick = all[Math.floor(Math.random() * all.length)]!;
    if (!candidates.includes(pick)) candidates.push(pick);
  }
  return candidates.slice(0, size);
}

const hash = (n: number) => `0x${n.toString(16).padStart(64, '0')}` as Hex;
const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
const summary = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return `${sorted[0]!.toFixed(4)} / ${sorted[Math.floor(sorted.length / 2)]!.toFixed(4)} / ${sorted[sorted.length - 1]!.toFixed(4)}`;
};

const rows: Array<Record<string, string>> = [];
for (const count of [1_000, 50_000]) {
  const list = pools(count);
  for (const [name, sampler] of [['indexed (now)', driftSample], ['copy of every address (before)', oldSample]] as const) {
    const p50: number[] = [];
    const p99: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const market = new MarketState(64);
      market.reset(list, { number: 0n, hash: hash(0), parentHash: hash(0) });
      const times: number[] = [];
      for (let b = 1; b <= BLOCKS; b++) {
        const logs: PoolLog[] = [];
        for (let i = 0; i < LOGS_PER_BLOCK; i++) {
          const pool = list[(b * 7919 + i * 104729 + run) % count]!;
          const event = pool.kind === 'v2' ? ({ kind: 'sync', reserve0: 10n ** 21n + BigInt(b), reserve1: 10n ** 21n - BigInt(i) } as const) : ({ kind: 'v3swap', sqrtPriceX96: getSqrtRatioAtTick(b % 500), liquidity: 10n ** 21n, tick: b % 500 } as const);
          logs.push({ address: pool.address, event, blockNumber: BigInt(b), blockHash: hash(b), logIndex: i, removed: false });
        }
        const started = performance.now();
        const changed = market.applyBlock({ number: BigInt(b), hash: hash(b), parentHash: hash(b - 1) }, logs);
        sampler(market, changed, Math.max(SAMPLE, changed.size + SAMPLE));
        times.push(performance.now() - started);
      }
      times.sort((x, y) => x - y);
      p50.push(quantile(times, 0.5));
      p99.push(quantile(times, 0.99));
    }
    rows.push({ pools: count.toLocaleString('en-US'), sampler: name, 'p50 ms/block (min/med/max of 5)': summary(p50), 'p99 ms/block (min/med/max of 5)': summary(p99) });
  }
}
console.log(`${BLOCKS} blocks of ${LOGS_PER_BLOCK} pool logs each; apply (journaled) + drift sample of the changed pools plus ${SAMPLE} random`);
console.table(rows);
