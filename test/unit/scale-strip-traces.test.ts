import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stripTraces } from '../../src/devnet/scale/stripTraces.ts';

const dir = mkdtempSync(join(tmpdir(), 'searcher-strip-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The same transformation done the obvious way (parse everything), to compare the streaming one against. */
function emptyTraces(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(emptyTraces);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, key === 'traces' && Array.isArray(inner) ? [] : emptyTraces(inner)]));
  }
  return value;
}

describe('stripTraces', () => {
  it('empties every "traces" array and nothing else, whatever the strings inside hold', () => {
    const dump = {
      block: { number: '0x2' },
      transactions: [
        { info: { traces: [{ trace: { data: '0x60806040', decoded: 'a "traces": [ ] } { [ string \\ with \\" quotes' } }, { children: [1, [2, { x: '[' }]] }], out: '0x' }, receipt: { logs: [{ data: '0x01' }] } },
        { info: { traces: [], note: 'traces' }, receipt: { logs: [] } },
        { info: { traces : [[[]]], 'traces-not': [1, 2] }, traces_count: 3 },
      ],
      accounts: { '0xabc': { code: '0x6080', storage: { '0x0': '0x1' } } },
    };
    const text = JSON.stringify(dump, null, 1).replace('"traces": [[[]]]', '"traces" :  [[[]]]');
    writeFileSync(join(dir, 'in.json'), text);
    const result = stripTraces(join(dir, 'in.json'), join(dir, 'out.json'));
    const stripped = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8'));
    expect(stripped).toEqual(emptyTraces(dump));
    expect(stripped).not.toEqual(dump);
    expect(result.stripped).toBe(3);
    expect(result.bytesOut).toBeLessThan(result.bytesIn);
    // Chunk boundaries anywhere (inside keys, strings, escapes) change nothing.
    for (const chunkBytes of [1, 2, 3, 7, 64]) {
      stripTraces(join(dir, 'in.json'), join(dir, `out-${chunkBytes}.json`), chunkBytes);
      expect(readFileSync(join(dir, `out-${chunkBytes}.json`), 'utf8')).toBe(readFileSync(join(dir, 'out.json'), 'utf8'));
    }
  });

  it('keeps long strings (contract code) intact, in and out of the stripped arrays', () => {
    const code = `0x${'60806040'.repeat(5000)}`;
    const dump = { accounts: { a: { code } }, transactions: [{ info: { traces: [{ data: code, output: code }] }, receipt: { logs: [{ data: code }] } }] };
    writeFileSync(join(dir, 'long.json'), JSON.stringify(dump));
    stripTraces(join(dir, 'long.json'), join(dir, 'long-out.json'), 1000);
    expect(JSON.parse(readFileSync(join(dir, 'long-out.json'), 'utf8'))).toEqual(emptyTraces(dump));
  });
});
