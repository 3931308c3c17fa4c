import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadRunConfig } from '../../src/config/runConfig.ts';

/**
 * How the config file itself is read: what an editor on Windows writes (a byte-order mark), a typo (line and
 * column, as the README promises), a block pasted twice (duplicate keys would silently take the last one, so
 * appending a "risk" block to init's file dropped init's tighter breakers), and a path that is not a file.
 */
const dir = mkdtempSync(join(tmpdir(), 'config-file-'));
const chain = {
  chainId: 1,
  rpcUrl: 'http://127.0.0.1:8545',
  wsUrl: 'ws://127.0.0.1:8546',
  executor: { address: '0x276c216d241856199a83bf27b2286659e5b877d3' },
};
let variant = 0;
function write(text: string): string {
  const file = join(dir, `config-${variant++}.json`);
  writeFileSync(file, text);
  return file;
}

function refusal(file: string): string {
  try {
    loadRunConfig(file);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error(`expected ${file} to be refused`);
}

describe('config file reading', () => {
  it('loads a file that starts with a UTF-8 byte-order mark', () => {
    const file = write(`\uFEFF${JSON.stringify({ chain, submit: false, extraBlocks: 1 }, null, 2)}`);
    expect(loadRunConfig(file).config.extraBlocks).toBe(1);
  });

  it('a syntax error names the line and column, not a character position', () => {
    // Line 4, column 10: the value after "extraBlocks" is missing its colon.
    const text = `{\n  "chain": ${JSON.stringify(chain)},\n  // a comment\n  "submit" false\n}\n`;
    const message = refusal(write(text));
    expect(message).toMatch(/line 4, column 12/);
    expect(message).not.toMatch(/position \d+/);
  });

  it('an unexpected end of the file names where it ended', () => {
    const message = refusal(write(`{\n  "chain": ${JSON.stringify(chain)},\n  "submit": false\n`));
    expect(message).toMatch(/line 4, column 1/);
  });

  it('refuses a key given twice in one object, naming the path and both lines', () => {
    const text = [
      '{',
      `  "chain": ${JSON.stringify(chain)},`,
      '  "risk": { "loss": { "maxHourlyLossBps": 50, "maxDailyLossBps": 100 } },',
      '  "submit": false,',
      '  "risk": { "gas": { "maxSpendPerBlockWei": "1000" } }',
      '}',
    ].join('\n');
    const message = refusal(write(text));
    expect(message).toMatch(/risk: duplicate key \(lines 3 and 5\)/);
  });

  it('refuses a duplicate nested key with its full path, and allows the same key in different objects', () => {
    const text = [
      '{',
      `  "chain": ${JSON.stringify(chain)},`,
      '  "risk": {',
      '    "loss": { "maxHourlyLossBps": 50,',
      '              "maxHourlyLossBps": 60 },',
      '    "gas": { "windowMs": 86400000 }, "liquidity": { "windowMs": 3600000 }',
      '  }',
      '}',
    ].join('\n');
    expect(refusal(write(text))).toMatch(/risk\.loss\.maxHourlyLossBps: duplicate key \(lines 4 and 5\)/);
    // windowMs in two objects, a key inside a string value, and an escaped key: no false duplicate.
    const fine = `{"chain": ${JSON.stringify(chain)}, "risk": {"gas": {"windowMs": 86400000}, "liquidity": {"windowMs": 3600000}}, "dashboard": {"host": "\\"risk\\": 1", "port": 1}}`;
    expect(loadRunConfig(write(fine)).config.risk.gas.windowMs).toBe(86_400_000);
  });

  it('refuses /dev/zero (not a regular file) in one line, without reading it', () => {
    const message = refusal('/dev/zero');
    expect(message).toMatch(/not a regular file/);
    expect(message.trim().split('\n').length).toBeLessThanOrEqual(2);
  });

  it('refuses a file over 1 MB', () => {
    const big = write(`{"chain": ${JSON.stringify(chain)}, "pad": "${'x'.repeat(1_100_000)}"}`);
    expect(refusal(big)).toMatch(/larger than 1 MB/);
  });

  it('refuses a folder with one line', () => {
    expect(refusal(dir)).toMatch(/not a regular file|folder/);
  });
});
