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
export async function readPendingPool(client: DevnetClient): Promise<SignedTx[]> {
  const content = await request<{ pending: Record<string, Record<string, PoolTx>> }>(client, 'txpool_content');
  const txs = Object.values(content.pending ?? {}).flatMap((byNonce) => Object.values(byNonce));
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
 * while the block was being assembled are appended after it.
 */
export async function sealBlock(
  client: DevnetClient,
  parameters: { order: readonly SignedTx[]; pooled: readonly SignedTx[]; timestamp: bigint; logger: Logger; beforeMine?: () => Promise<void> },
): Promise<SealedBlock> {
  const { order, logger } = parameters;
  const known = new Set(parameters.pooled.map((tx) => tx.hash.toLowerCase()));
  await Promise.all(parameters.pooled.map((tx) => request(client, 'anvil_dropTransaction', [tx.hash])));
  const late: SignedTx[] = [];
  for (let round = 0; round < 3; round++) {
    const arrived = (await readPendingPool(client)).filter((tx) => !known.has(tx.hash.toLowerCase()));
    if (arrived.length === 0) break;
    for (const tx of arrived) known.add(tx.hash.toLowerCase());
    await Promise.all(arrived.map((tx) => request(client, 'anvil_dropTransaction', [tx.hash])));
    late.push(...arrived);
  }
  // One at a time: a batch may be processed in any order, and the pool's order is the block's order.
  for (const tx of [...order, ...late]) {
    try {
      await request(client, 'eth_sendRawTransaction', [tx.raw]);
    } catch (error) {
      logger.debug({ tx: tx.hash, err: (error as Error).message.split('\n')[0] }, 'builder: transaction not re-queued');
    }
  }
  // Last in the pool, so last in the block (the builder's refund payments).
  await parameters.beforeMine?.();
  await request(client, 'evm_setNextBlockTimestamp', [Number(parameters.timestamp)]);
  await request(client, 'evm_mine');
  const block = await client.getBlock({ blockTag: 'latest' });
  return { number: block.number!, hash: block.hash!, timestamp: block.timestamp, transactions: [...block.transactions], late: late.map((tx) => tx.hash) };
}
