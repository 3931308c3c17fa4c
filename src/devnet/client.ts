import {
  createTestClient,
  defineChain,
  http,
  publicActions,
  walletActions,
  encodeFunctionData,
  type Abi,
  type Address,
  type Hash,
  type Hex,
  type TransactionReceipt,
} from 'viem';
import { SearcherError } from '../errors.ts';

/** A viem client with test (anvil_*), public and wallet actions against one devnet node. */
export function createDevnetClient(rpcUrl: string, chainId: number, options: { timeoutMs?: number } = {}) {
  const chain = defineChain({
    id: chainId,
    name: 'searcher devnet',
    nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
    rpcUrls: { default: { http: [rpcUrl] } },
  });
  return createTestClient({
    chain,
    mode: 'anvil',
    // Batching turns setup's many independent calls into few HTTP round trips.
    transport: http(rpcUrl, { batch: { batchSize: 500, wait: 0 }, retryCount: 0, ...(options.timeoutMs ? { timeout: options.timeoutMs } : {}) }),
    pollingInterval: 25,
  })
    .extend(publicActions)
    .extend(walletActions);
}

export type DevnetClient = ReturnType<typeof createDevnetClient>;

export class TransactionRevertedError extends SearcherError {}

/** Sends a transaction from an unlocked dev account and waits for a successful receipt. */
export async function sendAndConfirm(
  client: DevnetClient,
  request: { from: Address; to?: Address; data?: Hex; value?: bigint; label: string },
): Promise<TransactionReceipt> {
  // anvil's estimate can be too tight for nested callbacks (the 63/64 rule): add a quarter.
  const estimate = await client.estimateGas({ account: request.from, to: request.to, data: request.data, value: request.value });
  const hash: Hash = await client.sendTransaction({
    account: request.from,
    to: request.to ?? null,
    data: request.data,
    value: request.value,
    gas: (estimate * 5n) / 4n,
  });
  const receipt = await client.waitForTransactionReceipt({ hash, pollingInterval: 10 });
  if (receipt.status !== 'success') {
    throw new TransactionRevertedError('TX_REVERTED', `${request.label} reverted (tx ${hash})`);
  }
  return receipt;
}

/** Encodes a contract call and sends it like `sendAndConfirm`. */
export async function callAndConfirm(
  client: DevnetClient,
  request: {
    from: Address;
    to: Address;
    abi: Abi;
    functionName: string;
    args?: readonly unknown[];
    value?: bigint;
    label: string;
  },
): Promise<TransactionReceipt> {
  const data = encodeFunctionData({ abi: request.abi, functionName: request.functionName, args: request.args ?? [] } as never);
  return sendAndConfirm(client, { from: request.from, to: request.to, data, value: request.value, label: request.label });
}
