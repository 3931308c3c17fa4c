import { getAddress, parseAbi, type Address, type Hex } from 'viem';
import { mainnet } from '../../chain/addresses.ts';
import { accountExecution } from '../../chain/executionAccount.ts';
import type { DevnetClient } from '../client.ts';
import type { BlockReport } from '../builder/builder.ts';
import { devnetCall } from '../truth/devnetCall.ts';
import type { RivalInfo } from './rival.ts';

/** Victims both we and at least one rival sent a bundle for, to the builder, for the same block. */
export type Contested = {
  /** The victim ran inside a bundle of ours: we took its backrun. */
  won: number;
  /** Everything else, those in `landedBehind` included. */
  lost: number;
  /**
   * Lost ones where our transaction landed all the same, without the victim (a bundle that may drop it: the victim
   * ran in another's bundle first and ours took what that left).
   */
  landedBehind: number;
  /** Our mean builder share (bps) on the won ones, from their receipts; null when none was won. */
  avgBidShareBps: number | null;
  /**
   * Why the contests went as they did, as the builder reported each bundle in the contested blocks: on the won ones,
   * what became of the rivals' bundles (`outbid` is an auction we won on price; `reverted` or `nonce` one the rival
   * lost on its own); on the lost ones, what became of ours.
   */
  rivalsWhenWon: Record<string, number>;
  oursWhenLost: Record<string, number>;
  /** Who the lost ones went to: a rival's name, `ours` (another bundle of ours), `other` (a bundle of neither), `none`. */
  lostTo: Record<string, number>;
};
export type RivalTally = { name: string; won: number; netWei: string };
export type ContestMeasure = { contested: Contested; rivals: RivalTally[] };

const balanceOfAbi = parseAbi(['function balanceOf(address) view returns (uint256)']);

type Entry = { txHashes: Hex[]; senders: Address[]; droppedTxHashes?: Hex[]; included: boolean; reason?: string };

/**
 * Bundles the builder did not put in its auction: one that arrived while the block was being sealed, or withdrawn
 * before. They contested nothing.
 */
const notInAuction = new Set(['wrong block', 'cancelled']);

/**
 * Pure core: the contested victims of some block reports (each with our transactions that landed behind it) and each
 * rival's landed bundles. A bundle is ours when one of its transactions is sent by one of our operators, a rival's
 * likewise by its operator; its victims are its other transactions. A victim is contested in a block when bundles of
 * ours and of at least one rival carrying it were in that block's auction.
 */
export function contestsOf(
  reports: ReadonlyArray<Pick<BlockReport, 'included' | 'excluded'>>,
  ourOperators: readonly Address[],
  rivals: ReadonlyArray<Pick<RivalInfo, 'name' | 'operator'>>,
): { victims: Array<{ victim: Hex; ourWon: Hex[]; ourLandedBehind: Hex[]; ours: string[]; rivals: string[]; landedWith?: string }>; rivalWins: Map<string, number> } {
  const ours = new Set(ourOperators.map((address) => address.toLowerCase()));
  const rivalOf = new Map(rivals.map((rival) => [rival.operator.toLowerCase(), rival.name]));
  const owner = (entry: Entry): string | undefined => {
    for (const sender of entry.senders) {
      const lower = sender.toLowerCase();
      if (ours.has(lower)) return '';
      const rival = rivalOf.get(lower);
      if (rival) return rival;
    }
    return undefined;
  };
  /**
   * victim -> whether it was contested in some block; our transactions that landed right behind it in our bundle
   * (a win), and those that landed in a bundle of ours that carried it but ran without it (it ran elsewhere first);
   * what became of our bundles and the rivals' for it in the blocks it was contested in ('included' or the reason).
   */
  const victims = new Map<string, { contested: boolean; ourWon: Hex[]; ourLandedBehind: Hex[]; ours: string[]; rivals: string[] }>();
  /** victim -> whose included bundle ran it ('' ours, a rival's name, 'other'), in the last block that ran it. */
  const ranIn = new Map<string, string>();
  const rivalWins = new Map<string, number>(rivals.map((rival) => [rival.name, 0]));
  for (const report of reports) {
    const entries: Entry[] = [...report.included.map((entry) => ({ ...entry, included: true })), ...report.excluded.filter((entry) => !notInAuction.has(entry.reason)).map((entry) => ({ ...entry, included: false }))];
    const perBlock = new Map<string, Array<{ who: string; outcome: string }>>();
    for (const entry of entries) {
      const who = owner(entry);
      if (entry.included) {
        const dropped = new Set((entry.droppedTxHashes ?? []).map((hash) => hash.toLowerCase()));
        for (const hash of entry.txHashes) if (!dropped.has(hash.toLowerCase())) ranIn.set(hash.toLowerCase(), who ?? 'other');
      }
      if (who === undefined) continue;
      if (who !== '' && entry.included) rivalWins.set(who, (rivalWins.get(who) ?? 0) + 1);
      const own = (sender: Address | undefined) => sender !== undefined && (who === '' ? ours.has(sender.toLowerCase()) : rivalOf.get(sender.toLowerCase()) === who);
      for (const [i, hash] of entry.txHashes.entries()) {
        if (own(entry.senders[i])) continue;
        const victim = hash.toLowerCase();
        const seen = victims.get(victim) ?? { contested: false, ourWon: [], ourLandedBehind: [], ours: [], rivals: [] };
        victims.set(victim, seen);
        if (!perBlock.has(victim)) perBlock.set(victim, []);
        perBlock.get(victim)!.push({ who, outcome: entry.included ? 'included' : (entry.reason ?? 'excluded') });
        if (who === '' && entry.included) {
          const ranWithout = (entry.droppedTxHashes ?? []).some((dropped) => dropped.toLowerCase() === victim);
          (ranWithout ? seen.ourLandedBehind : seen.ourWon).push(...entry.txHashes.filter((_, j) => own(entry.senders[j])));
        }
      }
    }
    for (const [victim, bundles] of perBlock) {
      if (!bundles.some(({ who }) => who === '') || bundles.every(({ who }) => who === '')) continue;
      const seen = victims.get(victim)!;
      seen.contested = true;
      for (const { who, outcome } of bundles) (who === '' ? seen.ours : seen.rivals).push(outcome);
    }
  }
  return {
    victims: [...victims]
      .filter(([, seen]) => seen.contested)
      .map(([victim, seen]) => {
        const landedWith = ranIn.get(victim);
        return { victim: victim as Hex, ourWon: seen.ourWon, ourLandedBehind: seen.ourLandedBehind, ours: seen.ours, rivals: seen.rivals, ...(landedWith !== undefined ? { landedWith: landedWith === '' ? 'ours' : landedWith } : {}) };
      }),
    rivalWins,
  };
}

/**
 * The contests of a run, from the builder's block reports (who sent which bundle for which block, by its
 * transactions' senders: a relay signs the bundles it forwards; see contestsOf) and the chain. A rival's net is the
 * change of its executor's WETH and ETH and its operator's ETH over the range: balances, not our accounting.
 */
export async function measureContests(input: {
  client: DevnetClient;
  builderUrl: string;
  ourOperators: readonly Address[];
  ourExecutor: Address;
  rivals: readonly RivalInfo[];
  fromBlock: bigint;
  toBlock: bigint;
}): Promise<ContestMeasure> {
  const { client } = input;
  const reports: Array<Pick<BlockReport, 'included' | 'excluded'>> = [];
  for (let block = input.fromBlock; block <= input.toBlock; block++) {
    const report = await devnetCall<BlockReport>(input.builderUrl, 'builder_blockReport', [`0x${block.toString(16)}`]).catch(() => undefined);
    if (report) reports.push(report);
  }
  const { victims, rivalWins } = contestsOf(reports, input.ourOperators, input.rivals);
  let won = 0;
  let lost = 0;
  let landedBehind = 0;
  const rivalsWhenWon: Record<string, number> = {};
  const oursWhenLost: Record<string, number> = {};
  const lostTo: Record<string, number> = {};
  const tally = (into: Record<string, number>, outcomes: readonly string[]) => {
    for (const outcome of outcomes) into[outcome] = (into[outcome] ?? 0) + 1;
  };
  const shares: bigint[] = [];
  for (const victim of victims) {
    if (victim.ourWon.length === 0) {
      lost++;
      if (victim.ourLandedBehind.length > 0) landedBehind++;
      tally(oursWhenLost, victim.ours);
      tally(lostTo, [victim.landedWith ?? 'none']);
      continue;
    }
    won++;
    tally(rivalsWhenWon, victim.rivals);
    for (const hash of victim.ourWon) {
      const receipt = await client.getTransactionReceipt({ hash });
      const account = accountExecution({ status: receipt.status, gasUsed: receipt.gasUsed, effectiveGasPrice: receipt.effectiveGasPrice, logs: receipt.logs, executor: input.ourExecutor, startToken: mainnet.weth });
      const afterGas = account.gross - account.gasPaid;
      if (afterGas > 0n) shares.push((account.builderPayment * 10_000n) / afterGas);
    }
  }
  const avgBidShareBps = shares.length === 0 ? null : Number(shares.reduce((sum, share) => sum + share, 0n) / BigInt(shares.length));
  const rivals: RivalTally[] = [];
  for (const rival of input.rivals) {
    const [before, after] = [input.fromBlock - 1n, input.toBlock];
    const holdings = async (blockNumber: bigint) =>
      (await client.readContract({ address: mainnet.weth, abi: balanceOfAbi, functionName: 'balanceOf', args: [getAddress(rival.executor)], blockNumber })) +
      (await client.getBalance({ address: rival.executor, blockNumber })) +
      (await client.getBalance({ address: rival.operator, blockNumber }));
    rivals.push({ name: rival.name, won: rivalWins.get(rival.name) ?? 0, netWei: String((await holdings(after)) - (await holdings(before))) });
  }
  return { contested: { won, lost, landedBehind, avgBidShareBps, rivalsWhenWon, oursWhenLost, lostTo }, rivals };
}
