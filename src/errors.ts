/**
 * Base of every error the searcher throws on purpose: a short message a user can act on, the underlying
 * cause kept for logs, and a stable `code` for programs. Messages never contain secrets.
 */
export class SearcherError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** A field's path as an error message names it: `risk.loss.maxDailyLossWei`, `pools[3].fee`. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((key, index) => (typeof key === 'number' ? `[${key}]` : `${index === 0 ? '' : '.'}${String(key)}`))
    .join('');
}
