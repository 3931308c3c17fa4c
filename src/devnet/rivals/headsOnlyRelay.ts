import WebSocket, { WebSocketServer } from 'ws';

/**
 * A websocket relay in front of the node for a block-state arbitrageur: everything passes but the notifications of
 * `newPendingTransactions` subscriptions, so it trades on each new block's state and never sees a victim. Its
 * subscription is answered by the node as usual (the bot's watcher needs both to start).
 */
export class HeadsOnlyRelay {
  private constructor(
    private readonly server: WebSocketServer,
    readonly url: string,
  ) {}

  static async start(upstreamUrl: string): Promise<HeadsOnlyRelay> {
    const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve, reject) => server.once('listening', () => resolve()).once('error', reject));
    server.on('connection', (client) => relay(client, upstreamUrl));
    return new HeadsOnlyRelay(server, `ws://127.0.0.1:${(server.address() as { port: number }).port}`);
  }

  async stop(): Promise<void> {
    for (const client of this.server.clients) client.terminate();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

function relay(client: WebSocket, upstreamUrl: string): void {
  const upstream = new WebSocket(upstreamUrl);
  const early: string[] = [];
  /** Request ids of `eth_subscribe ["newPendingTransactions", ...]`, then the node's ids of those subscriptions. */
  const pendingRequests = new Set<unknown>();
  const hidden = new Set<string>();
  client.on('message', (data) => {
    const text = data.toString();
    try {
      const message = JSON.parse(text) as { id?: unknown; method?: string; params?: unknown[] };
      if (message.method === 'eth_subscribe' && message.params?.[0] === 'newPendingTransactions') pendingRequests.add(message.id);
    } catch {
      // not JSON: the node answers it
    }
    if (upstream.readyState === WebSocket.OPEN) upstream.send(text);
    else early.push(text);
  });
  upstream.on('open', () => {
    for (const text of early.splice(0)) upstream.send(text);
  });
  upstream.on('message', (data) => {
    const text = data.toString();
    try {
      const message = JSON.parse(text) as { id?: unknown; result?: unknown; method?: string; params?: { subscription?: string } };
      if (message.id !== undefined && pendingRequests.delete(message.id) && typeof message.result === 'string') hidden.add(message.result);
      if (message.method === 'eth_subscription' && message.params?.subscription && hidden.has(message.params.subscription)) return;
    } catch {
      // passed on as it came
    }
    if (client.readyState === WebSocket.OPEN) client.send(text);
  });
  const close = () => {
    client.terminate();
    upstream.terminate();
  };
  client.on('close', close).on('error', close);
  upstream.on('close', close).on('error', close);
}
