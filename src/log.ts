import { pino, type DestinationStream, type Logger } from 'pino';
import { redactText } from './redact.ts';

/**
 * A JSON logger on `destination` with the searcher's options. Every line is redacted as it is written: URLs in
 * messages, fields, errors (viem's carry the node's URL) and child bindings lose their credentials
 * (src/redact.ts), so no code path has to remember to do it.
 */
export function newLogger(destination: DestinationStream, level: string): Logger {
  return pino({ level, base: undefined, hooks: { streamWrite: redactText } }, destination);
}

let root: Logger | undefined;

/** The process-wide JSON logger (stderr). Level from SEARCHER_LOG_LEVEL (default info; "silent" in tests). */
export function rootLogger(): Logger {
  root ??= newLogger(pino.destination({ fd: 2, sync: false }), process.env.SEARCHER_LOG_LEVEL ?? 'info');
  return root;
}

/** A child logger with the pipeline stage it speaks for. */
export function createLogger(component: string): Logger {
  return rootLogger().child({ component });
}

export type { Logger };
