import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkKillSwitch } from '../../src/cli/doctor/localChecks.ts';
import { loadRunConfig } from '../../src/config/runConfig.ts';

/**
 * The kill-switch token is a bearer token: it is typed into curl, sent in HTTP headers, kept by proxies. A config
 * whose killSwitch.tokenEnv names the operator key's (or the builder reputation key's) variable makes that key
 * the token; the doctor must fail it rather than report "POST /api/halt works".
 */
const dir = mkdtempSync(join(tmpdir(), 'doctor-kill-switch-'));
const chain = {
  chainId: 1,
  rpcUrl: 'http://127.0.0.1:8545',
  wsUrl: 'ws://127.0.0.1:8546',
  executor: { address: '0x276c216d241856199a83bf27b2286659e5b877d3' },
  contracts: { weth: '0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2' },
};
// A throwaway key made for this test only.
const key = '0x8f2a55949038a9610f50fb23b5883af3b4ecb3c3bb792cbcefbd1542c692be63';

function config(extra: Record<string, unknown>, name: string) {
  const file = join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify({ chain, ...extra }));
  return loadRunConfig(file).config;
}

describe('doctor killSwitch check', () => {
  it('passes a token of its own', () => {
    const check = checkKillSwitch(config({}, 'own'), { SEARCHER_RISK_TOKEN: 'a-token-of-its-own-0123', SEARCHER_PRIVATE_KEY: key });
    expect(check.ok).toBe(true);
  });

  it('fails when the token variable is the operator key, the builder auth key or the keystore password, and never prints it', () => {
    const cases = [
      { extra: { risk: { killSwitch: { tokenEnv: 'SEARCHER_PRIVATE_KEY' } } }, env: { SEARCHER_PRIVATE_KEY: key } },
      { extra: { signer: { keyEnv: 'OPERATOR_KEY' }, risk: { killSwitch: { tokenEnv: 'OPERATOR_KEY' } } }, env: { OPERATOR_KEY: key } },
      { extra: { risk: { killSwitch: { tokenEnv: 'SEARCHER_FLASHBOTS_AUTH_KEY' } } }, env: { SEARCHER_FLASHBOTS_AUTH_KEY: key } },
      { extra: { risk: { killSwitch: { tokenEnv: 'SEARCHER_KEYSTORE_PASSWORD' } } }, env: { SEARCHER_KEYSTORE_PASSWORD: 'a-long-keystore-password' } },
    ];
    for (const [i, { extra, env }] of cases.entries()) {
      // Such a config no longer loads (runConfig refuses it, naming the field and never the value) ...
      expect(() => config(extra, `same-${i}`)).toThrow(/risk\.killSwitch\.tokenEnv: is [A-Z_]+, /);
      try {
        config(extra, `same-${i}`);
      } catch (error) {
        expect(String((error as Error).message)).not.toContain(key.slice(2));
      }
      // ... and the doctor still fails one built another way (defence in depth).
      const { signer, risk } = extra as { signer?: { keyEnv: string }; risk: { killSwitch: { tokenEnv: string } } };
      const loaded = config(signer ? { signer } : {}, `base-${i}`);
      const built = { ...loaded, risk: { ...loaded.risk, killSwitch: { ...loaded.risk.killSwitch, tokenEnv: risk.killSwitch.tokenEnv } } };
      const check = checkKillSwitch(built, env);
      expect(check.ok, check.detail).toBe(false);
      expect(check.detail).toMatch(/key|password/);
      expect(check.fix).toMatch(/own variable/);
      expect(check.detail + check.fix).not.toContain(key.slice(2));
    }
  });
});
