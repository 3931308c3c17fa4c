// Scale devnet start-up: the cold start (generate, build through the real factories, dump into the cache, load)
// and the cached start (load the dump), for `--scenario scale:N`.
//   npx tsx scripts/bench-scale-devnet.ts [--pools N] [--cache-dir DIR] [--keep]
// Without --cache-dir it uses a fresh temporary directory (so the first start is cold) and deletes it afterwards
// unless --keep is given. Prints one JSON line per start and a summary.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startDevnet } from '../src/devnet/devnet.ts';
import { fullScalePools } from '../src/devnet/scale/generate.ts';
import { scaleScenario } from '../src/devnet/scale/scenario.ts';
import { createLogger } from '../src/log.ts';

const { values } = parseArgs({ options: { pools: { type: 'string' }, 'cache-dir': { type: 'string' }, keep: { type: 'boolean' }, starts: { type: 'string' } } });
const pools = Number(values.pools ?? fullScalePools);
const cacheDir = values['cache-dir'] ?? mkdtempSync(join(tmpdir(), 'searcher-scale-bench-'));
const starts = Number(values.starts ?? 2);
const scenario = scaleScenario({ pools });
const results: Array<{ start: number; cached: boolean; readyMs: number; buildMs: number; loadMs: number; pools: number; stateBytes: number; maxRssBytes: number }> = [];
try {
  for (let start = 1; start <= starts; start++) {
    const devnet = await startDevnet({ scenario, port: 0, blockTime: 0, traffic: false, logger: createLogger('bench'), scale: { pools, cacheDir } });
    const info = devnet.manifest.scale!;
    const result = {
      start,
      cached: info.cached,
      readyMs: devnet.readyMs,
      buildMs: info.cached ? 0 : info.buildMs,
      loadMs: info.loadMs,
      pools: devnet.manifest.pools.length,
      stateBytes: statSync(info.statePath).size,
      maxRssBytes: process.resourceUsage().maxRSS * 1024,
    };
    results.push(result);
    process.stdout.write(`${JSON.stringify(result)}\n`);
    await devnet.stop();
  }
  const cold = results.find((result) => !result.cached);
  const warm = results.filter((result) => result.cached).map((result) => result.readyMs).sort((a, b) => a - b);
  process.stdout.write(
    `scale:${pools}: cold start ${cold ? `${cold.readyMs} ms (build ${cold.buildMs} ms)` : 'n/a (cache hit)'}; cached start ${warm.length ? `min ${warm[0]} / median ${warm[Math.floor(warm.length / 2)]} / max ${warm[warm.length - 1]} ms` : 'n/a'}; state file ${(results[0]!.stateBytes / 1e6).toFixed(1)} MB\n`,
  );
} finally {
  if (!values['cache-dir'] && !values.keep) rmSync(cacheDir, { recursive: true, force: true });
}
