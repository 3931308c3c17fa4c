import type { Address } from 'viem';
import type { PrivateKeyAccount } from 'viem/accounts';
import { accountFromKey, loadSigner, SecretError } from './secrets.ts';

export type LoadOperatorKeysParameters = {
  /** Environment variable holding the extra operators' hex keys, comma separated. */
  envVar: string;
  /** The main operator's address: it is not an extra one (its nonce chain is already taken). */
  main?: Address;
  env?: NodeJS.ProcessEnv;
};

/**
 * The extra executor operators ("the operator pool": each its own nonce chain) from the environment. Like the main
 * key: never from the command line, and every error names the variable and the entry's place, never its value.
 * Unset or blank: none.
 */
export function loadOperatorKeys(parameters: LoadOperatorKeysParameters & { passwordEnvVar?: string }): PrivateKeyAccount[] {
  const value = (parameters.env ?? process.env)[parameters.envVar];
  if (!value || value.trim() === '') return [];
  const accounts: PrivateKeyAccount[] = [];
  value.split(',').forEach((entry, i) => {
    const source = `${parameters.envVar} entry ${i + 1}`;
    if (entry.trim() === '') throw new SecretError(`${source} is empty`);
    accounts.push(accountFromKey(entry, source));
  });
  return distinct(accounts, (i) => `${parameters.envVar} entry ${i + 1}`, parameters.main);
}

/**
 * The operator pool: the environment's keys, then each encrypted keystore (the main keystore's password variable);
 * every one distinct and none the main operator.
 */
export async function loadOperatorPool(parameters: LoadOperatorKeysParameters & { keystoreFiles?: readonly string[]; passwordEnvVar: string }): Promise<PrivateKeyAccount[]> {
  const fromEnv = loadOperatorKeys({ ...parameters, main: undefined });
  const fromFiles: PrivateKeyAccount[] = [];
  for (const file of parameters.keystoreFiles ?? []) fromFiles.push(await loadSigner({ keyEnvVar: parameters.envVar, keystoreFile: file, passwordEnvVar: parameters.passwordEnvVar, ...(parameters.env ? { env: parameters.env } : {}) }));
  const names = [...fromEnv.map((_, i) => `${parameters.envVar} entry ${i + 1}`), ...(parameters.keystoreFiles ?? []).map((file) => `keystore ${file}`)];
  return distinct([...fromEnv, ...fromFiles], (i) => names[i]!, parameters.main);
}

function distinct(accounts: PrivateKeyAccount[], name: (i: number) => string, main: Address | undefined): PrivateKeyAccount[] {
  const seen = new Map<string, number>();
  accounts.forEach((account, i) => {
    const address = account.address.toLowerCase();
    if (main && address === main.toLowerCase()) throw new SecretError(`${name(i)} is the main operator: an extra operator needs its own nonce chain`);
    const earlier = seen.get(address);
    if (earlier !== undefined) throw new SecretError(`${name(i)} is the same operator as ${name(earlier).replace(/^.* entry /, 'entry ')}: each needs its own nonce chain`);
    seen.set(address, i);
  });
  return accounts;
}
