// Finds (or, on a fresh Debian CI machine running as root, installs) the PostgreSQL server binaries the store
// tests start a throw-away server with (initdb, pg_ctl, postgres). The tests never use a system cluster: they
// initdb a temporary data directory on a free port and stop it afterwards.
//
//   node scripts/ensure-postgres.mjs      prints the bin directory (installs first if needed), exit 1 with a reason otherwise
//   import { ensurePostgres } from './scripts/ensure-postgres.mjs'   same, as a function (returns the directory)
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { executable, installDebianPackage, runAsScript } from './debian-package.mjs';

export const debianPostgresRoot = '/usr/lib/postgresql';

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

/**
 * The directory of the PostgreSQL server binaries: $POSTGRES_BIN_DIR when set, else the newest Debian
 * /usr/lib/postgresql/N/bin; when there is none on Debian as root, installs the `postgresql` package (Debian's
 * own cluster not started) and looks again. Throws an Error saying what to do otherwise.
 * @param {{ env?: NodeJS.ProcessEnv, install?: boolean }} [options]
 * @returns {string}
 */
export function ensurePostgres(options = {}) {
  const env = options.env ?? process.env;
  if (env.POSTGRES_BIN_DIR) {
    if (executable(join(env.POSTGRES_BIN_DIR, 'initdb'))) return env.POSTGRES_BIN_DIR;
    throw new Error(`ensure-postgres: POSTGRES_BIN_DIR=${env.POSTGRES_BIN_DIR} holds no initdb; fix or unset it`);
  }
  const found = installedBinDir();
  if (found) return found;
  installDebianPackage({
    tool: 'ensure-postgres',
    pkg: 'postgresql',
    install: options.install,
    missing: `no PostgreSQL server under ${debianPostgresRoot}`,
    advice: 'install it (Debian/Ubuntu: `sudo apt-get install postgresql`) or set POSTGRES_BIN_DIR to the directory holding initdb',
  });
  const installed = installedBinDir();
  if (installed) return installed;
  throw new Error(`ensure-postgres: installed the postgresql package but found no initdb under ${debianPostgresRoot}`);
}

runAsScript(import.meta.url, ensurePostgres);
