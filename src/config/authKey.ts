import type { Hex } from 'viem';
import { generatePrivateKey, privateKeyToAccount, type PrivateKeyAccount } from 'viem/accounts';
import { SecretError } from './secrets.ts';

/**
 * The Flashbots reputation key (signs X-Flashbots-Signature; never holds funds): from the environment when set,
 * so the builders' view of our reputation survives restarts; otherwise a fresh key for this run.
 */
export function loadAuthAccount(keyEnv: string, env: NodeJS.ProcessEnv = process.env): { account: PrivateKeyAccount; ephemeral: boolean } {
  const value = env[keyEnv]?.trim();
  if (!value) return { account: privateKeyToAccount(generatePrivateKey()), ephemeral: true };
  if (!/^(0x)?[0-9a-fA-F]{64}$/.test(value)) throw new SecretError(`${keyEnv} is not a 32-byte hex private key`);
  return { account: privateKeyToAccount((value.startsWith('0x') ? value : `0x${value}`) as Hex), ephemeral: false };
}
