import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import type { Logger } from '../../log.ts';

/** A websocket close code that may be sent on (1005/1006/1015 are reserved for reporting only). */
const sendable = (code: number) => code === 1000 || (code >= 1001 && code <= 1014 && code !== 1005 && code !== 1006) || (code >= 3000 && code <= 4999);

/** The transaction hash a newPendingTransactions notification carries (a hash, or a body with one). */
function notifiedHash(text: string): string | undefined {
  if (!text.includes('"eth_subscription"')) return undefined;
  try {
    const message = JSON.parse(text) as { method?: string; params?: { result?: unknown } };
    if (message.method !== 'eth_subscription') return undefined;
    const result = message.params?.result;
    if (typeof result === 'string' && /^0x[0-9a-fA-F]{64}$/.test(result)) return result;
    if (result && typeof result === 'object' && 'hash' in result && typeof result.hash === 'string' && 'nonce' in result) return result.hash;
  } catch {
    // not JSON: passed on untouched, the client judges it
  }
  return undefined;
}

/**
 * The devnet's public websocket when private flow is on: anvil's own, relayed frame by frame, except the
 * pending-transaction notifications of private transactions. The builder has to put a private transaction in
 * anvil's pool for the instant it mines the block that holds it, and anvil announces every arrival; on mainnet
 * nobody outside the builder would see it, so nobody here does either.
 */
export class PendingFilter {
  private server!: WebSocketServer;
  /** Notifications withheld since start. */
  withheld = 0;
  url = '';

  private constructor(
    private readonly upstreamUrl: string,
    private readonly hidden: (hash: string) => boolean,
    private readonly logger: Logger,
  ) {}

  static async start(parameters: { upstreamUrl: string; hidden: (hash: string) => boolean; logger: Logger; host?: string; port?: number }): Promise<PendingFilter> {
    const filter = new PendingFilter(parameters.upstreamUrl, parameters.hidden, parameters.logger);
    const host = parameters.host ?? '127.0.0.1';
    filter.server = new WebSocketServer({ host, port: parameters.port ?? 0 });
    await new Promise<void>((resolve, reject) => {
      filter.server.once('listening', () => resolve());
      filter.server.once('error', reject);
    });
    filter.url = `ws://${host}:${(filter.server.address() as AddressInfo).port}`;
    filter.server.on('connection', (client) => filter.relay(client));
    return filter;
  }

  private relay(client: WebSocket): void {
    const upstream = new WebSocket(this.upstreamUrl, { maxPayload: 256 * 1024 * 1024 });
    const early: Array<{ data: RawData; binary: boolean }> = [];
    client.on('message', (data, binary) => {
      if (upstream.readyState === WebSocket.OPEN) upstream.send(data, { binary });
      else early.push({ data, binary });
    });
    upstream.on('open', () => {
      for (const { data, binary } of early.splice(0)) upstream.send(data, { binary });
    });
    upstream.on('message', (data, binary) => {
      if (!binary) {
        const hash = notifiedHash(String(data));
        if (hash && this.hidden(hash)) {
          this.withheld++;
          return;
        }
      }
      if (client.readyState === WebSocket.OPEN) client.send(data, { binary });
    });
    const closeBoth = (code: number) => {
      for (const socket of [client, upstream]) {
        if (socket.readyState === WebSocket.OPEN || socket.readyState === WebSocket.CONNECTING) {
          if (sendable(code)) socket.close(code);
          else socket.terminate();
        }
      }
    };
    client.on('close', (code) => closeBoth(code));
    upstream.on('close', (code) => closeBoth(code));
    client.on('error', (error) => this.logger.debug({ err: error.message }, 'pending filter: client socket error'));
    upstream.on('error', (error) => {
      this.logger.debug({ err: error.message }, 'pending filter: node socket error');
      closeBoth(1011);
    });
  }

  async stop(): Promise<void> {
    for (const socket of this.server.clients) socket.terminate();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
