import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Address } from 'viem';
import { loadRunConfig, type RunConfig } from '../config/runConfig.ts';
import { mainnetFactories } from '../state/venues.ts';
import { devSigningAccount } from '../devnet/accounts.ts';
import { startFaultyBuilder, type FaultyBuilder } from '../devnet/builder/faulty.ts';
import { devnetMaxBuilderShareBps } from '../devnet/executor.ts';
import { writeManifest } from '../devnet/manifest.ts';
import { defaultScenarioPath, loadScenario } from '../devnet/scenario/load.ts';
import { parseScaleScenario, scaleScenario } from '../devnet/scale/scenario.ts';
import { withRivalsFile } from '../devnet/rivals/schema.ts';
import { createLogger, rootLogger } from '../log.ts';
import type { LandedBundle } from '../monitor/ledger.ts';
import type { BlockSummary } from '../monitor/queries.ts';
import { defaultDemoDbFile } from '../monitor/store.ts';
import { storeTarget } from './storeTarget.ts';
import { SearcherApp } from '../searcher.ts';
import { formatUnitsExact } from '../units/decimal.ts';
import { integerFlag, parseFlags, UsageError } from './args.ts';
import { logOptionsUsage } from './logging.ts';
import { formatBlockLine } from './blockLine.ts';
import { demoResult, formatSourcesLine, formatV4Line } from './demoResult.ts';
import { startDevnetProcess } from './devnetProcess.ts';
import { reportError } from './report.ts';
import { stopSignals, surviveClosedOutput } from './shutdown.ts';

export const demoUsage = `Usage: searcher demo [--blocks N] [--scenario FILE|scale|scale:N] [--db FILE|URL] [--instance NAME] [--json] [--block-time S] [--dashboard-port N] [--manifest FILE] [--truth-swaps N] [--rivals FILE] [--bid-policy fixed|adaptive] [--bid-share BPS]

The whole searcher on this machine: a devnet (anvil with the real Uniswap contracts and the scenario's
traffic), its local block builder, the bot sending real bundles to it, and the dashboard. Prints the
dashboard URL and one line per block (seen, candidates, sent, included, net profit, cumulative).
Ctrl-C (or SIGTERM) stops everything, cancelling the bot's outstanding bundles first; nothing keeps running; a run
cut short is not graded (exit 0). A second Ctrl-C exits at once (code 1), as does one during the grading at the
end of --blocks N (the bot has stopped by then: nothing is outstanding).

A scenario's "faultyBuilders" (HTTP 500, 429, malformed answers, JSON-RPC refusals, no answer) are started
and sent to as well, to show that a failing builder costs the others nothing.

Options:
  --blocks N          stop after N blocks and exit 0 (default: run until Ctrl-C)
  --scenario FILE     scenario JSON (default scenarios/default.json); scale or scale:N for the generated
                      mainnet-shaped market (see \`searcher devnet --help\`)
  --db FILE|URL       the store (default ${defaultDemoDbFile}, apart from a real bot's; $SEARCHER_DB is not read), or a
                      postgres:// URL; \`searcher report --db FILE\` reads it afterwards
  --instance NAME     the demo's instance name in a shared store (default: the host name)
  --json              with --blocks: print one JSON object as the last stdout line (blocks, totals,
                      breakers, latencyUs, capture, sources, captureByProtocol, simulateOnly)
  --block-time S      seconds between blocks (default 2, 12 for scale)
  --dashboard-port N  dashboard and /metrics port on 127.0.0.1 (default 8787; 0 = any free port)
  --manifest FILE     also write the devnet's manifest (URLs, addresses, accounts) for other tools
  --truth-swaps N     with --json: the independent truth grades at most N of the run's router swaps (an even
                      sample when there are more; default 60); each costs a replay and a search on a fork
  --rivals FILE       rival searchers the devnet runs besides the scenario's (JSON: an array of {name,
                      latencyMs, bidShareBps | policy, strategy}, or {"rivals": [...]}); --json then reports
                      "contested" (won, lost, landedBehind, avgBidShareBps) and "rivals" (name, won, netWei)
  --bid-policy P      the bot's bidding policy (strategy.bidding.policy): fixed (default) or adaptive
  --bid-share BPS     the fixed policy's share of a backrun's profit after gas bid to the builder
                      (strategy.builderShareBps, default 5000; the devnet's executor allows up to 9900)

${logOptionsUsage}`;

export async function run(argv: string[]): Promise<number> {
  let workDir: string | undefined;
  surviveClosedOutput();
  try {
    const flags = parseFlags(argv, {
      blocks: { type: 'string' },
      scenario: { type: 'string' },
      db: { type: 'string' },
      instance: { type: 'string' },
      json: { type: 'boolean' },
      'block-time': { type: 'string' },
      'dashboard-port': { type: 'string' },
      manifest: { type: 'string' },
      'truth-swaps': { type: 'string' },
      rivals: { type: 'string' },
      'bid-policy': { type: 'string' },
      'bid-share': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    });
    if (flags.help) {
      process.stdout.write(demoUsage);
      return 0;
    }
    const blocks = flags.blocks === undefined ? undefined : integerFlag(flags.blocks, 'blocks', 0, 1, 100_000);

    const bidPolicy = flags['bid-policy'] ?? 'fixed';
    if (bidPolicy !== 'fixed' && bidPolicy !== 'adaptive') throw new UsageError(`--bid-policy must be fixed or adaptive (got ${bidPolicy})`);
    // Above the devnet executors' cap every plan would revert: refused here, before anything starts.
    const bidShare = integerFlag(flags['bid-share'], 'bid-share', 5000, 0, devnetMaxBuilderShareBps);
    const truthSwaps = integerFlag(flags['truth-swaps'], 'truth-swaps', 60, 1, 1_000_000);
    // The demo never reads $SEARCHER_DB: that is a real bot's store.
    const store = storeTarget(flags, defaultDemoDbFile, {});
    const dashboardPort = integerFlag(flags['dashboard-port'], 'dashboard-port', 8787, 0, 65535);
    const scale = flags.scenario === undefined ? undefined : parseScaleScenario(flags.scenario);
    // A bad rivals file is refused here, before anything starts (the devnet process reads it again).
    const rivalsFile = flags.rivals === undefined ? undefined : resolve(flags.rivals);
    const scenario = withRivalsFile(scale ? scaleScenario(scale) : loadScenario(resolve(flags.scenario ?? defaultScenarioPath())), rivalsFile);
    // Mainnet's 12 s blocks for the mainnet-shaped market; the small scenarios default to 2 s.
    const blockTime = integerFlag(flags['block-time'], 'block-time', scale ? 12 : 2, 1, 60);
    const logger = createLogger('demo');
    const out = (line: string) => {
      if (!flags.json) process.stdout.write(`${line}\n`);
    };
    // What the demo tells its user about its own progress: with the block lines on stdout, or on stderr under
    // --json (stdout then carries only the JSON document).
    const say = (line: string) => (flags.json ? process.stderr : process.stdout).write(`${line}\n`);

    // The devnet (anvil, the local builder, the traffic) runs in a process of its own: its work never sits in the
    // bot's event loop, so the latencies the demo reports are the bot's.
    const devnet = await startDevnetProcess({ scenario: flags.scenario === undefined ? defaultScenarioPath() : scale ? flags.scenario : resolve(flags.scenario), blockTime, ...(rivalsFile ? { rivals: rivalsFile } : {}) });
    // An exit at once (a second signal, one during the grading, a fatal error) skips the teardown below: the
    // devnet process is told to stop anyway (it takes its anvil down), rather than outliving the demo.
    const stopDevnetOnExit = () => {
      try {
        process.kill(devnet.pid, 'SIGTERM');
      } catch {
        // already gone
      }
    };
    process.on('exit', stopDevnetOnExit);
    let app: SearcherApp | undefined;
    const faulty: FaultyBuilder[] = [];
    try {
      for (const entry of scenario.faultyBuilders) faulty.push(await startFaultyBuilder(entry.fault));
      workDir = mkdtempSync(join(tmpdir(), 'searcher-demo-'));
      writeManifest(join(workDir, 'manifest.json'), devnet.manifest);
      if (flags.manifest) writeManifest(resolve(flags.manifest), devnet.manifest);
      // The poisoned tokens of the scenario are found by the token probe, not listed: the demo proves it.
      // A scenario with V4 pools: the bot follows the devnet's PoolManager too (the executor swaps in it), beside the default factories.
      const factories = (devnet.manifest.v4?.pools.length ?? 0) > 0 ? { factories: demoFactoriesWithV4(devnet.manifest.v4.contracts.poolManager) } : {};
      writeFileSync(join(workDir, 'config.json'), JSON.stringify({ chain: { manifest: 'manifest.json' }, ...factories, strategy: { builderShareBps: bidShare, bidding: { policy: bidPolicy } } }));
      const loaded = loadRunConfig(join(workDir, 'config.json'));
      const { config, chain } = loaded;
      const builders = [
        ...loaded.builders,
        ...scenario.faultyBuilders.map((entry, i) => ({ name: entry.name, url: faulty[i]!.url, kind: 'json-rpc' as const, timeoutMs: 250, stats: false })),
      ];
      // The devnet's operator is anvil's public test account 1: a devnet key, never a secret.
      const signer = devSigningAccount(devnet.manifest.accounts.searcher.index);
      const summaries: BlockSummary[] = [];
      const landed: LandedBundle[] = [];
      const startedAtMs = Date.now();
      let finish: () => void = () => {};
      let botStopped = false;
      let signalled: NodeJS.Signals | undefined;
      const finished = new Promise<void>((done) => {
        finish = done;
        void stopSignals({ stopped: () => botStopped }).then((signal) => {
          signalled ??= signal;
          done();
        });
      });
      app = await SearcherApp.start({
        config,
        chain,
        builders,
        dbFile: store.location,
        ...(store.instance ? { instance: store.instance } : {}),
        dryRun: false,
        signer,
        laneSigners: devnet.manifest.accounts.operators.map((operator) => devSigningAccount(operator.index)),
        authAccount: devSigningAccount(devnet.manifest.accounts.searcher.index + 100),
        dashboard: { host: '127.0.0.1', port: dashboardPort },
        logger: rootLogger(),
        onLanded: (bundle) => landed.push(bundle),
        onBlock: (summary) => {
          summaries.push(summary);
          out(formatBlockLine(summary));
          if (blocks !== undefined && summaries.length >= blocks) finish();
        },
      });
      // Private flow has no backlog to read (a relay streams what arrives while one listens, as on mainnet): the
      // truth counts from the first block whose traffic was certainly sent after the bot was listening (a head that
      // arrived while it started may have had its traffic streamed before it subscribed).
      const listeningAt = (await devnet.client.getBlockNumber({ cacheTime: 0 })) + 1n;
      out(`searcher demo: devnet ${devnet.manifest.rpcUrl} (scenario "${devnet.manifest.scenario}"), builders ${builders.map((builder) => `${builder.name} ${builder.url}`).join(', ')}`);
      out(`searcher demo: dashboard ${app.dashboardUrl}   metrics ${app.dashboardUrl}/metrics   Ctrl-C to stop`);
      logger.info({ dashboard: app.dashboardUrl }, 'demo: running');
      await finished;
      if (signalled) {
        // Stopped by a signal: the bot stops first (cancel, store, dashboard), and a cut-short run is not graded
        // (the grading replays the run on a fork: tens of seconds nobody asked for).
        await app.stop();
        botStopped = true;
        say(`searcher demo: stopped (no bundle outstanding: cancelled at the builders; the store written); not graded, the run was cut short by ${signalled} (searcher report --db ${store.shown} shows what ran)`);
        return 0;
      }
      await app.quiesce();
      botStopped = true;
      say(`searcher demo: ${summaries.length} blocks done, the bot stopped (no bundle outstanding); grading what ran against the independent truth (Ctrl-C to skip)`);
      const result = await demoResult({ app, devnet, summaries, landed, startBlock: listeningAt > BigInt(devnet.manifest.startBlock) ? listeningAt : BigInt(devnet.manifest.startBlock), startedAtMs, truthSwaps });
      if (flags.json) process.stdout.write(`${JSON.stringify(result)}\n`);
      else {
        // The capture line stays last (scripts read it).
        out(`searcher demo: ${formatSourcesLine(result.sources)}`);
        if (devnet.manifest.v4.pools.length > 0) out(`searcher demo: ${formatV4Line(result.captureByProtocol.v4, result.simulateOnly)}`);
        out(`searcher demo: ${result.totals.included} bundles included, net ${formatUnitsExact(BigInt(result.totals.netProfitWei), 18)} ETH, capture ${result.capture.ratio}`);
      }
      return 0;
    } finally {
      await app?.stop().catch(() => {});
      for (const builder of faulty) await builder.stop();
      await devnet.stop();
      process.off('exit', stopDevnetOnExit);
    }
  } catch (error) {
    return reportError(error);
  } finally {
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  }
}

/** The config's factories for a devnet with V4 pools: the default V2/V3 factories and the devnet's PoolManager. */
export function demoFactoriesWithV4(poolManager: Address): RunConfig['factories'] {
  return {
    v2: mainnetFactories.v2.map((factory) => ({ address: factory.address, feeBps: Number(factory.feeBps), venue: factory.venue })),
    v3: mainnetFactories.v3.map((factory) => ({ ...factory })),
    v4: [{ poolManager, venue: 'uniswapV4' }],
  };
}
