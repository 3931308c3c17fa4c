import { describe, expect, it } from 'vitest';
import { parseFlags, UsageError } from '../../src/cli/args.ts';

const options = { 'bid-share': { type: 'string' }, json: { type: 'boolean' } } as const;

function usageMessage(argv: string[]): string {
  try {
    parseFlags(argv, options);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error('expected a usage error');
}

describe('parseFlags usage errors', () => {
  it('a negative value after a flag is not "missing": the message says how to pass it', () => {
    expect(usageMessage(['--bid-share', '-1'])).toBe('--bid-share needs a value; one that starts with "-" goes as --bid-share=VALUE (see --help)');
    expect(parseFlags(['--bid-share=-1'], options)['bid-share']).toBe('-1');
  });

  it('a flag given no value, and a boolean given one, are named', () => {
    expect(usageMessage(['--bid-share'])).toBe('--bid-share needs a value (see --help)');
    expect(usageMessage(['--json=yes'])).toBe('--json takes no value (see --help)');
  });
});
