import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createPublicClient, createTestClient, createWalletClient, http, type Address } from 'viem';
import { foundry } from 'viem/chains';
import { deployExecutor } from '../../src/bundle/deployExecutor.ts';
import { devAccount } from '../../src/devnet/accounts.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WsConnection } from '../../src/chain/wsConnection.ts';
import { loadRunConfig } from '../../src/config/runConfig.ts';
import { startAnvil, type Anvil } from '../../src/chain/anvil.ts';
import { newLogger } from '../../src/log.ts';
import { redactText, redactUrl } from '../../src/redact.ts';
import { BuilderError } from '../../src/bundle/types.ts';
import { binPath, runCli } from '../helpers/cli.ts';
import { RpcProxy } from '../helpers/rpcProxy.ts';

// Made-up credentials, distinctive enough that finding one in output can only be a leak.
const user = 'opuser7f3';
const password = 'pw-9c1e5a77d2';
const pathKey = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
const queryKey = 'qk-5e6f7a8b9c0d1e2f3a4b';
const token = 'tk-0f1e2d3c4b5a69788796a5b4';
const secrets = [user, password, pathKey, queryKey, token];
const weth = '0x00000000000000000000000000000000000000e3';
let executor: Address;
const leaks = (text: string) => secrets.filter((secret) => text.includes(secret));

/** A port nobody listens on (taken, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A real pino logger (the bot's own options) writing JSON lines into memory. */
function memoryLogger(level = 'debug') {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  return { logger: newLogger(stream, level).child({ component: 'test' }), lines };
}

describe('redactUrl', () => {
  it('hides userinfo, API keys in the path and credential query parameters, and keeps where it points', () => {
    expect(redactUrl(`https://${user}:${password}@node.example:8545/`)).toBe('https://***@node.example:8545/');
    expect(redactUrl(`https://mainnet.infura.io/v3/${pathKey}`)).toBe('https://mainnet.infura.io/v3/***');
    expect(redactUrl(`wss://eth-mainnet.g.alchemy.com/v2/${pathKey}`)).toBe('wss://eth-mainnet.g.alchemy.com/v2/***');
    expect(redactUrl(`https://rpc.example/eth?apikey=${queryKey}&chain=1`)).toBe('https://rpc.example/eth?apikey=***&chain=1');
    expect(redactUrl(`https://rpc.example/?key=${queryKey}&token=${token}`)).toBe('https://rpc.example/?key=***&token=***');
    expect(redactUrl(`https://still.example/${pathKey}/`)).toBe('https://still.example/***/');
    expect(redactUrl('http://127.0.0.1:8545')).toBe('http://127.0.0.1:8545');
    expect(redactUrl('https://relay.flashbots.net')).toBe('https://relay.flashbots.net');
    expect(redactUrl('wss://ethereum-mainnet.example/ws')).toBe('wss://ethereum-mainnet.example/ws');
  });

  it('inside free text, hides passwords with characters RFC 3986 allows unencoded, and hex keys of letters only', () => {
    // ( ) ' may stand unencoded in userinfo; a URL match that stopped at them used to leave the password in place.
    expect(redactText("connect wss://alice:s3cr(t)pw@node.example.com/ws failed")).toBe('connect wss://***@node.example.com/ws failed');
    expect(redactText("error at https://user:pa'ss@rpc.example.com/ (retrying)")).toBe('error at https://***@rpc.example.com/ (retrying)');
    expect(redactText('rpc https://u:p@h.example, next')).toBe('rpc https://***@h.example, next');
    expect(redactText('https://nd-123.p2pify.example/deadbeefdeadbeef')).toBe('https://nd-123.p2pify.example/***');
    expect(redactText('see https://docs.example/getting-started/page')).toBe('see https://docs.example/getting-started/page');
    // The sentence's punctuation after a URL stays, even when the URL's last segment is hidden.
    expect(redactText('--db postgres://u:p@127.0.0.1:5432/fleet_123456_3: a password')).toBe('--db postgres://***@127.0.0.1:5432/***: a password');
    expect(redactText('see https://docs.example/page.')).toBe('see https://docs.example/page.');
  });
});

describe('credentials in node and builder URLs never reach logs or errors', () => {
  let anvil: Anvil;
  let proxy: RpcProxy;
  const dir = mkdtempSync(join(tmpdir(), 'redaction-'));
  beforeAll(async () => {
    anvil = await startAnvil({ port: 0, chainId: 31337, accounts: 1 });
    // The bot reads its executor's WETH: a real WETH9 (runtime code from the npm artifact) where the config says.
    const weth9 = JSON.parse(readFileSync('node_modules/@uniswap/v2-periphery/build/WETH9.json', 'utf8')) as { evm: { deployedBytecode: { object: string } } };
    await createTestClient({ mode: 'anvil', transport: http(anvil.rpcUrl) }).setCode({ address: weth, bytecode: `0x${weth9.evm.deployedBytecode.object}` });
    // A real executor (the bot reads its builder-share cap at start and refuses one it cannot read).
    const deployer = devAccount(0);
    const wallet = createWalletClient({ chain: { ...foundry, id: 31337 }, transport: http(anvil.rpcUrl), account: deployer });
    executor = (await deployExecutor(wallet, createPublicClient({ transport: http(anvil.rpcUrl) }) as never, { owner: deployer.address, operator: '0x00000000000000000000000000000000000000e2', weth })).address;
    proxy = RpcProxy.for(anvil.rpcUrl);
    await proxy.start();
  });
  afterAll(async () => {
    await proxy?.stop();
    await anvil?.stop();
  });

  it('a real RPC failure logged through the bot logger (error object, message, text) shows the host, not the key', async () => {
    const port = await closedPort();
    const url = `http://${user}:${password}@127.0.0.1:${port}/v3/${pathKey}?apikey=${queryKey}`;
    const client = createPublicClient({ transport: http(url, { retryCount: 0 }) });
    const error = (await client.getBlockNumber().catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(Error);
    const { logger, lines } = memoryLogger();
    logger.error({ err: error }, 'rpc failed');
    logger.warn({ err: error.message, url }, 'rpc failed (message)');
    logger.info(`connecting to ${url}`);
    logger.child({ node: url }).info('child bindings');
    expect(lines).toHaveLength(4);
    const output = lines.join('\n');
    expect(output).toContain(`127.0.0.1:${port}`);
    expect(leaks(output)).toEqual([]);
  });

  it('a websocket with credentials at a closed port: the reconnect warning names the redacted URL', async () => {
    const port = await closedPort();
    const { logger, lines } = memoryLogger('warn');
    const connection = new WsConnection({ url: `ws://${user}:${password}@127.0.0.1:${port}/ws/v3/${pathKey}?token=${token}`, logger, backoffBaseMs: 10, backoffMaxMs: 20 });
    void connection.start();
    for (let waited = 0; lines.length === 0 && waited < 5000; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
    connection.close();
    expect(lines.length).toBeGreaterThan(0);
    const output = lines.join('\n');
    expect(output).toContain(`127.0.0.1:${port}`);
    expect(leaks(output)).toEqual([]);
  });

  it('builder errors and config errors carry no credentials', () => {
    const error = new BuilderError({ builder: 'b', kind: 'malformed', message: `unusable answer (request failed, info={"requestUrl":"https://relay.example/?apikey=${queryKey}"})` });
    expect(leaks(error.message)).toEqual([]);
    const file = join(dir, 'bad-url.json');
    writeFileSync(file, JSON.stringify({ chain: { chainId: 1, rpcUrl: `http://${user}:${password}@127.0.0.1:1/v3/${pathKey}`, wsUrl: `http://${user}:${password}@x/v3/${pathKey}`, executor: { address: '0x00000000000000000000000000000000000000e1' } } }));
    let message = '';
    try {
      loadRunConfig(file);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/chain/);
    expect(leaks(message)).toEqual([]);
  });

  it('searcher run: the first line, every log line and an unreachable node error show no credentials', async () => {
    const config = (name: string, rpcPort: number) => {
      const file = join(dir, `${name}.json`);
      const chain = {
        chainId: 31337,
        rpcUrl: `http://${user}:${password}@127.0.0.1:${rpcPort}/v3/${pathKey}?apikey=${queryKey}`,
        wsUrl: `ws://${user}:${password}@127.0.0.1:${rpcPort}/v2/${pathKey}?token=${token}`,
        executor: { address: executor, operator: '0x00000000000000000000000000000000000000e2' },
        contracts: { weth },
      };
      writeFileSync(file, JSON.stringify({ chain, factories: { v2: [], v3: [] } }));
      return file;
    };
    const child = spawn(process.execPath, [binPath, 'run', '--config', config('live', proxy.port), '--dry-run', '--no-dashboard', '--db', join(dir, 'live.db')], {
      env: { ...process.env, SEARCHER_LOG_LEVEL: 'debug' },
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    for (let waited = 0; !/dry run: nothing is sent/.test(output) && waited < 30_000 && child.exitCode === null; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(output).toMatch(/searcher: running against http:\/\/\*\*\*@127\.0\.0\.1:\d+\/v3\/\*\*\*\?apikey=\*\*\* \(dry run/);
    await new Promise((resolve) => setTimeout(resolve, 500)); // a few heads' worth of debug logs
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(proxy.count('eth_getBlockByNumber')).toBeGreaterThan(0); // the bot really went through the credentialed URL
    expect(leaks(output)).toEqual([]);
    const unreachable = await runCli(['run', '--config', config('dead', await closedPort()), '--dry-run', '--no-dashboard', '--db', join(dir, 'dead.db')], { SEARCHER_LOG_LEVEL: 'debug' });
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toMatch(/searcher: /);
    expect(leaks(unreachable.stdout + unreachable.stderr)).toEqual([]);
  }, 60_000);
});
