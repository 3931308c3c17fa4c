import { defaultDbFile } from '../monitor/store.ts';
import { clearHaltLatch, readHaltLatch } from '../risk/latch.ts';
import { parseFlags } from './args.ts';
import { openStore, operatorName } from './halt.ts';
import { storeFlagsUsage, storeTarget } from './storeTarget.ts';
import { reportError } from './report.ts';

export const resumeUsage = `Usage: searcher resume [--db FILE] [--instance NAME]

Clears the latched halt (from \`searcher halt\`, the HTTP kill switch or a loss cap) in the store. A running
bot using the same store starts sending again within a fraction of a second; the losses that tripped a loss
cap are forgiven and a failure cooldown ends. The other breakers keep judging as before.

Options:
${storeFlagsUsage(defaultDbFile)}
                    (in a shared store, the instance to resume)
`;

export async function run(argv: string[]): Promise<number> {
  try {
    const flags = parseFlags(argv, {
      db: { type: 'string' },
      instance: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    });
    if (flags.help) {
      process.stdout.write(resumeUsage);
      return 0;
    }
    const store = openStore(storeTarget(flags, defaultDbFile));
    try {
      const latch = readHaltLatch(store);
      if (!latch) {
        process.stdout.write(`not halted (store ${store.file})\n`);
        return 0;
      }
      const by = `cli:${operatorName()}`;
      clearHaltLatch(store);
      store.recordBreakerEvent({ at: Date.now(), breaker: latch.breaker, kind: 'resume', reason: `resumed by ${by} (was: ${latch.reason})` });
      process.stdout.write(`resumed (was halted since ${new Date(latch.at).toISOString()} by ${latch.by}: ${latch.reason})\n`);
      return 0;
    } finally {
      store.close();
    }
  } catch (error) {
    return reportError(error);
  }
}
