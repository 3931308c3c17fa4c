import { parseArgs, type ParseArgsConfig } from 'node:util';
import { SearcherError } from '../errors.ts';

/** Bad command-line usage: exit code 2 and a message naming the flag. */
export class UsageError extends SearcherError {
  constructor(message: string) {
    super('USAGE', message);
  }
}

/** node:util parseArgs with errors turned into UsageError (no positionals unless allowed). */
export function parseFlags<T extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: T) {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

export function integerFlag(value: string | undefined, flag: string, fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new UsageError(`--${flag} must be an integer from ${min} to ${max} (got "${value}")`);
  }
  return Number(value);
}
