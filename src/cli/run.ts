import { resolve } from 'node:path';
import { loadRunConfig } from '../config/runConfig.ts';
import { loadSigner } from '../config/secrets.ts';
import { SearcherEngine, type CandidateReport } from '../engine.ts';
import { createLogger } from '../log.ts';
import { parseFlags, UsageError } from './args.ts';
import { reportError } from './report.ts';

export const runUsage = `Usage: searcher run --config FILE --dry-run [--json]

Runs the bot: watches the mempool and new blocks, finds backruns and block arbitrage, sizes them, simulates
each bundle and decides. --dry-run does everything except send (sending to builders comes with the bundle
submitter; until then --dry-run is required). --json prints one line per candidate:
{"block", "victim", "path", "amountIn", "grossProfitWei", "gasCostWei", "bribeWei", "netProfitWei",
 "simulatedNetProfitWei", "decision", "reason", "latencyUs": {"decode", "search", "simulate", "total"}}.

The config file (JSON) is documented in README.md; its "chain" section can be a devnet manifest
({"manifest": "manifest.json"}). The operator key comes from SEARCHER_PRIVATE_KEY or a keystore
(SEARCHER_KEYSTORE_PASSWORD), never from the command line; a dry run with eth_simulateV1 needs none.
`;

const asJson = (report: CandidateReport) =>
  JSON.stringify(report, (_, value) => (typeof value === 'bigint' ? value.toString() : value));

export async function run(argv: string[]): Promise<number> {
  try {
    const flags = parseFlags(argv, {
      config: { type: 'string' },
      'dry-run': { type: 'boolean' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    });
    if (flags.help) {
      process.stdout.write(runUsage);
      return 0;
    }
    if (!flags.config) throw new UsageError('--config FILE is required');
    if (!flags['dry-run']) throw new UsageError('sending bundles is not built yet (the bundle submitter comes next): run with --dry-run');
    const { config, chain, paths } = loadRunConfig(resolve(flags.config));
    const hasKey = Boolean(process.env[config.signer.keyEnv] || config.signer.keystore);
    const signer = hasKey
      ? await loadSigner({ keyEnvVar: config.signer.keyEnv, keystoreFile: config.signer.keystore, passwordEnvVar: 'SEARCHER_KEYSTORE_PASSWORD' })
      : undefined;
    const logger = createLogger('engine');
    const engine = new SearcherEngine({
      config,
      chain,
      tokenVerdictsFile: paths.tokenVerdicts,
      logger,
      ...(signer ? { signer } : {}),
      onCandidate: (report) => {
        if (flags.json) process.stdout.write(`${asJson(report)}\n`);
        else {
          process.stdout.write(
            `block ${report.block} ${report.decision.toUpperCase()} ${report.victim ?? 'block-arb'} net ${report.netProfitWei} wei (sim ${report.simulatedNetProfitWei ?? '-'}) ${report.reason} [${report.latencyUs.total} us]\n`,
          );
        }
      },
    });
    const stopped = new Promise<void>((done) => {
      process.once('SIGINT', done);
      process.once('SIGTERM', done);
    });
    await engine.start();
    process.stderr.write(`searcher: running (dry run) against ${chain.rpcUrl}\n`);
    await stopped;
    await engine.stop();
    const { total, search, simulate } = engine.latency;
    process.stderr.write(
      `searcher: stopped. ${engine.stats.candidates} candidates, ${engine.stats.sendDecisions} send, ${engine.stats.rejects} reject, ${engine.stats.mismatches} mismatches; ` +
        `latency p50/p99 us: search ${search.quantile(0.5)}/${search.quantile(0.99)}, simulate ${simulate.quantile(0.5)}/${simulate.quantile(0.99)}, total ${total.quantile(0.5)}/${total.quantile(0.99)}\n`,
    );
    return 0;
  } catch (error) {
    return reportError(error);
  }
}
