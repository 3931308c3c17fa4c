import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { ensurePostgres } from '../../scripts/ensure-postgres.mjs';
import { unusedPort } from './ports.ts';

/** Ten minutes: the first run on a fresh machine installs PostgreSQL through apt. */
export const postgresSetupTimeoutMs = 10 * 60_000;

export type PostgresServer = {
  port: number;
  /** The role's password (kept out of every URL given to a child process). */
  password: string;
  /** A .pgpass file with the password: what a child process gets instead of the password (PGPASSFILE). */
  passFile: string;
  /** The URL of `database`, with the password in it (for this process only) or without (for children). */
  url(database: string, withPassword?: boolean): string;
  /** Creates an empty database and returns its name. */
  createDatabase(prefix?: string): Promise<string>;
  stop(): void;
};

/** postgres refuses to run as root: as root, every server command runs as the `postgres` user. */
function asServerUser(command: string, args: string[]): void {
  const root = process.getuid?.() === 0;
  const [file, argv] = root ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
  const result = spawnSync(file, argv, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.error?.message ?? `exit ${result.status}`}):\n${result.stdout}\n${result.stderr}`);
}

let databases = 0;

/**
 * A throw-away PostgreSQL server: a fresh data directory (and unix socket directory) in a temporary folder,
 * password authentication on 127.0.0.1 at a free port. `stop()` shuts it down and removes the folder.
 */
export async function startPostgres(): Promise<PostgresServer> {
  const bin = ensurePostgres();
  const dir = mkdtempSync(join(tmpdir(), 'searcher-pg-'));
  const data = join(dir, 'data');
  const password = `pw-${process.pid}-${Date.now().toString(36)}`;
  const pwFile = join(dir, 'pw');
  writeFileSync(pwFile, `${password}\n`, { mode: 0o600 });
  if (process.getuid?.() === 0) {
    const { uid, gid } = userIds('postgres');
    chownSync(dir, uid, gid);
    chownSync(pwFile, uid, gid);
  }
  asServerUser(join(bin, 'initdb'), ['-D', data, '-U', 'searcher', '--auth=scram-sha-256', `--pwfile=${pwFile}`, '--no-sync', '-E', 'UTF8', '--locale=C']);
  rmSync(pwFile);
  const port = await unusedPort();
  asServerUser(join(bin, 'pg_ctl'), ['-D', data, '-l', join(dir, 'server.log'), '-w', '-t', '60', '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1`, 'start']);
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    try {
      asServerUser(join(bin, 'pg_ctl'), ['-D', data, '-m', 'fast', '-w', 'stop']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  const passFile = join(dir, 'pgpass');
  writeFileSync(passFile, `127.0.0.1:${port}:*:searcher:${password}\n`, { mode: 0o600 });
  chmodSync(passFile, 0o600);
  const url = (database: string, withPassword = true) =>
    `postgres://searcher${withPassword ? `:${password}` : ''}@127.0.0.1:${port}/${database}`;
  return {
    port,
    password,
    passFile,
    url,
    stop,
    async createDatabase(prefix = 'store') {
      const name = `${prefix}_${process.pid}_${++databases}`;
      const client = new pg.Client({ connectionString: url('postgres') });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${name}`);
      } finally {
        await client.end();
      }
      return name;
    },
  };
}

function userIds(name: string): { uid: number; gid: number } {
  const uid = Number(execFileSync('id', ['-u', name], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', name], { encoding: 'utf8' }).trim());
  return { uid, gid };
}
