import { SearcherError } from '../errors.ts';
import { redactText } from '../redact.ts';

const badInputCodes = new Set(['USAGE', 'SCENARIO_INVALID', 'SECRET', 'QUOTE', 'ENGINE_CONFIG', 'STORE_MISSING', 'STORE_URL']);

/** Prints a failure the way a user can act on it; exit code 2 for bad input, 1 otherwise. */
export function reportError(error: unknown): number {
  // Node and builder URLs in messages and stacks lose their credentials.
  const write = (text: string) => process.stderr.write(redactText(text));
  if (error instanceof SearcherError) {
    write(`searcher: ${error.message}\n`);
    return badInputCodes.has(error.code) ? 2 : 1;
  }
  const message = error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error);
  if (/fetch failed|ECONNREFUSED|HTTP request failed/.test(message)) {
    write(`searcher: cannot reach the node (${message})\n`);
    return 1;
  }
  write(`searcher: unexpected error: ${error instanceof Error ? error.stack : message}\n`);
  return 1;
}
