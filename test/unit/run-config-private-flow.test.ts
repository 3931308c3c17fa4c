import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadRunConfig } from '../../src/config/runConfig.ts';

const dir = mkdtempSync(join(tmpdir(), 'run-config-private-'));
const executor = { address: '0x5FbDB2315678afecb367f032d93F642f64180aa3' };
const goodChain = { chainId: 1, rpcUrl: 'https://node.example/rpc', wsUrl: 'wss://node.example/ws', executor };
const mevBlocker = { wsUrl: 'wss://searchers.mevblocker.io/', rpcUrl: 'https://searchers.mevblocker.io/' };
const mevShare = { streamUrl: 'https://mev-share.flashbots.net', apiUrl: 'https://relay.flashbots.net' };

function configFile(name: string, content: object): string {
  const file = join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify(content));
  return file;
}

function errorOf(file: string): string {
  try {
    loadRunConfig(file);
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error(`${file} loaded without an error`);
}

describe('config: the private order-flow streams (chain.mevBlocker, chain.mevShare)', () => {
  it('are off when absent', () => {
    const { chain } = loadRunConfig(configFile('none', { chain: goodChain }));
    expect(chain.mevBlocker).toBeUndefined();
    expect(chain.mevShare).toBeUndefined();
  });

  it('are read from an explicit chain', () => {
    const { chain } = loadRunConfig(configFile('both', { chain: { ...goodChain, mevBlocker, mevShare } }));
    expect(chain.mevBlocker).toEqual(mevBlocker);
    expect(chain.mevShare).toEqual(mevShare);
  });

  it('are filled from a devnet manifest (the relays the devnet started)', () => {
    writeFileSync(
      join(dir, 'manifest.json'),
      JSON.stringify({ ...goodChain, rpcUrl: 'http://127.0.0.1:8545', wsUrl: 'ws://127.0.0.1:8545', builderUrl: 'http://127.0.0.1:9000', mevBlocker: { rpcUrl: 'http://127.0.0.1:9001', wsUrl: 'ws://127.0.0.1:9001' }, mevShare: { streamUrl: 'http://127.0.0.1:9002', apiUrl: 'http://127.0.0.1:9003' } }),
    );
    const { chain } = loadRunConfig(configFile('devnet', { chain: { manifest: 'manifest.json' } }));
    expect(chain.mevBlocker).toEqual({ rpcUrl: 'http://127.0.0.1:9001', wsUrl: 'ws://127.0.0.1:9001' });
    expect(chain.mevShare).toEqual({ streamUrl: 'http://127.0.0.1:9002', apiUrl: 'http://127.0.0.1:9003' });
  });

  it.each([
    ['mevBlocker.wsUrl', { mevBlocker: { ...mevBlocker, wsUrl: 'https://searchers.mevblocker.io/' } }, /chain\.mevBlocker\.wsUrl: expected a ws:\/\/ or wss:\/\/ URL/],
    ['mevBlocker.rpcUrl', { mevBlocker: { ...mevBlocker, rpcUrl: 'wss://searchers.mevblocker.io/' } }, /chain\.mevBlocker\.rpcUrl: expected an http:\/\/ or https:\/\/ URL/],
    ['mevShare.streamUrl', { mevShare: { ...mevShare, streamUrl: 'file:///etc/passwd' } }, /chain\.mevShare\.streamUrl: expected an http:\/\/ or https:\/\/ URL/],
    ['mevShare.apiUrl', { mevShare: { ...mevShare, apiUrl: 'ws://relay.flashbots.net' } }, /chain\.mevShare\.apiUrl: expected an http:\/\/ or https:\/\/ URL/],
    // A missing field only says "chain: Invalid input" (zod's union of manifest | explicit chain), as for rpcUrl.
    ['mevShare without apiUrl', { mevShare: { streamUrl: mevShare.streamUrl } }, /chain/],
  ])('refuses a bad %s', (_name, extra, message) => {
    expect(errorOf(configFile('bad', { chain: { ...goodChain, ...extra } }))).toMatch(message);
  });
});
