import { Counter, Gauge, type Registry } from 'prom-client';
import type { RiskGate } from './gate.ts';
import { breakerNames } from './types.ts';

/**
 * Prometheus view of the gate, read from `status()` at scrape time (the gate stays free of metric objects).
 * The counters count from 0 in each process: the gate's totals restored from the store (what the dashboard shows)
 * are taken as the baseline at registration. A crash before the periodic save restores an older total; exported
 * as is, the counter would go backwards, which Prometheus reads as a reset and increase() as a burst of trips.
 * A fresh process starting at 0 is a reset Prometheus handles exactly.
 */
export function registerRiskMetrics(gate: Pick<RiskGate, 'status'>, registry: Registry): void {
  const registers = [registry];
  const base = gate.status().counters;
  const since = (now: number, then: number | undefined) => Math.max(0, now - (then ?? 0));
  new Gauge({
    name: 'searcher_risk_halted',
    help: '1 while the kill-switch latch (manual or loss cap) is set',
    registers,
    collect() {
      this.set(gate.status().halted ? 1 : 0);
    },
  });
  new Gauge({
    name: 'searcher_risk_breaker_tripped',
    help: 'Per breaker limit: 1 when tripped; per-pool limits: the number of pools paused',
    labelNames: ['breaker', 'limit'],
    registers,
    collect() {
      this.reset();
      const totals = new Map<string, { breaker: string; limit: string; value: number }>();
      for (const row of gate.status().breakers) {
        const key = `${row.breaker}/${row.limit}`;
        const entry = totals.get(key) ?? { breaker: row.breaker, limit: row.limit, value: 0 };
        // A global row says 0 or 1; per-pool rows add up to the number of pools paused.
        entry.value = row.scope === undefined ? Math.max(entry.value, row.state === 'tripped' ? 1 : 0) : entry.value + 1;
        totals.set(key, entry);
      }
      for (const { breaker, limit, value } of totals.values()) this.set({ breaker, limit }, value);
    },
  });
  new Gauge({
    name: 'searcher_risk_outstanding_bundles',
    help: 'Bundles sent and not yet resolved (their worst-case gas counts against the caps)',
    registers,
    collect() {
      this.set(gate.status().outstandingBundles);
    },
  });
  new Counter({
    name: 'searcher_risk_decisions_total',
    help: 'Risk checks by result; refusals by the breaker that refused',
    labelNames: ['result', 'breaker'],
    registers,
    collect() {
      const { counters } = gate.status();
      this.reset();
      this.inc({ result: 'allowed', breaker: '' }, since(counters.allowed, base.allowed));
      // Every breaker from the start, at 0: an alert on increase() sees the first refusal (a series that appears
      // already at 1 shows no increase), and a query for a breaker that never refused finds a 0, not nothing.
      for (const breaker of breakerNames) this.inc({ result: 'refused', breaker }, since(counters.refused[breaker] ?? 0, base.refused[breaker]));
    },
  });
  new Counter({
    name: 'searcher_risk_trips_total',
    help: 'Breaker trips and latched halts',
    labelNames: ['breaker'],
    registers,
    collect() {
      const { counters } = gate.status();
      this.reset();
      for (const breaker of breakerNames) this.inc({ breaker }, since(counters.trips[breaker] ?? 0, base.trips[breaker])); // every breaker, from 0 (as above)
    },
  });
  new Counter({
    name: 'searcher_risk_bundles_total',
    help: 'Bundles the gate was told about: sent, resolved, and timed out (never resolved, counted at worst-case gas)',
    labelNames: ['event'],
    registers,
    collect() {
      const { counters } = gate.status();
      this.reset();
      this.inc({ event: 'sent' }, since(counters.sent, base.sent));
      this.inc({ event: 'resolved' }, since(counters.resolved, base.resolved));
      this.inc({ event: 'timed_out' }, since(counters.timedOut, base.timedOut));
    },
  });
}
