import type { Address } from 'viem';
import { describe, expect, it } from 'vitest';
import { mainnet } from '../../src/chain/addresses.ts';
import { parseRiskConfig } from '../../src/risk/config.ts';
import { RiskGate, type HaltNotice } from '../../src/risk/gate.ts';
import type { BundleProposal, RiskEvent } from '../../src/risk/types.ts';

const T0 = 1_700_000_040_000;
const proposal = (over: Partial<BundleProposal> = {}): BundleProposal => ({
  targetBlock: 101n,
  gasLimit: 300_000n,
  maxGasCostWei: 1_000n,
  pools: ['0x00000000000000000000000000000000000000aa' as Address],
  startToken: mainnet.weth,
  amountIn: 10n ** 18n,
  flash: false,
  ...over,
});

function setup() {
  const clock = { t: T0 };
  const gate = new RiskGate({ config: parseRiskConfig({}), now: () => clock.t });
  const events: RiskEvent[] = [];
  const halts: HaltNotice[] = [];
  gate.onEvent((event) => events.push(event));
  gate.onHalt((notice) => halts.push(notice));
  gate.setEquity(100n * 10n ** 18n);
  gate.onHead({ number: 100n });
  return { gate, clock, events, halts };
}

describe('risk: per-source blind (private order-flow streams)', () => {
  it('refuses only the proposals of a blind private stream, naming the source; public and the other stream still pass; no halt', () => {
    const { gate, events, halts } = setup();
    gate.onSourceBlind('mevShare', true);
    const refused = gate.check(proposal({ source: 'mevShare' }));
    expect(refused).toMatchObject({ ok: false, breaker: 'connectivity', reason: expect.stringMatching(/MEV-Share.*blind/) });
    expect(gate.recheck(proposal({ source: 'mevShare' }))).toMatchObject({ ok: false, breaker: 'connectivity' });
    expect(gate.check(proposal())).toEqual({ ok: true });
    expect(gate.check(proposal({ source: 'public' }))).toEqual({ ok: true });
    expect(gate.check(proposal({ source: 'mevBlocker' }))).toEqual({ ok: true });
    // A private stream going blind stops that source only: it is not a halt (which cancels every bundle).
    expect(halts).toEqual([]);
    expect(events.filter((event) => event.breaker === 'connectivity')).toMatchObject([{ kind: 'trip', scope: 'mevShare', reason: expect.stringMatching(/MEV-Share/) }]);

    gate.onSourceBlind('mevShare', false);
    expect(gate.check(proposal({ source: 'mevShare' }))).toEqual({ ok: true });
    expect(events.filter((event) => event.breaker === 'connectivity').map((event) => event.kind)).toEqual(['trip', 'reset']);
  });

  it('shows each private stream that reported in the status rows (what the dashboard and metrics read)', () => {
    const { gate } = setup();
    const row = (limit: string) => gate.status().breakers.find((status) => status.breaker === 'connectivity' && status.limit === limit);
    expect(row('mevBlockerBlind')).toBeUndefined();
    gate.onSourceBlind('mevBlocker', true);
    expect(row('mevBlockerBlind')).toMatchObject({ state: 'tripped', current: 'true', reason: expect.stringMatching(/MEV Blocker/) });
    expect(gate.status().ok).toBe(true);
    gate.onSourceBlind('mevBlocker', false);
    expect(row('mevBlockerBlind')).toMatchObject({ state: 'ok', current: 'false' });
  });

  it("the public watcher's blind (by onSourceBlind('public') or onBlind) still stops every source", () => {
    const { gate, halts } = setup();
    gate.onSourceBlind('public', true);
    for (const source of [undefined, 'public', 'mevBlocker', 'mevShare'] as const) {
      expect(gate.check(proposal(source ? { source } : {}))).toMatchObject({ ok: false, breaker: 'connectivity', reason: expect.stringMatching(/mempool watcher is blind/) });
    }
    expect(halts.length).toBe(1);
    gate.onSourceBlind('public', false);
    expect(gate.check(proposal({ source: 'mevBlocker' }))).toEqual({ ok: true });
  });
});
