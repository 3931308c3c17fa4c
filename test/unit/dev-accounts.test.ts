import { mnemonicToAccount } from 'viem/accounts';
import { describe, expect, it } from 'vitest';
import { anvilMnemonic, devAccount } from '../../src/devnet/accounts.ts';

describe('devAccount', () => {
  it('derives the same accounts as viem mnemonicToAccount (and anvil), key for key', async () => {
    for (const index of [0, 1, 2, 17, 49]) {
      const reference = mnemonicToAccount(anvilMnemonic, { addressIndex: index });
      const account = devAccount(index);
      expect(account.address).toBe(reference.address);
      const message = `index ${index}`;
      expect(await account.signMessage({ message })).toBe(await reference.signMessage({ message }));
    }
    expect(devAccount(0).address).toBe('0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266');
  });
});
