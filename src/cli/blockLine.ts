import type { BlockSummary } from '../monitor/queries.ts';
import { formatUnitsExact } from '../units/decimal.ts';

const eth = (wei: bigint) => `${formatUnitsExact(wei, 18)} ETH`;

/**
 * One human line per block: what the bot saw, tried and earned. A dry run sends nothing, so its line says what it
 * would have sent: "sent 3" there would read as bundles out of the door.
 */
export function formatBlockLine(block: BlockSummary, options: { dryRun?: boolean } = {}): string {
  const sent = options.dryRun ? `would send ${block.sent}` : `sent ${block.sent}`;
  return `block ${block.number}: seen ${block.seen}, candidates ${block.candidates}, ${sent}, included ${block.included}, net ${eth(block.netWei)}, cumulative ${eth(block.cumulativeNetWei)}`;
}
