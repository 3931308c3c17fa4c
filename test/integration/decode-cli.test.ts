import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { binPath, runCli } from '../helpers/cli.ts';

const corpusPath = new URL('../fixtures/mainnet-txs.jsonl', import.meta.url).pathname;

describe('searcher decode', () => {
  it('prints one line per transaction for the whole corpus, swaps only for router swaps', async () => {
    const result = await runCli(['decode', '--jsonl', corpusPath]);
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n').map((line) => JSON.parse(line));
    const inputs = readFileSync(corpusPath, 'utf8').trim().split('\n').map((line) => JSON.parse(line));
    expect(lines.map((line) => line.hash)).toEqual(inputs.map((tx) => tx.hash));
    expect(lines.filter((line) => line.swaps.length > 0).length).toBe(269);
    const first = lines.find((line) => line.swaps.length > 0)!.swaps[0];
    expect(Object.keys(first)).toEqual(['protocol', 'router', 'kind', 'tokenIn', 'tokenOut', 'path', 'fees', 'amountIn', 'amountOut', 'recipient', 'deadline']);
    expect(first.amountIn).toMatch(/^\d+$/);
  });

  it('reads stdin and keeps going past lines it cannot parse or decode', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'decode-'));
    const good = readFileSync(corpusPath, 'utf8').split('\n')[0]!;
    const truncatedSwap = JSON.stringify({ hash: '0xaa', from: `0x${'1'.repeat(40)}`, to: '0x7a250d5630b4cf539739df2c5dacb4c659f2488d', value: '0x0', input: '0x38ed1739' + '00'.repeat(40) });
    writeFileSync(join(dir, 'in.jsonl'), [good, 'not json', '{"hash":"0xbb","from":"nope"}', truncatedSwap, good].join('\n'));
    const child = spawn(process.execPath, [binPath, 'decode'], { stdio: ['pipe', 'pipe', 'pipe'] });
    child.stdin.end(readFileSync(join(dir, 'in.jsonl')));
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    expect(await new Promise((resolve) => child.on('exit', resolve))).toBe(0);
    const lines = out.trim().split('\n').map((line) => JSON.parse(line));
    expect(lines).toHaveLength(5);
    expect(lines[1]).toEqual({ hash: null, error: 'not JSON' });
    expect(lines[2]).toEqual({ hash: '0xbb', error: 'from must be an address' });
    expect(lines[3]).toEqual({ hash: '0xaa', error: 'calldata too short' });
    expect(lines[4]).toEqual(lines[0]);
  });
});

describe('searcher decode: UniversalRouter V4_SWAP', () => {
  it('reports a V4 swap (mixed with a V3 swap in one transaction) with protocol "v4", each pool key fee, tick spacing and hooks, and the pool id', async () => {
    // Not a mainnet transaction (the corpus predates V4): a plan built with viem from the router's ABI and
    // v4-periphery's structs, as the Uniswap interface sends it: V3 WETH -> USDC into the router, then V4
    // settles the router's USDC and swaps it (OPEN_DELTA) along USDC -> ETH -> a hooked pool, taken by the sender.
    const { Actions, Commands, currencyAndUint, currencyUintAndBool, encodeParams, executeCall, swapStructs, v4SwapInput } = await import('../helpers/v4Plans.ts');
    const { encodeAbiParameters } = await import('viem');
    const WETH = '0xc02aaa39b223fe8d0a0e5c4f27ead9083c756cc2';
    const USDC = '0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48';
    const PEPE = '0x6982508145454ce325ddbe47a25d4ec3d2311933';
    const HOOK = '0x00000000000000000000000000000000000020c0';
    const ETH = '0x0000000000000000000000000000000000000000';
    const v3 = encodeAbiParameters([{ type: 'address' }, { type: 'uint256' }, { type: 'uint256' }, { type: 'bytes' }, { type: 'bool' }], ['0x0000000000000000000000000000000000000002', 10n ** 18n, 3_000_000_000n, `0x${WETH.slice(2)}0001f4${USDC.slice(2)}`, true]);
    const path = [
      { intermediateCurrency: ETH, fee: 500, tickSpacing: 10, hooks: ETH, hookData: '0x' },
      { intermediateCurrency: PEPE, fee: 0x800000, tickSpacing: 200, hooks: HOOK, hookData: '0x1234' },
    ];
    const v4 = v4SwapInput([
      { action: Actions.SETTLE, params: encodeParams(currencyUintAndBool, [USDC, 1n << 255n, false]) },
      { action: Actions.SWAP_EXACT_IN, params: encodeParams(swapStructs('2.0').exactIn, [{ currencyIn: USDC, path, amountIn: 0n, amountOutMinimum: 7n * 10n ** 24n }]) },
      { action: Actions.TAKE_ALL, params: encodeParams(currencyAndUint, [PEPE, 7n * 10n ** 24n]) },
    ]);
    const from = `0x${'5'.repeat(40)}`;
    const line = JSON.stringify({ hash: '0xcc', from, to: '0x66a9893cc07d91d95644aedd05d03f95e1dba8af', value: '0x0', input: executeCall([Commands.V3_SWAP_EXACT_IN, Commands.V4_SWAP], [v3, v4], 1_800_000_000n) });
    const dir = mkdtempSync(join(tmpdir(), 'decode-v4-'));
    writeFileSync(join(dir, 'in.jsonl'), `${line}\n`);
    const result = await runCli(['decode', '--jsonl', join(dir, 'in.jsonl')]);
    expect(result.code).toBe(0);
    const [out] = result.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(out.swaps).toHaveLength(2);
    const [v3Swap, v4Swap] = out.swaps;
    // the V3 swap keeps exactly the fields it always had
    expect(Object.keys(v3Swap)).toEqual(['protocol', 'router', 'kind', 'tokenIn', 'tokenOut', 'path', 'fees', 'amountIn', 'amountOut', 'recipient', 'deadline']);
    expect(v3Swap.protocol).toBe('uniswap-v3');
    expect(v4Swap).toMatchObject({ protocol: 'v4', kind: 'exactIn', tokenIn: USDC, tokenOut: PEPE, path: [USDC, ETH, PEPE], fees: [500, 0x800000], tickSpacings: [10, 200], hooks: [ETH, HOOK], amountIn: '3000000000', amountOut: '7000000000000000000000000', recipient: from, deadline: '1800000000', openAmount: 'in' });
    expect(v4Swap.pools).toEqual([
      { poolId: expect.stringMatching(/^0x[0-9a-f]{64}$/), currency0: ETH, currency1: USDC, fee: 500, tickSpacing: 10, hooks: ETH, zeroForOne: false, hookData: '0x' },
      { poolId: expect.stringMatching(/^0x[0-9a-f]{64}$/), currency0: ETH, currency1: PEPE, fee: 0x800000, tickSpacing: 200, hooks: HOOK, zeroForOne: true, hookData: '0x1234' },
    ]);
    const { v4PoolId } = await import('../../src/amm/v4/poolKey.ts');
    expect(v4Swap.pools[1].poolId).toBe(v4PoolId({ currency0: ETH, currency1: PEPE, fee: 0x800000, tickSpacing: 200, hooks: HOOK }));
  });
});
