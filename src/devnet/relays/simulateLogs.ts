import { numberToHex, type Address, type Hex, type PublicClient } from 'viem';
import { effectivePriorityFee } from '../../bundle/fees.ts';
import { checkNonces, simulationCall, type SignedTx } from '../builder/simulate.ts';
import type { HintLog } from './mevShareHints.ts';

/** One transaction run by eth_simulateV1: its logs (without the node's ETH-transfer pseudo-logs) and what it paid the coinbase. */
export type LoggedOutcome = { hash: Hex; success: boolean; gasUsed: bigint; logs: HintLog[]; coinbasePaidWei: bigint; error?: string; returnData: Hex };

const ethTransferLog = '0xeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee';
const transferTopic = '0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef';

type Call = { status: Hex; returnData: Hex; gasUsed: Hex; logs?: Array<{ address: Address; topics: Hex[]; data: Hex }>; error?: { message?: string } };

/**
 * Runs signed transactions in order as the next block on top of `parent` (anvil's eth_simulateV1, validation on,
 * ETH transfers traced), so a relay can show a private transaction's logs before it lands. With `checkNonces`,
 * throws SequenceInvalidError when a nonce does not follow its sender's count at `parent` (a bundle's simulation;
 * a private transaction may wait for its sender's earlier one).
 */
export async function simulateWithLogs(client: PublicClient, txs: readonly SignedTx[], parent: bigint, coinbase: Address, options: { checkNonces?: boolean } = {}): Promise<LoggedOutcome[]> {
  // anvil's eth_simulateV1 does not check nonces; a node simulating a bundle does (a later nonce cannot run yet).
  if (options.checkNonces) await checkNonces(client, txs, parent, new Map());
  const [parentBlock, pending] = await Promise.all([client.getBlock({ blockNumber: parent }), client.getBlock({ blockTag: 'pending' })]);
  const baseFee = pending.number === parent + 1n ? (pending.baseFeePerGas ?? 0n) : (parentBlock.baseFeePerGas ?? 0n);
  const blocks = (await client.request({
    method: 'eth_simulateV1' as never,
    params: [
      {
        blockStateCalls: [
          {
            blockOverrides: { number: numberToHex(parent + 1n), time: numberToHex(parentBlock.timestamp + 1n), baseFeePerGas: numberToHex(baseFee), feeRecipient: coinbase },
            calls: txs.map(simulationCall),
          },
        ],
        validation: true,
        traceTransfers: true,
      },
      numberToHex(parent),
    ] as never,
  })) as Array<{ calls: Call[] }>;
  const calls = blocks[0]?.calls ?? [];
  const lowerCoinbase = coinbase.toLowerCase();
  return txs.map((tx, i) => {
    const call = calls[i];
    if (!call) return { hash: tx.hash, success: false, gasUsed: 0n, logs: [], coinbasePaidWei: 0n, error: 'not simulated', returnData: '0x' };
    const gasUsed = BigInt(call.gasUsed);
    const success = call.status === '0x1';
    let transfers = 0n;
    const logs: HintLog[] = [];
    for (const log of call.logs ?? []) {
      if (log.address.toLowerCase() === ethTransferLog) {
        if (log.topics[0] === transferTopic && `0x${log.topics[2]!.slice(26)}`.toLowerCase() === lowerCoinbase) transfers += BigInt(log.data);
        continue;
      }
      logs.push({ address: log.address, topics: log.topics, data: log.data });
    }
    const fees = gasUsed * effectivePriorityFee({ baseFee, maxFeePerGas: tx.maxFeePerGas, maxPriorityFeePerGas: tx.maxPriorityFeePerGas });
    return { hash: tx.hash, success, gasUsed, logs, coinbasePaidWei: fees + (success ? transfers : 0n), returnData: call.returnData, ...(success ? {} : { error: call.error?.message ?? 'execution reverted' }) };
  });
}
