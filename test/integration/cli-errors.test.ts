/**
 * Every CLI mistake ends in one line that names the flag, file or URL (credentials hidden), with an exit code
 * from the contract (0 ok, 1 runtime error, 2 bad usage or invalid configuration), and no stack trace unless
 * --verbose. The real CLI (bin/searcher.js over dist/, built by `node scripts/build.mjs`).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import type { Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { binPath, runCli, type CliResult } from '../helpers/cli.ts';
import { unusedPort } from '../helpers/ports.ts';

const dir = mkdtempSync(join(tmpdir(), 'searcher-cli-errors-'));
const servers: Array<Server | HttpServer> = [];
afterAll(() => servers.forEach((server) => server.close()));

const address = (n: number) => `0x${n.toString(16).padStart(40, '0')}`;
const stackFrame = /^\s+at /m;

/** The error output: exactly one non-empty line, no stack frame. */
function oneLine(result: CliResult): string {
  const lines = result.stderr.split('\n').filter((line) => line.trim() !== '');
  expect(result.stderr).not.toMatch(stackFrame);
  expect(lines, result.stderr).toHaveLength(1);
  return lines[0]!;
}

/** Runs the CLI until `done(stderr)` holds (or 20 s), then Ctrl-C; resolves with the output and exit code. */
function runUntil(args: string[], env: NodeJS.ProcessEnv, done: (stderr: string) => boolean): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [binPath, ...args], { env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    // One Ctrl-C only: output still arriving after it would send a second, which (as for a user) exits at once.
    let interrupted = false;
    const interrupt = () => {
      if (interrupted) return;
      interrupted = true;
      child.kill('SIGINT');
    };
    const timer = setTimeout(interrupt, 20_000);
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
      if (done(stderr)) interrupt();
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const jsonLines = (text: string) =>
  text
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);

describe('searcher CLI: one clear line per mistake', () => {
  it('quote --batch with a missing file names the flag and the file (exit 2)', async () => {
    const result = await runCli(['quote', '--rpc', 'http://127.0.0.1:1', '--batch', join(dir, 'missing.jsonl')]);
    expect(result.code).toBe(2);
    const line = oneLine(result);
    expect(line).toContain('--batch');
    expect(line).toContain(join(dir, 'missing.jsonl'));
    expect(line).toMatch(/no such file/);
  });

  it('decode --jsonl with a missing file or a directory names the flag and the file (exit 2)', async () => {
    for (const file of [join(dir, 'missing'), dir]) {
      const result = await runCli(['decode', '--jsonl', file]);
      expect(result.code).toBe(2);
      const line = oneLine(result);
      expect(line).toContain(`--jsonl ${file}`);
    }
  });

  it('an invalid SEARCHER_LOG_LEVEL is one line naming the variable and the levels (exit 2), for every command', async () => {
    for (const args of [['decode', '--jsonl', '/dev/null'], ['watch', '--ws', 'ws://127.0.0.1:1'], ['report', '--db', join(dir, 'none.db')]]) {
      const result = await runCli(args, { SEARCHER_LOG_LEVEL: 'loud' });
      expect(result.code, args.join(' ')).toBe(2);
      const line = oneLine(result);
      expect(line).toMatch(/SEARCHER_LOG_LEVEL/);
      expect(line).toContain('"loud"');
      expect(line).toMatch(/fatal, error, warn, info, debug, trace/);
    }
  });

  it('duplicate builder names in a config are refused before anything connects (exit 2, naming the field)', async () => {
    const config = {
      chain: { chainId: 1, rpcUrl: 'http://127.0.0.1:1', wsUrl: 'ws://127.0.0.1:1', executor: { address: address(1) } },
      builders: [
        { name: 'titan', url: 'http://127.0.0.1:2' },
        { name: 'beaver', url: 'http://127.0.0.1:3' },
        { name: 'titan', url: 'http://127.0.0.1:4' },
      ],
    };
    const file = join(dir, 'dup-builders.json');
    writeFileSync(file, JSON.stringify(config));
    const result = await runCli(['run', '--config', file, '--dry-run', '--no-dashboard', '--db', join(dir, 'dup.db')]);
    expect(result.code).toBe(2);
    expect(result.stderr).not.toMatch(stackFrame);
    const last = result.stderr.trim().split('\n').at(-1)!;
    expect(last).toContain(file);
    expect(last).toMatch(/builders\[2\]\.name: duplicate builder name "titan"/);
  });

  it('quote --rpc notaurl names the flag and the value (exit 2)', async () => {
    const result = await runCli(['quote', '--rpc', 'notaurl', '--pool', address(1), '--token-in', address(2), '--amount-in', '5']);
    expect(result.code).toBe(2);
    const line = oneLine(result);
    expect(line).toMatch(/--rpc must be an http:\/\/ or https:\/\/ URL/);
    expect(line).toContain('"notaurl"');
  });

  it('an unreachable --rpc names the URL without its credentials (exit 1)', async () => {
    const port = await unusedPort();
    const url = `http://alice:s3cret-pw@127.0.0.1:${port}/v3/0123456789abcdef0123456789abcdef`;
    const result = await runCli(['quote', '--rpc', url, '--pool', address(1), '--token-in', address(2), '--amount-in', '5']);
    expect(result.code).toBe(1);
    const line = oneLine(result);
    expect(line).toContain(`127.0.0.1:${port}`);
    expect(line).toMatch(/cannot reach the node/);
    expect(line).not.toContain('s3cret-pw');
    expect(line).not.toContain('0123456789abcdef0123456789abcdef');
  });

  it('an --rpc that answers but is no node says what it answered (exit 1)', async () => {
    const server = createHttpServer((_req, res) => res.writeHead(404).end('no such project'));
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    const result = await runCli(['quote', '--rpc', `http://127.0.0.1:${port}/v3/0123456789abcdef0123456789abcdef`, '--pool', address(1), '--token-in', address(2), '--amount-in', '5']);
    expect(result.code).toBe(1);
    const line = oneLine(result);
    expect(line).toContain(`the node at http://127.0.0.1:${port}/v3/*** answered HTTP 404`);
    expect(line).not.toContain('0123456789abcdef0123456789abcdef');
  });

  it('never echoes a key-looking argument: positionals, unknown commands, --key=..., unknown options with values', async () => {
    const nearKey = `0x${'ab'.repeat(31)}c`; // 63 hex digits: not a valid key, still a secret to whoever typed it
    const hexTail = 'ab'.repeat(31) + 'c';
    const cases = [
      ['devnet', nearKey],
      ['quote', '--rpc', 'http://127.0.0.1:1', nearKey],
      [nearKey],
      ['devnet', `--key=0x${'cd'.repeat(10)}`],
      ['devnet', `--signer=${nearKey}`],
      ['report', '--', nearKey],
    ];
    for (const args of cases) {
      const result = await runCli(args);
      expect(result.code, args.join(' ')).toBe(2);
      oneLine(result);
      expect(result.stdout + result.stderr).not.toContain(hexTail);
      expect(result.stdout + result.stderr).not.toContain('cd'.repeat(10));
    }
    // An ordinary mistaken word is still named, so the user sees what was wrong.
    const word = await runCli(['devnet', 'now']);
    expect(word.code).toBe(2);
    expect(oneLine(word)).toContain('"now"');
    const unknown = await runCli(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(oneLine(unknown)).toMatch(/unknown command "frobnicate".*searcher --help/);
  });

  it('an unexpected failure is one line without --verbose, and the stack with it', async () => {
    // writing the manifest into a directory that does not exist fails after the devnet is up: it must stop it and exit
    const args = ['devnet', '--port', '0', '--no-traffic', '--manifest', join(dir, 'no', 'such', 'dir', 'm.json')];
    const quiet = await runUntil(args, {}, () => false);
    expect(quiet.code).toBe(1);
    const line = oneLine(quiet);
    expect(line).toContain(join(dir, 'no', 'such', 'dir'));
    const verbose = await runUntil([...args, '--verbose'], {}, () => false);
    expect(verbose.code).toBe(1);
    expect(verbose.stderr).toMatch(stackFrame);
  }, 60_000);

  it('what escapes every command (a throw in a callback) is one line and exit 1 through the top-level handler; the stack with --verbose', async () => {
    const main = join(binPath, '..', '..', 'dist', 'main.js');
    const crash = (verbose: boolean) =>
      new Promise<CliResult>((resolve) => {
        const script = `const { installFatalHandlers, run } = await import(${JSON.stringify(main)}); installFatalHandlers(); ${verbose ? "await run(['report', '--help', '--verbose']);" : ''} setTimeout(() => { throw new TypeError('boom at http://user:pw@127.0.0.1:1/v3/0123456789abcdef0123'); }, 10);`;
        const child = spawn(process.execPath, ['--input-type=module', '-e', script]);
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (chunk) => (stdout += chunk));
        child.stderr.on('data', (chunk) => (stderr += chunk));
        child.on('exit', (code) => resolve({ code, stdout, stderr }));
      });
    const quiet = await crash(false);
    expect(quiet.code).toBe(1);
    expect(oneLine(quiet)).toMatch(/^searcher: unexpected error: TypeError: boom at http:\/\/\*\*\*@127\.0\.0\.1:1\/v3\/\*\*\* \(run with --verbose for the stack\)$/);
    const verbose = await crash(true);
    expect(verbose.code).toBe(1);
    expect(verbose.stderr).toMatch(stackFrame);
    expect(verbose.stderr).not.toContain('pw@');
  });

  it('halt and resume usage mistakes are one line too', async () => {
    const halt = await runCli(['halt', '--db', join(dir, 'x.db')]);
    expect(halt.code).toBe(2);
    expect(oneLine(halt)).toMatch(/--reason TEXT is required/);
  });
});

describe('an unreachable or wrong websocket: a warning per attempt with the URL and the next retry, not silence', () => {
  it('watch --ws to a closed port: warns at every failed attempt with the redacted URL and when it tries next', async () => {
    const port = await unusedPort();
    const url = `ws://bob:pa55word@127.0.0.1:${port}/v3/0123456789abcdef0123456789abcdef`;
    const result = await runUntil(['watch', '--ws', url], { SEARCHER_LOG_LEVEL: 'info' }, (stderr) => jsonLines(stderr).filter((line) => line.level === 40).length >= 3);
    expect(result.code).toBe(0);
    const warnings = jsonLines(result.stderr).filter((line) => line.level === 40);
    expect(warnings.length).toBeGreaterThanOrEqual(3);
    for (const warning of warnings) {
      expect(warning.url).toBe(`ws://***@127.0.0.1:${port}/v3/***`);
      expect(typeof warning.attempt).toBe('number');
      expect(Number.isNaN(Date.parse(String(warning.retryAt)))).toBe(false);
      expect(typeof warning.retryInMs).toBe('number');
      expect(String(warning.msg)).toMatch(/still trying/);
      expect(String(warning.error)).toMatch(/ECONNREFUSED/);
    }
    expect(warnings.map((warning) => warning.attempt)).toEqual(warnings.map((_, i) => i + 1));
    expect(result.stderr).not.toContain('pa55word');
    expect(result.stderr).not.toContain('0123456789abcdef0123456789abcdef');
  });

  it('watch --ws to an HTTP server that is no websocket: says what the server answered', async () => {
    const server = createHttpServer((_req, res) => res.writeHead(404).end('not here'));
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    const result = await runUntil(['watch', '--ws', `ws://127.0.0.1:${port}/wrong`], { SEARCHER_LOG_LEVEL: 'info' }, (stderr) => jsonLines(stderr).some((line) => line.level === 40));
    const warning = jsonLines(result.stderr).find((line) => line.level === 40)!;
    expect(warning.url).toBe(`ws://127.0.0.1:${port}/wrong`);
    expect(String(warning.error)).toMatch(/404/);
    expect(warning.retryAt).toBeDefined();
  });

  it('watch --ws with a malformed URL is a usage error naming the flag', async () => {
    const result = await runCli(['watch', '--ws', 'ws://[bad']);
    expect(result.code).toBe(2);
    expect(oneLine(result)).toMatch(/--ws .*not a valid URL/);
  });
});
