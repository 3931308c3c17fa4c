// The liquidity floor's token prices kept with the blocks, at 1,000 vs 50,000 tracked pools: the promoter's price
// book moved by each block's changed pools (now), against the full recompute over every pool it did every 100
// blocks before (wethPrices over the market: the spike of that block). Five runs; per run the p50 and p99 of the
// per-block move and the time of one full recompute; printed as min / median / max over the runs.
//   npx tsx scripts/bench-floor-prices.ts
import { getAddress, type Address } from 'viem';
import { wethPrices } from '../src/state/liquidityFloor.ts';
import { WethPriceBook } from '../src/state/priceBook.ts';
import type { Pool } from '../src/state/types.ts';

const RUNS = 5;
const BLOCKS = 300;
const CHANGED_PER_BLOCK = 40; // ~40 swaps a block, each moving a pool or two
const address = (n: number): Address => getAddress(`0x${n.toString(16).padStart(40, '0')}`);
const WETH = address(0xc02a);

/** A market of `count` pairs over count/8 tokens: each token has a WETH pair, the rest join random tokens. */
function market(count: number): Pool[] {
  const tokens = Math.max(8, Math.floor(count / 8));
  const out: Pool[] = [];
  let seed = 7;
  const random = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
  for (let i = 0; out.length < count; i++) {
    const a = i < tokens ? WETH : address(0x10_000 + Math.floor(random() * tokens));
    const b = address(0x10_000 + (i < tokens ? i : Math.floor(random() * tokens)));
    if (a === b) continue;
    const [token0, token1] = a.toLowerCase() < b.toLowerCase() ? [a, b] : [b, a];
    out.push({ kind: 'v2', address: address(0x100_000 + i), token0, token1, reserve0: BigInt(1 + Math.floor(random() * 1e6)) * 10n ** 15n, reserve1: BigInt(1 + Math.floor(random() * 1e6)) * 10n ** 15n, feeBps: 30n });
  }
  return out;
}

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
const summary = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return `${sorted[0]!.toFixed(4)} / ${sorted[Math.floor(sorted.length / 2)]!.toFixed(4)} / ${sorted[sorted.length - 1]!.toFixed(4)}`;
};

const rows: Array<Record<string, string>> = [];
for (const count of [1_000, 50_000]) {
  const pools = market(count);
  const p50: number[] = [];
  const p99: number[] = [];
  const full: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const book = new WethPriceBook(pools, WETH);
    const times: number[] = [];
    let seed = run + 1;
    const random = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    for (let block = 0; block < BLOCKS; block++) {
      const changed: Pool[] = [];
      for (let k = 0; k < CHANGED_PER_BLOCK; k++) {
        const at = Math.floor(random() * pools.length);
        const pool = pools[at]! as Extract<Pool, { kind: 'v2' }>;
        pools[at] = { ...pool, reserve0: pool.reserve0 + 10n ** 15n, reserve1: pool.reserve1 - 10n ** 12n };
        changed.push(pools[at]!);
      }
      const started = performance.now();
      book.move(changed);
      times.push(performance.now() - started);
    }
    times.sort((a, b) => a - b);
    p50.push(quantile(times, 0.5));
    p99.push(quantile(times, 0.99));
    const started = performance.now();
    wethPrices(pools, WETH);
    full.push(performance.now() - started);
  }
  rows.push({ pools: String(count), 'per block, book (now) p50 ms': summary(p50), 'per block, book (now) p99 ms': summary(p99), 'full recompute (before, every 100 blocks) ms': summary(full) });
}
console.table(rows);
