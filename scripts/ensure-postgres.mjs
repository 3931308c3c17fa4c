// Finds (or, on a fresh Debian CI machine running as root, installs) the PostgreSQL server binaries the store
// tests start a throw-away server with (initdb, pg_ctl, postgres). The tests never use a system cluster: they
// initdb a temporary data directory on a free port and stop it afterwards.
//
//   node scripts/ensure-postgres.mjs      prints the bin directory (installs first if needed), exit 1 with a reason otherwise
//   import { ensurePostgres } from './scripts/ensure-postgres.mjs'   same, as a function (returns the directory)
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export const debianPostgresRoot = '/usr/lib/postgresql';

function executable(path) {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The newest /usr/lib/postgresql/N/bin that holds initdb, pg_ctl and postgres, if any. */
function installedBinDir() {
  if (!existsSync(debianPostgresRoot)) return undefined;
  const versions = readdirSync(debianPostgresRoot)
    .filter((name) => /^\d+$/.test(name))
    .sort((a, b) => Number(b) - Number(a));
  for (const version of versions) {
    const bin = join(debianPostgresRoot, version, 'bin');
    if (['initdb', 'pg_ctl', 'postgres'].every((tool) => executable(join(bin, tool)))) return bin;
  }
  return undefined;
}

function aptGet(args) {
  const result = spawnSync('apt-get', args, {
    encoding: 'utf8',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error || result.status !== 0) {
    const output = `${result.stdout ?? ''}\n${result.stderr ?? ''}`.trim().split('\n').slice(-15).join('\n');
    throw new Error(`ensure-postgres: \`apt-get ${args.join(' ')}\` failed (${result.error?.message ?? `exit ${result.status}`})${output ? `:\n${output}` : ''}`);
  }
}

/**
 * The directory of the PostgreSQL server binaries: $POSTGRES_BIN_DIR when set, else the newest Debian
 * /usr/lib/postgresql/N/bin; when there is none on Debian as root, installs the `postgresql` package and looks
 * again. Throws an Error saying what to do otherwise.
 * @param {{ env?: NodeJS.ProcessEnv, install?: boolean }} [options]
 * @returns {string}
 */
export function ensurePostgres(options = {}) {
  const env = options.env ?? process.env;
  const install = options.install ?? true;
  if (env.POSTGRES_BIN_DIR) {
    if (executable(join(env.POSTGRES_BIN_DIR, 'initdb'))) return env.POSTGRES_BIN_DIR;
    throw new Error(`ensure-postgres: POSTGRES_BIN_DIR=${env.POSTGRES_BIN_DIR} holds no initdb; fix or unset it`);
  }
  const found = installedBinDir();
  if (found) return found;

  const debian = existsSync('/etc/debian_version');
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!install || !debian || !root) {
    const why = !install ? 'installing was not allowed' : !debian ? 'this is not a Debian system' : 'not running as root';
    throw new Error(
      `ensure-postgres: no PostgreSQL server under ${debianPostgresRoot} and cannot install it (${why}); ` +
        'install it (Debian/Ubuntu: `sudo apt-get install postgresql`) or set POSTGRES_BIN_DIR to the directory holding initdb',
    );
  }
  // Another test process may be installing at the same time: wait for the dpkg lock instead of failing.
  const lock = ['-o', 'DPkg::Lock::Timeout=600'];
  aptGet(['-qq', ...lock, 'update']);
  // The package would start Debian's own cluster as a service: the tests need only the binaries, and leave no
  // daemon behind. A policy-rc.d that answers 101 ("not allowed") is Debian's way to install without starting.
  const policy = '/usr/sbin/policy-rc.d';
  const placed = !existsSync(policy);
  if (placed) writeFileSync(policy, '#!/bin/sh\n# placed by searcher scripts/ensure-postgres.mjs while installing postgresql\nexit 101\n', { mode: 0o755 });
  try {
    aptGet(['-qq', ...lock, 'install', '-y', '--no-install-recommends', 'postgresql']);
  } finally {
    if (placed) rmSync(policy, { force: true });
  }
  const installed = installedBinDir();
  if (installed) return installed;
  throw new Error(`ensure-postgres: installed the postgresql package but found no initdb under ${debianPostgresRoot}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    process.stdout.write(`${ensurePostgres()}\n`);
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
}
