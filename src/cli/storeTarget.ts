import { resolve } from 'node:path';
import { isPostgresUrl, parsePostgresUrl } from '../monitor/postgres/url.ts';
import { checkInstance, defaultInstance } from '../monitor/storeOpen.ts';
import { redactUrl } from '../redact.ts';
import { UsageError } from './args.ts';

/**
 * Where a command's store is: `--db FILE` (SQLite) or `--db postgres://USER@HOST:PORT/DB` (a fleet's shared
 * PostgreSQL); without --db, $SEARCHER_DB, then the command's default file. A password never comes from the
 * command line (every user can read it in `ps`): --db with one is refused; it comes from PGPASSWORD, a
 * ~/.pgpass file (PGPASSFILE), or a URL in $SEARCHER_DB.
 */
export type StoreTarget = {
  /** What Store.open takes: an absolute file path, or the URL as given (with its password, if from the environment). */
  location: string;
  /** For lines a person reads and copies: the file, or the URL without its password. */
  shown: string;
  /**
   * --instance, checked; undefined when not given: the store then picks (a SQLite file: the instance that first
   * wrote it; PostgreSQL: the host name), and readers such as `report` show every instance.
   */
  instance: string | undefined;
};

/** The usage lines of --db and --instance, shared by the commands that open a store. */
export const storeFlagsUsage = (defaultFile: string) => `  --db FILE|URL     the store: a SQLite file (default ${defaultFile}; $SEARCHER_DB when set) or a
                    PostgreSQL URL postgres://USER@HOST:PORT/DB shared by a fleet (password from
                    PGPASSWORD or ~/.pgpass, never on the command line)
  --instance NAME   this instance's name in a shared store (default: the host name, ${defaultInstance()};
                    a SQLite file keeps the instance that first wrote it)`;

export function withoutPassword(url: string): string {
  const parsed = new URL(url);
  parsed.password = '';
  return parsed.toString();
}

export function storeTarget(flags: { db?: string | undefined; instance?: string | undefined }, defaultFile: string, env: NodeJS.ProcessEnv = process.env): StoreTarget {
  const fromFlag = flags.db !== undefined;
  const given = flags.db ?? env.SEARCHER_DB ?? defaultFile;
  if (given.trim() === '') throw new UsageError('--db must name a file or a postgres:// URL');
  let instance: string | undefined;
  try {
    instance = flags.instance === undefined ? undefined : checkInstance(flags.instance);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (!isPostgresUrl(given)) {
    const file = resolve(given);
    return { location: file, shown: file, instance };
  }
  const parsed = parsePostgresUrl(given);
  if (fromFlag && parsed.hasPassword) {
    throw new UsageError(`--db ${redactUrl(given)}: a password on the command line is visible to every user of this machine; put it in PGPASSWORD or ~/.pgpass, or the whole URL in SEARCHER_DB`);
  }
  return { location: given, shown: withoutPassword(given), instance };
}
