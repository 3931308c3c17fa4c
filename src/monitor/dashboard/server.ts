import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo, Socket } from 'node:net';
import { SearcherError } from '../../errors.ts';
import { createLogger, type Logger } from '../../log.ts';
import { dashboardPage, dashboardScript } from './page.ts';
import { SseHub } from './sse.ts';
import { requestedView, ViewHubs, viewFilter } from './instanceViews.ts';
import type { DashboardSource } from './types.ts';

export class DashboardError extends SearcherError {}

/**
 * Handles POST /api/halt and /api/resume (auth included; the dashboard does not check tokens itself).
 * Resolves true once it has answered, false to let the server answer 404.
 */
export type DashboardControl = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

export type StartDashboardServerOptions = {
  /** Defaults to 127.0.0.1: the dashboard has no auth of its own for reads. On a loopback host, requests must name a loopback host. */
  host?: string;
  /** 0 picks a free port. */
  port: number;
  source: DashboardSource;
  /** Prometheus exposition text for GET /metrics; without it /metrics is 404. */
  metricsText?: () => Promise<string> | string;
  control?: DashboardControl;
  logger?: Logger;
  /** Push a snapshot at least this often (ms); default 2000. */
  refreshMs?: number;
  /** SSE heartbeat comment period (ms); default 15000. */
  heartbeatMs?: number;
};

export type DashboardServer = {
  /** http://host:port (no trailing slash). */
  url: string;
  port: number;
  /** The data changed: push a snapshot to every open page now. */
  notify(): void;
  /** Open event streams (pages watching live). */
  clients(): number;
  /** Ends every event stream and connection, then stops listening. */
  close(): Promise<void>;
};

type Asset = { body: Buffer; type: string };

// Found through module resolution, so it works from src/ (tsx, vitest) and from the bundled dist/.
function uplotAssets(): Record<string, Asset> {
  const require = createRequire(import.meta.url);
  try {
    return {
      '/assets/uplot.js': { body: readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js')), type: 'text/javascript; charset=utf-8' },
      '/assets/uplot.css': { body: readFileSync(require.resolve('uplot/dist/uPlot.min.css')), type: 'text/css; charset=utf-8' },
    };
  } catch (cause) {
    throw new DashboardError('DASHBOARD', 'cannot find the uplot package for the dashboard charts: run `npm install`', { cause });
  }
}

const metricsContentType = 'text/plain; version=0.0.4; charset=utf-8';

const loopbackNames = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/** The name part of a Host header ("127.0.0.1:8080" -> "127.0.0.1", "[::1]:80" -> "[::1]"). */
function hostName(header: string | undefined): string {
  if (!header) return '';
  const match = /^(\[[^\]]*\]|[^:]*)(?::\d+)?$/.exec(header.trim().toLowerCase());
  return match?.[1] ?? '';
}

/** Serves the dashboard page, its data (JSON + live events), Prometheus metrics and the halt/resume routes. */
export async function startDashboardServer(options: StartDashboardServerOptions): Promise<DashboardServer> {
  const logger = options.logger ?? createLogger('dashboard');
  const host = options.host ?? '127.0.0.1';
  const assets = uplotAssets();
  const page = Buffer.from(dashboardPage());
  // The inline script is allowed by its hash, so nothing injected into the page could run.
  const scriptHash = createHash('sha256').update(dashboardScript()).digest('base64');
  const pageHeaders = {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'content-security-policy': `default-src 'none'; script-src 'self' 'sha256-${scriptHash}'; style-src 'self' 'unsafe-inline'; connect-src 'self'; img-src 'self' data:; form-action 'none'; frame-ancestors 'none'; base-uri 'none'`,
  };
  const loopback = loopbackNames.has(host);
  const snapshotJson = (view: string) => JSON.stringify(options.source.snapshot(viewFilter(view)));
  const hub = new ViewHubs((view) => new SseHub({ payload: () => snapshotJson(view), logger, refreshMs: options.refreshMs, heartbeatMs: options.heartbeatMs }));

  const send = (res: ServerResponse, status: number, type: string, body: string | Buffer, extra: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': type, 'x-content-type-options': 'nosniff', ...extra }).end(body);
  };
  const text = (res: ServerResponse, status: number, body: string, extra: Record<string, string> = {}) =>
    send(res, status, 'text/plain; charset=utf-8', `${body}\n`, extra);

  const route = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    let path: string;
    let view: string | undefined;
    try {
      const url = new URL(req.url ?? '/', 'http://dashboard.invalid');
      path = url.pathname;
      view = requestedView(url.searchParams);
    } catch {
      return text(res, 400, 'bad request');
    }
    if (view === undefined) return text(res, 400, 'bad instance name');
    // A web page that rebinds its DNS name to 127.0.0.1 would otherwise read the bot's data through the
    // visitor's browser; a loopback dashboard answers only to loopback names.
    if (loopback && !loopbackNames.has(hostName(req.headers.host))) return text(res, 403, 'unexpected Host header');
    const method = req.method ?? 'GET';
    const read = method === 'GET' || method === 'HEAD';

    if (path === '/api/halt' || path === '/api/resume') {
      if (method !== 'POST') return text(res, 405, 'use POST', { allow: 'POST' });
      if (!options.control) return text(res, 404, 'halt/resume is not available in this process');
      const handled = await options.control(req, res);
      if (!handled && !res.headersSent) return text(res, 404, 'not found');
      // Halting or resuming changes what every open page should show.
      hub.broadcast();
      return;
    }
    const known = path === '/' || path === '/api/snapshot' || path === '/events' || path === '/metrics' || Object.hasOwn(assets, path);
    if (!known) return text(res, 404, 'not found');
    if (!read) return text(res, 405, 'use GET', { allow: 'GET, HEAD' });

    if (path === '/') return send(res, 200, pageHeaders['content-type'], page, pageHeaders);
    if (path === '/api/snapshot') return send(res, 200, 'application/json; charset=utf-8', snapshotJson(view), { 'cache-control': 'no-store' });
    if (path === '/events') {
      if (method === 'HEAD') return send(res, 200, 'text/event-stream; charset=utf-8', '');
      const views = hub.get(view);
      if (!views) return text(res, 503, 'too many dashboard views', { 'retry-after': '5' });
      return views.accept(req, res);
    }
    if (path === '/metrics') {
      if (!options.metricsText) return text(res, 404, 'metrics are not enabled');
      return send(res, 200, metricsContentType, await options.metricsText());
    }
    const asset = assets[path]!;
    return send(res, 200, asset.type, asset.body, { 'cache-control': 'public, max-age=3600' });
  };

  const server = createServer((req, res) => {
    req.on('error', () => res.destroy());
    res.on('error', () => req.socket.destroy());
    route(req, res).catch((error: unknown) => {
      logger.error({ err: error, url: req.url, method: req.method }, 'dashboard request failed');
      if (!res.headersSent) text(res, 500, 'internal error');
      else res.destroy();
    });
  });
  // A malformed request gets a 400 and a closed socket, never an exception.
  server.on('clientError', (_error, socket: Socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
    else socket.destroy();
  });

  await new Promise<void>((resolve, reject) => {
    const failed = (cause: Error) => {
      hub.close();
      reject(new DashboardError('DASHBOARD', `cannot listen on ${host}:${options.port} for the dashboard: ${cause.message}`, { cause }));
    };
    server.once('error', failed);
    server.listen(options.port, host, () => {
      server.off('error', failed);
      resolve();
    });
  });
  server.on('error', (error) => logger.error({ err: error }, 'dashboard server error'));
  const { port } = server.address() as AddressInfo;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  logger.info({ url }, 'dashboard listening');

  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    notify: () => hub.broadcast(),
    clients: () => hub.size,
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        hub.close();
        server.close(() => resolve());
        server.closeAllConnections();
      })),
  };
}
