import type { Address, Hex } from 'viem';

/**
 * MEV-Share hints (the SSE events of mev-share-node: `{hash, logs, txs}`, `null` where nothing of that kind is
 * shared, extra fields tolerated) checked strictly and read into what a backrun needs: which pools the private
 * transaction swaps through and, where the user shared full logs, the amounts and each pool's state after it.
 * With Flashbots Protect's default hints (`default_logs`) a swap log comes scrubbed (data `0x`, topics zeroed):
 * the pool and the fact of a swap, amounts hidden. Pure; never throws.
 *
 * A Uniswap V4 swap is logged by the PoolManager (every V4 pool's), with the pool id in topic1: the swap names the
 * pool id (as the market keys V4 pools), and `manager` the log's address (the caller checks it is the PoolManager
 * the pool lives in). A V4 Swap whose id topic was scrubbed names no pool and is skipped (mev-share-node's
 * `special_logs` filter does not list V4 Swap at all: with default hints a V4 swap leaves nothing in the hint).
 */

const topics = {
  /** Uniswap V2 pair `Sync(uint112 reserve0, uint112 reserve1)`: the reserves after the call. */
  v2Sync: '0x1c411e9a96e071241c2f21f7726b17ae89e3cab4c78be50e062b03a9fffbbad1',
  /** Uniswap V2 pair `Swap(address indexed sender, uint amount0In, uint amount1In, uint amount0Out, uint amount1Out, address indexed to)`. */
  v2Swap: '0xd78ad95fa46c994b6551d0da85fc275fe613ce37657fb8d5e3d130840159d822',
  /** Uniswap V3 pool `Swap(address indexed sender, address indexed recipient, int256 amount0, int256 amount1, uint160 sqrtPriceX96, uint128 liquidity, int24 tick)`. */
  v3Swap: '0xc42079f94a6350d7e6235f29174924f928cc2ac818eb64fed8004e115fbcca67',
  /** Uniswap V4 PoolManager `Swap(bytes32 indexed id, address indexed sender, int128 amount0, int128 amount1, uint160 sqrtPriceX96, uint128 liquidity, int24 tick, uint24 fee)`. */
  v4Swap: '0x40e9cecb9f5f1f1c5b9c97dec2917b7ee92e57ba5563708daca94dd84ad7112f',
} as const;

export type HintLog = { address: Address; topics: Hex[]; data: Hex };
export type HintTx = { to?: Address; functionSelector?: Hex; callData?: Hex };

export type V2SwapAmounts = { amount0In: bigint; amount1In: bigint; amount0Out: bigint; amount1Out: bigint };
/** A V3 Swap log: the signed amounts the pool received (+) or paid (-), and the pool's state after the swap. */
export type V3SwapAmounts = { amount0: bigint; amount1: bigint; sqrtPriceX96: bigint; liquidity: bigint; tick: number };

/**
 * A V4 Swap log: the swapper's signed amounts (BalanceDelta: negative = paid into the pool), the pool's state after
 * the swap, and the fee charged (pips).
 */
export type V4SwapAmounts = { amount0: bigint; amount1: bigint; sqrtPriceX96: bigint; liquidity: bigint; tick: number; fee: number };

/**
 * One swap the hinted transaction makes (in log order); `pool` lower-case: a V2/V3 pool's address, a V4 pool's id
 * (with `manager`, the PoolManager that logged it).
 */
export type HintSwap =
  | { pool: Address; protocol: 'v2'; amounts: 'hidden' | V2SwapAmounts }
  | { pool: Address; protocol: 'v3'; amounts: 'hidden' | V3SwapAmounts }
  | { pool: Hex; protocol: 'v4'; manager: Address; amounts: 'hidden' | V4SwapAmounts };

/** A pool's state once the transaction has run, from its last full Sync (V2) or Swap (V3, V4) log in the hint. */
export type HintPoolState =
  | { pool: Address; protocol: 'v2'; reserve0: bigint; reserve1: bigint }
  | { pool: Address; protocol: 'v3'; sqrtPriceX96: bigint; liquidity: bigint; tick: number }
  | { pool: Hex; protocol: 'v4'; manager: Address; sqrtPriceX96: bigint; liquidity: bigint; tick: number };

export type PrivateHint = {
  /** The private transaction's hash: what a `mev_sendBundle` body refers to. */
  hash: Hex;
  swaps: HintSwap[];
  /** Pools whose post-transaction state the hint tells exactly (full logs); empty with scrubbed logs. */
  after: HintPoolState[];
  /** The `txs` hints (contract address, selector, calldata), [] when not shared. */
  txs: HintTx[];
  /** The logs as shared, checked (addresses lower-case). */
  logs: HintLog[];
  /** performance.now() when the stream delivered it (set by MevShareStream; absent from the pure parser). */
  seenMs?: number;
};

export type HintProblem = { kind: 'not-json' | 'not-object' | 'bad-hash' | 'bad-logs' | 'bad-txs'; reason: string };
/** `ignored`: logs with a known signature whose data does not fit that event (another contract's event): skipped. */
export type ParsedHint = { ok: true; hint: PrivateHint; ignored: Array<{ kind: 'odd-log'; reason: string }> } | ({ ok: false } & HintProblem);

const hash32 = /^0x[0-9a-fA-F]{64}$/;
const address20 = /^0x[0-9a-fA-F]{40}$/;
const hexData = /^0x(?:[0-9a-fA-F]{2})*$/;
const selector4 = /^0x[0-9a-fA-F]{8}$/;

const object = (value: unknown): Record<string, unknown> | undefined => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined);
const fail = (kind: HintProblem['kind'], reason: string): ParsedHint => ({ ok: false, kind, reason });

/** One SSE event's data. */
export function parseHintText(text: string): ParsedHint {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return fail('not-json', text.slice(0, 80));
  }
  return parseHint(json);
}

export function parseHint(value: unknown): ParsedHint {
  const json = object(value);
  if (!json) return fail('not-object', 'a hint must be a JSON object');
  if (typeof json.hash !== 'string' || !hash32.test(json.hash)) return fail('bad-hash', 'hash must be 32 bytes of hex');
  const logs: HintLog[] = [];
  if (json.logs !== null && json.logs !== undefined) {
    if (!Array.isArray(json.logs)) return fail('bad-logs', 'logs must be a list or null');
    for (const [index, item] of json.logs.entries()) {
      const log = object(item);
      if (!log || typeof log.address !== 'string' || !address20.test(log.address)) return fail('bad-logs', `logs[${index}].address must be an address`);
      if (!Array.isArray(log.topics) || log.topics.length > 4 || !log.topics.every((topic) => typeof topic === 'string' && hash32.test(topic))) return fail('bad-logs', `logs[${index}].topics must be up to 4 32-byte topics`);
      if (typeof log.data !== 'string' || !hexData.test(log.data)) return fail('bad-logs', `logs[${index}].data must be even-length hex`);
      logs.push({ address: log.address.toLowerCase() as Address, topics: (log.topics as string[]).map((topic) => topic.toLowerCase() as Hex), data: log.data as Hex });
    }
  }
  const txs: HintTx[] = [];
  if (json.txs !== null && json.txs !== undefined) {
    if (!Array.isArray(json.txs)) return fail('bad-txs', 'txs must be a list or null');
    for (const [index, item] of json.txs.entries()) {
      const tx = object(item);
      if (!tx) return fail('bad-txs', `txs[${index}] must be an object`);
      const present = (field: string) => tx[field] !== undefined && tx[field] !== null;
      if (present('to') && (typeof tx.to !== 'string' || !address20.test(tx.to))) return fail('bad-txs', `txs[${index}].to must be an address`);
      if (present('functionSelector') && (typeof tx.functionSelector !== 'string' || !selector4.test(tx.functionSelector))) return fail('bad-txs', `txs[${index}].functionSelector must be 4 bytes of hex`);
      if (present('callData') && (typeof tx.callData !== 'string' || !hexData.test(tx.callData))) return fail('bad-txs', `txs[${index}].callData must be even-length hex`);
      txs.push({
        ...(present('to') ? { to: (tx.to as string).toLowerCase() as Address } : {}),
        ...(present('functionSelector') ? { functionSelector: tx.functionSelector as Hex } : {}),
        ...(present('callData') ? { callData: tx.callData as Hex } : {}),
      });
    }
  }
  const { swaps, after, ignored } = readLogs(logs);
  return { ok: true, hint: { hash: json.hash as Hex, swaps, after, txs, logs }, ignored };
}

/** 32-byte words of a log's data, or undefined when it is not exactly `count` of them. */
function words(data: Hex, count: number): bigint[] | undefined {
  if (data.length !== 2 + 64 * count) return undefined;
  return Array.from({ length: count }, (_, index) => BigInt(`0x${data.slice(2 + 64 * index, 66 + 64 * index)}`));
}

const fits = (word: bigint, bits: number) => word < 1n << BigInt(bits);
/** A signed ABI word of `bits` bits: sign-extended to 256 bits, or not that type. */
function signed(word: bigint, bits: number): bigint | undefined {
  const value = BigInt.asIntN(bits, word);
  return BigInt.asUintN(256, value) === word ? value : undefined;
}

const zeroTopic = `0x${'0'.repeat(64)}`;

function readLogs(logs: readonly HintLog[]) {
  const swaps: HintSwap[] = [];
  const after = new Map<string, HintPoolState>();
  const ignored: Array<{ kind: 'odd-log'; reason: string }> = [];
  const odd = (log: HintLog, what: string) => ignored.push({ kind: 'odd-log', reason: `${log.address}: ${what} log whose data does not fit the event` });
  for (const log of logs) {
    const signature = log.topics[0];
    const pool = log.address;
    if (signature === topics.v2Sync) {
      if (log.data === '0x') continue; // scrubbed: tells nothing about the reserves
      const [reserve0, reserve1] = words(log.data, 2) ?? [];
      if (reserve0 === undefined || reserve1 === undefined || !fits(reserve0, 112) || !fits(reserve1, 112)) {
        odd(log, 'a V2 Sync');
        continue;
      }
      // Re-inserted so the map's order is the order each pool was last touched.
      after.delete(pool);
      after.set(pool, { pool, protocol: 'v2', reserve0, reserve1 });
    } else if (signature === topics.v2Swap) {
      if (log.data === '0x') {
        swaps.push({ pool, protocol: 'v2', amounts: 'hidden' });
        continue;
      }
      const amounts = words(log.data, 4);
      if (!amounts) {
        odd(log, 'a V2 Swap');
        continue;
      }
      const [amount0In, amount1In, amount0Out, amount1Out] = amounts as [bigint, bigint, bigint, bigint];
      swaps.push({ pool, protocol: 'v2', amounts: { amount0In, amount1In, amount0Out, amount1Out } });
    } else if (signature === topics.v3Swap) {
      if (log.data === '0x') {
        swaps.push({ pool, protocol: 'v3', amounts: 'hidden' });
        continue;
      }
      const [word0, word1, sqrtPriceX96, liquidity, tickWord] = words(log.data, 5) ?? [];
      const amount0 = word0 === undefined ? undefined : signed(word0, 256);
      const amount1 = word1 === undefined ? undefined : signed(word1, 256);
      const tick = tickWord === undefined ? undefined : signed(tickWord, 24);
      if (amount0 === undefined || amount1 === undefined || tick === undefined || sqrtPriceX96 === undefined || liquidity === undefined || !fits(sqrtPriceX96, 160) || !fits(liquidity, 128)) {
        odd(log, 'a V3 Swap');
        continue;
      }
      swaps.push({ pool, protocol: 'v3', amounts: { amount0, amount1, sqrtPriceX96, liquidity, tick: Number(tick) } });
      after.delete(pool);
      after.set(pool, { pool, protocol: 'v3', sqrtPriceX96, liquidity, tick: Number(tick) });
    } else if (signature === topics.v4Swap) {
      const id = log.topics[1];
      // Scrubbed to the signature (or its id zeroed): the swap is in some V4 pool of this PoolManager, which one unknown.
      if (id === undefined || id === zeroTopic) {
        ignored.push({ kind: 'odd-log', reason: `${log.address}: a V4 Swap log without its pool id names no pool` });
        continue;
      }
      const manager = log.address;
      if (log.data === '0x') {
        swaps.push({ pool: id, protocol: 'v4', manager, amounts: 'hidden' });
        continue;
      }
      const [word0, word1, sqrtPriceX96, liquidity, tickWord, fee] = words(log.data, 6) ?? [];
      const amount0 = word0 === undefined ? undefined : signed(word0, 128);
      const amount1 = word1 === undefined ? undefined : signed(word1, 128);
      const tick = tickWord === undefined ? undefined : signed(tickWord, 24);
      if (amount0 === undefined || amount1 === undefined || tick === undefined || sqrtPriceX96 === undefined || liquidity === undefined || fee === undefined || !fits(sqrtPriceX96, 160) || !fits(liquidity, 128) || !fits(fee, 24)) {
        odd(log, 'a V4 Swap');
        continue;
      }
      swaps.push({ pool: id, protocol: 'v4', manager, amounts: { amount0, amount1, sqrtPriceX96, liquidity, tick: Number(tick), fee: Number(fee) } });
      after.delete(id);
      after.set(id, { pool: id, protocol: 'v4', manager, sqrtPriceX96, liquidity, tick: Number(tick) });
    }
  }
  return { swaps, after: [...after.values()], ignored };
}
