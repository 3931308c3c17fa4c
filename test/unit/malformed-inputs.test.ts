import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { MalformedInputs } from '../../src/chain/malformedInputs.ts';
import { checkBlockHashes, checkNodeHead, checkNodeTx } from '../../src/mempool/nodeJson.ts';

const hash = `0x${'ab'.repeat(32)}`;
const address = `0x${'11'.repeat(20)}`;

describe('MalformedInputs', () => {
  it('counts every one, warns once per kind per window, and says how many were only counted since', () => {
    const lines: Array<{ level: number; kind: string; total: number; sinceLastWarn?: number }> = [];
    const clock = { t: 0 };
    const inputs = new MalformedInputs({ logger: pino({ base: undefined }, { write: (line: string) => void lines.push(JSON.parse(line)) }), source: 'node', warnEveryMs: 60_000, now: () => clock.t });
    for (let i = 0; i < 1000; i++) inputs.record('not-json', 'x');
    inputs.record('bad-head', 'number must be a quantity');
    expect(lines.map((line) => [line.kind, line.total])).toEqual([
      ['not-json', 1],
      ['bad-head', 1],
    ]);
    clock.t = 59_999;
    inputs.record('not-json', 'x');
    expect(lines).toHaveLength(2);
    clock.t = 60_000;
    inputs.record('not-json', 'x');
    expect(lines).toHaveLength(3);
    expect(lines[2]).toMatchObject({ level: 40, kind: 'not-json', total: 1002, sinceLastWarn: 1001 });
    expect(Object.fromEntries(inputs.totals())).toEqual({ 'not-json': 1002, 'bad-head': 1 });
  });
});

describe('node JSON checks', () => {
  const tx = { hash, from: address, to: null, value: '0x0', input: '0x', nonce: '0x1', maxFeePerGas: '0x10' };
  it('accepts well-formed transactions, heads and block bodies', () => {
    expect(checkNodeTx(tx)).toMatchObject({ ok: true, value: { hash, to: null } });
    expect(checkNodeTx({ ...tx, to: undefined })).toMatchObject({ ok: true, value: { to: null } });
    expect(checkNodeHead({ number: '0x10', hash, parentHash: hash, baseFeePerGas: '0x7', gasUsed: '0x0', gasLimit: '0x1c9c380', timestamp: '0x5' })).toMatchObject({ ok: true });
    expect(checkBlockHashes({ transactions: [hash] })).toEqual({ ok: true, value: [hash] });
    expect(checkBlockHashes(null)).toEqual({ ok: true, value: undefined });
  });

  it('names the first bad field of each kind of garbage', () => {
    const reasons = [
      checkNodeTx(null),
      checkNodeTx([tx]),
      checkNodeTx({ ...tx, hash: '0x12' }),
      checkNodeTx({ ...tx, from: 7 }),
      checkNodeTx({ ...tx, to: 'nowhere' }),
      checkNodeTx({ ...tx, value: 'lots' }),
      checkNodeTx({ ...tx, input: '0xabc' }),
      checkNodeTx({ ...tx, gas: 21000 }),
      checkNodeTx({ ...tx, maxFeePerGas: `0x${'f'.repeat(65)}` }),
      checkNodeHead({ number: 5, hash, parentHash: hash }),
      checkNodeHead({ number: '0x5', hash, parentHash: null }),
      checkNodeHead({ number: '0x5', hash, parentHash: hash, baseFeePerGas: '0x7', gasUsed: '0x0', gasLimit: '0x1', timestamp: 'now' }),
      // Without these the next base fee would read as 0: gas priced at nothing, transactions below the real fee.
      checkNodeHead({ number: '0x5', hash, parentHash: hash, gasUsed: '0x0', gasLimit: '0x1', timestamp: '0x5' }),
      checkNodeHead({ number: '0x5', hash, parentHash: hash, baseFeePerGas: '0x7', gasUsed: '0x0', timestamp: '0x5' }),
      checkBlockHashes({ transactions: 42 }),
      checkBlockHashes('block'),
    ].map((checked) => (checked.ok ? 'ok' : checked.reason));
    expect(reasons).toEqual([
      'not an object',
      'not an object',
      'hash must be 32 bytes of hex',
      'from must be an address',
      'to must be an address or null',
      'value must be a quantity',
      'input must be even-length hex',
      'gas must be a quantity',
      'maxFeePerGas must be a quantity',
      'number must be a quantity',
      'parentHash must be 32 bytes of hex',
      'timestamp must be a quantity',
      'baseFeePerGas must be a quantity',
      'gasLimit must be a quantity',
      'transactions must be a list of hashes',
      'block is not an object',
    ]);
  });
});
