import type { Address, Hex, Log, PublicClient } from 'viem';
import { SearcherError } from '../errors.ts';
import { logCapOf } from './logCap.ts';

export class LogScanError extends SearcherError {}

export type ScanLogsParameters = {
  address?: readonly Address[];
  /** topic0 alternatives (one position; enough for creation and state events). */
  topics: readonly Hex[];
  fromBlock: bigint;
  toBlock: bigint;
  /** First range width tried (blocks); it doubles after each answer, and shrinks when the provider caps one. */
  initialSpan?: bigint;
  maxSpan?: bigint;
};

export type ScanLogsReturnType = {
  logs: Log[];
  /** eth_getLogs requests made, and how many of them the provider refused as too large. */
  requests: number;
  capped: number;
};

/** Successful ranges after which a width the provider once refused is tried again (the log density moves on). */
const forgetCapAfter = 16;

/**
 * Every log in [fromBlock, toBlock], in chain order, in as few requests as the provider allows: ranges grow while
 * they are answered, and a range the provider caps (too many logs, too wide) is split (to the range it names, if
 * it names one) and asked again, so nothing is skipped. Other errors (node down, timeout) are thrown with the
 * range that failed; a single block that is still capped cannot be split and is an error too.
 */
export async function scanLogs(client: PublicClient, parameters: ScanLogsParameters): Promise<ScanLogsReturnType> {
  const { fromBlock, toBlock } = parameters;
  const maxSpan = parameters.maxSpan ?? 1_000_000n;
  let span = parameters.initialSpan ?? 10_000n;
  let refusedSpan: bigint | undefined;
  let sinceRefusal = 0;
  const result: ScanLogsReturnType = { logs: [], requests: 0, capped: 0 };
  for (let cursor = fromBlock; cursor <= toBlock; ) {
    const end = cursor + span - 1n < toBlock ? cursor + span - 1n : toBlock;
    result.requests++;
    let logs: Log[];
    try {
      logs = (await client.getLogs({
        ...(parameters.address ? { address: [...parameters.address] } : {}),
        fromBlock: cursor,
        toBlock: end,
        topics: [[...parameters.topics]],
      } as never)) as Log[];
    } catch (error) {
      const cap = logCapOf(error);
      if (!cap) throw new LogScanError('LOG_SCAN', `eth_getLogs of blocks ${cursor}..${end} failed: ${(error as Error).message.split('\n')[0]}`, { cause: error });
      if (end === cursor) throw new LogScanError('LOG_SCAN', `the provider caps the logs of block ${cursor} alone: a single block cannot be split further`, { cause: error });
      result.capped++;
      const width = end - cursor + 1n;
      const named = cap.suggested && cap.suggested.from === cursor && cap.suggested.to >= cursor && cap.suggested.to < end ? cap.suggested.to - cursor + 1n : undefined;
      span = named ?? (width / 2n > 0n ? width / 2n : 1n);
      // A range the provider names is the widest that fits from here: growing past it would only be refused again.
      refusedSpan = named !== undefined ? named + 1n : width;
      sinceRefusal = 0;
      continue;
    }
    result.logs.push(...logs);
    cursor = end + 1n;
    if (refusedSpan !== undefined && ++sinceRefusal >= forgetCapAfter) refusedSpan = undefined;
    const ceiling = refusedSpan !== undefined && refusedSpan - 1n < maxSpan ? refusedSpan - 1n : maxSpan;
    span = span * 2n < ceiling ? span * 2n : ceiling;
  }
  return result;
}
