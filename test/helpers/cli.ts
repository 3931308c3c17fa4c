import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';

export const binPath = fileURLToPath(new URL('../../bin/searcher.js', import.meta.url));

export type CliResult = { code: number | null; stdout: string; stderr: string };

/** Runs `searcher <args>` to completion. */
export function runCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [binPath, ...args], { env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Starts `searcher <args>` and resolves once stdout (or stderr) matches `ready`. */
export function startCli(
  args: string[],
  ready: RegExp,
  on: 'stdout' | 'stderr' = 'stdout',
): Promise<{ child: ChildProcessWithoutNullStreams; output: () => string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [binPath, ...args], { env: { ...process.env } });
    let stdout = '';
    let stderr = '';
    const check = () => {
      if (ready.test(on === 'stdout' ? stdout : stderr)) resolve({ child, output: () => stdout });
    };
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      check();
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
      check();
    });
    child.on('exit', (code) => reject(new Error(`searcher exited with ${code} before ready:\n${stdout}\n${stderr}`)));
  });
}

/** Process ids whose parent is `pid`. */
export function childPids(pid: number): number[] {
  try {
    return execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' })
      .split('\n')
      .map((line) => Number(line.trim()))
      .filter((value) => value > 0);
  } catch {
    return [];
  }
}

/** Running (a zombie, dead but not yet reaped by init, does not count). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // Only "no such process" means it is gone; EPERM means it runs under another user.
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
  }
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] !== 'Z';
  } catch {
    return false;
  }
}

const tsxLoader = new URL('../../node_modules/tsx/dist/loader.mjs', import.meta.url).href;
const commandModules: Record<string, string> = { report: 'profitReport' };

/**
 * `searcher <command> <args>` straight from src/ (through tsx) in a child process: the command module's run(),
 * exactly what main.ts dispatches to, without rebuilding dist/. Runs in `cwd` (default: the OS temp dir, so a
 * relative path never lands in the repository).
 */
export function runSourceCli(command: string, args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<CliResult> {
  const module = fileURLToPath(new URL(`../../src/cli/${commandModules[command] ?? command}.ts`, import.meta.url));
  const script = `const { run } = await import(${JSON.stringify(module)}); process.exitCode = await run(process.argv.slice(1));`;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', tsxLoader, '--input-type=module', '-e', script, '--', ...args], {
      env: { ...process.env, ...options.env },
      cwd: options.cwd ?? tmpdir(),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}
