import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quoterV2Abi, v2RouterAbi } from '../../src/abi/routers.ts';
import { mainnet } from '../../src/chain/addresses.ts';
import type { Devnet } from '../../src/devnet/devnet.ts';
import { encodeV3Path } from '../../src/devnet/traffic/calldata.ts';
import { runCli } from '../helpers/cli.ts';
import { startTestDevnet } from '../helpers/devnet.ts';

let devnet: Devnet;
beforeAll(async () => {
  devnet = await startTestDevnet();
});
afterAll(async () => {
  await devnet?.stop();
});

const token = (symbol: string) => devnet.manifest.tokens.find((t) => t.symbol === symbol)!;

/** What the chain's own quoting says: Router02 for pairs, QuoterV2 for V3 pools. */
async function chainQuote(poolIndex: number, tokenIn: string, amountIn: bigint): Promise<bigint> {
  const pool = devnet.manifest.pools[poolIndex]!;
  const [a, b] = pool.pair.map(token);
  const [from, to] = tokenIn === a!.symbol ? [a!, b!] : [b!, a!];
  if (pool.dex === 'uniswapV3') {
    const path = encodeV3Path([{ pool: pool as never, tokenIn: from, tokenOut: to }]);
    const { result } = await devnet.client.simulateContract({ address: mainnet.quoterV2, abi: quoterV2Abi, functionName: 'quoteExactInput', args: [path, amountIn] });
    return result[0];
  }
  const router = pool.dex === 'sushiswap' ? mainnet.sushiswapRouter : mainnet.uniswapV2Router02;
  const amounts = await devnet.client.readContract({ address: router, abi: v2RouterAbi, functionName: 'getAmountsOut', args: [amountIn, [from.address, to.address]] });
  return amounts[1]!;
}

describe('searcher quote', () => {
  it('agrees with QuoterV2 and Router02 on every standard pool, both directions', async () => {
    const lines: string[] = [];
    const expected: bigint[] = [];
    for (const [index, pool] of devnet.manifest.pools.entries()) {
      if (pool.pair.some((s) => ['FOT', 'HONEY', 'SALMON'].includes(s))) continue;
      for (const symbol of pool.pair) {
        const amountIn = 10n ** BigInt(token(symbol).decimals) * 3n; // 3 whole tokens
        lines.push(JSON.stringify({ pool: pool.address, tokenIn: token(symbol).address, amountIn: amountIn.toString() }));
        expected.push(await chainQuote(index, symbol, amountIn));
      }
    }
    const dir = mkdtempSync(join(tmpdir(), 'quote-'));
    const file = join(dir, 'batch.jsonl');
    writeFileSync(file, `${lines.join('\n')}\n{"pool": "nope"}\n`);
    const result = await runCli(['quote', '--rpc', devnet.manifest.rpcUrl, '--batch', file]);
    expect(result.code).toBe(0);
    const out = result.stdout.trim().split('\n').map((line) => JSON.parse(line));
    expect(out.slice(0, -1).map((line) => BigInt(line.amountOut))).toEqual(expected);
    expect(out.at(-1).error).toMatch(/pool must be an address/);
    expect(expected.length).toBeGreaterThan(20);
  });

  it('answers a single quote as text or JSON', async () => {
    const pool = devnet.manifest.pools[2]!; // V3 WETH/USDC 0.05%
    const amountIn = 7n * 10n ** 18n;
    const args = ['quote', '--rpc', devnet.manifest.rpcUrl, '--pool', pool.address, '--token-in', mainnet.weth, '--amount-in', amountIn.toString()];
    const text = await runCli(args);
    expect(text.code).toBe(0);
    expect(BigInt(text.stdout.trim())).toBe(await chainQuote(2, 'WETH', amountIn));
    const json = JSON.parse((await runCli([...args, '--json'])).stdout);
    expect(json).toMatchObject({ pool: pool.address, kind: 'v3', amountIn: amountIn.toString(), amountOut: text.stdout.trim() });
  });

  it('explains bad input', async () => {
    const pool = devnet.manifest.pools[0]!;
    const wrongToken = await runCli(['quote', '--rpc', devnet.manifest.rpcUrl, '--pool', pool.address, '--token-in', token('DAI').address, '--amount-in', '1']);
    expect(wrongToken.code).toBe(2);
    expect(wrongToken.stderr).toMatch(/is not in pool/);
    const badAmount = await runCli(['quote', '--rpc', devnet.manifest.rpcUrl, '--pool', pool.address, '--token-in', mainnet.weth, '--amount-in', '1.5']);
    expect(badAmount.code).toBe(2);
    expect(badAmount.stderr).toMatch(/amountIn must be a positive integer/);
    const noNode = await runCli(['quote', '--rpc', 'http://127.0.0.1:9', '--pool', pool.address, '--token-in', mainnet.weth, '--amount-in', '1']);
    expect(noNode.code).toBe(1);
    expect(noNode.stderr).toMatch(/cannot reach the node/);
  });
});
