import { resolve } from 'node:path';
import { loadRunConfig } from '../config/runConfig.ts';
import { defaultDbFile } from '../monitor/store.ts';
import { parseFlags, UsageError } from './args.ts';
import { runDoctor } from './doctor/checklist.ts';
import { formatChecklist } from './doctor/format.ts';
import { reportError } from './report.ts';

export const doctorUsage = `Usage: searcher doctor --config FILE [--db FILE] [--json]

Checks a setup before real money and prints a checklist, with the fix under each failure: the node (reachable,
chain id, head age, latency measured), the websocket (pending transactions with bodies), the simulation backend
(eth_simulateV1 or the anvil fork), each builder (reachable, accepting our X-Flashbots-Signature, by a harmless
eth_cancelBundle of a uuid never used), the operator key and its ETH for gas, the executor (this build's code,
owner != operator, WETH inventory, operator allowed, factories registered, builder-share cap), the store
(writable), the breaker limits (sane, and within absolute ceilings), the kill-switch token (set) and the
dashboard (loopback, or exposed with a token). Sends no transaction and no bundle.

Options:
  --config FILE   the bot's config, as for searcher run
  --db FILE       the store the bot will use (default ${defaultDbFile}); never created by the doctor
  --json          {"checks": [{"name", "ok", "detail", "fix"}]} instead of the checklist

Keys come from the environment as for searcher run (SEARCHER_PRIVATE_KEY or a keystore with
SEARCHER_KEYSTORE_PASSWORD, SEARCHER_FLASHBOTS_AUTH_KEY, SEARCHER_RISK_TOKEN); none is ever printed.
Exit codes: 0 every check passed, 1 a check failed, 2 bad usage or invalid configuration.
`;

export async function run(argv: string[]): Promise<number> {
  try {
    const flags = parseFlags(argv, {
      config: { type: 'string' },
      db: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    });
    if (flags.help) {
      process.stdout.write(doctorUsage);
      return 0;
    }
    if (!flags.config) throw new UsageError('--config FILE is required');
    const loaded = loadRunConfig(resolve(flags.config));
    const checks = await runDoctor({ ...loaded, dbFile: resolve(flags.db ?? defaultDbFile) });
    process.stdout.write(flags.json ? `${JSON.stringify({ checks })}\n` : formatChecklist(checks));
    return checks.every((check) => check.ok) ? 0 : 1;
  } catch (error) {
    return reportError(error);
  }
}
