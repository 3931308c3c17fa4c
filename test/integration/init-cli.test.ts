import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mainnetBuilders } from '../../src/bundle/builders.ts';
import { mainnet } from '../../src/chain/addresses.ts';
import { loadRunConfig } from '../../src/config/runConfig.ts';
import { parseRiskConfig } from '../../src/risk/config.ts';
import { runCli, runSourceCli } from '../helpers/cli.ts';

describe('searcher init', () => {
  it('writes a commented mainnet config that the real loader reads: submit off, mainnet builders, conservative breakers', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'init-'));
    const out = join(dir, 'mainnet.json');
    const result = await runCli(['init', '--out', out]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(out);
    expect(result.stdout).toMatch(/searcher doctor --config/);
    const text = readFileSync(out, 'utf8');
    expect(text.split('\n').filter((line) => line.trim().startsWith('//')).length).toBeGreaterThan(10);

    const { config, chain, builders } = loadRunConfig(out);
    expect(config.submit).toBe(false);
    expect(chain.chainId).toBe(1);
    expect(chain.weth).toBe(mainnet.weth);
    expect(builders.map((builder) => builder.url)).toEqual(mainnetBuilders.map((builder) => builder.url));
    expect(config.dashboard.host).toBe('127.0.0.1');
    expect(config.simulation.mode).toBe('simulate-first');
    // Every breaker at least as tight as the defaults, the loss caps tighter.
    const defaults = parseRiskConfig({});
    expect(config.risk.loss.maxDailyLossBps).toBeLessThan(defaults.loss.maxDailyLossBps);
    expect(config.risk.loss.maxHourlyLossBps).toBeLessThanOrEqual(config.risk.loss.maxDailyLossBps);
    expect(config.risk.gas.maxSpendPerBlockWei).toBeLessThanOrEqual(defaults.gas.maxSpendPerBlockWei);
    expect(config.risk.gas.maxSpendPerWindowWei).toBeLessThanOrEqual(defaults.gas.maxSpendPerWindowWei);
    expect(config.risk.exposure.maxInventoryAmountIn).toBeLessThan(defaults.exposure.maxInventoryAmountIn);
    expect(config.risk.failures.maxConsecutive).toBeLessThanOrEqual(defaults.failures.maxConsecutive);
    expect(config.strategy.flash).toBe(false);
    // No key in the file: only the names of the variables that hold them.
    expect(text).not.toMatch(/0x[0-9a-fA-F]{64}/);
    expect(config.signer.keyEnv).toBe('SEARCHER_PRIVATE_KEY');
  }, 60_000);

  it('refuses to overwrite an existing file unless --force', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'init-'));
    const out = join(dir, 'mine.json');
    writeFileSync(out, '{"chain": {"manifest": "m.json"}}');
    const refused = await runCli(['init', '--out', out]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/mine\.json exists.*--force/);
    expect(readFileSync(out, 'utf8')).toBe('{"chain": {"manifest": "m.json"}}');
    const forced = await runCli(['init', '--out', out, '--force']);
    expect(forced.code).toBe(0);
    expect(loadRunConfig(out).config.submit).toBe(false);
  }, 60_000);

  it('writes mainnet.json in the working directory by default; usage errors exit 2', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'init-cwd-'));
    const result = await runSourceCli('init', [], { cwd });
    expect(result.code, result.stderr).toBe(0);
    expect(existsSync(join(cwd, 'mainnet.json'))).toBe(true);
    expect((await runCli(['init', 'extra'])).code).toBe(2);
    expect((await runCli(['init', '--out'])).code).toBe(2);
    expect((await runCli(['init', '--out', join(cwd, 'no', 'such', 'dir', 'x.json')])).code).toBe(2);
  }, 60_000);
});
