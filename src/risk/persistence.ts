import { createLogger, type Logger } from '../log.ts';
import type { RiskStore } from './riskStore.ts';
import type { RiskConfig } from './config.ts';
import { RiskGate } from './gate.ts';
import { BotHeartbeat, heartbeatIntervalMs } from './heartbeat.ts';
import { clearHaltLatch, readHaltLatch, stateKey, writeHaltLatch } from './latch.ts';
import { parseSnapshot, type RiskSnapshot } from './snapshot.ts';
import type { HaltLatch } from './types.ts';

export type OpenRiskGateParameters = {
  store: Pick<RiskStore, 'riskValue' | 'setRiskValue' | 'deleteRiskValue' | 'recordBreakerEvent' | 'recordHeartbeat'>;
  config: RiskConfig;
  /** Unix ms. */
  now?: () => number;
  logger?: Logger;
  /** Poll the store's halt latch on a timer (default true; tests call `poll()` themselves). */
  timer?: boolean;
};

/** A halt asked of the shell: it holds in memory at once; `persisted` says whether the store's latch holds it too. */
export type HaltResult = { newly: boolean; latch: HaltLatch; persisted: true } | { newly: boolean; latch: HaltLatch; persisted: false; error: string };

/** A resume asked of the shell: the store's latch is cleared first; when that fails the bot stays halted. */
export type ResumeResult = { resumed: boolean; halted: false } | { resumed: false; halted: true; error: string };

export type RiskGateShell = {
  readonly gate: RiskGate;
  /** The halt held in memory (the gate's latch). */
  readonly halted: HaltLatch | undefined;
  /** Halts in memory first, then writes the latch (fails closed: a failed write leaves the bot halted). */
  halt(reason: string, by: string): HaltResult;
  /** Clears the store's latch, then resumes in memory; a failed clear changes nothing. */
  resume(by: string): ResumeResult;
  /** One round: adopt the store's halt latch (or its removal), move the clocks on, save if anything changed. */
  poll(): void;
  save(): void;
  /** Stops the timers, marks the heartbeat stopped and saves; the store stays open (it belongs to the caller). */
  close(): void;
};

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * The gate's I/O shell: loads the snapshot and the halt latch from the store, saves the snapshot (at once for
 * money and latches, otherwise on the next poll), records every breaker event, writes the latch when the gate
 * halts or resumes, polls the latch so `searcher halt` in another process stops this one within one poll
 * interval (250 ms by default), and beats the store's heartbeat every second (and at once when it takes a halt).
 *
 * A halt is never undone by a failing store: when the latch cannot be written (disk full, database locked) the
 * gate stays halted in memory, the latch is written again on every poll, and a store without a latch reads as a
 * resume only once the latch was really there.
 */
export function openRiskGate(parameters: OpenRiskGateParameters): RiskGateShell {
  const { store, config } = parameters;
  const log = parameters.logger ?? createLogger('risk');
  const now = parameters.now ?? Date.now;

  let snapshot: RiskSnapshot | undefined;
  let halt: HaltLatch | undefined = readHaltLatch(store);
  const text = store.riskValue(stateKey);
  if (text !== undefined) {
    try {
      snapshot = parseSnapshot(text);
    } catch (error) {
      // Spend and loss windows lost: fail closed until someone has looked.
      const reason = `the saved risk state is unreadable (${message(error)}): spend and loss windows start empty; run \`searcher resume\` once this is understood`;
      log.error({ err: message(error) }, 'risk: saved state unreadable, starting halted');
      halt ??= { reason, by: 'risk', at: now(), breaker: 'killSwitch' };
      writeHaltLatch(store, halt);
    }
  }

  const gate = new RiskGate({ config, now, logger: log, restore: { ...(snapshot ? { snapshot } : {}), ...(halt ? { halt } : {}) } });
  if (halt) log.warn({ reason: halt.reason, by: halt.by, since: halt.at }, 'risk: starting halted (latched)');

  let dirty = false;
  // Set while the shell applies what the store says, so that is not written back nor recorded twice.
  let fromStore = false;
  // Set while the shell resumes after clearing the latch itself.
  let clearing = false;
  // Whether the store's latch holds the gate's halt: only then may a latch gone from the store mean a resume.
  let latchInStore = halt !== undefined;
  let latchError: string | undefined;
  const heartbeat = new BotHeartbeat(store, { now: now(), pollMs: config.killSwitch.pollMs });

  const save = () => {
    store.setRiskValue(stateKey, JSON.stringify(gate.snapshot()));
    dirty = false;
  };
  const guarded = (what: string, work: () => void): boolean => {
    try {
      work();
      return true;
    } catch (error) {
      log.error({ err: message(error) }, `risk: could not ${what}`);
      return false;
    }
  };
  const writeLatch = () => {
    const latch = gate.halted;
    if (!latch || latchInStore) return;
    try {
      writeHaltLatch(store, latch);
      latchInStore = true;
      latchError = undefined;
    } catch (error) {
      latchError = message(error);
      log.error({ err: latchError }, 'risk: could not write the halt latch; staying halted in memory and retrying on every poll');
    }
  };
  const beat = () => guarded('beat the heartbeat', () => heartbeat.beat(now(), gate.halted));

  const unsubscribe = [
    gate.onStateChange((urgent) => {
      dirty = true;
      if (urgent) guarded('save the risk state', save);
    }),
    gate.onEvent((event) => {
      if (fromStore && (event.kind === 'halt' || event.kind === 'resume')) return; // the CLI recorded it
      guarded('record a breaker event', () => store.recordBreakerEvent(event));
    }),
    gate.onHalt((notice) => {
      if (!notice.latched) return;
      if (fromStore) latchInStore = true;
      else {
        latchInStore = false;
        writeLatch();
      }
      beat();
    }),
    gate.onResume(() => {
      latchInStore = false;
      if (!fromStore && !clearing) guarded('clear the halt latch', () => clearHaltLatch(store));
      beat();
    }),
  ];
  if (snapshot?.latched && !halt) dirty = true; // resumed while we were down: save that the losses were forgiven

  const poll = () => {
    guarded('poll the halt latch', () => {
      const stored = readHaltLatch(store);
      fromStore = true;
      try {
        if (stored && !gate.halted) gate.adoptHalt(stored);
        else if (stored && gate.halted) latchInStore = true;
        else if (!stored && gate.halted && latchInStore) gate.resume('searcher resume (store)');
      } finally {
        fromStore = false;
      }
    });
    writeLatch(); // a halt the store has not taken yet: try again
    gate.tick();
    if (dirty) guarded('save the risk state', save);
    beat();
  };

  const timers =
    parameters.timer === false
      ? []
      : [setInterval(poll, config.killSwitch.pollMs), ...(config.killSwitch.pollMs > heartbeatIntervalMs ? [setInterval(beat, heartbeatIntervalMs)] : [])];
  for (const timer of timers) timer.unref();
  beat();

  return {
    gate,
    get halted() {
      return gate.halted;
    },
    halt(reason, by) {
      const newly = gate.halt(reason, by);
      writeLatch(); // already halted but not yet in the store: one more try
      const latch = gate.halted!;
      return latchInStore ? { newly, latch, persisted: true } : { newly, latch, persisted: false, error: latchError ?? 'the halt latch is not in the store' };
    },
    resume(by) {
      const was = gate.halted;
      if (!was) return { resumed: false, halted: false };
      try {
        clearHaltLatch(store);
      } catch (error) {
        log.error({ err: message(error) }, 'risk: could not clear the halt latch; staying halted');
        return { resumed: false, halted: true, error: message(error) };
      }
      clearing = true;
      try {
        gate.resume(by);
      } finally {
        clearing = false;
      }
      return { resumed: true, halted: false };
    },
    poll,
    save: () => guarded('save the risk state', save),
    close() {
      for (const timer of timers) clearInterval(timer);
      for (const off of unsubscribe) off();
      guarded('save the risk state', save);
      guarded('mark the heartbeat stopped', () => heartbeat.stop(now()));
    },
  };
}
