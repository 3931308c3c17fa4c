// Types for scripts/ensure-postgres.mjs (plain JS so it runs without a build step; the tests import it).
export declare const debianPostgresRoot: string;
export declare function ensurePostgres(options?: { env?: NodeJS.ProcessEnv; install?: boolean }): string;
