/**
 * What a person sees: the real CLI (bin/searcher.js over dist/) on a real pseudo-terminal (util-linux
 * `script`), against what a program sees through a pipe. On a terminal: human lines, levels coloured, amounts
 * in ETH with units, no JSON; through a pipe: pino JSON, as before; the flags switch between them.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Devnet } from '../../src/devnet/devnet.ts';
import { writeManifest } from '../../src/devnet/manifest.ts';
import { binPath, runCli } from '../helpers/cli.ts';
import { startTestDevnet } from '../helpers/devnet.ts';
import { unusedPort } from '../helpers/ports.ts';

const dir = mkdtempSync(join(tmpdir(), 'searcher-terminal-'));
const script = '/usr/bin/script';
const ansi = /\x1b\[[0-9;]*m/;
const ansiAll = /\x1b\[[0-9;]*m/g;

/** The environment of a person's shell: no test log level, no colour opt-out. */
function userEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, TERM: 'xterm-256color', ...extra };
  delete env.SEARCHER_LOG_LEVEL;
  delete env.NO_COLOR;
  delete env.FORCE_COLOR;
  for (const [key, value] of Object.entries(extra)) if (value !== undefined) env[key] = value;
  return env;
}

const quote = (arg: string) => `'${arg.replace(/'/g, `'\\''`)}'`;

/**
 * `searcher <args>` on a pseudo-terminal (stdout and stderr are the terminal); resolves with what the terminal
 * showed, once the command exits or `until` holds (then Ctrl-C, as a person would).
 */
function onTerminal(args: string[], options: { env?: NodeJS.ProcessEnv; until?: (text: string) => boolean; timeoutMs?: number } = {}): Promise<{ code: number | null; text: string }> {
  const command = [process.execPath, binPath, ...args].map(quote).join(' ');
  return new Promise((resolve) => {
    const child = spawn(script, ['-qec', command, '/dev/null'], { env: userEnv(options.env) });
    let text = '';
    let interrupted = false;
    const timer = setTimeout(() => child.kill('SIGINT'), options.timeoutMs ?? 90_000);
    child.stdout.on('data', (chunk) => {
      text += chunk;
      if (!interrupted && options.until?.(text)) {
        interrupted = true;
        // Ctrl-C typed on the terminal: script forwards it to the foreground process group.
        child.stdin.write('\x03');
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, text: text.replace(/\r\n/g, '\n') });
    });
  });
}

/** `searcher <args>` with stdout and stderr on pipes, in a person's environment. */
function throughPipe(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [binPath, ...args], { env: userEnv(env) });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

const lines = (text: string) => text.split('\n').filter((line) => line.trim() !== '');
const isJsonLine = (line: string) => {
  try {
    return typeof JSON.parse(line.replace(ansiAll, '')) === 'object';
  } catch {
    return false;
  }
};
const blockLine = /^block \d+: seen \d+, candidates \d+, sent \d+, included \d+, net -?\d+(\.\d+)? ETH, cumulative -?\d+(\.\d+)? ETH$/;

const demoArgs = (name: string) => ['demo', '--blocks', '2', '--block-time', '1', '--dashboard-port', '0', '--db', join(dir, `${name}.db`)];

describe('searcher demo on a terminal and through a pipe', () => {
  it('uses a real pseudo-terminal', () => {
    expect(execFileSync(script, ['-qec', 'test -t 1 && test -t 2 && echo tty', '/dev/null'], { encoding: 'utf8' }).trim()).toBe('tty');
  });

  it('on a terminal: human lines with coloured levels and ETH amounts, one line per block, no JSON; --log-file gets the JSON', async () => {
    const logFile = join(dir, 'demo.log');
    const { code, text } = await onTerminal([...demoArgs('tty'), '--log-file', logFile]);
    expect(code, text).toBe(0);
    const shown = lines(text);
    expect(shown.filter(isJsonLine)).toEqual([]);
    expect(text).toMatch(ansi);
    const plain = shown.map((line) => line.replace(ansiAll, ''));
    expect(plain.filter((line) => blockLine.test(line))).toHaveLength(2);
    // The info line of the demo, coloured, in words: its level, its component and its message.
    const running = shown.find((line) => line.includes('demo: running'));
    expect(running).toBeDefined();
    expect(running).toMatch(ansi);
    expect(running!.replace(ansiAll, '')).toMatch(/^\d\d:\d\d:\d\d(\.\d{3})? info +demo: running {2}dashboard=http:\/\/127\.0\.0\.1:\d+$/);
    expect(plain.at(-1)).toMatch(/^searcher demo: \d+ bundles included, net -?\d+(\.\d+)? ETH, capture /);
    // The file: pino JSON, every line, whatever the terminal showed.
    const logged = lines(readFileSync(logFile, 'utf8'));
    expect(logged.length).toBeGreaterThan(0);
    expect(logged.every((line) => isJsonLine(line))).toBe(true);
    expect(logged.map((line) => JSON.parse(line).msg)).toContain('demo: running');
  }, 120_000);

  it('through a pipe: pino JSON on stderr, block lines on stdout, no colour', async () => {
    const { code, stdout, stderr } = await throughPipe(demoArgs('pipe'));
    expect(code, stderr).toBe(0);
    const logs = lines(stderr);
    expect(logs.length).toBeGreaterThan(0);
    expect(logs.filter((line) => !isJsonLine(line))).toEqual([]);
    expect(logs.map((line) => JSON.parse(line).msg)).toContain('demo: running');
    // Each line names one component (a parser keeps only one of two `component` keys, and which is up to it).
    expect(logs.some((line) => JSON.parse(line).component === 'dashboard')).toBe(true);
    expect(logs.filter((line) => (line.match(/"component":/g) ?? []).length !== 1)).toEqual([]);
    expect(stdout + stderr).not.toMatch(ansi);
    expect(lines(stdout).filter((line) => blockLine.test(line))).toHaveLength(2);
  }, 120_000);

  it('--log-format json on a terminal gives JSON logs; --log-format human through a pipe gives words without colour', async () => {
    const json = await onTerminal([...demoArgs('tty-json'), '--log-format', 'json']);
    expect(json.code, json.text).toBe(0);
    const jsonShown = lines(json.text).filter(isJsonLine);
    expect(jsonShown.map((line) => JSON.parse(line).msg)).toContain('demo: running');

    const human = await throughPipe([...demoArgs('pipe-human'), '--log-format', 'human']);
    expect(human.code, human.stderr).toBe(0);
    expect(lines(human.stderr).filter(isJsonLine)).toEqual([]);
    expect(human.stderr).toMatch(/ info +demo: running/);
    expect(human.stdout + human.stderr).not.toMatch(ansi);
  }, 180_000);

  it('--quiet keeps warnings and errors and the block lines; --log-format takes only json or human', async () => {
    const quiet = await throughPipe([...demoArgs('quiet'), '--quiet', '--log-format', 'human']);
    expect(quiet.code, quiet.stderr).toBe(0);
    expect(quiet.stderr).not.toMatch(/ info /);
    expect(lines(quiet.stdout).filter((line) => blockLine.test(line))).toHaveLength(2);
    const bad = await runCli(['demo', '--log-format', 'xml']);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim()).toBe('searcher: --log-format must be json or human (got "xml")');
    const both = await runCli(['demo', '--quiet', '--verbose']);
    expect(both.code).toBe(2);
    // (--verbose was typed, so the stack follows the line)
    expect(both.stderr.split('\n')[0]).toBe('searcher: --quiet and --verbose contradict each other: give one');
  }, 120_000);

  it('--json (the outside checks\' document) is unchanged: the last stdout line, block lines not printed', async () => {
    const { code, stdout } = await throughPipe([...demoArgs('json'), '--json', '--truth-swaps', '2']);
    expect(code).toBe(0);
    const out = lines(stdout);
    expect(out).toHaveLength(1);
    const result = JSON.parse(out[0]!);
    for (const key of ['blocks', 'totals', 'breakers', 'latencyUs', 'capture']) expect(result).toHaveProperty(key);
  }, 120_000);
});

describe('a websocket that does not answer, on a terminal', () => {
  let devnet: Devnet;
  beforeAll(async () => {
    devnet = await startTestDevnet();
  });
  afterAll(async () => {
    await devnet?.stop();
  });

  it('watch: says in words that it is still trying, naming the URL (credentials hidden, on the terminal and in the log file) and the next attempt', async () => {
    const port = await unusedPort();
    const logFile = join(dir, 'watch.log');
    const secretPath = '0123456789abcdef0123456789abcdef';
    const { text } = await onTerminal(['watch', '--ws', `ws://carol:hunter22@127.0.0.1:${port}/v3/${secretPath}`, '--log-file', logFile], {
      until: (shown) => (shown.match(/still trying/g) ?? []).length >= 2,
      timeoutMs: 30_000,
    });
    const warnings = lines(text).filter((line) => line.includes('still trying'));
    expect(warnings.length).toBeGreaterThanOrEqual(2);
    expect(warnings[0]).toMatch(ansi);
    expect(warnings[0]!.replace(ansiAll, '')).toMatch(
      new RegExp(`warning +mempool: cannot connect to the node's websocket ws://\\*\\*\\*@127\\.0\\.0\\.1:${port}/v3/\\*\\*\\* \\(.*ECONNREFUSED.*\\); still trying: attempt 2 at \\d\\d:\\d\\d:\\d\\d`),
    );
    expect(lines(text).filter(isJsonLine)).toEqual([]);
    const logged = readFileSync(logFile, 'utf8');
    expect(lines(logged).filter((line) => JSON.parse(line).level === 40).length).toBeGreaterThanOrEqual(2);
    for (const shown of [text, logged]) {
      expect(shown).not.toContain('hunter22');
      expect(shown).not.toContain(secretPath);
    }
  }, 60_000);

  it('run with a wrong wsUrl in the config: warns on the terminal instead of hanging in silence', async () => {
    const port = await unusedPort();
    const manifest = { ...devnet.manifest, wsUrl: `ws://127.0.0.1:${port}` };
    writeManifest(join(dir, 'manifest.json'), manifest);
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ chain: { manifest: 'manifest.json' } }));
    const { text } = await onTerminal(['run', '--config', join(dir, 'config.json'), '--dry-run', '--no-dashboard', '--db', join(dir, 'run.db')], {
      until: (shown) => /still trying/.test(shown),
      timeoutMs: 60_000,
    });
    const warning = lines(text).find((line) => line.includes('still trying'));
    expect(warning, text).toBeDefined();
    expect(warning!.replace(ansiAll, '')).toContain(`websocket ws://127.0.0.1:${port}`);
    expect(lines(text).filter(isJsonLine)).toEqual([]);
  }, 90_000);
});
