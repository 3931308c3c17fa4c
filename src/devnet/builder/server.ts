import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Address } from 'viem';
import { FlashbotsAuthError, verifyFlashbotsSignature } from '../../bundle/flashbotsAuth.ts';
import type { Logger } from '../../log.ts';
import { rpcErrorCodes } from './protocol.ts';

/** A JSON-RPC failure with the code and message the caller receives. */
export class RpcError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

export type RpcHandler = (params: unknown, signer: Address) => Promise<unknown>;

export const maxBodyBytes = 1_000_000;

/** The request's body as text, or undefined when it exceeds 1 MB (the connection is then dropped). */
export function readBody(request: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBodyBytes) {
        resolve(undefined);
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function answer(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

/**
 * JSON-RPC 2.0 over HTTP POST with Flashbots authentication: every request must carry an
 * `X-Flashbots-Signature` that signs its exact body; the recovered address is the caller's identity.
 */
export async function serveJsonRpc(parameters: { host: string; port: number; methods: Record<string, RpcHandler>; logger: Logger }): Promise<{ server: Server; url: string }> {
  const { methods, logger } = parameters;
  const server = createServer((request, response) => {
    void (async () => {
      if (request.method !== 'POST') return answer(response, 405, { jsonrpc: '2.0', id: null, error: { code: rpcErrorCodes.invalidRequest, message: 'use HTTP POST with a JSON-RPC body' } });
      const body = await readBody(request);
      if (body === undefined) return answer(response, 413, { jsonrpc: '2.0', id: null, error: { code: rpcErrorCodes.invalidRequest, message: `request body over ${maxBodyBytes} bytes` } });
      let message: { id?: unknown; method?: unknown; params?: unknown; jsonrpc?: unknown };
      try {
        message = JSON.parse(body);
      } catch {
        return answer(response, 400, { jsonrpc: '2.0', id: null, error: { code: rpcErrorCodes.parse, message: 'parse error: the body is not JSON' } });
      }
      const id = message && typeof message === 'object' && 'id' in message ? (message.id ?? null) : null;
      if (!message || typeof message !== 'object' || Array.isArray(message) || typeof message.method !== 'string') {
        return answer(response, 400, { jsonrpc: '2.0', id, error: { code: rpcErrorCodes.invalidRequest, message: 'invalid request: expected one JSON-RPC object with a method' } });
      }
      let signer: Address;
      try {
        signer = await verifyFlashbotsSignature(request.headers['x-flashbots-signature'] as string | undefined, body);
      } catch (error) {
        const reason = error instanceof FlashbotsAuthError ? error.message : 'invalid X-Flashbots-Signature';
        return answer(response, 401, { jsonrpc: '2.0', id, error: { code: rpcErrorCodes.unauthorized, message: reason } });
      }
      const handler = methods[message.method];
      if (!handler) return answer(response, 200, { jsonrpc: '2.0', id, error: { code: rpcErrorCodes.methodNotFound, message: `method ${message.method} not found` } });
      try {
        const result = await handler(message.params ?? [], signer);
        return answer(response, 200, { jsonrpc: '2.0', id, result });
      } catch (error) {
        if (error instanceof RpcError) return answer(response, 200, { jsonrpc: '2.0', id, error: { code: error.code, message: error.message } });
        logger.error({ err: (error as Error).message, method: message.method }, 'builder: request failed');
        return answer(response, 500, { jsonrpc: '2.0', id, error: { code: rpcErrorCodes.internal, message: 'internal error' } });
      }
    })().catch((error: Error) => {
      logger.error({ err: error.message }, 'builder: connection failed');
      if (!response.headersSent) answer(response, 500, { jsonrpc: '2.0', id: null, error: { code: rpcErrorCodes.internal, message: 'internal error' } });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(parameters.port, parameters.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://${parameters.host}:${port}` };
}
