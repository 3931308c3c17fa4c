import { fstatSync, openSync, readFileSync } from 'node:fs';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { SearcherError } from '../errors.ts';
import { redactText } from '../redact.ts';
import { applyLogFlags, logFlagOptions, type LogFlags } from './logging.ts';

/** Bad command-line usage: exit code 2 and a message naming the flag. */
export class UsageError extends SearcherError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('USAGE', message, options);
  }
}

/**
 * A word from the command line as an error message may quote it: in quotes when it is an ordinary word, URLs
 * without their credentials, and not at all when it looks like a key or a token (a long hex or base64 run), so
 * a secret typed in the wrong place is never echoed to the terminal, a log or a CI transcript.
 */
export function quoteArg(value: string): string {
  if (value.length > 200 || /[0-9a-fA-F]{16,}/.test(value) || /[A-Za-z0-9+_=-]{40,}/.test(value.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, ''))) {
    return '(not shown: it looks like a key)';
  }
  return `"${redactText(value)}"`;
}

/** node:util's parse errors in our words, quoting the offending argument only through quoteArg. */
function usageErrorOf(error: unknown): UsageError {
  const { code, message } = error as { code?: string; message?: string };
  const text = message ?? String(error);
  const quoted = /'([^']*)'/.exec(text)?.[1];
  if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL' && quoted !== undefined) {
    return new UsageError(`unexpected argument ${quoteArg(quoted)}: this command takes only --options (see --help)`);
  }
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && quoted !== undefined) {
    return new UsageError(`unknown option ${quoteArg(quoted)} (see --help)`);
  }
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && quoted !== undefined) {
    const flag = quoted.split(' ')[0]!;
    if (/does not take an argument/.test(text)) return new UsageError(`${flag} takes no value (see --help)`);
    // A value starting with a dash reads as another flag; node suggests the '=' form, so do we.
    if (/starting with a dash/.test(text)) return new UsageError(`${flag} needs a value; one that starts with "-" goes as ${flag}=VALUE (see --help)`);
    return new UsageError(`${flag} needs a value (see --help)`);
  }
  return new UsageError(redactText(text).replace(/[0-9a-fA-F]{16,}/g, '(hex)'));
}

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * node:util parseArgs with errors turned into UsageError (no positionals unless allowed). Every command also
 * takes the logging flags (--log-format, --quiet, --verbose, --log-file; src/cli/logging.ts), applied here,
 * before the command creates its first logger.
 */
export function parseFlags<T extends Options>(argv: string[], options: T) {
  let values;
  try {
    values = parseArgs({ args: argv, options: { ...logFlagOptions, ...options }, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw usageErrorOf(error);
  }
  applyLogFlags(values as LogFlags);
  return values as ReturnType<typeof parseArgs<{ args: string[]; options: T; strict: true; allowPositionals: false }>>['values'] & LogFlags;
}

export function integerFlag(value: string | undefined, flag: string, fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new UsageError(`--${flag} must be an integer from ${min} to ${max} (got ${quoteArg(value)})`);
  }
  return Number(value);
}

/** A flag that must be an http(s) URL (a node's JSON-RPC endpoint): checked before anything connects. */
export function httpUrlFlag(value: string, flag: string): string {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {}
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) throw new UsageError(`--${flag} must be an http:// or https:// URL (got ${quoteArg(value)})`);
  return value;
}

/** A flag that must be a ws(s) URL (a node's websocket). */
export function wsUrlFlag(value: string | undefined, flag: string): string {
  if (!value || !/^wss?:\/\//i.test(value)) throw new UsageError(`--${flag} must be a ws:// or wss:// URL`);
  try {
    new URL(value);
  } catch {
    throw new UsageError(`--${flag} ${quoteArg(value)} is not a valid URL`);
  }
  return value;
}

const fsWords: Record<string, string> = { ENOENT: 'no such file', EACCES: 'permission denied', EISDIR: 'is a directory, not a file', ENOTDIR: 'a part of the path is not a directory' };

/** The input file a flag names, opened for reading now: a missing or unreadable file is a UsageError naming flag and file. */
export function openInputFile(file: string, flag: string): number {
  try {
    const fd = openSync(file, 'r');
    if (fstatSync(fd).isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    return fd;
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code ?? 'error';
    throw new UsageError(`--${flag} ${file}: ${fsWords[code] ?? 'cannot read it'} (${code})`, { cause });
  }
}

/** The whole text of the file a flag names (UsageError naming flag and file when it cannot be read). */
export function readInputFile(file: string, flag: string): string {
  return readFileSync(openInputFile(file, flag), 'utf8');
}
