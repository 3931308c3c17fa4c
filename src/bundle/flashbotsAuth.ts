import { isAddress, keccak256, recoverMessageAddress, stringToHex, type Address, type Hex } from 'viem';
import type { LocalAccount } from 'viem/accounts';
import { SearcherError } from '../errors.ts';

/** The header builders read the searcher's identity from. */
export const flashbotsSignatureHeader = 'X-Flashbots-Signature';

export class FlashbotsAuthError extends SearcherError {}

/**
 * `<address>:<signature>` where the signature is EIP-191 (personal_sign) over the hex keccak256 of the exact
 * body, taken as a string: what `@flashbots/ethers-provider-bundle` sends (`signMessage(id(body))`).
 * The auth key is a reputation identity, not the key that holds funds.
 */
export async function signFlashbotsBody(account: LocalAccount, body: string): Promise<string> {
  // The body's bytes hashed directly (the same hash as of its hex, without building the hex).
  const signature = await account.signMessage({ message: keccak256(Buffer.from(body, 'utf8')) });
  return `${account.address}:${signature}`;
}

/** Checks a signature header against the exact body; returns the signer or throws with a reason a client can act on. */
export async function verifyFlashbotsSignature(header: string | undefined, body: string): Promise<Address> {
  if (!header) throw new FlashbotsAuthError('AUTH', `missing ${flashbotsSignatureHeader} header`);
  const [claimed, signature, ...rest] = header.split(':');
  if (!claimed || !signature || rest.length > 0 || !isAddress(claimed)) {
    throw new FlashbotsAuthError('AUTH', `malformed ${flashbotsSignatureHeader} header: expected <address>:<signature>`);
  }
  if (!/^0x[0-9a-fA-F]{130}$/.test(signature)) throw new FlashbotsAuthError('AUTH', `malformed ${flashbotsSignatureHeader} signature: expected 65 bytes of hex`);
  let recovered: Address;
  try {
    recovered = await recoverMessageAddress({ message: keccak256(stringToHex(body)), signature: signature as Hex });
  } catch (cause) {
    throw new FlashbotsAuthError('AUTH', `invalid ${flashbotsSignatureHeader} signature`, { cause });
  }
  if (recovered.toLowerCase() !== claimed.toLowerCase()) {
    throw new FlashbotsAuthError('AUTH', `${flashbotsSignatureHeader} signature does not match the body and address`);
  }
  return recovered;
}
