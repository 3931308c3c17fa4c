/**
 * The bot on the devnet (default scenario, public flow, no rival searcher: the devnet has none yet) with a bidding
 * policy, for N blocks: what it bid, what came of it, and the net, from the store.
 *
 *   npx tsx scripts/bid-devnet.ts fixed [--blocks 20]
 *   npx tsx scripts/bid-devnet.ts adaptive [--blocks 20]
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadRunConfig } from '../src/config/runConfig.ts';
import { devAccount } from '../src/devnet/accounts.ts';
import { startDevnet } from '../src/devnet/devnet.ts';
import { writeManifest } from '../src/devnet/manifest.ts';
import { defaultScenarioPath, loadScenario } from '../src/devnet/scenario/load.ts';
import { createLogger } from '../src/log.ts';
import { SearcherApp } from '../src/searcher.ts';
import { Store } from '../src/monitor/store.ts';
import { formatBidsTable } from '../src/cli/profitReport.ts';
import { formatUnitsExact } from '../src/units/decimal.ts';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { blocks: { type: 'string', default: '20' } } });
const policy = positionals[0] === 'adaptive' ? 'adaptive' : 'fixed';
const blocks = Number(values.blocks);
const logger = createLogger('bid-devnet');

const devnet = await startDevnet({ scenario: { ...loadScenario(defaultScenarioPath()), privateFlow: null }, port: 0, blockTime: 2, logger });
const dir = mkdtempSync(join(tmpdir(), 'bid-devnet-'));
writeManifest(join(dir, 'manifest.json'), devnet.manifest);
writeFileSync(join(dir, 'config.json'), JSON.stringify({ chain: { manifest: 'manifest.json' }, strategy: { bidding: { policy } } }));
const app = await SearcherApp.start({
  ...loadRunConfig(join(dir, 'config.json')),
  dbFile: join(dir, 'searcher.db'),
  dryRun: false,
  signer: devAccount(devnet.manifest.accounts.searcher.index),
  laneSigners: devnet.manifest.accounts.operators.map((operator) => devAccount(operator.index)),
  authAccount: devAccount(devnet.manifest.accounts.searcher.index + 100),
  dashboard: false,
  logger,
});
const start = app.engine.headNumber;
while (app.engine.headNumber < start + BigInt(blocks)) await new Promise((resolve) => setTimeout(resolve, 200));
await app.stop();
const store = Store.open(join(dir, 'searcher.db'));
const totals = store.totals();
const bids = store.recentBids(10_000);
const won = bids.filter((bid) => bid.outcome === 'won');
const avgWon = won.length > 0 ? Math.round(won.reduce((sum, bid) => sum + bid.shareBps, 0) / won.length) : 0;
console.log(`policy ${policy}, ${blocks} blocks: bids ${bids.length}, won ${won.length}, avg share of the won ${(avgWon / 100).toFixed(2)} %, paid to builders ${formatUnitsExact(totals.bribeWei, 18)} ETH, net ${formatUnitsExact(totals.netWei, 18)} ETH, included ${totals.included}`);
console.log(formatBidsTable(store.bidBuckets()).join('\n'));
store.close();
await devnet.stop();
