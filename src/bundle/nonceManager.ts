import { SearcherError } from '../errors.ts';

export class NonceError extends SearcherError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('NONCE', message, options);
  }
}

export type NonceManagerParameters = {
  /**
   * The operator's transaction count on chain. Use the `latest` count: private bundles never enter the public
   * pool, so `pending` knows nothing the chain does not.
   */
  fetchNonce: () => Promise<number>;
};

/**
 * Hands out our operator's nonces. Every operation goes through one promise chain (a single writer), so
 * concurrent `next()` calls get unique consecutive nonces and a `resync()` takes effect between two of them,
 * never in the middle of one.
 *
 * Bundles that miss their block leave no trace on chain, so the count must be re-read at each new head
 * (`resync()`), and after any send error such as "nonce too low": numbering then restarts from the chain.
 */
export class NonceManager {
  private readonly fetchNonce: () => Promise<number>;
  private tail: Promise<unknown> = Promise.resolve();
  /** The next nonce to hand out; undefined until the chain has been read. */
  private counter: number | undefined;
  /** Calls made so far; a call's ticket is its place in line. */
  private issued = 0;
  /** The last failed read, and the last ticket that was already waiting when it failed. */
  private failure: { error: NonceError; upToTicket: number } | undefined;

  constructor(parameters: NonceManagerParameters) {
    this.fetchNonce = parameters.fetchNonce;
  }

  /** The next nonce. Rejects with a NonceError when the chain cannot be read; the following call reads again. */
  next(): Promise<number> {
    const ticket = ++this.issued;
    return this.enqueue(async () => {
      // Callers already waiting on a read that failed share its error instead of each hammering the node.
      if (this.failure && ticket <= this.failure.upToTicket) throw this.failure.error;
      if (this.counter === undefined) this.counter = await this.read();
      return this.counter++;
    });
  }

  /** Re-reads the chain's count; nonces handed out after this continue from it. Resolves to that count. */
  resync(): Promise<number> {
    this.issued++;
    return this.enqueue(async () => {
      this.counter = undefined;
      this.counter = await this.read();
      return this.counter;
    });
  }

  /** The nonce the next call would get without reading the chain, if known (for logs). */
  peek(): number | undefined {
    return this.counter;
  }

  private enqueue<T>(job: () => Promise<T>): Promise<T> {
    const run = this.tail.then(job);
    this.tail = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  private async read(): Promise<number> {
    let value: number;
    try {
      value = await this.fetchNonce();
    } catch (cause) {
      throw this.fail(`cannot read the operator's nonce from the node: ${shortReason(cause)}`, cause);
    }
    if (!Number.isSafeInteger(value) || value < 0) throw this.fail(`the node reported an impossible nonce: ${String(value)}`);
    this.failure = undefined;
    return value;
  }

  private fail(message: string, cause?: unknown): NonceError {
    const error = new NonceError(message, { cause });
    this.failure = { error, upToTicket: this.issued };
    return error;
  }
}

/**
 * viem's full messages carry the RPC URL, whose path or query often holds an API key: keep the short form,
 * and cut any URL down to its origin.
 */
function shortReason(cause: unknown): string {
  const short = (cause as { shortMessage?: unknown } | null)?.shortMessage;
  const text = (typeof short === 'string' ? short : cause instanceof Error ? cause.message.split('\n')[0]! : String(cause)).replace(
    /\b(?:https?|wss?):\/\/[^\s/?#)]+[^\s)]*/g,
    (url) => {
      try {
        const { protocol, host } = new URL(url); // host: no user:password, path or query
        return `${protocol}//${host}/…`;
      } catch {
        return '<url>';
      }
    },
  );
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
