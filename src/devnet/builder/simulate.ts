import { getAddress, keccak256, numberToHex, parseTransaction, recoverTransactionAddress, type Address, type Hex, type PublicClient } from 'viem';
import { effectivePriorityFee } from '../../bundle/fees.ts';
import { SearcherError } from '../../errors.ts';
import type { TxOutcome } from './protocol.ts';

/** A signed transaction as one call of an `eth_simulateV1` block (the relays simulate with the same shape). */
export function simulationCall(tx: SignedTx) {
  return {
    from: tx.from,
    ...(tx.to ? { to: tx.to } : {}),
    input: tx.data,
    value: numberToHex(tx.value),
    gas: numberToHex(tx.gas),
    nonce: numberToHex(tx.nonce),
    maxFeePerGas: numberToHex(tx.maxFeePerGas),
    maxPriorityFeePerGas: numberToHex(tx.maxPriorityFeePerGas),
    ...(tx.accessList ? { accessList: tx.accessList } : {}),
  };
}

/** A signed transaction the builder has decoded once: sender recovered, hash computed. */
export type SignedTx = {
  raw: Hex;
  hash: Hex;
  from: Address;
  to: Address | null;
  nonce: number;
  gas: bigint;
  value: bigint;
  data: Hex;
  /** Legacy and EIP-2930 transactions pay gasPrice; EIP-1559 ones pay up to maxFeePerGas. */
  maxFeePerGas: bigint;
  maxPriorityFeePerGas: bigint;
  accessList?: readonly { address: Address; storageKeys: readonly Hex[] }[];
  chainId?: number;
};

export class SignedTxError extends SearcherError {}

/** Decodes a raw signed transaction; throws SignedTxError naming what is wrong. */
export async function decodeSignedTx(raw: Hex): Promise<SignedTx> {
  let parsed: ReturnType<typeof parseTransaction>;
  let from: Address;
  try {
    parsed = parseTransaction(raw);
    if (parsed.r === undefined || parsed.s === undefined) throw new Error('unsigned');
    from = await recoverTransactionAddress({ serializedTransaction: raw as Parameters<typeof recoverTransactionAddress>[0]['serializedTransaction'] });
  } catch (cause) {
    throw new SignedTxError('BUNDLE_TX', 'not a signed transaction', { cause });
  }
  if (parsed.type === 'eip4844' || parsed.type === 'eip7702') throw new SignedTxError('BUNDLE_TX', `${parsed.type} transactions are not accepted in bundles here`);
  const gasPrice = 'gasPrice' in parsed && parsed.gasPrice !== undefined ? parsed.gasPrice : undefined;
  const maxFeePerGas = parsed.maxFeePerGas ?? gasPrice ?? 0n;
  return {
    raw,
    hash: keccak256(raw),
    from,
    to: parsed.to ? getAddress(parsed.to) : null,
    nonce: parsed.nonce ?? 0,
    gas: parsed.gas ?? 0n,
    value: parsed.value ?? 0n,
    data: parsed.data ?? '0x',
    maxFeePerGas,
    maxPriorityFeePerGas: parsed.maxPriorityFeePerGas ?? gasPrice ?? 0n,
    ...(parsed.accessList ? { accessList: parsed.accessList } : {}),
    ...(parsed.chainId !== undefined ? { chainId: parsed.chainId } : {}),
  };
}

export type SimulationBlock = { number: bigint; timestamp: bigint; baseFeePerGas: bigint; coinbase: Address; gasLimit: bigint };

/** The sequence cannot run at all (nonce, balance or fee invalid): builders drop such bundles. */
export class SequenceInvalidError extends SearcherError {}

/**
 * Each transaction's nonce must follow its sender's count at the state block (and the sender's earlier
 * transactions in the sequence). anvil's eth_simulateV1 does not check nonces, so a bundle whose victim already
 * landed would look valid; real block building refuses it. `nonces` caches the chain's counts per state block.
 */
export async function checkNonces(client: PublicClient, txs: readonly SignedTx[], stateBlock: bigint | 'latest', nonces: Map<string, number>): Promise<void> {
  const missing = [...new Set(txs.map((tx) => tx.from.toLowerCase()))].filter((sender) => !nonces.has(sender));
  const counts = await Promise.all(
    missing.map((sender) => client.getTransactionCount({ address: sender as Address, ...(stateBlock === 'latest' ? { blockTag: 'latest' as const } : { blockNumber: stateBlock }) })),
  );
  missing.forEach((sender, i) => nonces.set(sender, counts[i]!));
  const next = new Map<string, number>();
  for (const [index, tx] of txs.entries()) {
    const sender = tx.from.toLowerCase();
    const expected = next.get(sender) ?? nonces.get(sender)!;
    if (tx.nonce !== expected) {
      throw new SequenceInvalidError('BUNDLE_INVALID', `nonce too ${tx.nonce < expected ? 'low' : 'high'}: tx ${index} (${tx.hash}) has nonce ${tx.nonce}, its sender's next is ${expected}`);
    }
    next.set(sender, expected + 1);
  }
}

const ethTransferLog = '0xeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee';
const transferTopic = '0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef';

type SimulatedCall = { status: Hex; returnData: Hex; gasUsed: Hex; logs?: Array<{ address: string; topics: Hex[]; data: Hex }>; error?: { message?: string } };

/**
 * Runs signed transactions in order as one block on top of `stateBlock` with the node's eth_simulateV1 (nonces,
 * balances and fees validated as block building would; ETH transfers traced so payments to the coinbase are
 * seen however deep in the call tree they happen).
 */
export async function simulateSequence(
  client: PublicClient,
  txs: readonly SignedTx[],
  block: SimulationBlock,
  stateBlock: bigint | 'latest',
  nonces: Map<string, number> = new Map(),
): Promise<TxOutcome[]> {
  if (txs.length === 0) return [];
  await checkNonces(client, txs, stateBlock, nonces);
  const request = {
    blockStateCalls: [
      {
        blockOverrides: {
          number: numberToHex(block.number),
          time: numberToHex(block.timestamp),
          baseFeePerGas: numberToHex(block.baseFeePerGas),
          feeRecipient: block.coinbase,
          gasLimit: numberToHex(block.gasLimit),
        },
        calls: txs.map(simulationCall),
      },
    ],
    validation: true,
    traceTransfers: true,
  };
  let blocks: Array<{ calls: SimulatedCall[] }>;
  try {
    blocks = await client.request({
      method: 'eth_simulateV1' as never,
      params: [request, typeof stateBlock === 'bigint' ? numberToHex(stateBlock) : stateBlock] as never,
    });
  } catch (cause) {
    throw new SequenceInvalidError('BUNDLE_INVALID', (cause as { details?: string }).details ?? (cause as Error).message.split('\n')[0]!, { cause });
  }
  const calls = blocks[0]?.calls ?? [];
  if (calls.length !== txs.length) throw new SequenceInvalidError('BUNDLE_INVALID', `the node simulated ${calls.length} of ${txs.length} transactions`);
  const coinbase = block.coinbase.toLowerCase();
  return calls.map((call, i) => {
    const tx = txs[i]!;
    const gasUsed = BigInt(call.gasUsed);
    let ethSentToCoinbase = 0n;
    for (const log of call.logs ?? []) {
      if (log.address.toLowerCase() !== ethTransferLog || log.topics[0] !== transferTopic) continue;
      if (`0x${log.topics[2]!.slice(26)}`.toLowerCase() === coinbase) ethSentToCoinbase += BigInt(log.data);
    }
    const reverted = call.status !== '0x1';
    return {
      txHash: tx.hash,
      fromAddress: tx.from,
      toAddress: tx.to,
      gasUsed,
      gasFees: gasUsed * effectivePriorityFee({ baseFee: block.baseFeePerGas, maxFeePerGas: tx.maxFeePerGas, maxPriorityFeePerGas: tx.maxPriorityFeePerGas }),
      // A reverted call's transfers were undone with it.
      ethSentToCoinbase: reverted ? 0n : ethSentToCoinbase,
      reverted,
      returnData: call.returnData,
      ...(reverted ? { error: call.error?.message ?? 'execution reverted' } : {}),
    };
  });
}
