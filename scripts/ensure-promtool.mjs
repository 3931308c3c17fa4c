// Finds (or, on a fresh Debian CI machine running as root, installs) promtool, which the alert-rule tests run
// (`promtool check rules`, `promtool test rules`). promtool ships in Debian's `prometheus` package; nothing is
// downloaded from anywhere else. The package's service is not wanted here: the install keeps it from starting
// (policy-rc.d) and nothing in the tests talks to a Prometheus server.
//
//   node scripts/ensure-promtool.mjs      prints the path (installs first if needed), exit 1 with a reason otherwise
//   import { ensurePromtool } from './scripts/ensure-promtool.mjs'   same, as a function (returns the path)
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export const defaultPromtoolPath = '/usr/bin/promtool';

function executable(path) {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function aptGet(args, env) {
  const result = spawnSync('apt-get', args, {
    encoding: 'utf8',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive', ...env },
    // Verbose apt output only matters when it fails; then we show its tail.
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error || result.status !== 0) {
    const output = `${result.stdout ?? ''}\n${result.stderr ?? ''}`.trim().split('\n').slice(-15).join('\n');
    throw new Error(`ensure-promtool: \`apt-get ${args.join(' ')}\` failed (${result.error?.message ?? `exit ${result.status}`})${output ? `:\n${output}` : ''}`);
  }
}

/**
 * The path of a promtool executable: $PROMTOOL_PATH when set, else /usr/bin/promtool; when missing on Debian as
 * root, installs the `prometheus` package (quietly, its daemon not started) and checks again. Throws an Error
 * saying what to do otherwise.
 * @param {{ env?: NodeJS.ProcessEnv, install?: boolean }} [options]
 * @returns {string}
 */
export function ensurePromtool(options = {}) {
  const env = options.env ?? process.env;
  const install = options.install ?? true;
  if (env.PROMTOOL_PATH) {
    if (executable(env.PROMTOOL_PATH)) return env.PROMTOOL_PATH;
    throw new Error(`ensure-promtool: PROMTOOL_PATH=${env.PROMTOOL_PATH} is not an executable file; fix or unset it`);
  }
  if (executable(defaultPromtoolPath)) return defaultPromtoolPath;

  const debian = existsSync('/etc/debian_version');
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!install || !debian || !root) {
    const why = !install ? 'installing was not allowed' : !debian ? 'this is not a Debian system' : 'not running as root';
    throw new Error(
      `ensure-promtool: no promtool at ${defaultPromtoolPath} and cannot install it (${why}); ` +
        "install it (Debian/Ubuntu: `sudo apt-get install prometheus`, which ships promtool) or set PROMTOOL_PATH to a promtool executable",
    );
  }
  // Another test process may be installing at the same time: wait for the dpkg lock instead of failing.
  const lock = ['-o', 'DPkg::Lock::Timeout=600'];
  aptGet(['-qq', ...lock, 'update']);
  // The package starts a Prometheus server on :9090 where an init system runs; a test machine wants only the
  // tool. invoke-rc.d asks $POLICYRCD (exit 101: "not allowed") before starting a service.
  const policyDir = mkdtempSync(join(tmpdir(), 'ensure-promtool-'));
  const policy = join(policyDir, 'policy-rc.d');
  writeFileSync(policy, '#!/bin/sh\nexit 101\n', { mode: 0o755 });
  try {
    aptGet(['-qq', ...lock, 'install', '-y', '--no-install-recommends', 'prometheus'], { POLICYRCD: policy });
  } finally {
    rmSync(policyDir, { recursive: true, force: true });
  }
  if (executable(defaultPromtoolPath)) return defaultPromtoolPath;
  throw new Error(`ensure-promtool: installed the prometheus package but ${defaultPromtoolPath} is still missing`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    process.stdout.write(`${ensurePromtool()}\n`);
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
}
