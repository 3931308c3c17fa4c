import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

/** An answer longer than the caller's cap: abandoned (the connection closed) as soon as that is known. */
export class ResponseTooLarge extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

export type HttpAnswer = { status: number; header: (name: string) => string | undefined; text: string };

export type HttpPosterOptions = {
  /** Connections kept open and ready (0: none, connections open on demand and stay while in use). */
  warmConnections?: number;
  /** How often they are refreshed when the server does not state its idle timeout. */
  keepWarmMs?: number;
};

/** Remote HTTP servers commonly close idle connections after 60 s or more; one that says less is believed. */
const defaultKeepWarmMs = 20_000;
/** How long a free connection is kept when the server states no idle timeout of its own. */
const freeConnectionLimitMs = 60_000;

export type HttpPostOptions = {
  headers: Record<string, string>;
  signal: AbortSignal;
  maxResponseBytes: number;
  /** Called with performance.now() once the whole request (headers and body) is handed to the socket. */
  onWritten?: (at: number) => void;
};

/**
 * JSON-RPC POSTs to one endpoint over node:http(s) with kept-alive connections. The bundle's bytes go to the
 * socket in the same turn of the event loop as the call when a connection is free (fetch hands them through
 * several stream stages first), and 'finish' tells exactly when they were written: that moment ends the bot's
 * side of seen -> sent.
 */
export class HttpPoster {
  private readonly url: URL;
  private readonly agent: HttpAgent;
  private readonly send: typeof httpRequest;
  private readonly warmConnections: number;
  private warmTimer: NodeJS.Timeout | undefined;
  private closed = false;
  /** The server's idle timeout, from its `Keep-Alive: timeout=N` header, once it has said. */
  private idleTimeoutMs: number | undefined;
  readonly warmStats = { rounds: 0, failures: 0 };

  constructor(url: string, options: HttpPosterOptions = {}) {
    this.url = new URL(url);
    if (this.url.protocol !== 'http:' && this.url.protocol !== 'https:') throw new Error(`not an http(s) URL: ${this.url.protocol}`);
    const secure = this.url.protocol === 'https:';
    // An idle limit makes the agent heed the server's `Keep-Alive: timeout` (it drops a free connection a second
    // before the server would): a bundle is never written into a connection the server is closing.
    const agentOptions = { keepAlive: true, timeout: freeConnectionLimitMs };
    this.agent = secure ? new HttpsAgent(agentOptions) : new HttpAgent(agentOptions);
    this.send = secure ? httpsRequest : httpRequest;
    this.warmConnections = options.warmConnections ?? 0;
    if (this.warmConnections > 0) this.warm(options.keepWarmMs ?? defaultKeepWarmMs);
  }

  /**
   * Opens `warmConnections` connections now (an OPTIONS request each, answered or not, leaves its connection kept
   * alive) and again before the server's idle timeout closes them: a bundle written on an open connection
   * skips the TCP (and TLS) handshake, which costs milliseconds locally and a round trip or more to a remote
   * builder. Several, because a builder still answering one bundle holds its connection while the next is sent.
   */
  private warm(everyMs: number): void {
    if (this.closed) return;
    this.warmStats.rounds++;
    let pending = this.warmConnections;
    const done = () => {
      if (--pending > 0 || this.closed) return;
      // Half the time the agent keeps a free connection (a second less than the server's stated idle timeout),
      // so the connections never lapse between rounds.
      const next = this.idleTimeoutMs !== undefined ? Math.max(250, (this.idleTimeoutMs - 1_000) / 2) : everyMs;
      this.warmTimer = setTimeout(() => this.warm(everyMs), next);
      this.warmTimer.unref();
    };
    for (let i = 0; i < this.warmConnections; i++) {
      let finished = false;
      const finish = (failed: boolean) => {
        if (finished) return;
        finished = true;
        if (failed) this.warmStats.failures++;
        done();
      };
      const request = this.send(this.url, { method: 'OPTIONS', agent: this.agent, timeout: 5_000 }, (response) => {
        const hint = /timeout=(\d+)/i.exec(String(response.headers['keep-alive'] ?? ''))?.[1];
        if (hint !== undefined) this.idleTimeoutMs = Number(hint) * 1000;
        response.resume();
        response.on('end', () => finish(false));
        response.on('error', () => finish(true));
      });
      request.on('timeout', () => request.destroy(new Error('warm-up request timed out')));
      request.on('error', () => finish(true));
      request.end();
    }
  }

  /** Resolves with the answer read up to the cap; rejects with ResponseTooLarge, or the transport's error (an abort included). */
  post(body: string, options: HttpPostOptions): Promise<HttpAnswer> {
    const bytes = Buffer.from(body, 'utf8');
    return new Promise<HttpAnswer>((resolve, reject) => {
      const request = this.send(
        this.url,
        { method: 'POST', agent: this.agent, signal: options.signal, headers: { ...options.headers, 'content-length': String(bytes.byteLength) } },
        (response) => readCapped(response, options.maxResponseBytes).then(resolve, reject),
      );
      request.on('error', reject);
      if (options.onWritten) request.once('finish', () => options.onWritten!(performance.now()));
      request.end(bytes);
    });
  }

  /** Stops keeping connections warm and closes them. */
  close(): void {
    this.closed = true;
    clearTimeout(this.warmTimer);
    this.agent.destroy();
  }
}

function readCapped(response: IncomingMessage, cap: number): Promise<HttpAnswer> {
  const status = response.statusCode ?? 0;
  const header = (name: string) => {
    const value = response.headers[name.toLowerCase()];
    return Array.isArray(value) ? value.join(', ') : value;
  };
  return new Promise<HttpAnswer>((resolve, reject) => {
    // The first outcome counts: destroying the response below also reports it as aborted.
    let settled = false;
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      reject(error);
      response.destroy();
    };
    const declared = response.headers['content-length'];
    if (declared !== undefined && Number(declared) > cap) {
      fail(new ResponseTooLarge(`the answer exceeds the cap of ${cap} bytes (content-length ${declared.slice(0, 20)})`, status));
      return;
    }
    const chunks: Buffer[] = [];
    let total = 0;
    response.on('data', (chunk: Buffer) => {
      total += chunk.byteLength;
      if (total > cap) fail(new ResponseTooLarge(`the answer exceeds the cap of ${cap} bytes`, status));
      else chunks.push(chunk);
    });
    response.on('end', () => {
      if (settled) return;
      settled = true;
      resolve({ status, header, text: Buffer.concat(chunks, total).toString('utf8') });
    });
    response.on('error', fail);
    response.on('aborted', () => fail(new Error('the connection closed before the answer ended')));
  });
}
