import { existsSync, mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { checkWebsocket } from '../../src/cli/doctor/websocketCheck.ts';
import { runSourceCli } from '../helpers/cli.ts';

/** Small mistakes that ended in a misleading line, or in a wait for nothing. */
const dir = mkdtempSync(join(tmpdir(), 'cli-small-errors-'));
const servers: WebSocketServer[] = [];
afterAll(async () => {
  for (const server of servers) await new Promise((done) => server.close(done));
});

describe('run: the config is checked before the store line', () => {
  it('run --config missing.json prints only the error, not "store ... (stop this bot with ...)"', async () => {
    const result = await runSourceCli('run', ['--config', join(dir, 'missing.json'), '--db', join(dir, 'run.db'), '--dry-run']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/missing\.json/);
    expect(result.stderr).not.toMatch(/stop this bot with/);
    expect(existsSync(join(dir, 'run.db'))).toBe(false);
  });
});

describe('init: --out mistakes say what is wrong', () => {
  it("--out '' is a usage error, not \"<dir> exists; pass --force\"", async () => {
    const result = await runSourceCli('init', ['--out', ''], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--out/);
    expect(result.stderr).toMatch(/empty/);
    expect(result.stderr).not.toMatch(/exists|--force/);
  });

  it('--out into a folder that exists but cannot take the file says what failed, not "does not exist"', async () => {
    const result = await runSourceCli('init', ['--out', '/proc/searcher-init-test.json'], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/\/proc/);
    expect(result.stderr).not.toMatch(/does not exist/);
    expect(result.stderr).toMatch(/cannot (write|create)/);
  });

  it('--out into a folder that really does not exist still says so', async () => {
    const result = await runSourceCli('init', ['--out', join(dir, 'nope', 'mainnet.json')], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/does not exist/);
  });
});

describe('doctor websocket check: a socket closed mid-wait', () => {
  it('reports "socket closed" at once instead of waiting out the pending wait', async () => {
    // A real websocket JSON-RPC node that answers eth_chainId and eth_subscribe, then closes the socket.
    const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    servers.push(server);
    await new Promise<void>((done) => server.once('listening', () => done()));
    server.on('connection', (socket) => {
      socket.on('message', (data) => {
        const { id, method } = JSON.parse(data.toString()) as { id: number; method: string };
        if (method === 'eth_chainId') socket.send(JSON.stringify({ jsonrpc: '2.0', id, result: '0x1' }));
        if (method === 'eth_subscribe') {
          socket.send(JSON.stringify({ jsonrpc: '2.0', id, result: '0xabc' }));
          setTimeout(() => socket.close(1001, 'going away'), 50);
        }
      });
    });
    const port = (server.address() as AddressInfo).port;
    // A wait far longer than the test's own timeout: only an early answer passes.
    const check = await checkWebsocket({ wsUrl: `ws://127.0.0.1:${port}`, chainId: 1, pendingWaitMs: 600_000 });
    expect(check.ok).toBe(false);
    expect(check.detail).toMatch(/socket closed/);
  }, 20_000);
});
