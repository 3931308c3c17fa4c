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
