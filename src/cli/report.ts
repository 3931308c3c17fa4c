import { SearcherError } from '../errors.ts';
import { redactText, redactUrl } from '../redact.ts';
import { isVerbose } from './logging.ts';
import { visible } from './terminalText.ts';

const badInputCodes = new Set(['USAGE', 'SCENARIO_INVALID', 'SECRET', 'QUOTE', 'ENGINE_CONFIG', 'STORE_MISSING', 'STORE_URL']);

/**
 * A message on one line: a validation message that lists its issues one per line ("invalid config F:\n  a\n
 * b") becomes "invalid config F: a; b", so every mistake ends in exactly one line.
 */
export function oneLine(message: string): string {
  const [head = '', ...rest] = message.split('\n').map((line) => line.trim()).filter(Boolean);
  if (rest.length === 0) return head;
  return `${head.replace(/:$/, '')}: ${rest.join('; ')}`;
}

/** The file-system failure of `error` in words, naming its path: "cannot open /x/y: no such file or directory (ENOENT)". */
function fsMessage(error: NodeJS.ErrnoException): string | undefined {
  if (typeof error.code !== 'string' || typeof error.path !== 'string' || !/^E[A-Z]+$/.test(error.code)) return undefined;
  const words: Record<string, string> = {
    ENOENT: 'no such file or directory',
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    EISDIR: 'is a directory',
    ENOTDIR: 'a part of the path is not a directory',
    EEXIST: 'already exists',
    ENOSPC: 'no space left on the device',
    EROFS: 'read-only file system',
  };
  return `cannot ${error.syscall ?? 'use'} ${error.path}: ${words[error.code] ?? error.code} (${error.code})`;
}

/** The system error code in a chain of causes (fetch's "fetch failed" hides ECONNREFUSED there), else the deepest cause's words. */
function systemCode(error: unknown): string | undefined {
  let found: string | undefined;
  let deepest: string | undefined;
  for (let current = error, depth = 0; current instanceof Error && depth < 8; current = current.cause, depth++) {
    const code = (current as NodeJS.ErrnoException).code;
    if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) found = code;
    if (depth > 0 && current.message) deepest = current.message.split('\n')[0];
  }
  return found ?? deepest;
}

/** A node that did not answer (viem's HttpRequestError / TimeoutError carry the URL): say which, without credentials. */
function unreachableMessage(error: Error): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    const { url, details, shortMessage, status } = current as Error & { url?: unknown; details?: unknown; shortMessage?: unknown; status?: unknown };
    if (typeof url === 'string' && /^https?:/i.test(url) && typeof status === 'number') {
      // It answered, but not as a JSON-RPC node does: a wrong URL or path, or a provider refusing the key.
      const body = typeof details === 'string' && details ? `: ${details.slice(0, 120).replace(/[0-9a-fA-F]{16,}/g, '(hex)')}` : '';
      return `the node at ${redactUrl(url)} answered HTTP ${status}${body} (is this the node's JSON-RPC URL?)`;
    }
    if (typeof url === 'string' && /^https?:/i.test(url)) {
      const why = typeof details === 'string' && details ? details : typeof shortMessage === 'string' ? shortMessage : current.message.split('\n')[0];
      return `cannot reach the node at ${redactUrl(url)} (${systemCode(current) ?? why})`;
    }
    current = current.cause;
  }
  const first = error.message.split('\n')[0] ?? '';
  return /fetch failed|ECONNREFUSED|HTTP request failed/.test(first) ? `cannot reach the node (${first})` : undefined;
}

/** The stack and the chain of causes, for --verbose. */
function stackOf(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current !== undefined; depth++) {
    parts.push(current instanceof Error ? (current.stack ?? current.message) : String(current));
    current = current instanceof Error ? current.cause : undefined;
  }
  return parts.join('\ncaused by: ');
}

/**
 * Prints a failure the way a user can act on it: one line (credentials redacted), exit code 2 for bad input and
 * 1 otherwise. The stack (and the causes) only with --verbose; without it an unexpected error says how to get it.
 */
export function reportError(error: unknown): number {
  // Node and builder URLs in messages and stacks lose their credentials; control characters from peers' text (a
  // node's or a builder's error: ESC sequences, CR, BEL, OSC 52) are shown as escapes, line by line (the line
  // breaks are ours), so an error cannot erase or forge lines on the operator's terminal.
  const write = (text: string) => process.stderr.write(redactText(text).split('\n').map(visible).join('\n'));
  const verbose = isVerbose();
  const details = verbose ? `${stackOf(error)}\n` : '';
  if (error instanceof SearcherError) {
    write(`searcher: ${oneLine(error.message)}\n${details}`);
    return badInputCodes.has(error.code) ? 2 : 1;
  }
  if (error instanceof Error) {
    const known = fsMessage(error as NodeJS.ErrnoException) ?? unreachableMessage(error);
    if (known) {
      write(`searcher: ${known}\n${details}`);
      return 1;
    }
  }
  const message = error instanceof Error ? `${error.name}: ${error.message.split('\n')[0] ?? ''}` : String(error);
  write(verbose ? `searcher: unexpected error: ${details}` : `searcher: unexpected error: ${message} (run with --verbose for the stack)\n`);
  return 1;
}
