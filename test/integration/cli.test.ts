import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPublicClient, http, parseAbi } from 'viem';
import { afterAll, describe, expect, it } from 'vitest';
import { mainnet } from '../../src/chain/addresses.ts';
import { defaultScenarioPath } from '../../src/devnet/scenario/load.ts';
import type { DevnetManifest } from '../../src/devnet/manifest.ts';
import { childPids, isAlive, runCli, startCli } from '../helpers/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'searcher-cli-'));
const servers: Server[] = [];
afterAll(() => servers.forEach((server) => server.close()));

describe('searcher CLI', () => {
  it('prints help listing the devnet command', async () => {
    const result = await runCli(['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/devnet\s+start a local mainnet-like chain/);
    const devnetHelp = await runCli(['devnet', '--help']);
    expect(devnetHelp.code).toBe(0);
    expect(devnetHelp.stdout).toMatch(/--scenario FILE/);
  });

  it('refuses unknown commands and bad flags with exit code 2', async () => {
    expect((await runCli(['frobnicate'])).code).toBe(2);
    const badPort = await runCli(['devnet', '--port', 'abc']);
    expect(badPort.code).toBe(2);
    expect(badPort.stderr).toMatch(/--port must be an integer/);
    const unknown = await runCli(['devnet', '--blocktime', '3']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/blocktime/);
  });

  it('refuses private keys on the command line without echoing them', async () => {
    const key = `0x${'ab'.repeat(32)}`;
    for (const args of [['devnet', '--private-key', key], ['devnet', key]]) {
      const result = await runCli(args);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/refusing a secret on the command line/);
      expect(result.stdout + result.stderr).not.toContain('ab'.repeat(32));
    }
  });

  it('exits 2 on an invalid scenario, naming the field', async () => {
    const scenario = JSON.parse(readFileSync(defaultScenarioPath(), 'utf8'));
    scenario.pools[3].fee = 42;
    scenario.traders.count = 0;
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify(scenario));
    const result = await runCli(['devnet', '--scenario', file, '--port', '0']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`invalid scenario ${file}`);
    expect(result.stderr).toMatch(/pools\[3\]\.fee: expected a V3 fee tier/);
    expect(result.stderr).toMatch(/traders\.count: /);
  });

  it('takes --scenario scale and scale:N, and exits 2 on a malformed size for devnet and demo', async () => {
    const devnetHelp = await runCli(['devnet', '--help']);
    expect(devnetHelp.stdout).toMatch(/--scenario scale/);
    expect(devnetHelp.stdout).toMatch(/scale:N/);
    for (const command of ['devnet', 'demo']) {
      for (const value of ['scale:12', 'scale:lots', 'scale:']) {
        const result = await runCli([command, '--scenario', value]);
        expect(result.code).toBe(2);
        expect(result.stderr).toContain(`--scenario ${value}: expected scale or scale:N`);
      }
    }
  });

  it('demo takes --truth-swaps N (how many swaps the truth grades), listed in its help, and exits 2 below 1', async () => {
    const help = await runCli(['demo', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/--truth-swaps N/);
    const zero = await runCli(['demo', '--truth-swaps', '0']);
    expect(zero.code).toBe(2);
    expect(zero.stderr).toContain('--truth-swaps must be an integer from 1 to');
  });

  it('explains a busy port', async () => {
    const server = createServer();
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    const result = await runCli(['devnet', '--port', String(port)]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`port ${port} on 127.0.0.1 is in use`);
    expect(result.stderr).toContain('--port 0');
  });

  it('explains a missing anvil', async () => {
    const result = await runCli(['devnet', '--port', '0'], { SEARCHER_ANVIL: join(dir, 'no-anvil-here') });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/anvil binary not found at .*no-anvil-here/);
  });

  it('comes up with a manifest that answers, and Ctrl-C leaves nothing running', async () => {
    const manifestFile = join(dir, 'manifest.json');
    const { child, output } = await startCli(['devnet', '--port', '0', '--block-time', '1', '--manifest', manifestFile], /devnet ready in \d+ ms/);
    const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as DevnetManifest;
    // the devnet's children (anvil's guard) and theirs (anvil itself)
    const guards = childPids(child.pid!);
    const anvils = [...guards, ...guards.flatMap((pid) => childPids(pid))];
    expect(guards.length).toBe(1);
    expect(anvils.length).toBeGreaterThanOrEqual(2);

    const client = createPublicClient({ transport: http(manifest.rpcUrl) });
    expect(await client.getChainId()).toBe(manifest.chainId);
    const factory = await client.readContract({ address: mainnet.uniswapV2Router02, abi: parseAbi(['function factory() view returns (address)']), functionName: 'factory' });
    expect(factory).toBe(mainnet.uniswapV2Factory);
    expect(manifest.pools.length).toBeGreaterThan(10);
    // the MEV Blocker relay answers at the URLs the manifest lists
    expect(manifest.mevBlocker.wsUrl).toMatch(/^ws:\/\/127\.0\.0\.1:\d+$/);
    const relay = await fetch(manifest.mevBlocker.rpcUrl, { method: 'POST', body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_sendBundle', params: [{ txs: [`0x${'ab'.repeat(32)}`, '0x02'], blockNumber: '0x1' }] }) });
    expect(((await relay.json()) as { error: { message: string } }).error.message).toMatch(/unknown target/);
    // addresses only: the only 32-byte hex values in it are the public init code hashes
    const words = JSON.stringify(manifest).match(/0x[0-9a-fA-F]{64}/g) ?? [];
    expect(new Set(words)).toEqual(new Set(Object.values(manifest.initCodeHashes)));
    // blocks keep coming with traffic in them
    for (let waited = 0; waited < 20_000 && !/block \d+: [1-9]\d* txs/.test(output()); waited += 100) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(output()).toMatch(/block \d+: [1-9]\d* txs/);

    child.kill('SIGINT');
    const code = await new Promise((resolve) => child.once('exit', resolve));
    expect(code).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(anvils.filter(isAlive)).toEqual([]);
  });

  it('takes anvil down even when the devnet is killed outright (SIGKILL)', async () => {
    const { child } = await startCli(['devnet', '--port', '0', '--no-traffic'], /devnet ready in \d+ ms/);
    const guards = childPids(child.pid!);
    const anvils = [...guards, ...guards.flatMap((pid) => childPids(pid))];
    expect(anvils.length).toBeGreaterThanOrEqual(2);
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    for (let waited = 0; waited < 5000 && anvils.some(isAlive); waited += 100) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(anvils.filter(isAlive)).toEqual([]);
  });
});
