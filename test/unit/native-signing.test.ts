import { describe, expect, it } from 'vitest';
import { keccak256, recoverTransactionAddress, toHex, type Hex, type TransactionSerializable } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { signingAccount, signingBackend } from '../../src/chain/nativeSigning.ts';

// viem's own account (noble) is the reference: libsecp256k1 must give the same bytes, RFC 6979 and low s alike.
describe('signingAccount', () => {
  it('signs with libsecp256k1 here (the addon ships prebuilt for linux-x64)', () => {
    expect(signingBackend).toBe('libsecp256k1');
  });

  it('gives the same signatures as viem for 200 random keys, hashes, messages and transactions of every type', async () => {
    const random = (bytes: number) => toHex(crypto.getRandomValues(new Uint8Array(bytes)));
    let compared = 0;
    for (let i = 0; i < 200; i++) {
      const key = generatePrivateKey();
      const fast = signingAccount(key);
      const reference = privateKeyToAccount(key);
      expect(fast.address).toBe(reference.address);
      const hash = keccak256(random(40));
      expect(await fast.sign({ hash })).toBe(await reference.sign({ hash }));
      const message = i % 2 === 0 ? random(32) : `body ${i} ${random(8)}`;
      expect(await fast.signMessage({ message })).toBe(await reference.signMessage({ message }));
      const base = { to: random(20), data: random(100 + i) as Hex, value: BigInt(i), gas: 300_000n + BigInt(i), nonce: i, chainId: 1 + (i % 3) };
      const transactions: TransactionSerializable[] = [
        { ...base, type: 'eip1559', maxFeePerGas: 30n * 10n ** 9n + BigInt(i), maxPriorityFeePerGas: 10n ** 9n, accessList: [] },
        { ...base, type: 'eip2930', gasPrice: 20n * 10n ** 9n, accessList: [{ address: random(20), storageKeys: [keccak256(random(4))] }] },
        { ...base, type: 'legacy', gasPrice: 20n * 10n ** 9n },
      ];
      for (const transaction of transactions) {
        const signed = await fast.signTransaction(transaction);
        expect(signed).toBe(await reference.signTransaction(transaction));
        expect(await recoverTransactionAddress({ serializedTransaction: signed as never })).toBe(reference.address);
        compared++;
      }
    }
    expect(compared).toBe(600);
  });
});
