// Market state benchmarks: memory per V3 pool with 10,000 pools loaded, and pool logs applied per second.
//   node --expose-gc --import tsx scripts/bench-state.ts      (npm run bench:state)
import { getAddress, type Address, type Hex } from 'viem';
import { getSqrtRatioAtTick } from '../src/amm/v3/tickMath.ts';
import type { PoolLog } from '../src/state/events.ts';
import { MarketState } from '../src/state/market.ts';
import type { V3Pool } from '../src/state/types.ts';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');

const POOLS = 10_000;
const TICKS_PER_POOL = 40;

function pool(index: number): V3Pool {
  const ticks: number[] = [];
  const liquidityNet: bigint[] = [];
  const liquidityGross: bigint[] = [];
  for (let k = TICKS_PER_POOL / 2; k >= 1; k--) {
    ticks.push(-60 * k * 10);
    liquidityNet.push(10n ** 21n + BigInt(index));
    liquidityGross.push(10n ** 21n + BigInt(index));
  }
  for (let k = 1; k <= TICKS_PER_POOL / 2; k++) {
    ticks.push(60 * k * 10);
    liquidityNet.push(-(10n ** 21n + BigInt(index)));
    liquidityGross.push(10n ** 21n + BigInt(index));
  }
  const hex = (index + 1).toString(16).padStart(40, '0');
  return {
    kind: 'v3',
    address: getAddress(`0x${hex}`),
    token0: getAddress(`0x${'a'.repeat(40)}`),
    token1: getAddress(`0x${'b'.repeat(40)}`),
    fee: 3000,
    tickSpacing: 60,
    sqrtPriceX96: getSqrtRatioAtTick(index % 500) + BigInt(index),
    tick: index % 500,
    liquidity: 10n ** 22n + BigInt(index),
    ticks,
    liquidityNet,
    liquidityGross,
  };
}

gc();
const before = process.memoryUsage().heapUsed;
const pools = Array.from({ length: POOLS }, (_, i) => pool(i));
const market = new MarketState(64);
market.reset(pools, { number: 0n, hash: '0x00', parentHash: '0x' });
gc();
const perPool = (process.memoryUsage().heapUsed - before) / POOLS;

// Logs: 90% swaps, 10% mints, 200 logs per block, spread over all pools.
const BLOCKS = 500;
const LOGS_PER_BLOCK = 200;
const blocks: PoolLog[][] = [];
let hash = 0;
for (let b = 0; b < BLOCKS; b++) {
  const logs: PoolLog[] = [];
  for (let i = 0; i < LOGS_PER_BLOCK; i++) {
    const target = pools[(b * LOGS_PER_BLOCK + i * 7919) % POOLS]!;
    const event =
      i % 10 === 0
        ? ({ kind: 'v3mint', tickLower: -120, tickUpper: 180, amount: 10n ** 18n } as const)
        : ({ kind: 'v3swap', sqrtPriceX96: getSqrtRatioAtTick(i % 300), liquidity: 10n ** 22n, tick: i % 300 } as const);
    logs.push({ address: target.address as Address, event, blockNumber: BigInt(b + 1), blockHash: '0x' as Hex, logIndex: i, removed: false });
  }
  blocks.push(logs);
}
const started = performance.now();
let parent: Hex = '0x00';
for (const [b, logs] of blocks.entries()) {
  const blockHash = `0x${(++hash).toString(16)}` as Hex;
  market.applyBlock({ number: BigInt(b + 1), hash: blockHash, parentHash: parent }, logs);
  parent = blockHash;
}
const seconds = (performance.now() - started) / 1000;
const logsPerSecond = (BLOCKS * LOGS_PER_BLOCK) / seconds;

console.table([
  { measure: `memory per V3 pool (${POOLS} pools, ${TICKS_PER_POOL} initialized ticks each)`, value: `${(perPool / 1024).toFixed(2)} KB`, goal: '< 20 KB' },
  { measure: `pool logs applied per second (90% Swap, 10% Mint, ${LOGS_PER_BLOCK} per block, journaled)`, value: Math.round(logsPerSecond).toLocaleString('en-US'), goal: '' },
]);
