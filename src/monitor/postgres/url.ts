import { redactUrl } from '../../redact.ts';
import { SearcherError } from '../../errors.ts';

/** A store location that is a PostgreSQL URL rather than a SQLite file. */
export function isPostgresUrl(target: string): boolean {
  return /^postgres(ql)?:\/\//i.test(target);
}

/** A --db URL that cannot be a PostgreSQL server address (exit 2: bad input). */
export class StoreUrlError extends SearcherError {
  constructor(message: string) {
    super('STORE_URL', message);
  }
}

export type PostgresTarget = { url: string; /** For messages: the URL without its credentials. */ shown: string; hasPassword: boolean };

/**
 * Checks a postgres:// URL before any connection: a host (or a socket directory as ?host=), a port that is a
 * port, a database name. Messages show the URL redacted.
 */
export function parsePostgresUrl(url: string): PostgresTarget {
  const shown = redactUrl(url);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new StoreUrlError(`--db ${shown} is not a valid PostgreSQL URL (expected postgres://HOST:PORT/DATABASE, with the user before the host as NAME@)`);
  }
  const socketHost = parsed.searchParams.get('host');
  if (!parsed.hostname && !socketHost) throw new StoreUrlError(`--db ${shown} names no host (expected postgres://HOST:PORT/DATABASE, with the user before the host as NAME@)`);
  if (parsed.port !== '' && !(Number(parsed.port) >= 1 && Number(parsed.port) <= 65535)) {
    throw new StoreUrlError(`--db ${shown}: the port must be from 1 to 65535`);
  }
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  if (!database || database.includes('/')) throw new StoreUrlError(`--db ${shown} names no database (expected postgres://HOST:PORT/DATABASE, with the user before the host as NAME@)`);
  return { url, shown, hasPassword: parsed.password !== '' };
}
