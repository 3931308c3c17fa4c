import { mnemonicToAccount, type HDAccount } from 'viem/accounts';

/**
 * anvil's public test mnemonic. Its keys are known to everyone: they are fine for a local devnet and must
 * never hold real funds. The devnet derives the same accounts anvil unlocks, so both agree on addresses.
 */
export const anvilMnemonic = 'test test test test test test test test test test test junk';

/** Account roles by derivation index. */
export const accountIndex = { deployer: 0, searcher: 1, firstTrader: 2 } as const;

/** The signing account of dev account `index` (traffic signs locally, like a real wallet). */
export function devAccount(index: number): HDAccount {
  return mnemonicToAccount(anvilMnemonic, { addressIndex: index });
}
