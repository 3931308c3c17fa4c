import { SseHub } from './sse.ts';

/**
 * The dashboard of a fleet's store shows one instance or all of them. A view is '' (the bot's own instance,
 * the default), 'all', or an instance name, chosen by `?instance=` on /api/snapshot and /events; each view
 * has its own event stream (a push carries one snapshot for every page on it).
 */

/** The view a request asks for, or undefined for a malformed name. */
export function requestedView(search: URLSearchParams): string | undefined {
  const view = search.get('instance') ?? '';
  return view === '' || view === 'all' || /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/.test(view) ? view : undefined;
}

/** A view as a store read filter: undefined for the store's own instance, null for all, or the name. */
export function viewFilter(view: string): string | null | undefined {
  return view === '' ? undefined : view === 'all' ? null : view;
}

/** One SseHub per view, made on first use; at most `max` views (a page cannot make the server hold unbounded streams). */
export class ViewHubs {
  private readonly hubs = new Map<string, SseHub>();

  constructor(
    private readonly make: (view: string) => SseHub,
    private readonly max = 16,
  ) {
    this.hubs.set('', make(''));
  }

  get(view: string): SseHub | undefined {
    let hub = this.hubs.get(view);
    if (!hub && this.hubs.size < this.max) {
      hub = this.make(view);
      this.hubs.set(view, hub);
    }
    return hub;
  }

  broadcast(): void {
    for (const hub of this.hubs.values()) hub.broadcast();
  }

  get size(): number {
    let clients = 0;
    for (const hub of this.hubs.values()) clients += hub.size;
    return clients;
  }

  close(): void {
    for (const hub of this.hubs.values()) hub.close();
  }
}
