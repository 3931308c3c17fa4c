import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadRunConfig } from '../../src/config/runConfig.ts';
import { configErrorOf } from '../helpers/configError.ts';

const dir = mkdtempSync(join(tmpdir(), 'run-config-urls-'));
const executor = { address: '0x5FbDB2315678afecb367f032d93F642f64180aa3' };

function configFile(name: string, chain: object, builders?: object[]): string {
  const file = join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify({ chain, ...(builders ? { builders } : {}) }));
  return file;
}

const goodChain = { chainId: 1, rpcUrl: 'https://node.example/rpc', wsUrl: 'wss://node.example/ws', executor };

describe('config URLs: nodes and builders are HTTP(S), refused at load time rather than at the first bundle', () => {
  it('accepts http and https node and builder URLs', () => {
    const loaded = loadRunConfig(configFile('good', goodChain, [{ name: 'b', url: 'http://127.0.0.1:9/' }]));
    expect(loaded.chain.rpcUrl).toBe('https://node.example/rpc');
    expect(loaded.builders.map((builder) => builder.url)).toEqual(['http://127.0.0.1:9/']);
  });

  it.each(['ftp://builder.example/', 'ws://builder.example/', 'file:///etc/passwd'])('refuses builder URL %s, naming the field', (url) => {
    const error = configErrorOf(configFile('builder', goodChain, [{ name: 'b', url }]));
    expect(error.message).toMatch(/builders\[0\]\.url: expected an http:\/\/ or https:\/\/ URL/);
  });

  it('refuses a websocket URL given as the rpc URL, naming the field', () => {
    const error = configErrorOf(configFile('rpc', { ...goodChain, rpcUrl: 'wss://node.example/ws' }));
    expect(error.message).toMatch(/chain\.rpcUrl: expected an http:\/\/ or https:\/\/ URL/);
  });
});
