import { resolve } from 'node:path';
import { loadAuthAccount } from '../config/authKey.ts';
import { loadRunConfig } from '../config/runConfig.ts';
import { loadSigner } from '../config/secrets.ts';
import { loadOperatorPool } from '../config/operatorKeys.ts';
import type { CandidateReport } from '../monitor/candidateReport.ts';
import { rootLogger } from '../log.ts';
import { defaultDbFile } from '../monitor/store.ts';
import { redactUrl } from '../redact.ts';
import { submissionMode } from '../bundle/submitter.ts';
import { SearcherApp } from '../searcher.ts';
import { integerFlag, parseFlags, UsageError } from './args.ts';
import { isPostgresUrl } from '../monitor/postgres/url.ts';
import { defaultInstance } from '../monitor/storeOpen.ts';
import { storeFlagsUsage, storeTarget } from './storeTarget.ts';
import { formatBlockLine } from './blockLine.ts';
import { logOptionsUsage } from './logging.ts';
import { reportError } from './report.ts';
import { stopSignals, surviveClosedOutput } from './shutdown.ts';

export const runUsage = `Usage: searcher run --config FILE [--dry-run] [--json] [--db FILE] [--instance NAME] [--dashboard-port N | --no-dashboard]

Runs the bot: watches the mempool and new blocks, finds backruns and block arbitrage, sizes them, simulates
each bundle, asks the risk layer, signs and sends bundles to every configured builder, tracks inclusion and
accounts profit per block from receipts. On the devnet it sends; on any other chain it sends only when the
config says "submit": true, otherwise it logs what it would send. --dry-run never sends.

Options:
  --config FILE         the bot's JSON config (README.md: configuration reference)
  --dry-run             decide and log, send nothing
  --json                one JSON line per candidate: {"block", "victim", "path", "amountIn", "grossProfitWei",
                        "gasCostWei", "bribeWei", "netProfitWei", "simulatedNetProfitWei", "decision", "reason",
                        "bundle", "latencyUs": {"decode", "search", "simulate", "send", "total"}}
${storeFlagsUsage(defaultDbFile)}
                    (the store is shown in the first line; \`searcher halt/resume/report\` need the same one)
  --dashboard-port N    dashboard + /metrics on 127.0.0.1:N (default from the config, 8787; 0 = any free port)
  --no-dashboard        no HTTP server

Stopping: SIGTERM, Ctrl-C or SIGHUP (the terminal or ssh session went away) sends nothing more, cancels the outstanding bundles at the builders, writes the store
and exits 0; a second signal exits at once with 1. A closed stdout/stderr (EPIPE: the terminal or the reader of a
pipe went away) does not stop the bot: its lines are dropped (--log-file keeps the log). As a service: deploy/systemd/searcher.service (README.md).

Keys: the operator key from SEARCHER_PRIVATE_KEY or a keystore (config signer.keystore with
SEARCHER_KEYSTORE_PASSWORD), never from the command line; more executor operators (the operator pool, each
its own nonce chain, so one bundle's miss cannot drop another) from SEARCHER_OPERATOR_KEYS (comma separated) or
config signer.operatorKeystores, each checked to be an operator of the executor at start; the builders' auth key from
SEARCHER_FLASHBOTS_AUTH_KEY (a fresh one per run when unset). A dry run with eth_simulateV1 needs no key.

${logOptionsUsage}`;

const asJson = (report: CandidateReport) => JSON.stringify(report, (_, value) => (typeof value === 'bigint' ? value.toString() : value));

export async function run(argv: string[]): Promise<number> {
  surviveClosedOutput();
  try {
    const flags = parseFlags(argv, {
      config: { type: 'string' },
      'dry-run': { type: 'boolean' },
      json: { type: 'boolean' },
      db: { type: 'string' },
      instance: { type: 'string' },
      'dashboard-port': { type: 'string' },
      'no-dashboard': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    });
    if (flags.help) {
      process.stdout.write(runUsage);
      return 0;
    }
    if (!flags.config) throw new UsageError('--config FILE is required');
    const store = storeTarget(flags, defaultDbFile);
    // A config that does not load ends here, in one line: no "stop this bot" for a bot that never starts.
    const { config, chain, builders, warnings } = loadRunConfig(resolve(flags.config));
    // Then, before anything else can fail or log: the store this bot uses is the one `searcher halt` must be given.
    const shared = isPostgresUrl(store.location) || store.instance !== undefined ? ` --instance ${store.instance ?? defaultInstance()}` : '';
    process.stderr.write(`searcher: store ${store.shown} (stop this bot with: searcher halt --db ${store.shown}${shared} --reason TEXT)\n`);
    for (const warning of warnings) process.stderr.write(`searcher: warning: ${warning}\n`);
    const dryRun = Boolean(flags['dry-run']);
    // What SearcherApp will decide (its `mode`): known here, before its first block line.
    const sends = !dryRun && submissionMode(chain.chainId, config.submit) === 'send';
    const hasKey = Boolean(process.env[config.signer.keyEnv] || config.signer.keystore);
    if (!dryRun && !hasKey) throw new UsageError(`sending needs the operator key: set ${config.signer.keyEnv} (or signer.keystore), or run with --dry-run`);
    const signer = hasKey ? await loadSigner({ keyEnvVar: config.signer.keyEnv, keystoreFile: config.signer.keystore, passwordEnvVar: 'SEARCHER_KEYSTORE_PASSWORD' }) : undefined;
    // The operator pool (more executor operators, each its own nonce chain): from the environment or keystores only.
    const laneSigners = signer ? await loadOperatorPool({ envVar: config.signer.operatorKeysEnv, main: signer.address, ...(config.signer.operatorKeystores ? { keystoreFiles: config.signer.operatorKeystores } : {}), passwordEnvVar: 'SEARCHER_KEYSTORE_PASSWORD' }) : [];
    const treasurySigner = signer && config.treasury?.keyEnv ? await loadSigner({ keyEnvVar: config.treasury.keyEnv, passwordEnvVar: 'SEARCHER_KEYSTORE_PASSWORD' }) : undefined;
    // The same key under two variables is the same account: a treasury transfer from an operator would take a nonce
    // its bundles count on. Named by address (public), never by key.
    const operators = [signer, ...laneSigners].flatMap((account) => (account ? [account.address.toLowerCase()] : []));
    if (treasurySigner && operators.includes(treasurySigner.address.toLowerCase())) {
      throw new UsageError(`treasury.keyEnv (${config.treasury!.keyEnv}) holds the key of operator ${treasurySigner.address}: the treasury must be an account of its own (its transfers would take the nonces that operator's bundles count on)`);
    }
    const auth = loadAuthAccount(config.auth.keyEnv);
    const logger = rootLogger();
    const dashboardPort = integerFlag(flags['dashboard-port'], 'dashboard-port', config.dashboard.port, 0, 65535);
    const app = await SearcherApp.start({
      config,
      chain,
      builders,
      dbFile: store.location,
      ...(store.instance ? { instance: store.instance } : {}),
      dryRun,
      ...(signer ? { signer } : {}),
      laneSigners,
      ...(treasurySigner ? { treasurySigner } : {}),
      authAccount: auth.account,
      dashboard: flags['no-dashboard'] ? false : { host: config.dashboard.host, port: dashboardPort },
      logger,
      onCandidate: (report) => {
        if (flags.json) process.stdout.write(`${asJson(report)}\n`);
      },
      onBlock: (summary) => {
        if (!flags.json) process.stdout.write(`${formatBlockLine(summary, { dryRun: !sends })}\n`);
      },
    });
    const stopped = stopSignals();
    process.stderr.write(
      `searcher: running against ${redactUrl(chain.rpcUrl)} (${app.mode === 'send' ? `sending to ${builders.map((builder) => builder.name).join(', ')}` : 'dry run: nothing is sent'})` +
        `${app.dashboardUrl ? `; dashboard ${app.dashboardUrl}` : ''}${auth.ephemeral ? '; builder auth key: fresh for this run' : ''}\n`,
    );
    await stopped;
    await app.stop();
    const { total, search, simulate } = app.engine.latency;
    const { stats } = app.engine;
    process.stderr.write(
      `searcher: stopped. ${stats.candidates} candidates, ${stats.sendDecisions} decided to send, ${stats.rejects} rejected, ${stats.mismatches} mismatches; ` +
        `latency p50/p99 us: search ${search.quantile(0.5)}/${search.quantile(0.99)}, simulate ${simulate.quantile(0.5)}/${simulate.quantile(0.99)}, total ${total.quantile(0.5)}/${total.quantile(0.99)}\n`,
    );
    return 0;
  } catch (error) {
    return reportError(error);
  }
}
