import { userInfo } from 'node:os';
import { SearcherError } from '../errors.ts';
import { defaultDbFile, Store, StoreError } from '../monitor/store.ts';
import { readHaltLatch, writeHaltLatch } from '../risk/latch.ts';
import { heartbeatStaleAfterMs } from '../risk/heartbeat.ts';
import { parseFlags, UsageError } from './args.ts';
import { storeFlagsUsage, storeTarget, type StoreTarget } from './storeTarget.ts';
import { ackOf, ackWaitMs, describeAck, liveBots, type HaltAck } from './haltAck.ts';
import { reportError } from './report.ts';

export const haltUsage = `Usage: searcher halt --reason TEXT [--db FILE] [--instance NAME]

Pulls the kill switch: writes a latched halt into the store. A running bot using the same store stops
sending bundles within a fraction of a second (it polls the latch) and cancels what is outstanding. The
halt survives restarts until \`searcher resume\` clears it. Then it waits for the bots that use the store
(their heartbeat) to acknowledge the halt and says how fast they did, or warns that no bot has used the store
in the last 10 s. Exit 0 when latched (and acknowledged, or no bot to hear it), 1 when a live bot did not
acknowledge it, 2 when the store does not exist (nothing is created).

Options:
  --reason TEXT     why (kept with the halt and in the breaker events; required)
${storeFlagsUsage(defaultDbFile)}
                    (in a shared store, the instance to halt)
`;

/** Who pulled the switch, for the record. */
export function operatorName(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

/**
 * Opens a store that must already exist (a kill switch aimed at a store no bot uses is worse than none): a
 * missing file is a StoreError STORE_MISSING (exit 2) and nothing is created; every other failure a one-line
 * StoreError.
 */
export function openStore(target: StoreTarget): Store {
  let store: Store;
  try {
    store = Store.open(target.location, { mustExist: true, ...(target.instance ? { instance: target.instance } : {}) });
  } catch (cause) {
    if (cause instanceof SearcherError) throw cause;
    throw new StoreError('STORE', `cannot open the store ${target.shown}: ${(cause as Error).message}`, { cause });
  }
  // In a store other instances use, a halt (or resume) of the default instance could reach no bot at all: name it.
  const others = target.instance === undefined ? store.instances().filter((name) => name !== store.instance) : [];
  if (others.length > 0) {
    store.close();
    throw new UsageError(`the store ${target.shown} is shared by instances ${[store.instance, ...others].sort().join(', ')}: name one with --instance NAME`);
  }
  return store;
}

/** Waits until every live bot on the store has answered the halt written at `at`, or its wait is over. */
async function awaitAcks(store: Store, at: number): Promise<HaltAck[]> {
  const started = Date.now();
  const live = liveBots(store.heartbeats(), started);
  if (live.length === 0) return [{ kind: 'no-bot', ...(store.heartbeats()[0] ? { last: store.heartbeats()[0]! } : {}) }];
  const answers = new Map<string, HaltAck>();
  for (;;) {
    const latest = new Map(store.heartbeats(at - heartbeatStaleAfterMs).map((beat) => [beat.id, beat]));
    for (const bot of live) {
      if (answers.has(bot.id)) continue;
      const now = latest.get(bot.id) ?? bot;
      const ack = ackOf(now, at);
      if (ack) answers.set(bot.id, ack);
      else if (Date.now() - started >= ackWaitMs(now)) answers.set(bot.id, { kind: 'silent', bot: now, waitedMs: Date.now() - started });
    }
    if (answers.size === live.length) return live.map((bot) => answers.get(bot.id)!);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export async function run(argv: string[]): Promise<number> {
  try {
    const flags = parseFlags(argv, {
      reason: { type: 'string' },
      db: { type: 'string' },
      instance: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    });
    if (flags.help) {
      process.stdout.write(haltUsage);
      return 0;
    }
    const reason = flags.reason?.trim();
    if (!reason) throw new UsageError('--reason TEXT is required: say why the bot is halted');
    const store = openStore(storeTarget(flags, defaultDbFile));
    try {
      const existing = readHaltLatch(store);
      let at: number;
      if (existing) {
        at = existing.at;
        process.stdout.write(`already halted since ${new Date(existing.at).toISOString()} by ${existing.by}: ${existing.reason}\n`);
      } else {
        at = Date.now();
        const by = `cli:${operatorName()}`;
        writeHaltLatch(store, { reason, by, at, breaker: 'killSwitch' });
        store.recordBreakerEvent({ at, breaker: 'killSwitch', kind: 'halt', reason: `${reason} (by ${by})` });
        process.stdout.write(`halted: ${reason} (store ${store.file}); \`searcher resume\` clears it\n`);
      }
      const acks = await awaitAcks(store, at);
      for (const ack of acks) {
        const { warning, text } = describeAck(ack);
        if (warning) process.stderr.write(`searcher halt: ${text}\n`);
        else process.stdout.write(`${text}\n`);
      }
      return acks.some((ack) => ack.kind === 'silent') ? 1 : 0;
    } finally {
      store.close();
    }
  } catch (error) {
    return reportError(error);
  }
}
