import { pbkdf2Sync } from 'node:crypto';
import { toHex } from 'viem';
import { HDKey, hdKeyToAccount, type HDAccount, type PrivateKeyAccount } from 'viem/accounts';
import { signingAccount } from '../chain/nativeSigning.ts';

/**
 * anvil's public test mnemonic. Its keys are known to everyone: they are fine for a local devnet and must
 * never hold real funds. The devnet derives the same accounts anvil unlocks, so both agree on addresses.
 */
export const anvilMnemonic = 'test test test test test test test test test test test junk';

/** Account roles by derivation index. */
export const accountIndex = { deployer: 0, searcher: 1, firstTrader: 2, firstExtraOperator: 1000, firstRival: 2000 } as const;

/**
 * Extra executor operators beside the searcher account, each its own nonce chain: a bundle sent from one of them
 * does not depend on the searcher's other bundles of the block landing (blind MEV-Share backruns use them).
 */
export const devnetExtraOperators = 4;

let master: HDKey | undefined;
const derived = new Map<number, HDAccount>();

/**
 * The signing account of dev account `index` (traffic signs locally, like a real wallet). The BIP-39 seed
 * (2048 rounds of PBKDF2, ~100 ms in JS) is computed once, natively, and every account derives from it: a
 * start that needs 50 traders pays for one seed, not 50.
 */
export function devAccount(index: number): HDAccount {
  let account = derived.get(index);
  if (!account) {
    master ??= HDKey.fromMasterSeed(pbkdf2Sync(anvilMnemonic.normalize('NFKD'), 'mnemonic', 2048, 64, 'sha512'));
    account = hdKeyToAccount(master, { addressIndex: index });
    derived.set(index, account);
  }
  return account;
}

/** Dev account `index` as the bot signs with a key it is given (libsecp256k1 when the addon loads), for the demo's bot. */
export function devSigningAccount(index: number): PrivateKeyAccount {
  devAccount(index);
  const key = master!.derive(`m/44'/60'/0'/0/${index}`).privateKey;
  if (!key) throw new Error(`dev account ${index} has no private key`);
  const account = signingAccount(toHex(key));
  if (account.address !== devAccount(index).address) throw new Error(`dev account ${index}: derived addresses disagree`);
  return account;
}
