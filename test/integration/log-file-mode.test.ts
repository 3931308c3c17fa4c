import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';

/**
 * A --log-file holds the bot's whole story (operator address, every bundle, redacted node URLs): one it creates
 * is readable by its owner only (0600), whatever the umask; an existing file keeps the mode its owner gave it.
 */
describe('--log-file', () => {
  it('creates the file with mode 0600', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'log-file-mode-'));
    const log = join(dir, 'bot.log');
    const result = await runCli(['report', '--db', join(dir, 'missing.db'), '--log-file', log]);
    expect(result.code, result.stderr).toBe(2); // no store: the command fails, the log file was opened first
    expect(statSync(log).mode & 0o777).toBe(0o600);
  }, 60_000);
});
