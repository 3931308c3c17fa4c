import { chmodSync, lstatSync, mkdtempSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRunConfig } from '../../src/config/runConfig.ts';
import { runCli } from '../helpers/cli.ts';

/**
 * `searcher init --force` replaces FILE with a config of mode 0600 whatever was there: an old world-readable
 * file does not keep its mode, and a symlink is replaced, never written through (a link planted in a shared
 * folder must not make init overwrite what it points at).
 */
describe('searcher init --force', () => {
  it('an existing 0644 file becomes 0600', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'init-force-'));
    const out = join(dir, 'mainnet.json');
    writeFileSync(out, '{}');
    chmodSync(out, 0o644);
    const result = await runCli(['init', '--out', out, '--force']);
    expect(result.code, result.stderr).toBe(0);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    expect(loadRunConfig(out).config.submit).toBe(false);
  }, 60_000);

  it('a symlink is replaced by the config, and what it pointed at is untouched', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'init-force-'));
    const target = join(dir, 'precious.txt');
    writeFileSync(target, 'precious');
    chmodSync(target, 0o644);
    const out = join(dir, 'mainnet.json');
    symlinkSync(target, out);
    const result = await runCli(['init', '--out', out, '--force']);
    expect(result.code, result.stderr).toBe(0);
    expect(readFileSync(target, 'utf8')).toBe('precious');
    expect(lstatSync(out).isSymbolicLink()).toBe(false);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    expect(loadRunConfig(out).config.submit).toBe(false);
  }, 60_000);
});
