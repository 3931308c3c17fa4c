import type { BlockSummary } from '../monitor/queries.ts';
import { formatUnitsExact } from '../units/decimal.ts';

const eth = (wei: bigint) => `${formatUnitsExact(wei, 18)} ETH`;

/** One human line per block: what the bot saw, tried and earned. */
export function formatBlockLine(block: BlockSummary): string {
  return `block ${block.number}: seen ${block.seen}, candidates ${block.candidates}, sent ${block.sent}, included ${block.included}, net ${eth(block.netWei)}, cumulative ${eth(block.cumulativeNetWei)}`;
}
