import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAnvil, type Anvil } from '../../src/chain/anvil.ts';
import { ForkSimulator } from '../../src/sim/fork.ts';
import { childPids } from '../helpers/cli.ts';
import { RpcProxy } from '../helpers/rpcProxy.ts';

// Throwaway values made for this test: what a running bot holds in its environment.
const secrets: Record<string, string> = {
  SEARCHER_PRIVATE_KEY: '0x5e1f0c3a9b7d2e4f6a8c0b1d3e5f7a9c2b4d6e8f0a1c3e5b7d9f2a4c6e8b0d1f',
  SEARCHER_FLASHBOTS_AUTH_KEY: '0x7a3c5e7f9b1d3f5a7c9e1b3d5f7a9c1e3b5d7f9a1c3e5b7d9f1a3c5e7b9d1f3a',
  SEARCHER_KEYSTORE_PASSWORD: 'child-env-test-password-4d1c',
  SEARCHER_RISK_TOKEN: 'child-env-test-risk-token-9e2a',
  // A key variable the config may name (signer.keyEnv) outside the SEARCHER_ prefix.
  OPERATOR_KEY: '0x2c4e6a8c0e2a4c6e8a0c2e4a6c8e0a2c4e6a8c0e2a4c6e8a0c2e4a6c8e0a2c4e',
};
const saved: Record<string, string | undefined> = {};

/** Every process below `pid`. */
function descendants(pid: number): number[] {
  return childPids(pid).flatMap((child) => [child, ...descendants(child)]);
}

function commandLine(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  } catch {
    return []; // short-lived helpers such as `ps` may be gone by the time their command line is read
  }
}

function environ(pid: number): Map<string, string> {
  const entries = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').filter(Boolean);
  return new Map(entries.map((entry) => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)]));
}

let upstream: Anvil;
let fork: ForkSimulator | undefined;
let credentialed: ForkSimulator | undefined;
let proxy: RpcProxy | undefined;
beforeAll(async () => {
  for (const [name, value] of Object.entries(secrets)) {
    saved[name] = process.env[name];
    process.env[name] = value;
  }
  upstream = await startAnvil({ port: 0, chainId: 31337, accounts: 1 });
});
afterAll(async () => {
  await fork?.stop();
  await credentialed?.stop();
  await proxy?.stop();
  await upstream?.stop();
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

describe('child processes get no secrets', () => {
  it('the anvil fork of the fork simulator (and its shell guard) has no SEARCHER_* variable, key or password', async () => {
    const before = new Set(descendants(process.pid));
    fork = await ForkSimulator.start({ upstreamRpcUrl: upstream.rpcUrl, blockNumber: 0n, chainId: 31337 });
    const spawned = descendants(process.pid).filter((pid) => !before.has(pid));
    // The real anvil binary and the sh guard above it, both started for the fork.
    const anvils = spawned.filter((pid) => commandLine(pid).some((arg) => arg.endsWith('/anvil')) && commandLine(pid).includes('--fork-url'));
    expect(anvils.length).toBeGreaterThanOrEqual(2);
    for (const pid of anvils) {
      const env = environ(pid);
      expect(env.has('PATH')).toBe(true); // the environment was read, and the child still finds its tools
      expect([...env.keys()].filter((name) => name.startsWith('SEARCHER_'))).toEqual([]);
      expect(env.has('OPERATOR_KEY')).toBe(false);
      const values = [...env.values()].join('\n');
      for (const secret of Object.values(secrets)) expect(values).not.toContain(secret.replace(/^0x/, '').slice(0, 16));
    }
  });

  it('a node URL with credentials (user:pass@, /v3/<key>, ?apikey=) reaches no child command line, environment or fork RPC', async () => {
    proxy = await RpcProxy.for(upstream.rpcUrl).start(); // any path goes to the node: what a provider URL looks like
    const urlSecrets = ['fork-user-7c1e', 'fork-pass-3b9d', 'v3key0e5f7a1c9b3d', 'apikey4a6c8e0b2d'];
    const [user, pass, pathKey, queryKey] = urlSecrets;
    const upstreamRpcUrl = `http://${user}:${pass}@127.0.0.1:${proxy.port}/v3/${pathKey}?apikey=${queryKey}`;
    const before = new Set(descendants(process.pid));
    credentialed = await ForkSimulator.start({ upstreamRpcUrl, blockNumber: 0n, chainId: 31337 });
    await credentialed.moveTo(0n); // the re-fork on each new head passes the URL again
    const spawned = descendants(process.pid).filter((pid) => !before.has(pid));
    const readable = spawned.filter((pid) => commandLine(pid).length > 0);
    // At least anvil and its sh guard, and the fork really runs on the node behind the URL.
    expect(readable.filter((pid) => commandLine(pid).some((arg) => arg.endsWith('/anvil'))).length).toBeGreaterThanOrEqual(2);
    expect(proxy.count('eth_getBlockByNumber') + proxy.count('eth_chainId')).toBeGreaterThan(0);
    for (const pid of readable) {
      const seen = [commandLine(pid).join(' '), [...environ(pid).values()].join('\n')].join('\n');
      for (const secret of urlSecrets) expect(seen, `process ${pid}`).not.toContain(secret);
    }
    // Any local user can ask the fork's anvil (127.0.0.1) for its configuration: the URL must not be there either.
    const nodeInfo = await fetch(credentialed.rpcUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'anvil_nodeInfo', params: [] }),
    }).then((response) => response.text());
    expect(nodeInfo).toContain('forkConfig');
    for (const secret of urlSecrets) expect(nodeInfo).not.toContain(secret);
  });
});
