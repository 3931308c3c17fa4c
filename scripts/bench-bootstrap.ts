// Market bootstrap at scale: cold (discovery from block 0, every pool read, floor, tick windows) and warm (from
// the store's checkpoint), against a devnet in its own process, over several runs (min / median / max).
//   npx tsx scripts/bench-bootstrap.ts [--scenario FILE|scale|scale:N] [--runs 5] [--blocks 5]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createPublicClient, http, type PublicClient } from 'viem';
import { mainnet } from '../src/chain/addresses.ts';
import { startDevnetProcess } from '../src/cli/devnetProcess.ts';
import { defaultScenarioPath } from '../src/devnet/scenario/load.ts';
import { createLogger } from '../src/log.ts';
import { Store } from '../src/monitor/store.ts';
import { loadMarket } from '../src/state/marketLoader.ts';
import { windowAround } from '../src/state/reader.ts';
import { mainnetFactories } from '../src/state/venues.ts';

const { values } = parseArgs({ options: { scenario: { type: 'string' }, runs: { type: 'string' }, blocks: { type: 'string' } } });
const runs = Number(values.runs ?? 5);
const blocksBetween = Number(values.blocks ?? 5);
const scenario = values.scenario ?? defaultScenarioPath();

const stats = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return { min: sorted[0]!, median: sorted[Math.floor(sorted.length / 2)]!, max: sorted.at(-1)! };
};

const started = performance.now();
const devnet = await startDevnetProcess({ scenario, blockTime: 1, readyTimeoutMs: 3_600_000 });
console.log(`devnet ready in ${Math.round(performance.now() - started)} ms (pid ${devnet.pid}, ${devnet.manifest.pools.length} pools in the manifest)`);
const client = createPublicClient({ transport: http(devnet.manifest.rpcUrl, { retryCount: 0 }) }) as PublicClient;
const logger = createLogger('bench');
const windows = (pool: { tick: number; tickSpacing: number }) => windowAround(pool.tick, pool.tickSpacing, 4);
const dir = mkdtempSync(join(tmpdir(), 'bench-bootstrap-'));
const head = async () => {
  const block = await client.getBlock({ blockTag: 'latest' });
  return { number: block.number!, hash: block.hash!, parentHash: block.parentHash };
};
try {
  const cold: number[] = [];
  const warm: number[] = [];
  const rss: number[] = [];
  let last: Awaited<ReturnType<typeof loadMarket>> | undefined;
  for (let run = 0; run < runs; run++) {
    const store = Store.open(join(dir, `run-${run}.db`));
    const checkpoints = { store, scope: 'bench' };
    const floor = { weth: mainnet.weth, minLiquidityWei: 10n ** 18n };
    let t = performance.now();
    const first = await loadMarket({ client, factories: mainnetFactories, head: await head(), logger, checkpoints, floor, windows });
    cold.push(performance.now() - t);
    rss.push(process.memoryUsage().rss);
    // Blocks of traffic go by; then the restart.
    const from = (await head()).number;
    while ((await head()).number < from + BigInt(blocksBetween)) await new Promise((resolve) => setTimeout(resolve, 200));
    t = performance.now();
    last = await loadMarket({ client, factories: mainnetFactories, head: await head(), logger, checkpoints, floor, windows });
    warm.push(performance.now() - t);
    store.close();
    console.log(`run ${run + 1}: cold ${Math.round(cold.at(-1)!)} ms (${first.stats.discovered} discovered, ${first.stats.tracked} tracked), warm ${Math.round(warm.at(-1)!)} ms (${last.stats.read} read again after ${blocksBetween} blocks)`);
  }
  const round = (s: { min: number; median: number; max: number }) => `${Math.round(s.min)} / ${Math.round(s.median)} / ${Math.round(s.max)}`;
  console.log(`\ncold bootstrap ms (min / median / max over ${runs}): ${round(stats(cold))}`);
  console.log(`warm restart ms  (min / median / max over ${runs}): ${round(stats(warm))}`);
  console.log(`process RSS after a load, MB (min / median / max): ${round(stats(rss.map((bytes) => bytes / 2 ** 20)))}`);
  console.log(JSON.stringify({ scenario, pools: last?.stats.discovered, tracked: last?.stats.tracked, coldMs: stats(cold), warmMs: stats(warm), rssBytes: stats(rss) }));
} finally {
  await devnet.stop();
  rmSync(dir, { recursive: true, force: true });
}
