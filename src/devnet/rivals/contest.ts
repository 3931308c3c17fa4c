import { getAddress, parseAbi, type Address, type Hex } from 'viem';
import { mainnet } from '../../chain/addresses.ts';
import { accountExecution } from '../../chain/executionAccount.ts';
import type { DevnetClient } from '../client.ts';
import type { BlockReport } from '../builder/builder.ts';
import { devnetCall } from '../truth/devnetCall.ts';
import type { RivalInfo } from './rival.ts';

/** Victims both we and at least one rival sent a bundle for, to the builder, for the same block. */
export type Contested = {
  won: number;
  lost: number;
  /** Our mean builder share (bps) on the contested backruns that landed, from their receipts; null when none landed. */
  avgBidShareBps: number | null;
};
export type RivalTally = { name: string; won: number; netWei: string };
export type ContestMeasure = { contested: Contested; rivals: RivalTally[] };

const balanceOfAbi = parseAbi(['function balanceOf(address) view returns (uint256)']);

type Entry = { txHashes: Hex[]; senders: Address[]; included: boolean };

/**
 * The contests of a run, from the builder's block reports (who sent which bundle for which block, by its
 * transactions' senders: a relay signs the bundles it forwards) and the chain. A bundle belongs to us when one of
 * its transactions is sent by one of our operators, to a rival likewise by its operator; its victims are its other
 * transactions. A rival's net is the change of its executor's WETH and ETH and its operator's ETH over the range:
 * balances, not our accounting.
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
  const ours = new Set(input.ourOperators.map((address) => address.toLowerCase()));
  const rivalOf = new Map(input.rivals.map((rival) => [rival.operator.toLowerCase(), rival.name]));
  const owner = (entry: Entry): string | undefined => {
    for (const sender of entry.senders) {
      const lower = sender.toLowerCase();
      if (ours.has(lower)) return '';
      const rival = rivalOf.get(lower);
      if (rival) return rival;
    }
    return undefined;
  };
  /** victim -> who sent a bundle for it (in some block; '' = us) and our landed transactions that backran it. */
  const victims = new Map<string, { senders: Set<string>; contestedIn: Set<bigint>; ourLanded: Hex[] }>();
  const rivalWins = new Map<string, number>(input.rivals.map((rival) => [rival.name, 0]));
  for (let block = input.fromBlock; block <= input.toBlock; block++) {
    const report = await devnetCall<BlockReport>(input.builderUrl, 'builder_blockReport', [`0x${block.toString(16)}`]).catch(() => undefined);
    if (!report) continue;
    const entries: Entry[] = [...report.included.map((entry) => ({ ...entry, included: true })), ...report.excluded.map((entry) => ({ ...entry, included: false }))];
    const perBlock = new Map<string, Set<string>>();
    for (const entry of entries) {
      const who = owner(entry);
      if (who === undefined) continue;
      if (who !== '' && entry.included) rivalWins.set(who, (rivalWins.get(who) ?? 0) + 1);
      const own = (sender: Address) => (who === '' ? ours.has(sender.toLowerCase()) : rivalOf.get(sender.toLowerCase()) === who);
      for (const [i, hash] of entry.txHashes.entries()) {
        if (own(entry.senders[i]!)) continue;
        const victim = hash.toLowerCase();
        const seen = victims.get(victim) ?? { senders: new Set(), contestedIn: new Set(), ourLanded: [] };
        victims.set(victim, seen);
        seen.senders.add(who);
        if (!perBlock.has(victim)) perBlock.set(victim, new Set());
        perBlock.get(victim)!.add(who);
        if (who === '' && entry.included) seen.ourLanded.push(...entry.txHashes.filter((_, j) => own(entry.senders[j]!)));
      }
    }
    for (const [victim, who] of perBlock) if (who.has('') && who.size > 1) victims.get(victim)!.contestedIn.add(block);
  }
  let won = 0;
  let lost = 0;
  const shares: bigint[] = [];
  for (const victim of victims.values()) {
    if (victim.contestedIn.size === 0) continue;
    if (victim.ourLanded.length === 0) {
      lost++;
      continue;
    }
    won++;
    for (const hash of victim.ourLanded) {
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
  return { contested: { won, lost, avgBidShareBps }, rivals };
}
