import { readFileSync } from 'node:fs';
import type { PrivateKeyAccount } from 'viem/accounts';
import { signingAccount } from '../chain/nativeSigning.ts';
import type { Hex } from 'viem';
import { SearcherError } from '../errors.ts';

/** A key could not be loaded. The message names where it was looked for, never the key or password. */
export class SecretError extends SearcherError {
  constructor(message: string) {
    super('SECRET', message);
  }
}

export type LoadSignerParameters = {
  /** Environment variable holding a hex private key. */
  keyEnvVar: string;
  /** An encrypted JSON keystore (geth/ethers format) used instead of the variable. */
  keystoreFile?: string;
  /** Environment variable holding the keystore's password. */
  passwordEnvVar: string;
  env?: NodeJS.ProcessEnv;
  /** How this program is given a keystore, for the error when no key is found (default: searcher's config). */
  keystoreHint?: string;
};

/** searcher takes a keystore from its config only: it has no --keystore flag (the deploy script has). */
const configKeystoreHint = "name an encrypted keystore in the config's signer.keystore";

const hexKey = /^(0x)?[0-9a-fA-F]{64}$/;
/** The secp256k1 group order: a private key is an integer in [1, n). */
const secp256k1Order = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

/**
 * The account of a hex private key read from `source` (an environment variable's name). Every failure is a
 * SecretError naming the source only: the key library's own errors print the key (noble prints an out-of-range
 * key in decimal), so none of them is passed on, not even as a cause.
 */
export function accountFromKey(value: string, source: string): PrivateKeyAccount {
  const key = value.trim();
  if (!hexKey.test(key)) throw new SecretError(`${source} is not a 32-byte hex private key`);
  const hex = (key.startsWith('0x') ? key : `0x${key}`).toLowerCase() as Hex;
  const scalar = BigInt(hex);
  if (scalar === 0n || scalar >= secp256k1Order) throw new SecretError(`${source} is not a valid secp256k1 private key (zero or not below the curve order)`);
  try {
    return signingAccount(hex);
  } catch {
    throw new SecretError(`${source} is not a valid secp256k1 private key`);
  }
}

/**
 * The signing account, from a keystore file (password from the environment) or a key in the environment.
 * Keys never come from the command line, and never appear in errors or logs.
 */
export async function loadSigner(parameters: LoadSignerParameters): Promise<PrivateKeyAccount> {
  const env = parameters.env ?? process.env;
  if (parameters.keystoreFile) {
    const password = env[parameters.passwordEnvVar];
    if (!password) throw new SecretError(`keystore ${parameters.keystoreFile}: set ${parameters.passwordEnvVar} to its password`);
    let json: string;
    try {
      json = readFileSync(parameters.keystoreFile, 'utf8');
    } catch {
      throw new SecretError(`keystore ${parameters.keystoreFile}: cannot read the file`);
    }
    // ethers is loaded only here: decrypting a keystore is the one thing viem does not do.
    const { Wallet } = await import('ethers');
    let privateKey: string;
    try {
      privateKey = (await Wallet.fromEncryptedJson(json, password)).privateKey;
    } catch {
      throw new SecretError(`keystore ${parameters.keystoreFile}: wrong password or not a keystore`);
    }
    return accountFromKey(privateKey, `keystore ${parameters.keystoreFile}`);
  }
  const value = env[parameters.keyEnvVar];
  if (!value) {
    throw new SecretError(`no signing key: set ${parameters.keyEnvVar}, or ${parameters.keystoreHint ?? configKeystoreHint} with ${parameters.passwordEnvVar}`);
  }
  return accountFromKey(value, parameters.keyEnvVar);
}

const secretFlag = /^--?(private[-_]?key|priv[-_]?key|key|secret|mnemonic|seed|password)(=|$)/i;
// Pasted keys come with 0X, spaces, or a CR/newline from a copied line: all of them are still the key.
const rawKey = /(^|=)\s*(0x)?[0-9a-f]{64}\s*$/i;

/** Flags whose value is a public 32-byte identifier, by command: `searcher quote --pool <V4 pool id>`. */
const publicIdFlags: Record<string, readonly string[]> = { quote: ['--pool'] };

/**
 * Refuses command lines that carry a secret: flags named like one, or any 32-byte hex value. Arguments are
 * visible to every user of the machine (ps) and stay in shell history.
 */
export function assertNoSecretsInArgv(argv: readonly string[], keyEnvVar = 'SEARCHER_PRIVATE_KEY', keystoreHint = configKeystoreHint): void {
  const idFlags = publicIdFlags[argv[0] ?? ''] ?? [];
  for (const [i, arg] of argv.entries()) {
    // A Uniswap V4 pool id is 32 bytes of hex too, but public: allowed only as the value of the flag that names one.
    if (idFlags.includes(argv[i - 1] ?? '') || idFlags.some((flag) => arg.startsWith(`${flag}=`))) continue;
    if (secretFlag.test(arg) || rawKey.test(arg)) {
      throw new SecretError(
        `refusing a secret on the command line (it would leak through ps and shell history): put the key in ${keyEnvVar} or ${keystoreHint} with SEARCHER_KEYSTORE_PASSWORD`,
      );
    }
  }
}
