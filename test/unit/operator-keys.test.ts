import { privateKeyToAccount } from 'viem/accounts';
import { describe, expect, it } from 'vitest';
import { childEnvironment } from '../../src/chain/childEnv.ts';
import { loadOperatorKeys } from '../../src/config/operatorKeys.ts';
import { SecretError } from '../../src/config/secrets.ts';

// Throwaway keys made for this test only.
const keys = ['0x5c1f7b1e0a5c7b3bfb0c3d2b8e7a1f9c4d6e8a2b3c4d5e6f708192a3b4c5d6e7', '0x1d2c3b4a59687766554433221100ffeeddccbbaa99887766554433221100ffee'] as const;
const base = { envVar: 'TEST_OPERATOR_KEYS', passwordEnvVar: 'TEST_PASSWORD' };

function errorOf(run: () => unknown): SecretError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(SecretError);
    return error as SecretError;
  }
  throw new Error('expected a SecretError');
}

describe('operator pool keys (SEARCHER_OPERATOR_KEYS)', () => {
  it('reads every comma-separated key, in order, spaces and 0x or not', () => {
    const accounts = loadOperatorKeys({ ...base, env: { TEST_OPERATOR_KEYS: ` ${keys[0]} ,${keys[1].slice(2)}\n` } });
    expect(accounts.map((account) => account.address)).toEqual(keys.map((key) => privateKeyToAccount(key).address));
  });

  it('none set: an empty pool (the main operator alone)', () => {
    expect(loadOperatorKeys({ ...base, env: {} })).toEqual([]);
    expect(loadOperatorKeys({ ...base, env: { TEST_OPERATOR_KEYS: ' ' } })).toEqual([]);
  });

  it('a bad entry is refused by its place in the list, never by what it holds', () => {
    const broken = `${keys[1].slice(0, 30)}zz${keys[1].slice(32)}`;
    const error = errorOf(() => loadOperatorKeys({ ...base, env: { TEST_OPERATOR_KEYS: `${keys[0]},${broken}` } }));
    expect(error.message).toBe('TEST_OPERATOR_KEYS entry 2 is not a 32-byte hex private key');
    const text = JSON.stringify(error) + String(error.stack) + String((error as { cause?: unknown }).cause);
    for (const key of [...keys, broken]) expect(text).not.toContain(key.slice(2, 42));
    const empty = errorOf(() => loadOperatorKeys({ ...base, env: { TEST_OPERATOR_KEYS: `${keys[0]},,${keys[1]}` } }));
    expect(empty.message).toBe('TEST_OPERATOR_KEYS entry 2 is empty');
  });

  it('the same key twice, or the main operator’s, is refused: each operator needs its own nonce chain', () => {
    const twice = errorOf(() => loadOperatorKeys({ ...base, env: { TEST_OPERATOR_KEYS: `${keys[0]},${keys[0]}` } }));
    expect(twice.message).toMatch(/TEST_OPERATOR_KEYS entry 2 .*same operator as entry 1/);
    expect(twice.message).not.toContain(keys[0].slice(2, 42));
    const main = errorOf(() => loadOperatorKeys({ ...base, env: { TEST_OPERATOR_KEYS: keys[1] }, main: privateKeyToAccount(keys[1]).address }));
    expect(main.message).toMatch(/TEST_OPERATOR_KEYS entry 1 is the main operator/);
  });

  it('never reaches a child process', () => {
    expect(childEnvironment({ PATH: '/bin', SEARCHER_OPERATOR_KEYS: keys.join(',') })).toEqual({ PATH: '/bin' });
  });
});
