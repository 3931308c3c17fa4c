import { getAddress, type Hex } from 'viem';
import type { Logger } from '../../log.ts';
import type { DevnetClient } from '../client.ts';
import type { SignedTx } from './simulate.ts';

type PoolTx = {
  hash: Hex;
  from: string;
  to: string | null;
  nonce: Hex;
  gas: Hex;
  value: Hex;
  input: Hex;
  gasPrice?: Hex;
  maxFeePerGas?: Hex;
  maxPriorityFeePerGas?: Hex;
  accessList?: SignedTx['accessList'];
};

const request = <T>(client: DevnetClient, method: string, params: unknown[] = []) => client.request({ method: method as never, params: params as never }) as Promise<T>;

/** The node's pending (executable) public transactions, with their signed bytes. */
export function readPendingPool(client: DevnetClient): Promise<SignedTx[]> {
  return readPool(client, 'pending');
}

/** The node's pool, pending (executable) or queued (waiting for an earlier nonce), with the signed bytes. */
async function readPool(client: DevnetClient, part: 'pending' | 'queued'): Promise<SignedTx[]> {
  const content = await request<Record<'pending' | 'queued', Record<string, Record<string, PoolTx>>>>(client, 'txpool_content');
  const txs = Object.values(content[part] ?? {}).flatMap((byNonce) => Object.values(byNonce));
  const raws = await Promise.all(txs.map((tx) => request<Hex | null>(client, 'eth_getRawTransactionByHash', [tx.hash])));
  const result: SignedTx[] = [];
  txs.forEach((tx, i) => {
    const raw = raws[i];
    if (!raw) return; // mined or dropped between the two reads
    const gasPrice = tx.gasPrice !== undefined ? BigInt(tx.gasPrice) : 0n;
    result.push({
      raw,
      hash: tx.hash,
      from: getAddress(tx.from),
      to: tx.to ? getAddress(tx.to) : null,
      nonce: Number(tx.nonce),
      gas: BigInt(tx.gas),
      value: BigInt(tx.value),
      data: tx.input,
      maxFeePerGas: tx.maxFeePerGas !== undefined ? BigInt(tx.maxFeePerGas) : gasPrice,
      maxPriorityFeePerGas: tx.maxPriorityFeePerGas !== undefined ? BigInt(tx.maxPriorityFeePerGas) : gasPrice,
      ...(tx.accessList ? { accessList: tx.accessList } : {}),
    });
  });
  return result;
}

export type SealedBlock = { number: bigint; hash: Hex; timestamp: bigint; transactions: Hex[]; late: Hex[] };

/**
 * Makes anvil mine exactly this order: the public transactions leave the node's pool one by one (so nothing that
 * arrives meanwhile is lost), then every transaction of the block goes back in order into a first-in-first-out
 * pool (anvil runs with `--order fifo`) and one block is mined at the chosen timestamp. Transactions that arrived
 * while the block was being assembled are appended after it; queued ones wait outside the pool until it is mined.
 */
export async function sealBlock(
  client: DevnetClient,
  parameters: { order: readonly SignedTx[]; pooled: readonly SignedTx[]; timestamp: bigint; logger: Logger; beforeMine?: () => Promise<void> },
): Promise<SealedBlock> {
  const { order, logger } = parameters;
  const known = new Set(parameters.pooled.map((tx) => tx.hash.toLowerCase()));
  await Promise.all(parameters.pooled.map((tx) => request(client, 'anvil_dropTransaction', [tx.hash])));
  const late: SignedTx[] = [];
  // A queued transaction (its sender's earlier nonce was not in the pool, e.g. it went privately) would become
  // executable the moment the block's order puts that earlier nonce in, and the node would slot it in right
  // behind it, inside a bundle. Out of the pool while the block is mined; back in after it, for the next block.
  // anvil drops a queued transaction only with its sender's whole pool: that sender's pending ones join `late`.
  const queued = await readPool(client, 'queued');
  const queuedSenders = new Set(queued.map((tx) => tx.from));
  if (queuedSenders.size > 0) {
    const theirs = (await readPendingPool(client)).filter((tx) => queuedSenders.has(tx.from) && !known.has(tx.hash.toLowerCase()));
    for (const tx of theirs) known.add(tx.hash.toLowerCase());
    late.push(...theirs);
    await Promise.all([...queuedSenders].map((sender) => request(client, 'anvil_removePoolTransactions', [sender])));
  }
  for (let round = 0; round < 3; round++) {
    const arrived = (await readPendingPool(client)).filter((tx) => !known.has(tx.hash.toLowerCase()));
    if (arrived.length === 0) break;
    for (const tx of arrived) known.add(tx.hash.toLowerCase());
    await Promise.all(arrived.map((tx) => request(client, 'anvil_dropTransaction', [tx.hash])));
    late.push(...arrived);
  }
  const resend = async (txs: readonly SignedTx[]) => {
    // One at a time: a batch may be processed in any order, and the pool's order is the block's order.
    for (const tx of txs) {
      try {
        await request(client, 'eth_sendRawTransaction', [tx.raw]);
      } catch (error) {
        logger.debug({ tx: tx.hash, err: (error as Error).message.split('\n')[0] }, 'builder: transaction not re-queued');
      }
    }
  };
  await resend([...order, ...late]);
  // Last in the pool, so last in the block (the builder's refund payments).
  await parameters.beforeMine?.();
  await request(client, 'evm_setNextBlockTimestamp', [Number(parameters.timestamp)]);
  await request(client, 'evm_mine');
  await resend([...queued].sort((a, b) => a.nonce - b.nonce));
  const block = await client.getBlock({ blockTag: 'latest' });
  return { number: block.number!, hash: block.hash!, timestamp: block.timestamp, transactions: [...block.transactions], late: late.map((tx) => tx.hash) };
}
