/**
 * The logging flags every command takes, and the logger they make: human lines on a terminal, pino JSON
 * otherwise (or as --log-format says), --quiet / --verbose for the terminal's level, and --log-file for a JSON
 * copy of everything. Secrets are redacted by the logger itself (src/log.ts) before any destination sees a line.
 */
import { closeSync, openSync } from 'node:fs';
import { pino, type DestinationStream } from 'pino';
import { LogConfigError, logLevelFromEnv, moreDetailed, newMultiLogger, setRootLogger, type LogLevel } from '../log.ts';
import { formatLogLine } from './humanLog.ts';

/** parseArgs options shared by every command (merged in by parseFlags). */
export const logFlagOptions = {
  'log-format': { type: 'string' },
  'log-file': { type: 'string' },
  quiet: { type: 'boolean' },
  verbose: { type: 'boolean' },
} as const;

export type LogFlags = { 'log-format'?: string; 'log-file'?: string; quiet?: boolean; verbose?: boolean };

export const logOptionsUsage = `Logging (every command):
  --log-format F      human (default on a terminal: coloured levels, amounts in ETH) or json (pino JSON lines,
                      the default when stderr is not a terminal)
  --quiet             only warnings and errors on the terminal (the command's own output, e.g. the block lines,
                      still prints)
  --verbose           debug lines, and the stack trace of an error
  --log-file FILE     also append every log line as JSON to FILE (at info, or debug with --verbose), whatever
                      the terminal shows
  SEARCHER_LOG_LEVEL  fatal, error, warn, info (default), debug, trace or silent: the level when neither
                      --quiet nor --verbose is given; anything else is refused (exit 2)
`;

let verbose = false;

/** Whether errors should show their stack (--verbose). */
export function isVerbose(): boolean {
  return verbose;
}

/** Early, before any flag is parsed: a failure while parsing still shows its stack when --verbose was typed. */
export function setVerbose(value: boolean): void {
  verbose = value;
}

export type LogSetup = { format: 'human' | 'json'; terminalLevel: LogLevel; fileLevel?: LogLevel; colour: boolean };

/** Pure: what the flags, the environment and the terminal ask for. Throws LogConfigError on a contradiction. */
export function logSetup(flags: LogFlags, env: NodeJS.ProcessEnv, stderrIsTty: boolean): LogSetup {
  const envLevel = logLevelFromEnv(env);
  const format = flags['log-format'];
  if (format !== undefined && format !== 'json' && format !== 'human') {
    const shown = /^[\w-]{1,16}$/.test(format) ? `"${format}"` : '(value not shown)';
    throw new LogConfigError(`--log-format must be json or human (got ${shown})`);
  }
  if (flags.quiet && flags.verbose) throw new LogConfigError('--quiet and --verbose contradict each other: give one');
  const terminalLevel: LogLevel = flags.verbose ? moreDetailed('debug', envLevel ?? 'debug') : flags.quiet ? 'warn' : envLevel ?? 'info';
  const human = format === 'human' || (format === undefined && stderrIsTty);
  const forced = env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0';
  const colour = human && ((stderrIsTty && !env.NO_COLOR) || forced);
  return {
    format: human ? 'human' : 'json',
    terminalLevel,
    ...(flags['log-file'] !== undefined ? { fileLevel: flags.verbose ? terminalLevel : moreDetailed('info', envLevel ?? 'info') } : {}),
    colour,
  };
}

/** A destination that renders each JSON line for a person and writes it to stderr (synchronously: lines stay in order with the command's own output). */
function humanStderr(colour: boolean): DestinationStream {
  const out = pino.destination({ fd: 2, sync: true });
  return { write: (line: string) => void out.write(`${formatLogLine(line, { colour })}\n`) };
}

/** Opens the log file now, so a wrong path is a clear error before anything runs. */
function openLogFile(file: string): DestinationStream {
  let fd: number;
  try {
    // A new log file is its owner's alone (it tells the bot's whole story); an existing one keeps its mode.
    fd = openSync(file, 'a', 0o600);
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code ?? 'error';
    throw new LogConfigError(`--log-file ${file}: cannot open it for writing (${code})`, { cause });
  }
  const out = pino.destination({ fd, sync: false });
  process.once('exit', () => {
    try {
      out.flushSync();
      closeSync(fd);
    } catch {}
  });
  return out;
}

/** Applies the logging flags: installs the process-wide logger they describe. */
export function applyLogFlags(flags: LogFlags, env: NodeJS.ProcessEnv = process.env, stderrIsTty = Boolean(process.stderr.isTTY)): LogSetup {
  const setup = logSetup(flags, env, stderrIsTty);
  if (flags.verbose) verbose = true;
  const terminal = setup.format === 'human' ? humanStderr(setup.colour) : pino.destination({ fd: 2, sync: false });
  const streams: Array<{ stream: DestinationStream; level: LogLevel }> = [{ stream: terminal, level: setup.terminalLevel }];
  if (flags['log-file'] !== undefined && setup.fileLevel) streams.push({ stream: openLogFile(flags['log-file']), level: setup.fileLevel });
  setRootLogger(newMultiLogger(streams));
  return setup;
}
