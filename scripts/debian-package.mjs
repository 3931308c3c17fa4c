// What the ensure-*.mjs scripts share: find an executable, and on a fresh Debian machine running as root (CI)
// install the Debian package that provides it, from the machine's ordinary package manager, its services not
// started. Nothing is downloaded from anywhere else.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, rmSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

/** @param {string} path */
export function executable(path) {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * @param {string} tool the script's name, for messages ("ensure-promtool")
 * @param {string[]} args
 * @param {NodeJS.ProcessEnv} [env]
 */
function aptGet(tool, args, env = {}) {
  const result = spawnSync('apt-get', args, {
    encoding: 'utf8',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive', ...env },
    // Verbose apt output only matters when it fails; then we show its tail.
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error || result.status !== 0) {
    const output = `${result.stdout ?? ''}\n${result.stderr ?? ''}`.trim().split('\n').slice(-15).join('\n');
    throw new Error(`${tool}: \`apt-get ${args.join(' ')}\` failed (${result.error?.message ?? `exit ${result.status}`})${output ? `:\n${output}` : ''}`);
  }
}

/**
 * Installs Debian package `pkg` when this is Debian and we are root and installing is allowed; otherwise throws
 * `${tool}: ${missing} and cannot install it (why); ${advice}`.
 * @param {{ tool: string, pkg: string, missing: string, advice: string, install?: boolean }} request
 */
export function installDebianPackage({ tool, pkg, missing, advice, install = true }) {
  const debian = existsSync('/etc/debian_version');
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!install || !debian || !root) {
    const why = !install ? 'installing was not allowed' : !debian ? 'this is not a Debian system' : 'not running as root';
    throw new Error(`${tool}: ${missing} and cannot install it (${why}); ${advice}`);
  }
  // Another test process may be installing at the same time: wait for the dpkg lock instead of failing.
  const lock = ['-o', 'DPkg::Lock::Timeout=600'];
  aptGet(tool, ['-qq', ...lock, 'update']);
  // A package may start its service (Prometheus on :9090, Debian's own PostgreSQL cluster) where an init system
  // runs; the tests want only the binaries and leave no daemon behind. invoke-rc.d asks /usr/sbin/policy-rc.d
  // before starting a service, and 101 means "not allowed" (bookworm's invoke-rc.d reads no $POLICYRCD). One
  // already there is the machine's own: it is left alone.
  const policy = '/usr/sbin/policy-rc.d';
  const placed = !existsSync(policy);
  if (placed) writeFileSync(policy, `#!/bin/sh\n# placed by searcher's scripts/${tool}.mjs while installing ${pkg}\nexit 101\n`, { mode: 0o755 });
  try {
    aptGet(tool, ['-qq', ...lock, 'install', '-y', '--no-install-recommends', pkg]);
  } finally {
    if (placed) rmSync(policy, { force: true });
  }
}

/**
 * The path of a tool's executable: `$envVar` when set (an error if it is not executable), else `path`; when
 * missing, installs Debian package `pkg` (see installDebianPackage) and checks again.
 * @param {{ tool: string, name: string, envVar: string, path: string, pkg: string, advice: string, env?: NodeJS.ProcessEnv, install?: boolean }} request
 * @returns {string}
 */
export function ensureExecutable({ tool, name, envVar, path, pkg, advice, env = process.env, install }) {
  const chosen = env[envVar];
  if (chosen) {
    if (executable(chosen)) return chosen;
    throw new Error(`${tool}: ${envVar}=${chosen} is not an executable file; fix or unset it`);
  }
  if (executable(path)) return path;
  installDebianPackage({ tool, pkg, install, missing: `no ${name} at ${path}`, advice });
  if (executable(path)) return path;
  throw new Error(`${tool}: installed the ${pkg} package but ${path} is still missing`);
}

/**
 * Runs `ensure` when the script is the process's entry point: prints what it returns, or the reason and exit 1.
 * @param {string} moduleUrl the caller's import.meta.url
 * @param {() => string} ensure
 */
export function runAsScript(moduleUrl, ensure) {
  if (!process.argv[1] || moduleUrl !== pathToFileURL(process.argv[1]).href) return;
  try {
    process.stdout.write(`${ensure()}\n`);
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
}
