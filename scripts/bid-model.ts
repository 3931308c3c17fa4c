/**
 * A model auction for the bidding policy (strategy/bidPolicy.ts), NOT the devnet: contested backruns on a few pools,
 * one rival per mix, the higher coinbase payment wins (a tie is a coin flip), a slow rival's bundle reaches the builder
 * in time only part of the time. Our outcomes go back into the policy as the ledger feeds them (outbid with the
 * winner's payment, which the local builder exposes). Prints bid share vs win rate vs net per policy and rival mix.
 *
 *   npx tsx scripts/bid-model.ts [--rounds 2000] [--seed 1]
 *
 * Gross per opportunity is drawn from 0.005..0.5 ETH (log-uniform), gas 150k at 20 gwei; minNetProfitWei 0.
 */
import { parseArgs } from 'node:util';
import { BidPolicy, type BiddingSettings } from '../src/strategy/bidPolicy.ts';
import { defaultBidding } from '../src/config/bidding.ts';
import { seededRandom } from '../src/devnet/traffic/random.ts';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '2000' }, seed: { type: 'string', default: '1' } } });
const rounds = Number(values.rounds);


type Rival = { name: string; shareBps: number; inTime: number } | undefined;
const mixes: Array<{ name: string; rival: Rival }> = [
  { name: 'no rival', rival: undefined },
  { name: 'as fast as us, fixed 90%', rival: { name: 'fast90', shareBps: 9000, inTime: 1 } },
  { name: 'slower (in time 50%), fixed 50%', rival: { name: 'slow50', shareBps: 5000, inTime: 0.5 } },
  { name: 'as fast as us, fixed 80% (block-state arbitrageur)', rival: { name: 'arb80', shareBps: 8000, inTime: 1 } },
];
const pools = ['0x00000000000000000000000000000000000000a1', '0x00000000000000000000000000000000000000a2', '0x00000000000000000000000000000000000000a3'];
const gasCostWei = 150_000n * 20_000_000_000n;
const ether = 10n ** 18n;

type Result = { policy: string; won: number; lost: number; sharePaidBps: number; netWei: bigint; losses: number };

function run(policyName: string, settings: BiddingSettings, fixedShareBps: number, rival: Rival, seed: number): Result {
  const random = seededRandom(seed);
  const policy = new BidPolicy({ settings, fixedShareBps, executorCapBps: 10_000 });
  let won = 0;
  let lost = 0;
  let shareSum = 0;
  let netWei = 0n;
  let losses = 0;
  for (let round = 0; round < rounds; round++) {
    const nowMs = round * 12_000;
    const pool = pools[Math.floor(random() * pools.length)]!;
    const grossWei = BigInt(Math.floor(5e15 * Math.exp(random() * Math.log(100))));
    const coin = random();
    const rivalInTime = rival !== undefined && random() < rival.inTime;
    if (grossWei <= gasCostWei) continue;
    const { shareBps } = policy.bid({ pools: [pool], grossWei, gasCostWei, minNetProfitWei: 0n, nowMs });
    const afterGas = grossWei - gasCostWei;
    const ours = (afterGas * BigInt(shareBps)) / 10_000n;
    const theirs = rivalInTime ? (afterGas * BigInt(rival!.shareBps)) / 10_000n : -1n;
    const win = ours > theirs || (ours === theirs && coin < 0.5);
    if (win) {
      won++;
      shareSum += shareBps;
      const net = afterGas - ours;
      netWei += net;
      if (net < 0n) losses++;
      policy.learn({ pools: [pool], builder: 'local', shareBps, grossWei, gasCostWei, outcome: 'won', nowMs });
    } else {
      lost++;
      policy.learn({ pools: [pool], builder: 'local', shareBps, grossWei, gasCostWei, outcome: 'outbid', winnerBidWei: theirs, nowMs });
    }
  }
  return { policy: policyName, won, lost, sharePaidBps: won > 0 ? Math.round(shareSum / won) : 0, netWei, losses };
}

const eth = (wei: bigint) => (Number(wei) / Number(ether)).toFixed(4);
const fixed = (share: number): [string, BiddingSettings, number] => [`fixed ${share / 100}%`, { ...defaultBidding, policy: 'fixed' }, share];
const policies: Array<[string, BiddingSettings, number]> = [fixed(5000), fixed(8000), fixed(9000), fixed(9100), fixed(9500), fixed(9900), ['adaptive (defaults)', { ...defaultBidding, policy: 'adaptive' }, 5000]];

console.log(`model auction, ${rounds} opportunities per run, seed ${values.seed} (not the devnet: see the header)`);
for (const mix of mixes) {
  console.log(`\n### rival: ${mix.name}\n`);
  console.log('| policy | won | lost | win rate | avg share paid when won | net (ETH) | landed at a loss |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  const results = policies.map(([name, settings, share]) => run(name, settings, share, mix.rival, Number(values.seed)));
  const bestFixed = results.filter((result) => result.policy.startsWith('fixed')).reduce((best, result) => (result.netWei > best.netWei ? result : best));
  for (const result of results) {
    const rate = result.won + result.lost > 0 ? ((100 * result.won) / (result.won + result.lost)).toFixed(1) : '-';
    console.log(`| ${result.policy} | ${result.won} | ${result.lost} | ${rate} % | ${(result.sharePaidBps / 100).toFixed(2)} % | ${eth(result.netWei)} | ${result.losses} |`);
  }
  const adaptive = results[results.length - 1]!;
  console.log(`\nbest fixed: ${bestFixed.policy} (${eth(bestFixed.netWei)} ETH); adaptive ${adaptive.netWei >= bestFixed.netWei ? '>=' : '<'} best fixed`);
}
