import { createLogger, type Logger } from '../log.ts';
import type { Store } from '../monitor/store.ts';
import type { RiskConfig } from './config.ts';
import { RiskGate } from './gate.ts';
import { clearHaltLatch, readHaltLatch, stateKey, writeHaltLatch } from './latch.ts';
import { parseSnapshot, type RiskSnapshot } from './snapshot.ts';
import type { HaltLatch } from './types.ts';

export type OpenRiskGateParameters = {
  store: Pick<Store, 'riskValue' | 'setRiskValue' | 'deleteRiskValue' | 'recordBreakerEvent'>;
  config: RiskConfig;
  /** Unix ms. */
  now?: () => number;
  logger?: Logger;
  /** Poll the store's halt latch on a timer (default true; tests call `poll()` themselves). */
  timer?: boolean;
};

export type RiskGateShell = {
  readonly gate: RiskGate;
  /** One round: adopt the store's halt latch (or its removal), move the clocks on, save if anything changed. */
  poll(): void;
  save(): void;
  /** Stops the timer and saves; the store stays open (it belongs to the caller). */
  close(): void;
};

/**
 * The gate's I/O shell: loads the snapshot and the halt latch from the store, saves the snapshot (at once for
 * money and latches, otherwise on the next poll), records every breaker event, writes the latch when the gate
 * halts or resumes, and polls the latch so `searcher halt` in another process stops this one within one poll
 * interval (250 ms by default).
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
      const reason = `the saved risk state is unreadable (${(error as Error).message}): spend and loss windows start empty; run \`searcher resume\` once this is understood`;
      log.error({ err: (error as Error).message }, 'risk: saved state unreadable, starting halted');
      halt ??= { reason, by: 'risk', at: now(), breaker: 'killSwitch' };
      writeHaltLatch(store, halt);
    }
  }

  const gate = new RiskGate({ config, now, logger: log, restore: { ...(snapshot ? { snapshot } : {}), ...(halt ? { halt } : {}) } });
  if (halt) log.warn({ reason: halt.reason, by: halt.by, since: halt.at }, 'risk: starting halted (latched)');

  let dirty = false;
  // Set while the shell applies what the store says, so that is not written back nor recorded twice.
  let fromStore = false;

  const save = () => {
    store.setRiskValue(stateKey, JSON.stringify(gate.snapshot()));
    dirty = false;
  };
  const guarded = (what: string, work: () => void) => {
    try {
      work();
    } catch (error) {
      log.error({ err: (error as Error).message }, `risk: could not ${what}`);
    }
  };

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
      if (notice.latched && !fromStore && gate.halted) guarded('write the halt latch', () => writeHaltLatch(store, gate.halted!));
    }),
    gate.onResume(() => {
      if (!fromStore) guarded('clear the halt latch', () => clearHaltLatch(store));
    }),
  ];
  if (snapshot?.latched && !halt) dirty = true; // resumed while we were down: save that the losses were forgiven

  const poll = () => {
    guarded('poll the halt latch', () => {
      const stored = readHaltLatch(store);
      fromStore = true;
      try {
        if (stored && !gate.halted) gate.adoptHalt(stored);
        else if (!stored && gate.halted) gate.resume('searcher resume (store)');
      } finally {
        fromStore = false;
      }
    });
    gate.tick();
    if (dirty) guarded('save the risk state', save);
  };

  const timer = parameters.timer === false ? undefined : setInterval(poll, config.killSwitch.pollMs);
  timer?.unref();

  return {
    gate,
    poll,
    save: () => guarded('save the risk state', save),
    close() {
      if (timer) clearInterval(timer);
      for (const off of unsubscribe) off();
      guarded('save the risk state', save);
    },
  };
}
