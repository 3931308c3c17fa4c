import { pino, type DestinationStream, type Logger, type StreamEntry } from 'pino';
import { SearcherError } from './errors.ts';
import { redactText } from './redact.ts';

/** pino's levels, most severe first; "silent" logs nothing. */
export const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof logLevels)[number];

/** A log setting the user got wrong (SEARCHER_LOG_LEVEL, --log-format, --log-file): bad configuration, exit 2. */
export class LogConfigError extends SearcherError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('USAGE', message, options);
  }
}

export const isLogLevel = (value: string): value is LogLevel => (logLevels as readonly string[]).includes(value);

/**
 * SEARCHER_LOG_LEVEL, checked: undefined when unset or empty, else one of pino's levels (case-insensitive). Any
 * other value is a LogConfigError naming the variable; the value is quoted only when it is a short word (the
 * variable sits in an environment that also holds keys, and a slip could paste one here).
 */
export function logLevelFromEnv(env: NodeJS.ProcessEnv = process.env): LogLevel | undefined {
  const raw = env.SEARCHER_LOG_LEVEL?.trim();
  if (!raw) return undefined;
  const value = raw.toLowerCase();
  if (isLogLevel(value)) return value;
  const shown = /^[A-Za-z]{1,16}$/.test(raw) ? `"${raw}"` : '(value not shown)';
  throw new LogConfigError(`SEARCHER_LOG_LEVEL must be one of ${logLevels.join(', ')} (got ${shown})`);
}

/** The more detailed of two levels ("silent" is the least detailed). */
export function moreDetailed(a: LogLevel, b: LogLevel): LogLevel {
  const detail = (level: LogLevel) => (level === 'silent' ? -1 : logLevels.indexOf(level));
  return detail(a) >= detail(b) ? a : b;
}

/**
 * A JSON logger on `destination` with the searcher's options. Every line is redacted as it is written: URLs in
 * messages, fields, errors (viem's carry the node's URL) and child bindings lose their credentials
 * (src/redact.ts), so no code path has to remember to do it.
 */
export function newLogger(destination: DestinationStream, level: string): Logger {
  return pino({ level, base: undefined, hooks: { streamWrite: redactText } }, destination);
}

/**
 * A logger writing the same redacted JSON line to several destinations, each with its own level (the terminal
 * and a log file). The redaction runs once, before the line is handed to any of them, so a destination that
 * re-renders the line (the human terminal format) only ever sees the redacted text.
 */
export function newMultiLogger(streams: ReadonlyArray<{ stream: DestinationStream; level: LogLevel }>): Logger {
  const live = streams.filter((entry) => entry.level !== 'silent');
  if (live.length === 0) return pino({ level: 'silent', base: undefined });
  const level = live.map((entry) => entry.level).reduce(moreDetailed);
  const entries = live.map((entry) => ({ stream: entry.stream, level: entry.level })) as StreamEntry[];
  return pino({ level, base: undefined, hooks: { streamWrite: redactText } }, pino.multistream(entries));
}

let root: Logger | undefined;

/**
 * The process-wide logger. By default JSON on stderr at SEARCHER_LOG_LEVEL (default info; "silent" in tests);
 * the CLI replaces it (setRootLogger) with the terminal format and the log file its flags ask for.
 */
export function rootLogger(): Logger {
  root ??= newLogger(pino.destination({ fd: 2, sync: false }), logLevelFromEnv() ?? 'info');
  return root;
}

/** Installs the process-wide logger. Call before the first createLogger: children keep the root they were made from. */
export function setRootLogger(logger: Logger): void {
  root = logger;
}

/** A child logger with the pipeline stage it speaks for. */
export function createLogger(component: string): Logger {
  return rootLogger().child({ component });
}

export type { Logger };
