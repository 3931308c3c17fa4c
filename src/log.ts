import { pino, type Logger } from 'pino';

let root: Logger | undefined;

/** The process-wide JSON logger (stderr). Level from SEARCHER_LOG_LEVEL (default info; "silent" in tests). */
export function rootLogger(): Logger {
  root ??= pino(
    { level: process.env.SEARCHER_LOG_LEVEL ?? 'info', base: undefined },
    pino.destination({ fd: 2, sync: false }),
  );
  return root;
}

/** A child logger with the pipeline stage it speaks for. */
export function createLogger(component: string): Logger {
  return rootLogger().child({ component });
}

export type { Logger };
