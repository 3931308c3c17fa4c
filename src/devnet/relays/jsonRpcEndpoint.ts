import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, WebSocket } from 'ws';
import { FlashbotsAuthError, verifyFlashbotsSignature } from '../../bundle/flashbotsAuth.ts';
import type { Logger } from '../../log.ts';
import { rpcErrorCodes } from '../builder/protocol.ts';
import { maxBodyBytes, readBody, RpcError } from '../builder/server.ts';

/** Who sent a request: a Flashbots signer over HTTP, 'anonymous' without one, or one websocket connection. */
export type Caller = { identity: string; socket?: WebSocket };
export type RelayHandler = (params: unknown, caller: Caller) => Promise<unknown>;

type Answer = { jsonrpc: '2.0'; id: unknown; result?: unknown; error?: { code: number; message: string } };

/**
 * A relay's JSON-RPC endpoint: HTTP POST and a websocket on the same port, as public relays serve them. A
 * Flashbots signature on an HTTP request is optional (MEV Blocker takes bids from anyone) but, if present, must be
 * valid: it names the searcher. Every bad message gets a JSON-RPC error; nothing a client sends stops the endpoint.
 */
export class JsonRpcEndpoint {
  private server!: Server;
  private wss!: WebSocketServer;
  private connections = 0;
  url = '';
  wsUrl = '';

  constructor(
    private readonly methods: Record<string, RelayHandler>,
    private readonly logger: Logger,
    private readonly onClose: (socket: WebSocket) => void,
  ) {}

  async listen(host: string, port: number): Promise<void> {
    this.server = createServer((request, response) => {
      const send = (status: number, body: Answer) => {
        const text = JSON.stringify(body);
        response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
        response.end(text);
      };
      void (async () => {
        if (request.method !== 'POST') return send(405, { jsonrpc: '2.0', id: null, error: { code: rpcErrorCodes.invalidRequest, message: 'use HTTP POST with a JSON-RPC body' } });
        const body = await readBody(request);
        if (body === undefined) return send(413, { jsonrpc: '2.0', id: null, error: { code: rpcErrorCodes.invalidRequest, message: `request body over ${maxBodyBytes} bytes` } });
        let identity = 'anonymous';
        const header = request.headers['x-flashbots-signature'];
        if (typeof header === 'string') {
          try {
            identity = await verifyFlashbotsSignature(header, body);
          } catch (error) {
            const reason = error instanceof FlashbotsAuthError ? error.message : 'invalid X-Flashbots-Signature';
            return send(401, { jsonrpc: '2.0', id: null, error: { code: rpcErrorCodes.unauthorized, message: reason } });
          }
        }
        const answer = await this.handle(body, { identity });
        send(answer.error?.code === rpcErrorCodes.parse ? 400 : 200, answer);
      })().catch((error: Error) => {
        this.logger.error({ err: error.message }, 'relay: request failed');
        if (!response.headersSent) send(500, { jsonrpc: '2.0', id: null, error: { code: rpcErrorCodes.internal, message: 'internal error' } });
      });
    });
    this.wss = new WebSocketServer({ server: this.server, maxPayload: maxBodyBytes });
    this.wss.on('connection', (socket) => {
      const caller: Caller = { identity: `ws:${++this.connections}`, socket };
      socket.on('message', (data) => {
        void this.handle(String(data), caller).then((answer) => {
          if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(answer));
        });
      });
      socket.on('close', () => this.onClose(socket));
      socket.on('error', (error) => this.logger.debug({ err: error.message }, 'relay: websocket error'));
    });
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => resolve());
    });
    const address = this.server.address() as AddressInfo;
    this.url = `http://${host}:${address.port}`;
    this.wsUrl = `ws://${host}:${address.port}`;
  }

  private async handle(text: string, caller: Caller): Promise<Answer> {
    let message: { id?: unknown; method?: unknown; params?: unknown };
    try {
      message = JSON.parse(text);
    } catch {
      return { jsonrpc: '2.0', id: null, error: { code: rpcErrorCodes.parse, message: 'parse error: the message is not JSON' } };
    }
    const id = message && typeof message === 'object' && 'id' in message ? (message.id ?? null) : null;
    if (!message || typeof message !== 'object' || Array.isArray(message) || typeof message.method !== 'string') {
      return { jsonrpc: '2.0', id, error: { code: rpcErrorCodes.invalidRequest, message: 'invalid request: expected one JSON-RPC object with a method' } };
    }
    const handler = Object.hasOwn(this.methods, message.method) ? this.methods[message.method] : undefined;
    if (!handler) return { jsonrpc: '2.0', id, error: { code: rpcErrorCodes.methodNotFound, message: `method ${message.method} not found` } };
    try {
      return { jsonrpc: '2.0', id, result: await handler(message.params ?? [], caller) };
    } catch (error) {
      if (error instanceof RpcError) return { jsonrpc: '2.0', id, error: { code: error.code, message: error.message } };
      this.logger.error({ err: (error as Error).message, method: message.method }, 'relay: request failed');
      return { jsonrpc: '2.0', id, error: { code: rpcErrorCodes.internal, message: 'internal error' } };
    }
  }

  async close(): Promise<void> {
    for (const socket of this.wss.clients) socket.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    await new Promise<void>((resolve) => {
      this.server.closeAllConnections();
      this.server.close(() => resolve());
    });
  }
}

/** A subscription id in the shape MEV Blocker answers with (16 random bytes). */
export const newSubscriptionId = (): string => `0x${randomBytes(16).toString('hex')}`;
