import type { Hex } from 'viem';
import type { SwapRoute } from '../traffic/privateRoute.ts';
import { emptyVictimTally, tallyFigures, type VictimTally } from './baseline.ts';
import { devnetCall } from './devnetCall.ts';
import { routeOf, type SwapRoutes } from './routes.ts';

/**
 * The capture of one route's victims, against the same independent truth. Amounts are decimal wei strings. The
 * headline figures grade each victim by its own value (truth/baseline.ts); the `afterOnly*` ones are the old rule
 * (the best on the state after the swap alone, standing gaps included), kept beside them.
 */
export type SourceCapture = {
  /** Victims whose swap took this route (by the relays' own record; public when no relay took it), with an own value above 0. */
  victims: number;
  /** Of those, backrun by us. */
  captured: number;
  /** The victims' own values (the best after minus what stood on the same cycle before), summed. */
  bestGrossWei: string;
  /** Our backruns' gross, each held to its victim's own value. */
  capturedGrossWei: string;
  /** capturedGross / bestGross, 4 decimals; null when there was nothing to take. */
  ratio: number | null;
  /** The old rule's figures: every swap with a backrun worth its gas, its best on the state after it alone, our gross in full. */
  afterOnlyVictims: number;
  afterOnlyCaptured: number;
  afterOnlyBestGrossWei: string;
  afterOnlyCapturedGrossWei: string;
  afterOnlyRatio: number | null;
  /** What our backruns of these victims took above each victim's own value: gaps that stood before the victim. */
  standingGapBackrunGrossWei: string;
  /**
   * What the builder refunded these victims' users out of our landed backruns' payments, as its block reports say
   * (`builder_blockReport` included[].refund, paid in the same block): MEV-Share's 90%. The devnet's MEV Blocker
   * relay sets no refund, so its figure is 0 by construction; public bundles have none.
   */
  refundsWei: string;
  /** Our landed backruns of this route whose block report could not be read (their refund is not in refundsWei). */
  refundsUnread: number;
};

export type SourceCaptures = Record<SwapRoute, SourceCapture>;

export const emptyTallies = (): Record<SwapRoute, VictimTally> => ({ public: emptyVictimTally(), mevBlocker: emptyVictimTally(), mevShare: emptyVictimTally() });

type ReportedBundle = { txHashes: Hex[]; refund?: { refundWei: string } };

/**
 * The refunds the builder paid for our landed backruns, by the route of the victim each one backran: every landed
 * bundle of ours in [fromBlock, toBlock] is looked up in its block's `builder_blockReport` by our transaction's
 * hash. A block the builder no longer reports (it keeps 1024) is counted in `unread`, not guessed.
 */
export async function refundsByRoute(
  builderUrl: string,
  landed: ReadonlyArray<{ victim?: Hex; execution: { txHash?: Hex; blockNumber?: bigint } }>,
  routes: SwapRoutes,
  range: { fromBlock: bigint; toBlock: bigint },
): Promise<Record<SwapRoute, { refunds: bigint; unread: number }>> {
  const result: Record<SwapRoute, { refunds: bigint; unread: number }> = { public: { refunds: 0n, unread: 0 }, mevBlocker: { refunds: 0n, unread: 0 }, mevShare: { refunds: 0n, unread: 0 } };
  const reports = new Map<bigint, ReportedBundle[] | null>();
  for (const bundle of landed) {
    const { txHash, blockNumber } = bundle.execution;
    if (!txHash || blockNumber === undefined || blockNumber < range.fromBlock || blockNumber > range.toBlock) continue;
    const route = bundle.victim ? routeOf(routes, bundle.victim) : 'public';
    if (!reports.has(blockNumber)) {
      reports.set(blockNumber, await devnetCall<{ included: ReportedBundle[] }>(builderUrl, 'builder_blockReport', [numberToQuantity(blockNumber)]).then((report) => report.included, () => null));
    }
    const included = reports.get(blockNumber);
    if (!included) {
      result[route].unread++;
      continue;
    }
    const ours = included.find((entry) => entry.txHashes.some((hash) => hash.toLowerCase() === txHash.toLowerCase()));
    if (ours?.refund) result[route].refunds += BigInt(ours.refund.refundWei);
  }
  return result;
}

const numberToQuantity = (value: bigint) => `0x${value.toString(16)}`;

export function sourceCaptures(tallies: Record<SwapRoute, VictimTally>, refunds: Record<SwapRoute, { refunds: bigint; unread: number }>): SourceCaptures {
  const one = (route: SwapRoute): SourceCapture => {
    const tally = tallies[route];
    return {
      ...tallyFigures(tally),
      refundsWei: String(refunds[route].refunds),
      refundsUnread: refunds[route].unread,
    };
  };
  return { public: one('public'), mevBlocker: one('mevBlocker'), mevShare: one('mevShare') };
}
