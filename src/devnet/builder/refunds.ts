import { numberToHex, type Address, type Hex } from 'viem';
import type { DevnetClient } from '../client.ts';
import type { IncludedBundle } from './assemble.ts';

/** A refund the builder owes for one included bundle. Amounts in wei. */
export type RefundDue = { bundleHash: Hex; recipient: Address; percent: number; refundTxHash: Hex; paymentWei: bigint; refundWei: bigint };

/** The refund's gas limit: a plain transfer to an account; 100k leaves room for a recipient contract's receive. */
const refundGas = 100_000n;

/**
 * What the builder owes for bundles sent with `refundPercent`, the rule BuilderNet and Titan document for
 * eth_sendBundle: the payment is what one transaction of the bundle paid the coinbase (its priority fees plus
 * direct transfers: the builder's balance change across it), that transaction being `refundTxHashes[0]` or, without
 * it, the last transaction that ran; the refund is `percent` of it, rounded down to the wei, paid to
 * `refundRecipient` (default: the sender of the bundle's first transaction) in the same block, after the bundles.
 * A refund transaction that was dropped (droppingTxHashes) paid nothing, so nothing is owed. BuilderNet and Titan
 * take the refund transfer's own gas out of the refund; this devnet builder pays it (as the MEV-Share relay's
 * refunds here, which the bot's ledger expects to the wei), so the recipient receives exactly the refund. Pure.
 */
export function refundsDue(included: readonly IncludedBundle[]): RefundDue[] {
  const due: RefundDue[] = [];
  for (const { bundle, txs, outcomes } of included) {
    if (!bundle.refund) continue;
    const basis = bundle.refund.txHash ?? txs.at(-1)?.hash;
    const outcome = outcomes.find((candidate) => candidate.txHash.toLowerCase() === basis?.toLowerCase());
    if (!basis || !outcome) continue;
    const paymentWei = outcome.gasFees + outcome.ethSentToCoinbase;
    const refundWei = (paymentWei * BigInt(bundle.refund.percent)) / 100n;
    if (refundWei > 0n) due.push({ bundleHash: bundle.bundleHash, recipient: bundle.refund.recipient, percent: bundle.refund.percent, refundTxHash: outcome.txHash, paymentWei, refundWei });
  }
  return due;
}

/**
 * Queues the refund transfers from the coinbase (anvil impersonation: the devnet's coinbase has no key, as a
 * builder's fee recipient would sign them) at the end of the block being sealed, paying only the base fee, which
 * the builder bears: the user receives exactly the refund. Returns their hashes in order.
 *
 * The money comes from what the bundles pay the coinbase earlier in the same block, but anvil's pool checks a
 * sender's balance at the parent state when a transaction is submitted. So the coinbase's balance is raised for
 * the submission only and put back before the block is mined: the block then runs on the true balance, and a
 * refund the coinbase could not really pay fails in the block instead of being paid from nowhere.
 */
export async function queueRefunds(client: DevnetClient, coinbase: Address, due: ReadonlyArray<{ recipient: Address; refundWei: bigint }>, baseFeePerGas: bigint): Promise<Hex[]> {
  if (due.length === 0) return [];
  const request = <T>(method: string, params: unknown[]) => client.request({ method: method as never, params: params as never }) as Promise<T>;
  const balance = await client.getBalance({ address: coinbase, blockTag: 'latest' });
  const owed = due.reduce((sum, refund) => sum + refund.refundWei + refundGas * baseFeePerGas, 0n);
  await request('anvil_impersonateAccount', [coinbase]);
  await request('anvil_setBalance', [coinbase, numberToHex(balance + owed)]);
  try {
    const hashes: Hex[] = [];
    for (const refund of due) {
      hashes.push(
        await request<Hex>('eth_sendTransaction', [
          { from: coinbase, to: refund.recipient, value: numberToHex(refund.refundWei), gas: numberToHex(refundGas), maxFeePerGas: numberToHex(baseFeePerGas), maxPriorityFeePerGas: '0x0' },
        ]),
      );
    }
    return hashes;
  } finally {
    await request('anvil_setBalance', [coinbase, numberToHex(balance)]);
    await request('anvil_stopImpersonatingAccount', [coinbase]);
  }
}
