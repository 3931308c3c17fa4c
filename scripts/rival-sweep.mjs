#!/usr/bin/env node
/**
 * Bid share vs win rate vs net against the devnet's rival mixes: one `searcher demo --json` per policy and mix (each
 * a real devnet, builder, relays, rivals and bot; nothing leaves the machine), then a table from the demos' JSON.
 * Run `node scripts/build.mjs` first. Each run takes 2-3 minutes on a 2-core machine; runs are sequential (a second
 * demo beside the first would slow both and change who wins the races).
 *
 *   node scripts/rival-sweep.mjs [--mixes fast90,slow50] [--policies adaptive,1000,3000,5000,7000,9500] [--blocks 30] [--runs 1] [--out DIR]
 *
 * A policy is `adaptive` or a fixed share in bps. Columns: contests won / contested (the victim ran inside our
 * bundle), the mean builder share our won contests paid (from receipts), the bot's net, the rival's net, and what
 * our lost contests went to. Each run's JSON and store stay in --out.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    mixes: { type: 'string', default: 'fast90,slow50' },
    policies: { type: 'string', default: 'adaptive,1000,3000,5000,7000,9500' },
    blocks: { type: 'string', default: '30' },
    runs: { type: 'string', default: '1' },
    out: { type: 'string' },
  },
});
const out = values.out ?? mkdtempSync(join(tmpdir(), 'rival-sweep-'));
mkdirSync(out, { recursive: true });
const eth = (wei) => (Number(BigInt(wei)) / 1e18).toFixed(4);

console.log(`| mix | policy | run | contests won | won % | avg paid (bps) | our net (ETH) | rival net (ETH) | lost to |`);
console.log(`| --- | --- | --- | --- | --- | --- | --- | --- | --- |`);
for (const mix of values.mixes.split(',')) {
  for (const policy of values.policies.split(',')) {
    for (let run = 1; run <= Number(values.runs); run++) {
      // A store of its own per run: an adaptive bot learns again from the bids a store holds when it starts.
      const tag = `${mix}-${policy}-${run}-${Date.now()}`;
      const args = ['bin/searcher.js', 'demo', '--blocks', values.blocks, '--rivals', join(root, 'scenarios', 'rivals', `${mix}.json`), '--json', '--dashboard-port', '0', '--db', join(out, `${tag}.db`)];
      args.push(...(policy === 'adaptive' ? ['--bid-policy', 'adaptive'] : ['--bid-share', policy]));
      const done = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
      if (done.status !== 0) {
        console.log(`| ${mix} | ${policy} | ${run} | demo failed (exit ${done.status}): ${done.stderr.trim().split('\n').at(-1)} | | | | | |`);
        continue;
      }
      const last = done.stdout.trim().split('\n').at(-1);
      writeFileSync(join(out, `${tag}.json`), `${last}\n`);
      const result = JSON.parse(last);
      const { won, lost, avgBidShareBps, lostTo } = result.contested;
      const rivals = result.rivals.map((rival) => eth(rival.netWei)).join(', ');
      const lostText = Object.entries(lostTo ?? {}).map(([who, count]) => `${who} ${count}`).join(', ');
      const share = won + lost === 0 ? '-' : `${Math.round((100 * won) / (won + lost))}%`;
      console.log(`| ${mix} | ${policy} | ${run} | ${won}/${won + lost} | ${share} | ${avgBidShareBps ?? '-'} | ${eth(result.totals.netProfitWei)} | ${rivals} | ${lostText} |`);
    }
  }
}
console.log(`\nruns (JSON and store) in ${out}`);
