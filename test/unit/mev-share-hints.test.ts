import { describe, expect, it } from 'vitest';
import { buildHint, defaultHints, filterDefaultLogs, type HintLog } from '../../src/devnet/relays/mevShareHints.ts';

// Event signatures as mainnet logs carry them (keccak of the event declarations, written out here, not computed).
const v2Swap = '0xd78ad95fa46c994b6551d0da85fc275fe613ce37657fb8d5e3d130840159d822';
const v3Swap = '0xc42079f94a6350d7e6235f29174924f928cc2ac818eb64fed8004e115fbcca67';
const balancerSwap = '0x2170c741c41531aec20e7c107c24eecfdd15e69c9bb0a8dd37b1840b9e0b207b';
const sync = '0x1c411e9a96e071241c2f21f7726b17ae89e3cab4c78be50e062b03a9fffbbad1';
const transfer = '0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef';
const zero = `0x${'0'.repeat(64)}` as const;
const t = (n: number) => `0x${n.toString(16).padStart(64, '0')}` as const;

const pair = '0x397FF1542f962076d0BFE58eA045FfA2d347ACa0';
const pool = '0x88e6A0c2dDD26FEEb64F039a2c41296FcB3f5640';
const vault = '0xBA12222222228d8Ba445958a75a0704d566BF2C8';
const logs: HintLog[] = [
  { address: '0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2', topics: [transfer, t(1), t(2)], data: t(5) },
  { address: pair, topics: [sync], data: `0x${t(7).slice(2)}${t(9).slice(2)}` },
  { address: pair, topics: [v2Swap, t(3), t(4)], data: `0x${t(1).slice(2)}${t(0).slice(2)}${t(0).slice(2)}${t(2).slice(2)}` },
  { address: pool, topics: [v3Swap, t(3), t(4)], data: t(11) },
  { address: vault, topics: [balancerSwap, t(42), t(5), t(6)], data: t(12) },
];
const tx = { hash: t(99), to: '0xd9e1cE17f2641f24aE83637ab66a2cca9C378B9F' as const, data: '0x7ff36ab500000000000000000000000000000000000000000000000000000000000000ff' as const };

describe('MEV-Share hints: only what the user shares, as mev-share-node builds them', () => {
  it('default_logs keeps only swap events, with every topic but the signature zeroed and no data (Balancer keeps its poolId)', () => {
    expect(filterDefaultLogs(logs)).toEqual([
      { address: pair, topics: [v2Swap, zero, zero], data: '0x' },
      { address: pool, topics: [v3Swap, zero, zero], data: '0x' },
      { address: vault, topics: [balancerSwap, t(42), zero, zero], data: '0x' },
    ]);
  });

  it('the default hint (hash + default_logs) carries no amounts, no Sync and no transaction fields', () => {
    expect(defaultHints).toEqual(['hash', 'default_logs']);
    const hint = buildHint(tx, logs, defaultHints)!;
    expect(hint.hash).toBe(tx.hash);
    expect(hint.txs).toBeNull();
    expect(hint.logs!.some((log) => log.topics[0] === sync)).toBe(false);
    expect(hint.logs!.every((log) => log.data === '0x')).toBe(true);
  });

  it('"logs" shares every log in full; no hints at all shares nothing', () => {
    expect(buildHint(tx, logs, ['logs'])!.logs).toEqual(logs);
    expect(buildHint(tx, logs, [])).toBeUndefined();
  });

  it('calldata implies the selector and the address; the hash is always there; logs are null when none is shared', () => {
    expect(buildHint(tx, logs, ['calldata'])).toEqual({ hash: tx.hash, logs: null, txs: [{ to: tx.to, functionSelector: '0x7ff36ab5', callData: tx.data }] });
    expect(buildHint(tx, logs, ['function_selector'])).toEqual({ hash: tx.hash, logs: null, txs: [{ to: tx.to, functionSelector: '0x7ff36ab5' }] });
    expect(buildHint(tx, logs, ['tx_hash'])).toEqual({ hash: tx.hash, logs: null, txs: [{ hash: tx.hash }] });
    expect(buildHint(tx, [], ['hash', 'default_logs'])).toEqual({ hash: tx.hash, logs: null, txs: null });
  });
});
