import WebSocket from 'ws';
import { checkNodeTx } from '../../mempool/nodeJson.ts';
import { redactUrl } from '../../redact.ts';
import { fail, pass, reason, type Check } from './check.ts';

export type WebsocketCheckParameters = {
  wsUrl: string;
  chainId: number;
  /** How long to wait for the first pending transaction (mainnet sees several a second). */
  pendingWaitMs: number;
  /** Connecting and each request (default 5 s). */
  requestTimeoutMs?: number;
};

const fixUrl = 'check chain.wsUrl (ws:// or wss://, the node\'s websocket port: 8546 for geth and reth), and that the node has its websocket API enabled';
const fixBodies =
  'use a node that streams pending transactions with their bodies (geth, reth or erigon with eth_subscribe("newPendingTransactions", true), or a provider that offers full-body pending streams); with hashes only the bot fetches each body, a round trip behind rivals';

type Outcome = { kind: 'body'; afterMs: number } | { kind: 'hash' } | { kind: 'garbage'; why: string } | { kind: 'closed'; why: string };

/**
 * The mempool socket as the watcher uses it: connect, same chain, subscribe to newPendingTransactions with full
 * bodies, and wait for the first one. It passes only when a body arrives that the watcher would accept.
 */
export async function checkWebsocket(parameters: WebsocketCheckParameters): Promise<Check> {
  const url = redactUrl(parameters.wsUrl);
  const timeoutMs = parameters.requestTimeoutMs ?? 5_000;
  let socket: WebSocket;
  try {
    socket = new WebSocket(parameters.wsUrl, { handshakeTimeout: timeoutMs });
  } catch (error) {
    return fail('websocket', `${url} is not a websocket URL: ${reason(error)}`, fixUrl);
  }
  let nextId = 1;
  const replies = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  let onNotification: (result: unknown) => void = () => {};
  socket.on('message', (data) => {
    let message: { id?: number; result?: unknown; error?: { message?: string }; method?: string; params?: { result?: unknown } };
    try {
      message = JSON.parse(data.toString());
    } catch {
      return;
    }
    if (message.method === 'eth_subscription') return onNotification(message.params?.result);
    const waiting = message.id === undefined ? undefined : replies.get(message.id);
    if (!waiting) return;
    replies.delete(message.id!);
    if (message.error) waiting.reject(new Error(message.error.message ?? JSON.stringify(message.error)));
    else waiting.resolve(message.result);
  });
  const request = (method: string, params: unknown[] = []) =>
    new Promise<unknown>((resolve, reject) => {
      const id = nextId++;
      const timer = setTimeout(() => {
        replies.delete(id);
        reject(new Error(`${method}: no answer in ${timeoutMs} ms`));
      }, timeoutMs);
      replies.set(id, { resolve: (value) => (clearTimeout(timer), resolve(value)), reject: (error) => (clearTimeout(timer), reject(error)) });
      socket.send(JSON.stringify({ jsonrpc: '2.0', id, method, params }));
    });
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
      socket.once('close', () => reject(new Error('closed before it opened')));
    });
  } catch (error) {
    socket.terminate();
    return fail('websocket', `cannot connect to ${url}: ${reason(error)}`, fixUrl);
  }
  // The node closing the socket ends every wait at once (an answer or a transaction will never come on it).
  const closed = new Promise<Outcome>((resolve) => {
    socket.once('close', (code: number, why: Buffer) => {
      const text = `socket closed by the node (code ${code}${why.length > 0 ? `, ${why.toString().slice(0, 100)}` : ''})`;
      for (const waiting of replies.values()) waiting.reject(new Error(text));
      replies.clear();
      resolve({ kind: 'closed', why: text });
    });
  });
  try {
    const chainId = Number(await request('eth_chainId'));
    if (chainId !== parameters.chainId) {
      return fail('websocket', `${url} is a node of chain ${chainId}, the config says ${parameters.chainId}`, 'point chain.wsUrl at the same node (or chain) as chain.rpcUrl');
    }
    const started = performance.now();
    const first = new Promise<Outcome>((resolve) => {
      onNotification = (result) => {
        if (typeof result === 'string') return resolve({ kind: 'hash' });
        const checked = checkNodeTx(result);
        resolve(checked.ok ? { kind: 'body', afterMs: performance.now() - started } : { kind: 'garbage', why: checked.reason });
      };
    });
    try {
      await request('eth_subscribe', ['newPendingTransactions', true]);
    } catch (error) {
      return fail('websocket', `${url} refused eth_subscribe("newPendingTransactions", true): ${reason(error)}`, fixBodies);
    }
    let timer: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([first, closed, new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), parameters.pendingWaitMs)))]).finally(() => clearTimeout(timer));
    if (outcome === undefined) {
      return fail('websocket', `${url}: no pending transaction in ${parameters.pendingWaitMs / 1000} s`, "the node shares no mempool: check that it has peers and its txpool is on (not a light or archive-only node), or use a provider's full pending stream");
    }
    if (outcome.kind === 'closed') return fail('websocket', `${url}: ${outcome.why} while waiting for a pending transaction`, `${fixUrl}; a node or proxy that drops subscriptions (idle timeout, connection limit) leaves the bot blind`);
    if (outcome.kind === 'hash') return fail('websocket', `${url} streams pending transactions as hashes only, without their bodies`, fixBodies);
    if (outcome.kind === 'garbage') return fail('websocket', `${url} streams pending transactions the watcher cannot read (${outcome.why})`, fixBodies);
    return pass('websocket', `${url}: pending transactions arrive with bodies (the first after ${Math.round(outcome.afterMs)} ms)`);
  } catch (error) {
    return fail('websocket', `${url}: ${reason(error)}`, fixUrl);
  } finally {
    socket.terminate();
  }
}
