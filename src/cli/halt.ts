import { userInfo } from 'node:os';
import { SearcherError } from '../errors.ts';
import { defaultDbFile, Store, StoreError } from '../monitor/store.ts';
import { readHaltLatch, writeHaltLatch } from '../risk/latch.ts';
import { parseFlags, UsageError } from './args.ts';
import { reportError } from './report.ts';

export const haltUsage = `Usage: searcher halt --reason TEXT [--db FILE]

Pulls the kill switch: writes a latched halt into the store. A running bot using the same store stops
sending bundles within a fraction of a second (it polls the latch) and cancels what is outstanding. The
halt survives restarts until \`searcher resume\` clears it.

Options:
  --reason TEXT   why (kept with the halt and in the breaker events; required)
  --db FILE       the store (default ${defaultDbFile})
`;

/** Who pulled the switch, for the record. */
export function operatorName(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

/** Store.open with every failure (a missing directory, a file in the way) as a one-line StoreError. */
export function openStore(file: string): Store {
  try {
    return Store.open(file);
  } catch (cause) {
    if (cause instanceof SearcherError) throw cause;
    throw new StoreError('STORE', `cannot open the store ${file}: ${(cause as Error).message}`, { cause });
  }
}

export async function run(argv: string[]): Promise<number> {
  try {
    const flags = parseFlags(argv, {
      reason: { type: 'string' },
      db: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    });
    if (flags.help) {
      process.stdout.write(haltUsage);
      return 0;
    }
    const reason = flags.reason?.trim();
    if (!reason) throw new UsageError('--reason TEXT is required: say why the bot is halted');
    const file = flags.db ?? defaultDbFile;
    const store = openStore(file);
    try {
      const existing = readHaltLatch(store);
      if (existing) {
        process.stdout.write(`already halted since ${new Date(existing.at).toISOString()} by ${existing.by}: ${existing.reason}\n`);
        return 0;
      }
      const at = Date.now();
      const by = `cli:${operatorName()}`;
      writeHaltLatch(store, { reason, by, at, breaker: 'killSwitch' });
      store.recordBreakerEvent({ at, breaker: 'killSwitch', kind: 'halt', reason: `${reason} (by ${by})` });
      process.stdout.write(`halted: ${reason} (store ${store.file}); \`searcher resume\` clears it\n`);
      return 0;
    } finally {
      store.close();
    }
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`searcher halt: ${error.message}\n\n${haltUsage}`);
      return 2;
    }
    return reportError(error);
  }
}
