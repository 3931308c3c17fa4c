import { afterAll, describe, expect, it } from 'vitest';
import { mainnet } from '../../src/chain/addresses.ts';
import { Store, StoreError } from '../../src/monitor/store.ts';
import { parseRiskConfig } from '../../src/risk/config.ts';
import { openRiskGate } from '../../src/risk/persistence.ts';
import { postgresSetupTimeoutMs, startPostgres, type PostgresServer } from '../helpers/postgres.ts';

const proposal = { targetBlock: 2n, gasLimit: 200_000n, maxGasCostWei: 1_000n, pools: [], startToken: mainnet.weth, amountIn: 1n, flash: false };
let server: PostgresServer | undefined;
afterAll(() => server?.stop());

describe('a PostgreSQL store whose server goes away while the bot runs', () => {
  it('fails closed: writes throw one-line StoreErrors without the password, a halt holds in memory, nothing is sent', async () => {
    server = await startPostgres();
    const database = await server.createDatabase('outage');
    const store = Store.open(server.url(database), { instance: 'bot' });
    const risk = openRiskGate({ store, config: parseRiskConfig(), timer: false });
    risk.gate.setEquity(10n ** 18n);
    risk.gate.onHead({ number: 1n });
    expect(risk.gate.check(proposal)).toEqual({ ok: true });
    store.countSeen(1, 1);

    server.stop(); // a fast shutdown: the server ends our connection

    let failure: unknown;
    try {
      store.countSeen(1, 1);
    } catch (error) {
      failure = error;
    }
    expect(failure).toBeInstanceOf(StoreError);
    const message = (failure as Error).message;
    expect(message.split('\n')).toHaveLength(1);
    expect(message).not.toContain(server.password);
    expect(message).toMatch(/PostgreSQL store postgres:\/\/\*\*\*@127\.0\.0\.1:\d+\/\S+: .*(connection|terminat)/i);
    // The connection is given up for good: later calls fail the same way, at once, rather than hang.
    expect(() => store.riskValue('state')).toThrow(StoreError);

    const halt = risk.halt('outage drill', 'test');
    expect(halt).toMatchObject({ newly: true, persisted: false });
    risk.poll();
    expect(risk.gate.halted?.reason).toBe('outage drill');
    expect(risk.gate.check(proposal)).toMatchObject({ ok: false, breaker: 'killSwitch' });
    risk.close();
    store.close();
  }, postgresSetupTimeoutMs);
});
