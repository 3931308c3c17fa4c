import { encodeAbiParameters, encodeEventTopics, parseAbi, type Address, type Hex } from 'viem';
import { describe, expect, it } from 'vitest';
import { filterDefaultLogs, type HintLog } from '../../src/devnet/relays/mevShareHints.ts';
import { parseHint, parseHintText } from '../../src/mempool/mevShareHint.ts';
import { SseParser } from '../../src/mempool/sse.ts';

// Encoded by viem from the events' ABI (an independent encoder), parsed by ours.
const abi = parseAbi([
  'event Sync(uint112 reserve0, uint112 reserve1)',
  'event Swap(address indexed sender, uint256 amount0In, uint256 amount1In, uint256 amount0Out, uint256 amount1Out, address indexed to)',
]);
const v3Abi = parseAbi(['event Swap(address indexed sender, address indexed recipient, int256 amount0, int256 amount1, uint160 sqrtPriceX96, uint128 liquidity, int24 tick)']);
const pair = '0x1111111111111111111111111111111111111111' as Address;
const pool = '0x2222222222222222222222222222222222222222' as Address;
const someone = '0x3333333333333333333333333333333333333333' as Address;
const hash = `0x${'ab'.repeat(32)}` as Hex;

function syncLog(reserve0: bigint, reserve1: bigint): HintLog {
  return { address: pair, topics: encodeEventTopics({ abi, eventName: 'Sync' }) as Hex[], data: encodeAbiParameters([{ type: 'uint112' }, { type: 'uint112' }], [reserve0, reserve1]) };
}
function v2SwapLog(amounts: [bigint, bigint, bigint, bigint]): HintLog {
  return {
    address: pair,
    topics: encodeEventTopics({ abi, eventName: 'Swap', args: { sender: someone, to: someone } }) as Hex[],
    data: encodeAbiParameters([{ type: 'uint256' }, { type: 'uint256' }, { type: 'uint256' }, { type: 'uint256' }], amounts),
  };
}
function v3SwapLog(amount0: bigint, amount1: bigint, sqrtPriceX96: bigint, liquidity: bigint, tick: number): HintLog {
  return {
    address: pool,
    topics: encodeEventTopics({ abi: v3Abi, eventName: 'Swap', args: { sender: someone, recipient: someone } }) as Hex[],
    data: encodeAbiParameters([{ type: 'int256' }, { type: 'int256' }, { type: 'uint160' }, { type: 'uint128' }, { type: 'int24' }], [amount0, amount1, sqrtPriceX96, liquidity, tick]),
  };
}

describe('MEV-Share hint parser', () => {
  it('reads full V2 Sync + Swap and V3 Swap logs: amounts, reserves after, and the V3 pool state after (negative amounts, negative tick)', () => {
    const logs = [syncLog(123n * 10n ** 18n, 456_000n * 10n ** 6n), v2SwapLog([10n ** 18n, 0n, 0n, 2_990n * 10n ** 6n]), v3SwapLog(-5n * 10n ** 17n, 1_500n * 10n ** 6n, 2n ** 96n / 3n, 10n ** 20n, -200_311)];
    const parsed = parseHint({ hash, logs, txs: null });
    if (!parsed.ok) throw new Error(parsed.reason);
    expect(parsed.ignored).toEqual([]);
    expect(parsed.hint.hash).toBe(hash);
    expect(parsed.hint.swaps).toEqual([
      { pool: pair, protocol: 'v2', amounts: { amount0In: 10n ** 18n, amount1In: 0n, amount0Out: 0n, amount1Out: 2_990n * 10n ** 6n } },
      { pool, protocol: 'v3', amounts: { amount0: -5n * 10n ** 17n, amount1: 1_500n * 10n ** 6n, sqrtPriceX96: 2n ** 96n / 3n, liquidity: 10n ** 20n, tick: -200_311 } },
    ]);
    expect(parsed.hint.after).toEqual([
      { pool: pair, protocol: 'v2', reserve0: 123n * 10n ** 18n, reserve1: 456_000n * 10n ** 6n },
      { pool, protocol: 'v3', sqrtPriceX96: 2n ** 96n / 3n, liquidity: 10n ** 20n, tick: -200_311 },
    ]);
    expect(parsed.hint.txs).toEqual([]);
  });

  it('reads the relay\'s scrubbed default_logs as the pool and the fact of a swap, amounts hidden, no state after', () => {
    const scrubbed = filterDefaultLogs([syncLog(1n, 2n), v2SwapLog([1n, 0n, 0n, 3n]), v3SwapLog(1n, -1n, 2n ** 96n, 1n, 0)]);
    expect(scrubbed.length).toBe(2);
    // A relay that scrubs the Sync too (instead of leaving it out) tells no reserves either.
    const parsed = parseHint({ hash, logs: [{ ...syncLog(0n, 0n), data: '0x' }, ...scrubbed], txs: null });
    if (!parsed.ok) throw new Error(parsed.reason);
    expect(parsed.hint.swaps).toEqual([
      { pool: pair, protocol: 'v2', amounts: 'hidden' },
      { pool, protocol: 'v3', amounts: 'hidden' },
    ]);
    expect(parsed.hint.after).toEqual([]);
    expect(parsed.ignored).toEqual([]);
  });

  it('keeps the last Sync of a pair as its state after the transaction (two swaps through one pair)', () => {
    const parsed = parseHint({ hash, logs: [syncLog(5n, 6n), v2SwapLog([1n, 0n, 0n, 1n]), syncLog(7n, 8n), v2SwapLog([0n, 2n, 2n, 0n])], txs: null });
    if (!parsed.ok) throw new Error(parsed.reason);
    expect(parsed.hint.swaps.length).toBe(2);
    expect(parsed.hint.after).toEqual([{ pool: pair, protocol: 'v2', reserve0: 7n, reserve1: 8n }]);
  });

  it('accepts txs hints (to, functionSelector, callData) and tolerates extra fields', () => {
    const parsed = parseHint({ hash, logs: null, txs: [{ to: pair, functionSelector: '0x38ed1739', callData: '0x38ed1739aa' }], mevGasPrice: '0x1', gasUsed: '0x5208' });
    if (!parsed.ok) throw new Error(parsed.reason);
    expect(parsed.hint.txs).toEqual([{ to: pair, functionSelector: '0x38ed1739', callData: '0x38ed1739aa' }]);
    expect(parsed.hint.swaps).toEqual([]);
  });

  it.each([
    ['not-json', '{"hash": '],
    ['not-object', '[1,2]'],
    ['bad-hash', JSON.stringify({ hash: '0xzz', logs: null, txs: null })],
    ['bad-hash', JSON.stringify({ hash: `0x${'ab'.repeat(31)}`, logs: null, txs: null })],
    ['bad-logs', JSON.stringify({ hash, logs: 'x', txs: null })],
    ['bad-logs', JSON.stringify({ hash, logs: [{ address: 'nope', topics: [], data: '0x' }], txs: null })],
    ['bad-logs', JSON.stringify({ hash, logs: [{ address: pair, topics: ['0x12'], data: '0x' }], txs: null })],
    ['bad-logs', JSON.stringify({ hash, logs: [{ address: pair, topics: [], data: '0x1' }], txs: null })],
    ['bad-txs', JSON.stringify({ hash, logs: null, txs: {} })],
    ['bad-txs', JSON.stringify({ hash, logs: null, txs: [{ to: 5 }] })],
    ['bad-txs', JSON.stringify({ hash, logs: null, txs: [{ functionSelector: '0x1234' }] })],
  ])('refuses %s: %s', (kind, text) => {
    const parsed = parseHintText(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.kind).toBe(kind);
  });

  it('ignores (and reports) a swap log whose data does not fit the event, keeping the rest of the hint', () => {
    const odd = { ...v2SwapLog([1n, 0n, 0n, 1n]), data: '0x1234' as Hex };
    const huge = { ...syncLog(1n, 2n), data: encodeAbiParameters([{ type: 'uint256' }, { type: 'uint256' }], [2n ** 112n, 1n]) };
    const parsed = parseHint({ hash, logs: [odd, huge, v3SwapLog(1n, -1n, 2n ** 96n, 5n, 3)], txs: null });
    if (!parsed.ok) throw new Error(parsed.reason);
    expect(parsed.ignored.map((item) => item.kind)).toEqual(['odd-log', 'odd-log']);
    expect(parsed.hint.swaps).toEqual([{ pool, protocol: 'v3', amounts: { amount0: 1n, amount1: -1n, sqrtPriceX96: 2n ** 96n, liquidity: 5n, tick: 3 } }]);
    expect(parsed.hint.after).toEqual([{ pool, protocol: 'v3', sqrtPriceX96: 2n ** 96n, liquidity: 5n, tick: 3 }]);
  });
});

describe('SSE parser (WHATWG event-stream rules)', () => {
  it('dispatches data events on a blank line, joins multi-line data, counts comments, across arbitrary chunk splits and CRLF/CR/LF', () => {
    const stream = ':ok\n\ndata: {"a":1}\n\n:ping\r\n\r\ndata: first\r\ndata:second\r\rid: 7\nevent: other\ndata: x\n\nretry: 5\n\n';
    for (let split = 1; split < stream.length; split++) {
      const parser = new SseParser();
      const events = [...parser.feed(stream.slice(0, split)), ...parser.feed(stream.slice(split))];
      expect(events, `split at ${split}`).toEqual([
        { type: 'message', data: '{"a":1}' },
        { type: 'message', data: 'first\nsecond' },
        { type: 'other', data: 'x', id: '7' },
      ]);
      expect(parser.comments).toBe(2);
    }
  });

  it('never dispatches an event the stream ended in the middle of', () => {
    const parser = new SseParser();
    expect(parser.feed('data: {"hash":"0x')).toEqual([]);
    expect(parser.feed('12"}\n')).toEqual([]);
    expect(parser.pending).toBe(true);
    // The stream ends here: a new parser (a new connection) starts clean.
    const next = new SseParser();
    expect(next.feed('data: 1\n\n')).toEqual([{ type: 'message', data: '1' }]);
  });
});
