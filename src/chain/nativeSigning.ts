import { createRequire } from 'node:module';
import { hashMessage, hexToBytes, keccak256, serializeTransaction, toHex, type Hex, type SerializeTransactionFn, type TransactionSerializable } from 'viem';
import { privateKeyToAccount, type PrivateKeyAccount } from 'viem/accounts';

/** The libsecp256k1 binding's signing call (the `secp256k1` package's native addon, loaded without its JS fallback). */
type NativeSign = (message: Uint8Array, privateKey: Uint8Array) => { signature: Uint8Array; recid: number };

function loadNativeSign(): NativeSign | undefined {
  try {
    // `secp256k1/bindings.js` is the addon alone; the package's main entry falls back to `elliptic` (pure JS,
    // slower than viem's own noble) when the addon is missing, so it is not used.
    const binding = createRequire(import.meta.url)('secp256k1/bindings.js') as { ecdsaSign: NativeSign };
    return typeof binding.ecdsaSign === 'function' ? binding.ecdsaSign : undefined;
  } catch {
    return undefined;
  }
}

const nativeSign = loadNativeSign();

/** Which implementation signs our bundles: libsecp256k1 (about 40 µs a signature here) or viem's noble (about 300 µs). */
export const signingBackend: 'libsecp256k1' | 'noble' = nativeSign ? 'libsecp256k1' : 'noble';

/**
 * viem's account for `privateKey`, with its hot signatures (`sign`, `signMessage`, `signTransaction`) made by
 * libsecp256k1 when the addon loads. Both are RFC 6979 with low s, so the signatures are the same bytes; only
 * the time differs, and a bundle needs two of them (our transaction and the Flashbots header) between seeing a
 * victim and sending. Without the addon this is viem's account unchanged.
 */
export function signingAccount(privateKey: Hex): PrivateKeyAccount {
  const account = privateKeyToAccount(privateKey);
  if (!nativeSign) return account;
  const signNative = nativeSign;
  const key = hexToBytes(privateKey);
  const signHash = (hash: Hex) => {
    const { signature, recid } = signNative(hexToBytes(hash), key);
    return { r: toHex(signature.subarray(0, 32)), s: toHex(signature.subarray(32, 64)), yParity: recid, v: recid === 1 ? 28n : 27n };
  };
  const serialized = (hash: Hex): Hex => {
    const { signature, recid } = signNative(hexToBytes(hash), key);
    return `${toHex(signature)}${recid === 1 ? '1c' : '1b'}` as Hex;
  };
  return {
    ...account,
    sign: async ({ hash }) => serialized(hash),
    signMessage: async ({ message }) => serialized(hashMessage(message)),
    signTransaction: async (transaction, options) => {
      const serializer = (options?.serializer ?? serializeTransaction) as SerializeTransactionFn<TransactionSerializable>;
      // As viem signs: a blob transaction's signing payload leaves its sidecars out.
      const signable = transaction.type === 'eip4844' ? { ...transaction, sidecars: false } : transaction;
      return serializer(transaction, signHash(keccak256(await serializer(signable as TransactionSerializable))));
    },
  } as PrivateKeyAccount;
}
