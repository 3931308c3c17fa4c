import { generatePrivateKey, type PrivateKeyAccount } from 'viem/accounts';
import { signingAccount } from '../chain/nativeSigning.ts';
import { accountFromKey } from './secrets.ts';

/**
 * The Flashbots reputation key (signs X-Flashbots-Signature; never holds funds): from the environment when set,
 * so the builders' view of our reputation survives restarts; otherwise a fresh key for this run.
 */
export function loadAuthAccount(keyEnv: string, env: NodeJS.ProcessEnv = process.env): { account: PrivateKeyAccount; ephemeral: boolean } {
  const value = env[keyEnv]?.trim();
  if (!value) return { account: signingAccount(generatePrivateKey()), ephemeral: true };
  return { account: accountFromKey(value, keyEnv), ephemeral: false };
}
