/**
 * The `searcher` command. Each subcommand lives in its own module, loaded only when it runs, so `--help`
 * and quick commands start without loading viem, anvil helpers or the engine.
 */
import { assertNoSecretsInArgv } from '../config/secrets.ts';
import { logLevelFromEnv } from '../log.ts';
import { quoteArg } from './args.ts';
import { logOptionsUsage, setVerbose } from './logging.ts';
import { reportError } from './report.ts';

type Command = { summary: string; load: () => Promise<{ run: (argv: string[]) => Promise<number> }> };

const commands: Record<string, Command> = {
  devnet: {
    summary: 'start a local mainnet-like chain: real Uniswap contracts, scenario pools, live user traffic',
    load: () => import('./devnet.ts'),
  },
  run: {
    summary: 'run the bot: mempool -> backruns and block arbitrage -> simulation -> risk gate -> bundles to builders',
    load: () => import('./run.ts'),
  },
  demo: {
    summary: 'the whole searcher locally: devnet + local builder + bot + dashboard; one line per block (npm start)',
    load: () => import('./demo.ts'),
  },
  report: {
    summary: 'profit per block from the store (seen, candidates, sent, included, gross, gas, bribe, net, cumulative)',
    load: () => import('./profitReport.ts'),
  },
  halt: {
    summary: 'latch the kill switch in the store: a running bot stops sending at once and cancels its bundles',
    load: () => import('./halt.ts'),
  },
  resume: {
    summary: 'clear a latched halt (the bot resumes within a poll interval)',
    load: () => import('./resume.ts'),
  },
  decode: {
    summary: 'decode router swaps from transaction JSONL (file or stdin), one result line per transaction',
    load: () => import('./decode.ts'),
  },
  watch: {
    summary: 'print decoded pending swaps from a websocket node, live, with first-seen latency',
    load: () => import('./watch.ts'),
  },
  init: {
    summary: 'write a commented mainnet config with safe defaults ("submit": false); then searcher doctor',
    load: () => import('./init.ts'),
  },
  doctor: {
    summary: 'check a setup before real money: node, websocket, simulation, builders, keys, executor, store, breakers',
    load: () => import('./doctor.ts'),
  },
  quote: {
    summary: 'quote an exact-input swap on a V2 pair or V3 pool from our own math (single or JSONL batch)',
    load: () => import('./quote.ts'),
  },
};

export const usage = `searcher: an MEV searcher for Ethereum (Uniswap V2/V3 backruns and arbitrage)

Usage: searcher <command> [options]

Commands:
${Object.entries(commands)
  .map(([name, command]) => `  ${name.padEnd(10)} ${command.summary}`)
  .join('\n')}

Run \`searcher <command> --help\` for a command's options.
Exit codes: 0 ok, 1 runtime error, 2 bad usage or invalid configuration.

${logOptionsUsage}`;

export async function run(argv: string[]): Promise<number> {
  // Before anything can fail: a mistake in parsing shows its stack too when --verbose was typed.
  setVerbose(argv.includes('--verbose'));
  try {
    assertNoSecretsInArgv(argv);
  } catch (error) {
    process.stderr.write(`searcher: ${(error as Error).message}\n`);
    return 2;
  }
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage);
    return name === undefined ? 2 : 0;
  }
  const command = commands[name];
  if (!command) {
    process.stderr.write(`searcher: unknown command ${quoteArg(name)} (run \`searcher --help\` for the commands)\n`);
    return 2;
  }
  try {
    // Every command: a wrong SEARCHER_LOG_LEVEL is a one-line error (exit 2), not a stack from the logger.
    logLevelFromEnv();
    const module = await command.load();
    return await module.run(rest);
  } catch (error) {
    return reportError(error);
  }
}

/** Last resort for what escapes a command (a background task's rejection, a throw in a callback): one line, exit 1. */
export function installFatalHandlers(): void {
  const fatal = (error: unknown) => {
    reportError(error);
    process.exit(1);
  };
  process.on('uncaughtException', fatal);
  process.on('unhandledRejection', fatal);
}
