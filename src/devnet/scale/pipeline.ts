import { numberToHex, type Address, type Hash, type Hex, type TransactionReceipt } from 'viem';
import { TransactionRevertedError, type DevnetClient } from '../client.ts';

/** One transaction from an unlocked dev account, with its gas limit given (no estimate: that would run it twice). */
export type PipelinedTx = { from: Address; to?: Address; data?: Hex; value?: bigint; gas: bigint; label: string };

/**
 * Sends many transactions without waiting for each receipt: nonces are assigned here per sender, every request
 * goes out at once (the client batches them) with automine off, then blocks are mined until the pool is empty
 * (as many transactions per block as its gas limit takes). Resolves with the receipts in the order given; throws
 * if any reverted (naming it). Automine is back on afterwards. A build step, not for user traffic.
 */
export async function sendPipelined(client: DevnetClient, txs: readonly PipelinedTx[]): Promise<TransactionReceipt[]> {
  if (txs.length === 0) return [];
  const senders = [...new Set(txs.map((tx) => tx.from))];
  const nonces = new Map<Address, number>(
    await Promise.all(
      senders.map(async (sender) => [sender, await client.getTransactionCount({ address: sender, blockTag: 'pending' })] as const),
    ),
  );
  const hashes: Hash[] = [];
  const { gasLimit } = await client.getBlock({ blockTag: 'latest' });
  await client.setAutomine(false);
  try {
    // In waves that fit one block each: anvil drops a transaction that does not fit the block it mines.
    for (let start = 0; start < txs.length; ) {
      const wave: Array<{ tx: PipelinedTx; nonce: number }> = [];
      for (let gas = 0n; start < txs.length && (wave.length === 0 || gas + txs[start]!.gas <= gasLimit); start++) {
        const tx = txs[start]!;
        if (tx.gas > gasLimit) throw new TransactionRevertedError('TX_TOO_BIG', `${tx.label}: gas ${tx.gas} exceeds the block gas limit ${gasLimit}`);
        gas += tx.gas;
        const nonce = nonces.get(tx.from)!;
        nonces.set(tx.from, nonce + 1);
        wave.push({ tx, nonce });
      }
      // Requests go out in slices of at most ~512 KB of calldata: anvil refuses larger request bodies.
      for (let from = 0; from < wave.length; ) {
        const slice: typeof wave = [];
        for (let bytes = 0; from < wave.length && (slice.length === 0 || bytes + (wave[from]!.tx.data?.length ?? 0) <= 1_000_000); from++) {
          bytes += wave[from]!.tx.data?.length ?? 0;
          slice.push(wave[from]!);
        }
        hashes.push(
          ...(await Promise.all(
            slice.map(({ tx, nonce }) =>
              client.request({
                method: 'eth_sendTransaction' as never,
                params: [
                  {
                    from: tx.from,
                    ...(tx.to ? { to: tx.to } : {}),
                    data: tx.data ?? '0x',
                    value: numberToHex(tx.value ?? 0n),
                    gas: numberToHex(tx.gas),
                    nonce: numberToHex(nonce),
                  },
                ] as never,
              }) as Promise<Hash>,
            ),
          )),
        );
      }
      await client.mine({ blocks: 1 });
      const status = (await client.request({ method: 'txpool_status' as never })) as { pending: string | number; queued: string | number };
      if (Number(status.pending) !== 0 || Number(status.queued) !== 0) {
        throw new TransactionRevertedError('TX_STUCK', `${Number(status.pending) + Number(status.queued)} transactions were left out of a build block`);
      }
    }
  } finally {
    await client.setAutomine(true);
  }
  const receipts: TransactionReceipt[] = [];
  // 20 at a time: a seeder receipt carries hundreds of logs, and one batched response must stay under 10 MB.
  for (let start = 0; start < hashes.length; start += 20) {
    receipts.push(...(await Promise.all(hashes.slice(start, start + 20).map((hash) => client.getTransactionReceipt({ hash })))));
  }
  const failed = receipts.findIndex((receipt) => receipt.status !== 'success');
  if (failed !== -1) {
    throw new TransactionRevertedError('TX_REVERTED', `${txs[failed]!.label} reverted (tx ${hashes[failed]}, gas used ${receipts[failed]!.gasUsed} of ${txs[failed]!.gas})`);
  }
  return receipts;
}
