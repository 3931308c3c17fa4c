import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadAuthAccount } from '../../src/config/authKey.ts';
import { loadSigner } from '../../src/config/secrets.ts';
import { runCli } from '../helpers/cli.ts';

// Invalid keys made for this test: one at or above the secp256k1 order n, one zero, one a byte short.
const outOfRange = `0x${'f'.repeat(64)}`;
const aboveOrder = '0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364199'; // n + 0x58: 64 hex digits
const zero = `0x${'0'.repeat(64)}`;
const short = '0x9c4f1e2a7b3d5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7'; // 31 bytes

/** Every way a key could leak: any 16-character piece of its hex (either case) or of its decimal value. */
function leakedPieces(text: string, key: string): string[] {
  const hex = key.replace(/^0x/, '').toLowerCase();
  const forms = [hex, BigInt(`0x${hex}`).toString(10)];
  const haystack = text.toLowerCase();
  const pieces = new Set<string>();
  for (const form of forms) for (let i = 0; i + 16 <= form.length; i++) if (haystack.includes(form.slice(i, i + 16))) pieces.add(form.slice(i, i + 16));
  return [...pieces];
}

async function thrown(work: () => unknown): Promise<Error> {
  try {
    await work();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}

/** Everything an error carries that a log or a report could print: message, stack, causes, own fields. */
function everything(error: Error): string {
  const parts: string[] = [];
  for (let e: unknown = error, depth = 0; e && depth < 10; e = (e as { cause?: unknown }).cause, depth++) {
    parts.push(String(e), (e as Error).stack ?? '', JSON.stringify(e, Object.getOwnPropertyNames(e)));
  }
  return parts.join('\n');
}

const dir = mkdtempSync(join(tmpdir(), 'key-errors-'));
// A chain nobody listens on: the key is read before the node is ever asked.
const chain = { chainId: 1, rpcUrl: 'http://127.0.0.1:1', wsUrl: 'ws://127.0.0.1:1', executor: { address: '0x00000000000000000000000000000000000000e1' } };
const config = (name: string, extra: Record<string, unknown> = {}) => {
  const file = join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify({ chain, ...extra }));
  return file;
};
const runArgs = (file: string, ...more: string[]) => ['run', '--config', file, '--no-dashboard', '--db', join(dir, 'never.db'), ...more];

describe('an invalid private key never appears in an error', () => {
  it('loadSigner and loadAuthAccount: out of range, zero and short keys give a SecretError that names the variable only', async () => {
    for (const key of [outOfRange, aboveOrder, zero, short]) {
      const signerError = await thrown(() => loadSigner({ keyEnvVar: 'OP_KEY', passwordEnvVar: 'OP_PASSWORD', env: { OP_KEY: key } }));
      expect(signerError.name).toBe('SecretError');
      expect(signerError.message).toMatch(/^OP_KEY is not a/);
      expect(leakedPieces(everything(signerError), key)).toEqual([]);
      const authError = await thrown(() => loadAuthAccount('AUTH_KEY', { AUTH_KEY: key }));
      expect(authError.name).toBe('SecretError');
      expect(leakedPieces(everything(authError), key)).toEqual([]);
    }
  });

  it('searcher run: SEARCHER_PRIVATE_KEY out of range or short exits 2 and prints no piece of it', async () => {
    for (const key of [outOfRange, aboveOrder, short]) {
      const result = await runCli(runArgs(config('plain')), { SEARCHER_PRIVATE_KEY: key, SEARCHER_LOG_LEVEL: 'debug' });
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/SEARCHER_PRIVATE_KEY is not a/);
      expect(leakedPieces(result.stdout + result.stderr, key)).toEqual([]);
    }
  });

  it('searcher run: a key variable named in the config, the auth key, a key pasted as a variable name or into broken JSON', async () => {
    const named = await runCli(runArgs(config('named', { signer: { keyEnv: 'OPERATOR_KEY' } })), { OPERATOR_KEY: outOfRange, SEARCHER_LOG_LEVEL: 'debug' });
    expect(named.code).toBe(2);
    expect(named.stderr).toMatch(/OPERATOR_KEY is not a/);
    expect(leakedPieces(named.stdout + named.stderr, outOfRange)).toEqual([]);

    const auth = await runCli(runArgs(config('auth'), '--dry-run'), { SEARCHER_FLASHBOTS_AUTH_KEY: aboveOrder, SEARCHER_LOG_LEVEL: 'debug' });
    expect(auth.code).toBe(2);
    expect(auth.stderr).toMatch(/SEARCHER_FLASHBOTS_AUTH_KEY is not a/);
    expect(leakedPieces(auth.stdout + auth.stderr, aboveOrder)).toEqual([]);

    // The key itself where the config wants the variable's name: refused as a name, never echoed.
    const pasted = await runCli(runArgs(config('pasted', { signer: { keyEnv: aboveOrder } })), { SEARCHER_LOG_LEVEL: 'debug' });
    expect(pasted.code).toBe(2);
    expect(pasted.stderr).toMatch(/signer\.keyEnv/);
    expect(leakedPieces(pasted.stdout + pasted.stderr, aboveOrder)).toEqual([]);

    // A config that is not JSON because a key sits in it unquoted: the parser's snippet of the text is not shown.
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, `{"chain": ${JSON.stringify(chain)}, "signer": {"keyEnv": ${aboveOrder}}}`);
    const unparsable = await runCli(runArgs(broken), { SEARCHER_LOG_LEVEL: 'debug' });
    expect(unparsable.code).toBe(2);
    expect(unparsable.stderr).toMatch(/invalid config/);
    expect(leakedPieces(unparsable.stdout + unparsable.stderr, aboveOrder)).toEqual([]);
  }, 60_000);
});
