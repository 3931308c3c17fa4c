import { subscribe } from 'node:diagnostics_channel';

/**
 * When a builder request's bytes were written to its socket: the end of the bot's side of "seen -> sent" (what
 * the builder does after is its own time). Node's fetch (undici) reports each request's body written on the
 * `undici:request:bodySent` diagnostics channel; our requests carry an id header to be told apart.
 */
export const requestIdHeader = 'x-searcher-request';

const waiting = new Map<string, (at: number) => void>();
let listening = false;

/** The id header of an undici request (headers are a flat [name, value, ...] array, or raw text in older versions). */
function idOf(headers: unknown): string | undefined {
  if (Array.isArray(headers)) {
    for (let i = 0; i + 1 < headers.length; i += 2) if (String(headers[i]).toLowerCase() === requestIdHeader) return String(headers[i + 1]);
    return undefined;
  }
  if (typeof headers === 'string') return new RegExp(`^${requestIdHeader}:\\s*(\\S+)`, 'im').exec(headers)?.[1];
  return undefined;
}

function onBodySent(message: unknown): void {
  const id = idOf((message as { request?: { headers?: unknown } }).request?.headers);
  if (id === undefined) return;
  const callback = waiting.get(id);
  if (!callback) return;
  waiting.delete(id);
  callback(performance.now());
}

/** Calls `callback` with performance.now() when the request with this id has been written; returns an unregister. */
export function whenWritten(id: string, callback: (at: number) => void): () => void {
  if (!listening) {
    subscribe('undici:request:bodySent', onBodySent);
    listening = true;
  }
  waiting.set(id, callback);
  return () => waiting.delete(id);
}
