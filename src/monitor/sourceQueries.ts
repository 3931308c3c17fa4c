import type { OrderFlowSource } from '../mempool/types.ts';
import type { SqlDatabase } from './sqlDatabase.ts';

/** The order-flow sources, in the order reports show them. */
export const orderFlowSources: readonly OrderFlowSource[] = ['public', 'mevBlocker', 'mevShare'];

/** One source's account, from the store. Amounts in wei. */
export type SourceTotals = {
  /** Candidates evaluated (sent or rejected) on victims seen through this source. */
  opportunities: number;
  /** Bundles sent. */
  sent: number;
  /** Bundles whose transaction landed and succeeded; `reverted` landed and reverted (it still cost gas). */
  landed: number;
  reverted: number;
  /** Realised, over every landed transaction (reverted ones too, as the totals count them). */
  grossWei: bigint;
  gasWei: bigint;
  bribeWei: bigint;
  /** What the relays' builders are expected to refund users out of our payments (MEV-Share: payment x refund %). */
  expectedRefundsWei: bigint;
  /** Our realised net: gross - builder payment - gas (a refund comes out of the builder's share, not ours). */
  netWei: bigint;
};

const empty = (): SourceTotals => ({ opportunities: 0, sent: 0, landed: 0, reverted: 0, grossWei: 0n, gasWei: 0n, bribeWei: 0n, expectedRefundsWei: 0n, netWei: 0n });

type LandedRow = { source: OrderFlowSource; status: 'success' | 'reverted'; gross_wei: string; gas_paid_wei: string; builder_payment_wei: string; net_wei: string; expected_refund_wei: string };

/**
 * Per source: opportunities, sent, landed, gross, refunds, net. A bundle's source is its candidate's (a bundle with
 * no candidate row counts as public). Amounts are summed here, in bigint, as the other reads do. One instance, or
 * every instance with a null filter.
 */
export function querySourceTotals(db: SqlDatabase, filter: string | null): Record<OrderFlowSource, SourceTotals> {
  const only = (alias: string) => (filter === null ? { sql: '1 = 1', params: [] as unknown[] } : { sql: `${alias}instance = ?`, params: [filter] as unknown[] });
  const sourceOf = "coalesce(o.source, 'public')";
  const joinCandidate = 'LEFT JOIN opportunities o ON o.instance = b.instance AND o.id = b.opportunity_id';
  const read = db.transaction(() => ({
    opportunities: db.prepare(`SELECT o.source AS source, count(*) AS n FROM opportunities o WHERE ${only('o.').sql} GROUP BY o.source`).all(...only('o.').params) as Array<{ source: OrderFlowSource; n: number }>,
    sent: db.prepare(`SELECT ${sourceOf} AS source, count(*) AS n FROM bundles b ${joinCandidate} WHERE ${only('b.').sql} GROUP BY ${sourceOf}`).all(...only('b.').params) as Array<{ source: OrderFlowSource; n: number }>,
    landed: db
      .prepare(
        `SELECT ${sourceOf} AS source, i.status, i.gross_wei, i.gas_paid_wei, i.builder_payment_wei, i.net_wei, i.expected_refund_wei
         FROM inclusions i JOIN bundles b ON b.instance = i.instance AND b.id = i.bundle_id ${joinCandidate} WHERE ${only('i.').sql}`,
      )
      .all(...only('i.').params) as LandedRow[],
  }));
  const { opportunities, sent, landed } = read();
  const totals = Object.fromEntries(orderFlowSources.map((source) => [source, empty()])) as Record<OrderFlowSource, SourceTotals>;
  for (const row of opportunities) totals[row.source].opportunities += Number(row.n);
  for (const row of sent) totals[row.source].sent += Number(row.n);
  for (const row of landed) {
    const sum = totals[row.source];
    if (row.status === 'success') sum.landed++;
    else sum.reverted++;
    sum.grossWei += BigInt(row.gross_wei);
    sum.gasWei += BigInt(row.gas_paid_wei);
    sum.bribeWei += BigInt(row.builder_payment_wei);
    sum.expectedRefundsWei += BigInt(row.expected_refund_wei);
    sum.netWei += BigInt(row.net_wei);
  }
  return totals;
}

/** The source of one bundle (its candidate's), or undefined when the store has no such bundle. */
export function queryBundleSource(db: SqlDatabase, instance: string, bundleId: string): OrderFlowSource | undefined {
  const row = db
    .prepare("SELECT coalesce(o.source, 'public') AS source FROM bundles b LEFT JOIN opportunities o ON o.instance = b.instance AND o.id = b.opportunity_id WHERE b.instance = ? AND b.id = ?")
    .get(instance, bundleId) as { source: OrderFlowSource } | undefined;
  return row?.source;
}

/** A block's base fee as the bot recorded it at its head, or undefined. */
export function queryBlockBaseFee(db: SqlDatabase, instance: string, block: number): bigint | undefined {
  const row = db.prepare('SELECT base_fee_wei FROM blocks WHERE instance = ? AND number = ?').get(instance, block) as { base_fee_wei: string | null } | undefined;
  return row?.base_fee_wei == null ? undefined : BigInt(row.base_fee_wei);
}
