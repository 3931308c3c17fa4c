import { Writable } from 'node:stream';
import { formatEther, formatGwei } from 'viem';
import { describe, expect, it } from 'vitest';
import { formatLogLine, weiWithUnit } from '../../src/cli/humanLog.ts';
import { logSetup } from '../../src/cli/logging.ts';
import { LogConfigError, logLevelFromEnv, newMultiLogger } from '../../src/log.ts';

const ansi = /\x1b\[[0-9;]*m/;

/** A destination that keeps what it is given. */
function memory(): { stream: Writable & { write(line: string): boolean }; text: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk, _encoding, done) {
      text += chunk;
      done();
    },
  });
  return { stream: stream as Writable & { write(line: string): boolean }, text: () => text };
}

describe('the human log line', () => {
  it('shows *Wei fields exactly in ETH (fees per gas in gwei), as viem formats them', () => {
    for (const wei of [0n, 1n, 3_576_534_166_552_763n, 10n ** 18n, 123_456_789_012_345_678_901n, -274_809_002_198_472n]) {
      expect(weiWithUnit(wei.toString(), 'netWei')).toBe(`${formatEther(wei)} ETH`);
      expect(weiWithUnit(wei.toString(), 'maxPriorityFeePerGasWei')).toBe(`${formatGwei(wei)} gwei`);
    }
    expect(weiWithUnit('12.5', 'netWei')).toBeUndefined();
    const line = formatLogLine(JSON.stringify({ level: 30, time: 0, component: 'risk', msg: 'risk: bundle resolved', netWei: '3576534166552763', included: true }), { colour: false });
    expect(line).toMatch(/^\d\d:\d\d:\d\d\.\d{3} info {4}risk: bundle resolved {2}net=0\.003576534166552763 ETH included=true$/);
  });

  it('names the component when the message does not, colours the level only when asked, hides what the message says', () => {
    const record = { level: 40, time: 0, component: 'mempool', url: 'ws://127.0.0.1:1', retryAt: '2026-01-01T00:00:00.000Z', msg: 'cannot connect to ws://127.0.0.1:1' };
    const plain = formatLogLine(JSON.stringify(record), { colour: false });
    expect(plain).toMatch(/warning mempool: cannot connect to ws:\/\/127\.0\.0\.1:1$/);
    expect(plain).not.toMatch(ansi);
    expect(formatLogLine(JSON.stringify(record), { colour: true })).toMatch(ansi);
    expect(formatLogLine('not json', { colour: true })).toBe('not json');
  });

  it('keeps secrets redacted in every format: the human terminal line and the JSON file get the redacted line', () => {
    const human = memory();
    const json = memory();
    const humanStream = { write: (line: string) => human.stream.write(`${formatLogLine(line, { colour: true })}\n`) };
    const logger = newMultiLogger([
      { stream: humanStream, level: 'info' },
      { stream: json.stream, level: 'info' },
    ]);
    const url = 'https://alice:hunter22@mainnet.example.org/v3/0123456789abcdef0123456789abcdef';
    logger.warn({ url, err: new Error(`request to ${url} failed`) }, `node ${url} is slow`);
    for (const text of [human.text(), json.text()]) {
      expect(text).toContain('mainnet.example.org');
      expect(text).not.toContain('hunter22');
      expect(text).not.toContain('0123456789abcdef0123456789abcdef');
    }
    expect(human.text()).toMatch(/warning/);
    expect(JSON.parse(json.text()).level).toBe(40);
  });
});

describe('the logging settings', () => {
  it('human on a terminal, JSON through a pipe, or as --log-format says; colour only for a terminal without NO_COLOR', () => {
    expect(logSetup({}, {}, true)).toEqual({ format: 'human', terminalLevel: 'info', colour: true });
    expect(logSetup({}, {}, false)).toEqual({ format: 'json', terminalLevel: 'info', colour: false });
    expect(logSetup({ 'log-format': 'json' }, {}, true).format).toBe('json');
    expect(logSetup({ 'log-format': 'human' }, {}, false)).toEqual({ format: 'human', terminalLevel: 'info', colour: false });
    expect(logSetup({}, { NO_COLOR: '1' }, true).colour).toBe(false);
    expect(logSetup({ 'log-format': 'human' }, { FORCE_COLOR: '1' }, false).colour).toBe(true);
  });

  it('--quiet is warn, --verbose debug, otherwise SEARCHER_LOG_LEVEL; the file gets at least info', () => {
    expect(logSetup({ quiet: true }, { SEARCHER_LOG_LEVEL: 'debug' }, true).terminalLevel).toBe('warn');
    expect(logSetup({ verbose: true }, {}, true).terminalLevel).toBe('debug');
    expect(logSetup({ verbose: true }, { SEARCHER_LOG_LEVEL: 'trace' }, true).terminalLevel).toBe('trace');
    expect(logSetup({}, { SEARCHER_LOG_LEVEL: 'ERROR' }, true).terminalLevel).toBe('error');
    expect(logSetup({ quiet: true, 'log-file': 'f' }, {}, true).fileLevel).toBe('info');
    expect(logSetup({ 'log-file': 'f' }, { SEARCHER_LOG_LEVEL: 'silent' }, true).fileLevel).toBe('info');
    expect(logSetup({ verbose: true, 'log-file': 'f' }, {}, true).fileLevel).toBe('debug');
    expect(() => logSetup({ quiet: true, verbose: true }, {}, true)).toThrow(LogConfigError);
    expect(() => logSetup({ 'log-format': 'xml' }, {}, true)).toThrow('--log-format must be json or human (got "xml")');
  });

  it('refuses an invalid SEARCHER_LOG_LEVEL without echoing a value that is no plain word', () => {
    expect(logLevelFromEnv({})).toBeUndefined();
    expect(logLevelFromEnv({ SEARCHER_LOG_LEVEL: 'Warn' })).toBe('warn');
    expect(() => logLevelFromEnv({ SEARCHER_LOG_LEVEL: 'loud' })).toThrow('SEARCHER_LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent (got "loud")');
    const key = `0x${'ab'.repeat(32)}`;
    expect(() => logLevelFromEnv({ SEARCHER_LOG_LEVEL: key })).toThrow('(value not shown)');
  });
});
