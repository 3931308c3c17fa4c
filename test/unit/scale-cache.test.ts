import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readScaleCache, scaleCacheKey, writeScaleCache, type ScaleCacheEntry } from '../../src/devnet/scale/cache.ts';

const dir = mkdtempSync(join(tmpdir(), 'searcher-scale-cache-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const inputs = { seed: 1, pools: 600, chainId: 31337, traders: 48 };

describe('scale cache', () => {
  it('keys an entry by every input: seed, size, chain id and trader count each give another key', () => {
    const key = scaleCacheKey(inputs);
    expect(key).toMatch(/^[0-9a-f]{24}$/);
    expect(scaleCacheKey({ ...inputs })).toBe(key);
    const others = [{ seed: 2 }, { pools: 601 }, { chainId: 1337 }, { traders: 47 }].map((change) => scaleCacheKey({ ...inputs, ...change }));
    expect(new Set([key, ...others]).size).toBe(5);
  });

  it('finds an entry only once both its state and its description are written', () => {
    const key = scaleCacheKey(inputs);
    expect(readScaleCache(dir, key)).toBeUndefined();
    const dump = join(dir, 'dump.json');
    writeFileSync(dump, '{"block":{}}');
    const entry = { key, inputs, head: 27, pools: [], tokens: [] } as unknown as ScaleCacheEntry;
    const statePath = writeScaleCache(dir, dump, entry);
    expect(readScaleCache(dir, key)).toEqual({ entry, statePath });
    rmSync(statePath);
    expect(readScaleCache(dir, key)).toBeUndefined();
  });

  it('refuses to store a build whose dump anvil did not write', () => {
    expect(() => writeScaleCache(dir, join(dir, 'missing.json'), { key: 'x' } as ScaleCacheEntry)).toThrow(/did not dump/);
  });
});
