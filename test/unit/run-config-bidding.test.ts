import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadRunConfig } from '../../src/config/runConfig.ts';

const dir = mkdtempSync(join(tmpdir(), 'run-config-bidding-'));
const chain = { chainId: 1, rpcUrl: 'https://node.example/rpc', wsUrl: 'wss://node.example/ws', executor: { address: '0x5FbDB2315678afecb367f032d93F642f64180aa3' } };

function configFile(name: string, strategy: object): string {
  const file = join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify({ chain, strategy }));
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

describe('config: strategy.bidding', () => {
  it('defaults to the fixed policy with no ceiling beyond the executor cap', () => {
    const { config } = loadRunConfig(configFile('default', {}));
    expect(config.strategy.bidding.policy).toBe('fixed');
    expect(config.strategy.bidding.maxBidShareBps).toBe(10_000);
    expect(config.strategy.builderShareBps).toBe(5000);
  });

  it('takes an adaptive policy with its ceiling and steps', () => {
    const { config } = loadRunConfig(configFile('adaptive', { bidding: { policy: 'adaptive', maxBidShareBps: 9500, startShareBps: 6000, floorShareBps: 2000 } }));
    expect(config.strategy.bidding).toMatchObject({ policy: 'adaptive', maxBidShareBps: 9500, startShareBps: 6000, floorShareBps: 2000 });
  });

  it('refuses an unknown policy, a share out of range, and settings that contradict the ceiling', () => {
    expect(errorOf(configFile('unknown', { bidding: { policy: 'greedy' } }))).toMatch(/strategy\.bidding\.policy/);
    expect(errorOf(configFile('range', { bidding: { maxBidShareBps: 10_001 } }))).toMatch(/strategy\.bidding\.maxBidShareBps/);
    expect(errorOf(configFile('start', { bidding: { policy: 'adaptive', maxBidShareBps: 8000, startShareBps: 9000 } }))).toMatch(/strategy\.bidding\.startShareBps.*9000.*8000/);
    expect(errorOf(configFile('floor', { bidding: { policy: 'adaptive', startShareBps: 3000, floorShareBps: 4000 } }))).toMatch(/strategy\.bidding\.floorShareBps/);
    expect(errorOf(configFile('fixed', { builderShareBps: 9000, bidding: { maxBidShareBps: 8000 } }))).toMatch(/strategy\.builderShareBps.*9000.*8000/);
    expect(errorOf(configFile('extra', { bidding: { policy: 'adaptive', surprise: 1 } }))).toMatch(/surprise/);
  });
});
