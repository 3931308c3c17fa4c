import { spawnSync } from 'node:child_process';
import { accessSync, constants, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../src/paths.ts';
import { localUnit, unitFile, unitKeys } from '../helpers/serviceUnit.ts';

const systemdAnalyze = '/usr/bin/systemd-analyze';

describe('deploy/systemd/searcher.service', () => {
  it('passes `systemd-analyze verify` with this checkout in place of /opt/searcher, without a warning', () => {
    // No skip when the tool is missing: say how to get it.
    expect(() => accessSync(systemdAnalyze, constants.X_OK), 'systemd-analyze is missing: apt-get install systemd').not.toThrow();
    const unit = localUnit(mkdtempSync(join(tmpdir(), 'unit-')));
    const result = spawnSync(systemdAnalyze, ['verify', '--man=no', unit.file], { encoding: 'utf8' });
    expect(result.status, result.stderr).toBe(0);
    // verify exits 0 on unknown keys and bad values too, and only warns: any output is a finding.
    expect(result.stderr.trim()).toBe('');
    expect(result.stdout.trim()).toBe('');
  });

  it('runs node on bin/searcher.js itself (not npx), with keys only from its EnvironmentFile', () => {
    const text = readFileSync(unitFile, 'utf8');
    const keys = unitKeys(text);
    const [node, bin, command, ...flags] = keys.get('ExecStart')![0]!.split(/\s+/);
    expect(node).toBe('/usr/bin/node');
    expect(bin).toBe('/opt/searcher/bin/searcher.js');
    expect(command).toBe('run');
    expect(flags).toContain('--config');
    expect(flags).toContain('--db');
    // The store is where the service may write.
    const db = flags[flags.indexOf('--db') + 1]!;
    expect(keys.get('ReadWritePaths')).toContain(dirname(db));
    expect(keys.get('StateDirectory')).toEqual([dirname(db).replace('/var/lib/', '')]);
    for (const line of [...(keys.get('ExecStart') ?? []), ...(keys.get('Environment') ?? [])]) {
      expect(line).not.toMatch(/npx|npm|SEARCHER_|KEY|PASSWORD|TOKEN/);
    }
    expect(keys.get('EnvironmentFile')).toEqual(['/etc/searcher/searcher.env']);
    // The example env file names every secret the bot reads, and holds no value.
    const example = readFileSync(join(projectRoot(), 'deploy', 'systemd', 'searcher.env.example'), 'utf8');
    for (const name of ['SEARCHER_PRIVATE_KEY', 'SEARCHER_KEYSTORE_PASSWORD', 'SEARCHER_FLASHBOTS_AUTH_KEY', 'SEARCHER_RISK_TOKEN']) expect(example).toMatch(new RegExp(`^#? ?${name}=$`, 'm'));
  });

  it('stops with SIGTERM to the bot, restarts after a crash but not after bad usage, and is hardened', () => {
    const keys = unitKeys(readFileSync(unitFile, 'utf8'));
    const one = (key: string) => {
      expect(keys.get(key), key).toHaveLength(1);
      return keys.get(key)![0]!;
    };
    expect(one('KillSignal')).toBe('SIGTERM');
    expect(one('KillMode')).toBe('mixed');
    expect(Number(one('TimeoutStopSec'))).toBeGreaterThanOrEqual(10);
    expect(one('Restart')).toBe('on-failure');
    // Exit 2 is the contract's "bad usage or invalid configuration" (src/cli/main.ts).
    expect(one('RestartPreventExitStatus')).toBe('2');
    expect(readFileSync(join(projectRoot(), 'src', 'cli', 'main.ts'), 'utf8')).toMatch(/Exit codes: 0 ok, 1 runtime error, 2 bad usage or invalid configuration/);
    expect(one('NoNewPrivileges')).toBe('yes');
    expect(one('ProtectSystem')).toBe('strict');
    expect(one('ProtectHome')).toBe('yes');
    expect(one('PrivateTmp')).toBe('yes');
    expect(one('CapabilityBoundingSet')).toBe('');
    expect(keys.has('MemoryDenyWriteExecute')).toBe(false); // V8's JIT
  });
});
