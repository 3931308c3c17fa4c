import WebSocket, { WebSocketServer } from 'ws';

/**
 * A websocket relay between a client and a real node (anvil) that can slip frames of its own into the stream
 * toward the client: garbage a node or a middlebox could send (not JSON, `null`, notifications with ill-typed
 * heads or transactions, a frame of 100 MB). Everything else is the node's real eth_subscribe traffic,
 * relayed untouched. It learns the subscription ids from the node's replies so an injected notification
 * looks exactly like one from the node.
 */
export class WsRelay {
  private server: WebSocketServer | undefined;
  private client: WebSocket | undefined;
  /** 'newHeads' / 'newPendingTransactions' -> the node's subscription id on the current connection. */
  private subscriptionIds = new Map<string, string>();
  /** method -> results to put in place of the node's, for its next replies. */
  private readonly corruptions = new Map<string, unknown[]>();
  /** Connections the client opened so far. */
  connections = 0;
  /** Close codes the client sent when it closed a connection (1009: message too big). */
  readonly closeCodes: number[] = [];
  url = '';

  constructor(private readonly upstreamUrl: string) {}

  async start(): Promise<void> {
    this.server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve) => this.server!.once('listening', () => resolve()));
    this.url = `ws://127.0.0.1:${(this.server.address() as { port: number }).port}`;
    this.server.on('connection', (client) => this.relay(client));
  }

  private relay(client: WebSocket): void {
    this.connections++;
    this.client = client;
    this.subscriptionIds = new Map();
    const subscribeRequests = new Map<unknown, string>();
    const methods = new Map<unknown, string>();
    const upstream = new WebSocket(this.upstreamUrl);
    const early: string[] = [];
    const subscriptionIds = this.subscriptionIds;
    client.on('message', (data) => {
      const text = data.toString();
      try {
        const message = JSON.parse(text) as { id?: unknown; method?: string; params?: unknown[] };
        if (message.method === 'eth_subscribe') subscribeRequests.set(message.id, String(message.params?.[0]));
        if (message.id !== undefined) methods.set(message.id, String(message.method));
      } catch {}
      if (upstream.readyState === WebSocket.OPEN) upstream.send(text);
      else early.push(text);
    });
    upstream.on('open', () => {
      for (const text of early.splice(0)) upstream.send(text);
    });
    upstream.on('message', (data) => {
      let text = data.toString();
      try {
        const message = JSON.parse(text) as { id?: unknown; result?: unknown };
        const kind = subscribeRequests.get(message.id);
        if (kind && typeof message.result === 'string') subscriptionIds.set(kind, message.result);
        const replacements = this.corruptions.get(methods.get(message.id) ?? '');
        if (message.id !== undefined && replacements && replacements.length > 0) {
          text = JSON.stringify({ ...message, result: replacements.shift() });
          this.corrupted.push(methods.get(message.id)!);
        }
        methods.delete(message.id);
      } catch {}
      if (client.readyState === WebSocket.OPEN) client.send(text);
    });
    const closeBoth = () => {
      client.terminate();
      upstream.terminate();
    };
    client.on('close', (code) => {
      this.closeCodes.push(code);
      closeBoth();
    });
    client.on('error', closeBoth);
    upstream.on('close', closeBoth);
    upstream.on('error', closeBoth);
  }

  /** Methods whose reply was replaced so far. */
  readonly corrupted: string[] = [];

  /** The node's next reply to `method` carries `result` instead of its own (a node answering garbage). */
  corruptNextReply(method: string, result: unknown): void {
    this.corruptions.set(method, [...(this.corruptions.get(method) ?? []), result]);
  }

  /** The subscription id of `kind` on the current connection, once the node has answered the subscribe. */
  subscription(kind: 'newHeads' | 'newPendingTransactions' | (string & {})): string | undefined {
    return this.subscriptionIds.get(kind);
  }

  /** An eth_subscription notification on the current connection, as the node would send it. */
  notify(kind: 'newHeads' | 'newPendingTransactions' | (string & {}), result: unknown): void {
    const subscription = this.subscription(kind);
    if (!subscription) throw new Error(`no ${kind} subscription yet`);
    this.send(JSON.stringify({ jsonrpc: '2.0', method: 'eth_subscription', params: { subscription, result } }));
  }

  /** Any frame, text or binary, to the current client. */
  send(data: string | Buffer): void {
    if (!this.client || this.client.readyState !== WebSocket.OPEN) throw new Error('no client connected');
    this.client.send(data);
  }

  async stop(): Promise<void> {
    for (const socket of this.server?.clients ?? []) socket.terminate();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
