import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPublicClient, http, type PublicClient } from 'viem';
import { afterAll, describe, expect, it } from 'vitest';
import * as localChecks from '../../src/cli/doctor/localChecks.ts';
import { checkBreakers } from '../../src/cli/doctor/localChecks.ts';
import { checkHeadAge, checkLatency } from '../../src/cli/doctor/nodeChecks.ts';
import { ConfigError, loadRunConfig } from '../../src/config/runConfig.ts';

/**
 * The doctor judged the breaker limits only against each other, and head age / latency only against the config's
 * own bounds: a config that disarms every breaker (9999 bps of loss a day, a 1 ms failure cooldown, 1000 ETH of gas
 * per block, a head silence of 30 years, a kill switch read once a day) got "all checks passed". These limits are
 * now also judged against absolute ceilings.
 */
const dir = mkdtempSync(join(tmpdir(), 'doctor-ceilings-'));
const chain = {
  chainId: 1,
  rpcUrl: 'http://127.0.0.1:8545',
  wsUrl: 'ws://127.0.0.1:8546',
  executor: { address: '0x276c216d241856199a83bf27b2286659e5b877d3' },
  contracts: { weth: '0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2' },
};
let variant = 0;
function load(extra: Record<string, unknown>) {
  const file = join(dir, `config-${variant++}.json`);
  writeFileSync(file, JSON.stringify({ chain, ...extra }));
  return loadRunConfig(file).config;
}

/** The reviewer's config (less auth.keyEnv = the operator key's variable, which no longer loads at all). */
const disarmed = {
  risk: {
    loss: { maxHourlyLossBps: 9999, maxDailyLossBps: 9999 },
    failures: { maxConsecutive: 100, cooldownMs: 1 },
    gas: { maxSpendPerBlockWei: (1000n * 10n ** 18n).toString(), maxSpendPerWindowWei: (1000n * 10n ** 18n).toString() },
    connectivity: { maxHeadSilenceMs: 1e12, maxSocketLatencyMs: 1e8 },
    killSwitch: { pollMs: 86_400_000 },
  },
  dashboard: { host: '0.0.0.0', port: 8787 },
};

const servers: Server[] = [];
afterAll(async () => {
  for (const server of servers) await new Promise((done) => server.close(done));
});

describe('doctor: absolute ceilings on the breaker limits', () => {
  it('the reviewer\'s disarmed config fails breakers, naming each limit past its ceiling', () => {
    const check = checkBreakers(load(disarmed));
    expect(check.ok).toBe(false);
    for (const field of [
      'risk.loss.maxDailyLossBps',
      'risk.loss.maxHourlyLossBps',
      'risk.failures.cooldownMs',
      'risk.gas.maxSpendPerBlockWei',
      'risk.connectivity.maxHeadSilenceMs',
      'risk.connectivity.maxSocketLatencyMs',
      'risk.killSwitch.pollMs',
    ]) {
      expect(check.detail).toContain(field);
    }
  });

  it('gas per block above the per-trade inventory cap fails even below the absolute ceiling', () => {
    const check = checkBreakers(load({ risk: { gas: { maxSpendPerBlockWei: (10n ** 17n).toString() }, exposure: { maxInventoryAmountIn: (5n * 10n ** 16n).toString() } } }));
    expect(check.ok).toBe(false);
    expect(check.detail).toMatch(/risk\.gas\.maxSpendPerBlockWei .*maxInventoryAmountIn/);
  });

  it('the defaults and init\'s tighter limits pass', () => {
    expect(checkBreakers(load({})).ok, checkBreakers(load({})).detail).toBe(true);
  });

  it('prints durations in a readable unit (it printed "pause 0.000016666666666666667 min")', () => {
    const second = checkBreakers(load({ risk: { failures: { cooldownMs: 1_000 } } }));
    expect(second.ok, second.detail).toBe(true);
    expect(second.detail).toMatch(/pause 1 s\b/);
    const fiveMinutes = checkBreakers(load({}));
    expect(fiveMinutes.detail).toMatch(/pause 5 min\b/);
    expect(fiveMinutes.detail).toMatch(/per 24 h\b/);
    const tiny = checkBreakers(load({ risk: { failures: { cooldownMs: 1 } } }));
    expect(tiny.detail).not.toMatch(/0\.0000/);
    expect(tiny.detail).toMatch(/1 ms/);
  });

  it('headAge judges against 60 s when the config allows more: a head 10 minutes old fails under maxHeadSilenceMs 1e12', () => {
    const config = load({ risk: { connectivity: { maxHeadSilenceMs: 1e12 } } });
    const nowMs = 1_800_000_000_000;
    const check = checkHeadAge({ head: 100n, timestamp: BigInt(nowMs / 1000 - 600), baseFeePerGas: 0n }, config, nowMs);
    expect(check.ok, check.detail).toBe(false);
    expect(check.detail).toMatch(/limit (1 min|60 s)/);
    const fresh = checkHeadAge({ head: 100n, timestamp: BigInt(nowMs / 1000 - 5), baseFeePerGas: 0n }, config, nowMs);
    expect(fresh.ok, fresh.detail).toBe(true);
  });

  it('latency judges against 2 s when the config allows more: a node answering in ~2.2 s fails under maxSocketLatencyMs 1e8', async () => {
    // A JSON-RPC node that answers eth_blockNumber slowly (a real HTTP server speaking the protocol).
    const server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => (body += chunk));
      request.on('end', () => {
        const { id } = JSON.parse(body) as { id: number };
        setTimeout(() => {
          response.setHeader('content-type', 'application/json');
          response.end(JSON.stringify({ jsonrpc: '2.0', id, result: '0x64' }));
        }, 2_200);
      });
    });
    servers.push(server);
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const client = createPublicClient({ transport: http(url, { retryCount: 0, timeout: 10_000 }) }) as PublicClient;
    const check = await checkLatency(client, load({ risk: { connectivity: { maxSocketLatencyMs: 1e8 } } }));
    expect(check.ok, check.detail).toBe(false);
    expect(check.detail).toMatch(/2000 ms/);
  }, 30_000);
});

describe('doctor: the dashboard beyond loopback', () => {
  const checkDashboard = (localChecks as Record<string, unknown>).checkDashboard as (config: unknown, env: NodeJS.ProcessEnv) => { name: string; ok: boolean; detail: string; fix: string };
  const token = { SEARCHER_RISK_TOKEN: 'a-token-of-its-own-0123' };

  it('exists', () => {
    expect(typeof checkDashboard).toBe('function');
  });

  it('on 0.0.0.0 without a kill-switch token: fails, saying it is exposed', () => {
    const check = checkDashboard(load({ dashboard: { host: '0.0.0.0', port: 8787 } }), {});
    expect(check.name).toBe('dashboard');
    expect(check.ok).toBe(false);
    expect(check.detail).toMatch(/0\.0\.0\.0:8787.*exposed|exposed.*0\.0\.0\.0:8787/);
    expect(check.fix).toMatch(/127\.0\.0\.1|SEARCHER_RISK_TOKEN/);
  });

  it('on 0.0.0.0 with a token: passes, still saying it is exposed to the network', () => {
    const check = checkDashboard(load({ dashboard: { host: '0.0.0.0', port: 8787 } }), token);
    expect(check.ok).toBe(true);
    expect(check.detail).toMatch(/exposed/);
  });

  it('on loopback: passes, whether a token is set or not', () => {
    for (const host of ['127.0.0.1', 'localhost', '::1']) {
      const check = checkDashboard(load({ dashboard: { host, port: 8787 } }), {});
      expect(check.ok, `${host}: ${check.detail}`).toBe(true);
      expect(check.detail).not.toMatch(/exposed/);
    }
  });
});

describe('config: the operator key never doubles as a bearer token or the builder identity', () => {
  function refusal(extra: Record<string, unknown>): string {
    try {
      load(extra);
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      return (error as Error).message;
    }
    throw new Error('expected the config to be refused');
  }

  it('refuses auth.keyEnv equal to signer.keyEnv (default and named)', () => {
    expect(refusal({ auth: { keyEnv: 'SEARCHER_PRIVATE_KEY' } })).toMatch(/auth\.keyEnv: .*SEARCHER_PRIVATE_KEY.*operator key/);
    expect(refusal({ signer: { keyEnv: 'OPERATOR_KEY' }, auth: { keyEnv: 'OPERATOR_KEY' } })).toMatch(/auth\.keyEnv: .*OPERATOR_KEY/);
  });

  it('the operator pool\'s and the treasury\'s key variables each hold one key: not the main operator\'s, the reputation key\'s, each other\'s, nor the kill switch token', () => {
    const treasury = { minBalanceWei: '1', topUpToWei: '2', maxPerTopUpWei: '1', maxPerDayWei: '1' };
    expect(refusal({ treasury: { ...treasury, keyEnv: 'SEARCHER_PRIVATE_KEY' } })).toMatch(/treasury\.keyEnv: is SEARCHER_PRIVATE_KEY, also the operator key/);
    expect(refusal({ treasury: { ...treasury, keyEnv: 'SEARCHER_OPERATOR_KEYS' } })).toMatch(/treasury\.keyEnv: .*operator pool/);
    expect(refusal({ signer: { operatorKeysEnv: 'SEARCHER_FLASHBOTS_AUTH_KEY' } })).toMatch(/signer\.operatorKeysEnv: .*reputation key/);
    expect(refusal({ risk: { killSwitch: { tokenEnv: 'SEARCHER_OPERATOR_KEYS' } } })).toMatch(/risk\.killSwitch\.tokenEnv: .*operator pool/);
    expect(refusal({ treasury: { ...treasury, keyEnv: 'TREASURY_KEY' }, risk: { killSwitch: { tokenEnv: 'TREASURY_KEY' } } })).toMatch(/risk\.killSwitch\.tokenEnv: .*treasury/);
    // Each its own: accepted.
    expect(() => load({ treasury: { ...treasury, keyEnv: 'TREASURY_KEY' } })).not.toThrow();
  });

  it('refuses risk.killSwitch.tokenEnv equal to signer.keyEnv', () => {
    expect(refusal({ risk: { killSwitch: { tokenEnv: 'SEARCHER_PRIVATE_KEY' } } })).toMatch(/risk\.killSwitch\.tokenEnv: .*operator key/);
    expect(refusal({ signer: { keyEnv: 'OPERATOR_KEY' }, risk: { killSwitch: { tokenEnv: 'OPERATOR_KEY' } } })).toMatch(/risk\.killSwitch\.tokenEnv/);
  });
});
