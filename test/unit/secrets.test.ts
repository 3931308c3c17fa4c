import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encryptKeystoreJson } from 'ethers';
import { privateKeyToAccount } from 'viem/accounts';
import { describe, expect, it } from 'vitest';
import { assertNoSecretsInArgv, loadSigner, SecretError } from '../../src/config/secrets.ts';

// A throwaway key made for this test only.
const key = '0x8f2a55949038a9610f50fb23b5883af3b4ecb3c3bb792cbcefbd1542c692be63';
const address = privateKeyToAccount(key).address;
const base = { keyEnvVar: 'TEST_KEY', passwordEnvVar: 'TEST_PASSWORD' };

async function errorOf(promise: Promise<unknown>): Promise<SecretError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(SecretError);
    return error as SecretError;
  }
  throw new Error('expected a SecretError');
}

describe('loadSigner', () => {
  it('reads a key from the environment, with or without 0x', async () => {
    expect((await loadSigner({ ...base, env: { TEST_KEY: key } })).address).toBe(address);
    expect((await loadSigner({ ...base, env: { TEST_KEY: key.slice(2) } })).address).toBe(address);
  });

  it('says where it looked, never what it found', async () => {
    const broken = `${key.slice(0, 40)}zz${key.slice(42)}`;
    const error = await errorOf(loadSigner({ ...base, env: { TEST_KEY: broken } }));
    expect(error.message).toBe('TEST_KEY is not a 32-byte hex private key');
    expect(JSON.stringify(error) + String(error.stack)).not.toContain(key.slice(2, 42));
    const missing = await errorOf(loadSigner({ ...base, env: {} }));
    expect(missing.message).toMatch(/set TEST_KEY, or name an encrypted keystore in the config's signer\.keystore with TEST_PASSWORD/);
  });

  it('names a --keystore flag only for a program that has one (the deploy script), never for searcher', async () => {
    const bot = await errorOf(loadSigner({ ...base, env: {} }));
    expect(bot.message).not.toContain('--keystore');
    const deploy = await errorOf(loadSigner({ ...base, env: {}, keystoreHint: 'pass --keystore FILE' }));
    expect(deploy.message).toBe('no signing key: set TEST_KEY, or pass --keystore FILE with TEST_PASSWORD');
  });

  it('decrypts a keystore with the password from the environment', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'keystore-'));
    const file = join(dir, 'key.json');
    writeFileSync(file, await encryptKeystoreJson({ address, privateKey: key }, 'correct horse', { scrypt: { N: 1024 } }));
    const signer = await loadSigner({ ...base, keystoreFile: file, env: { TEST_PASSWORD: 'correct horse' } });
    expect(signer.address).toBe(address);
    const wrong = await errorOf(loadSigner({ ...base, keystoreFile: file, env: { TEST_PASSWORD: 'battery staple' } }));
    expect(wrong.message).toBe(`keystore ${file}: wrong password or not a keystore`);
    expect(wrong.message).not.toContain('battery');
    const noPassword = await errorOf(loadSigner({ ...base, keystoreFile: file, env: {} }));
    expect(noPassword.message).toContain('set TEST_PASSWORD');
  });
});

describe('assertNoSecretsInArgv', () => {
  it('refuses key-like flags and raw keys', () => {
    for (const argv of [['--private-key', '1'], ['--privateKey=abc'], ['--mnemonic', 'a b c'], ['devnet', key], [`--x=${key.slice(2)}`]]) {
      expect(() => assertNoSecretsInArgv(argv)).toThrow(/refusing a secret on the command line/);
    }
  });

  it("tells searcher's user the real way to a keystore (the config's signer.keystore), not a flag searcher lacks", () => {
    expect(() => assertNoSecretsInArgv(['run', key])).toThrow(/put the key in SEARCHER_PRIVATE_KEY or name an encrypted keystore in the config's signer\.keystore with SEARCHER_KEYSTORE_PASSWORD/);
    expect(() => assertNoSecretsInArgv(['run', key])).not.toThrow(/--keystore/);
    expect(() => assertNoSecretsInArgv([key], 'SEARCHER_DEPLOYER_KEY', 'pass --keystore FILE')).toThrow(/put the key in SEARCHER_DEPLOYER_KEY or pass --keystore FILE with SEARCHER_KEYSTORE_PASSWORD/);
  });

  it('lets a 32-byte V4 pool id through as the value of `quote --pool` only, nowhere else', () => {
    expect(() => assertNoSecretsInArgv(['quote', '--rpc', 'http://x', '--pool', key, '--json'])).not.toThrow();
    expect(() => assertNoSecretsInArgv(['quote', `--pool=${key}`])).not.toThrow();
    for (const argv of [['quote', '--token-in', key], ['quote', '--pool', '0xabc', key], ['run', '--pool', key], ['quote', '--private-key', key]]) {
      expect(() => assertNoSecretsInArgv(argv)).toThrow(/refusing a secret on the command line/);
    }
  });

  it('lets ordinary arguments through', () => {
    expect(() => assertNoSecretsInArgv(['devnet', '--port', '0', '--manifest', 'm.json', '0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2'])).not.toThrow();
  });

  it('refuses a raw key however it was pasted: 0X, surrounding spaces, a CR or newline from a copied file line', () => {
    const hex = key.slice(2);
    for (const pasted of [`0X${hex}`, `0x${hex} `, ` 0x${hex}`, `0x${hex}\r`, `${hex}\n`, `0x${hex.toUpperCase()}`]) {
      for (const argv of [['doctor', '--config', pasted], ['run', `--db=${pasted}`], ['devnet', pasted]]) {
        expect(() => assertNoSecretsInArgv(argv), JSON.stringify(argv)).toThrow(/refusing a secret on the command line/);
      }
    }
  });
});
