import { decodeAbiParameters, encodeDeployData, getAddress, type Address, type PublicClient } from 'viem';
import { poolStateReaderAbi, poolStateReaderBytecode } from '../abi/poolStateReader.generated.ts';
import { SearcherError } from '../errors.ts';
import type { Limiter } from '../chain/inFlight.ts';
import type { V2Pair, V3Pool } from './types.ts';

export class StateReadError extends SearcherError {}

/** The reader's answer would exceed what a contract creation may return (EIP-170, 24,576 bytes): fewer per call. */
export class ReturnTooLargeError extends StateReadError {}

/**
 * The reader returns its answer as the code of the contract it pretends to create, so an answer is capped at
 * 24,576 bytes (EIP-170; nodes enforce it on eth_call too). ABI sizes: a V2 pair 5 words; a V3 header 11 words
 * plus 3 array lengths and its offset; an initialized tick 3 words. Batches are cut to fit, with room to spare.
 */
const ANSWER_BUDGET = 22_000;
const answerBytes = (v2: number, v3: number) => 256 + 160 * v2 + 480 * v3;
const sizeLimited = /CreateContractSizeLimit|max code size|code size (limit|exceeded)|contract code size|exceeds? .*24576/i;

export type ReadPoolsParameters = {
  v3?: readonly Address[];
  v2?: readonly Address[];
  /** Default: latest. */
  blockNumber?: bigint;
  /** Fee of the V2 pairs (bps), by pair; default 30. */
  v2FeeBps?: (pair: Address) => bigint;
  /** Every eth_call goes through it (bounds the requests in flight); default: unbounded. */
  limiter?: Limiter;
};

const unbounded: Limiter = (work) => work();

const resultTypes = [
  {
    type: 'tuple[]',
    components: [
      { name: 'pool', type: 'address' },
      { name: 'token0', type: 'address' },
      { name: 'token1', type: 'address' },
      { name: 'fee', type: 'uint24' },
      { name: 'tickSpacing', type: 'int24' },
      { name: 'sqrtPriceX96', type: 'uint160' },
      { name: 'tick', type: 'int24' },
      { name: 'liquidity', type: 'uint128' },
      { name: 'ticks', type: 'int24[]' },
      { name: 'liquidityNet', type: 'int128[]' },
      { name: 'liquidityGross', type: 'uint128[]' },
    ],
  },
  {
    type: 'tuple[]',
    components: [
      { name: 'pair', type: 'address' },
      { name: 'token0', type: 'address' },
      { name: 'token1', type: 'address' },
      { name: 'reserve0', type: 'uint112' },
      { name: 'reserve1', type: 'uint112' },
    ],
  },
] as const;

/** Bitmap words per eth_call: ~3k gas each, so a call stays far below a node's 30-50M eth_call gas cap. */
const WORDS_PER_CALL = 2000;

type WordRange = { pool: Address; from: number; to: number };

async function callReader(client: PublicClient, ranges: readonly WordRange[], v2: readonly Address[], blockNumber: bigint) {
  const data = encodeDeployData({
    abi: poolStateReaderAbi,
    bytecode: poolStateReaderBytecode,
    args: [ranges.map((r) => r.pool), ranges.map((r) => r.from), ranges.map((r) => r.to), v2],
  });
  let returned: `0x${string}` | undefined;
  try {
    ({ data: returned } = await client.call({ data, blockNumber }));
  } catch (cause) {
    const message = (cause as Error).message.split('\n')[0];
    if (sizeLimited.test(errorText(cause))) throw new ReturnTooLargeError('STATE_READ', `reading ${ranges.length + v2.length} pools returned more than a call may (${message})`, { cause });
    throw new StateReadError('STATE_READ', `reading ${ranges.length + v2.length} pools failed: ${message}`, { cause });
  }
  if (!returned) throw new StateReadError('STATE_READ', 'the state reader returned nothing');
  return decodeAbiParameters(resultTypes, returned);
}

/** Every message and detail down an error's cause chain. */
function errorText(error: unknown): string {
  const parts: string[] = [];
  for (let at = error, depth = 0; at && typeof at === 'object' && depth < 8; at = (at as { cause?: unknown }).cause, depth++) {
    const { message, details } = at as { message?: unknown; details?: unknown };
    for (const text of [message, details]) if (typeof text === 'string') parts.push(text);
  }
  return parts.join('\n');
}

/** Every bitmap word a pool has: from MIN_TICK's to MAX_TICK's, compressed by its spacing. */
export function fullWordRange(tickSpacing: number): { from: number; to: number } {
  return { from: Math.trunc(-887272 / tickSpacing) >> 8, to: Math.trunc(887272 / tickSpacing) >> 8 };
}

/**
 * The words around the current tick covering a price move of `priceFactor` either way (at least one word each
 * side), within the pool's full range. A trade that would move the price further is refused, not guessed.
 */
export function windowAround(tick: number, tickSpacing: number, priceFactor: number): { from: number; to: number } {
  const full = fullWordRange(tickSpacing);
  const ticks = Math.ceil(Math.log(priceFactor) / Math.log(1.0001));
  const radius = Math.max(1, Math.ceil(ticks / (256 * tickSpacing)));
  const word = Math.floor(Math.floor(tick / tickSpacing) / 256);
  return { from: Math.max(full.from, word - radius), to: Math.min(full.to, word + radius) };
}

/**
 * One planned call of tick words; when its answer would be too large (pools with many initialized ticks), the
 * call is halved (by ranges, then by words) until each part fits. A single word over the cap cannot be split.
 */
async function readWordRanges(client: PublicClient, calls: readonly WordRange[], blockNumber: bigint, limiter: Limiter): Promise<Array<Awaited<ReturnType<typeof callReader>>>> {
  try {
    return [await limiter(() => callReader(client, calls, [], blockNumber))];
  } catch (error) {
    if (!(error instanceof ReturnTooLargeError)) throw error;
    let halves: WordRange[][];
    if (calls.length > 1) halves = [calls.slice(0, Math.ceil(calls.length / 2)), calls.slice(Math.ceil(calls.length / 2))];
    else {
      const [range] = calls as [WordRange];
      if (range.from >= range.to) throw new StateReadError('STATE_READ', `the initialized ticks of one bitmap word of ${range.pool} (word ${range.from}) do not fit one answer`, { cause: error });
      const middle = Math.floor((range.from + range.to) / 2);
      halves = [[{ ...range, to: middle }], [{ ...range, from: middle + 1 }]];
    }
    // In order: the first half's words come before the second's, so appended tick lists stay sorted.
    const first = await readWordRanges(client, halves[0]!, blockNumber, limiter);
    const second = await readWordRanges(client, halves[1]!, blockNumber, limiter);
    return [...first, ...second];
  }
}

/** Splits each pool's word range into chunks of at most WORDS_PER_CALL words, packed into calls. */
function planWordCalls(ranges: ReadonlyMap<Address, { from: number; to: number }>): WordRange[][] {
  const calls: WordRange[][] = [];
  let current: WordRange[] = [];
  let budget = WORDS_PER_CALL;
  for (const [pool, range] of ranges) {
    let from = range.from;
    const last = range.to;
    while (from <= last) {
      const to = Math.min(last, from + budget - 1);
      current.push({ pool, from, to });
      budget -= to - from + 1;
      from = to + 1;
      if (budget === 0) {
        calls.push(current);
        current = [];
        budget = WORDS_PER_CALL;
      }
    }
  }
  if (current.length > 0) calls.push(current);
  return calls;
}

/**
 * Reads many pools at one block with the deploy-less PoolStateReader: one call for prices, liquidity and
 * reserves, then the V3 tick bitmaps in chunks (in parallel), merged into complete, exact pool states.
 */
export async function readPools(client: PublicClient, parameters: ReadPoolsParameters & { windows?: TickWindows }): Promise<{ v3: V3Pool[]; v2: V2Pair[] }> {
  const blockNumber = parameters.blockNumber ?? (await client.getBlockNumber({ cacheTime: 0 }));
  const headers = await readPoolHeaders(client, { ...parameters, blockNumber });
  return { v2: headers.v2, v3: await readPoolTicks(client, headers.v3, blockNumber, parameters.limiter, parameters.windows) };
}

/** Which bitmap words to load per pool (undefined: every word). */
export type TickWindows = (pool: Pick<V3Pool, 'address' | 'tick' | 'tickSpacing'>) => { from: number; to: number } | undefined;

/**
 * Everything but the V3 ticks, in one call: V2 reserves, V3 price, tick and active liquidity (the V3 pools come
 * back with empty tick lists: enough to value them, not to quote them; `readPoolTicks` completes them).
 */
export async function readPoolHeaders(client: PublicClient, parameters: ReadPoolsParameters & { blockNumber: bigint }): Promise<{ v3: V3Pool[]; v2: V2Pair[] }> {
  const v2List = parameters.v2 ?? [];
  const v3List = parameters.v3 ?? [];
  // More than fits one answer: in parts within the EIP-170 cap (V2 pairs and V3 headers apart), in order.
  if (answerBytes(v2List.length, v3List.length) > ANSWER_BUDGET) {
    const v2Per = Math.floor((ANSWER_BUDGET - 256) / 160);
    const v3Per = Math.floor((ANSWER_BUDGET - 256) / 480);
    const parts: Array<{ v2: readonly Address[]; v3: readonly Address[] }> = [];
    for (let i = 0; i < v2List.length; i += v2Per) parts.push({ v2: v2List.slice(i, i + v2Per), v3: [] });
    for (let i = 0; i < v3List.length; i += v3Per) parts.push({ v2: [], v3: v3List.slice(i, i + v3Per) });
    const results = await Promise.all(parts.map((part) => readPoolHeaders(client, { ...parameters, ...part })));
    return { v2: results.flatMap((result) => result.v2), v3: results.flatMap((result) => result.v3) };
  }
  const limiter = parameters.limiter ?? unbounded;
  const [headers, v2] = await limiter(() => callReader(client, v3List.map((pool) => ({ pool, from: 1, to: 0 })), v2List, parameters.blockNumber));
  return {
    v3: headers.map((pool) => ({
      kind: 'v3' as const,
      address: getAddress(pool.pool),
      token0: getAddress(pool.token0),
      token1: getAddress(pool.token1),
      fee: pool.fee,
      tickSpacing: pool.tickSpacing,
      sqrtPriceX96: pool.sqrtPriceX96,
      tick: pool.tick,
      liquidity: pool.liquidity,
      ticks: [],
      liquidityNet: [],
      liquidityGross: [],
    })),
    v2: v2.map((pair) => ({
      kind: 'v2' as const,
      address: getAddress(pair.pair),
      token0: getAddress(pair.token0),
      token1: getAddress(pair.token1),
      reserve0: pair.reserve0,
      reserve1: pair.reserve1,
      feeBps: parameters.v2FeeBps?.(getAddress(pair.pair)) ?? 30n,
    })),
  };
}

/**
 * The V3 pools with their initialized ticks, at one block: every word of their bitmaps, or the window `windows`
 * names (recorded as the pool's `wordRange`), read in chunks through the limiter.
 */
export async function readPoolTicks(client: PublicClient, pools: readonly V3Pool[], blockNumber: bigint, limiter: Limiter = unbounded, windows?: TickWindows): Promise<V3Pool[]> {
  const ranges = new Map(pools.map((pool) => [pool.address, windows?.(pool) ?? fullWordRange(pool.tickSpacing)]));
  const ticks = new Map<Address, { ticks: number[]; liquidityNet: bigint[]; liquidityGross: bigint[] }>(
    [...ranges.keys()].map((pool) => [pool, { ticks: [], liquidityNet: [], liquidityGross: [] }]),
  );
  const chunks = (await Promise.all(planWordCalls(ranges).map((calls) => readWordRanges(client, calls, blockNumber, limiter)))).flat();
  // Chunks are in ascending word order per pool, so appending keeps every tick list sorted.
  for (const [states] of chunks) {
    for (const state of states) {
      const entry = ticks.get(getAddress(state.pool))!;
      entry.ticks.push(...state.ticks);
      entry.liquidityNet.push(...state.liquidityNet);
      entry.liquidityGross.push(...state.liquidityGross);
    }
  }
  return pools.map((pool) => {
    const { wordRange: _previous, ...rest } = pool;
    const window = windows?.(pool);
    return { ...rest, ...ticks.get(pool.address)!, ...(window ? { wordRange: window } : {}) };
  });
}
