import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRivalsFile, parseRivals, RivalsFileError } from '../../src/devnet/rivals/schema.ts';
import { defaultScenarioPath, loadScenario } from '../../src/devnet/scenario/load.ts';
import { runCli } from '../helpers/cli.ts';

const fileWith = (text: string) => {
  const file = join(mkdtempSync(join(tmpdir(), 'rivals-')), 'rivals.json');
  writeFileSync(file, text);
  return file;
};

describe('rivals (scenario field and --rivals FILE)', () => {
  it('reads an array or {"rivals": [...]}: fixed bids, the adaptive policy and the block-state arbitrageur', () => {
    const rivals = [
      { name: 'fast', latencyMs: 0, bidShareBps: 9000, strategy: 'backrun' },
      { name: 'slow', latencyMs: 300, bidShareBps: 5000 },
      { name: 'adaptive', policy: { kind: 'adaptive' } },
      { name: 'arb', bidShareBps: 8000, strategy: 'blockArb' },
    ];
    const fromArray = loadRivalsFile(fileWith(JSON.stringify(rivals)));
    const fromObject = loadRivalsFile(fileWith(JSON.stringify({ rivals })));
    expect(fromObject).toEqual(fromArray);
    expect(fromArray.map((rival) => [rival.name, rival.latencyMs, rival.strategy])).toEqual([
      ['fast', 0, 'backrun'],
      ['slow', 300, 'backrun'],
      ['adaptive', 0, 'backrun'],
      ['arb', 0, 'blockArb'],
    ]);
    expect(fromArray[2]!.policy).toMatchObject({ kind: 'adaptive', startBps: 5000, maxBps: 9900 });
  });

  it('the rival files shipped in scenarios/rivals (the issue\'s mixes) load, one rival each, with the kinds their names say', () => {
    const dir = join(dirname(defaultScenarioPath()), 'rivals');
    const loaded = Object.fromEntries(['fast90', 'slow50', 'adaptive', 'arb80'].map((name) => [name, loadRivalsFile(join(dir, `${name}.json`))]));
    expect(loaded.fast90).toEqual([expect.objectContaining({ name: 'fast90', latencyMs: 0, bidShareBps: 9000, strategy: 'backrun' })]);
    expect(loaded.slow50).toEqual([expect.objectContaining({ name: 'slow50', latencyMs: 300, bidShareBps: 5000, strategy: 'backrun' })]);
    expect(loaded.adaptive).toEqual([expect.objectContaining({ name: 'adaptive', policy: expect.objectContaining({ kind: 'adaptive' }) })]);
    expect(loaded.arb80).toEqual([expect.objectContaining({ name: 'arb80', bidShareBps: 8000, strategy: 'blockArb' })]);
  });

  it('the default scenario has no rivals (its capture numbers stay as they were)', () => {
    expect(loadScenario(defaultScenarioPath()).rivals).toEqual([]);
  });

  it.each([
    ['not JSON', '[{"name": "x",', /not valid JSON/],
    ['a bid and a policy', JSON.stringify([{ name: 'x', bidShareBps: 9000, policy: { kind: 'adaptive' } }]), /rivals\[0\].*exactly one of bidShareBps or policy/],
    ['neither bid nor policy', JSON.stringify([{ name: 'x' }]), /rivals\[0\].*exactly one of bidShareBps or policy/],
    ['a bid above the executor cap', JSON.stringify([{ name: 'x', bidShareBps: 9950 }]), /rivals\[0\]\.bidShareBps/],
    ['an unknown strategy', JSON.stringify([{ name: 'x', bidShareBps: 5000, strategy: 'sandwich' }]), /rivals\[0\]\.strategy/],
    ['a name twice', JSON.stringify([{ name: 'x', bidShareBps: 5000 }, { name: 'x', bidShareBps: 6000 }]), /rivals\[1\]\.name.*twice/],
    ['an unknown field', JSON.stringify([{ name: 'x', bidShareBps: 5000, speed: 3 }]), /rivals\[0\]/],
    ['a negative latency', JSON.stringify([{ name: 'x', bidShareBps: 5000, latencyMs: -1 }]), /rivals\[0\]\.latencyMs/],
  ])('refuses %s with the field named', (_, text, message) => {
    const file = fileWith(text);
    let caught: unknown;
    try {
      loadRivalsFile(file);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(RivalsFileError);
    expect((caught as Error).message).toContain(file);
    expect((caught as Error).message).toMatch(message);
  });

  it('parseRivals refuses a rival list that is not a list', () => {
    expect(() => parseRivals({ rivals: 'fast' }, 'x.json')).toThrow(/rivals/);
  });

  it('searcher demo --rivals with a malformed file exits 2 naming the file and the field, before anything starts', async () => {
    const file = fileWith(JSON.stringify([{ name: 'fast', bidShareBps: 'high' }]));
    const result = await runCli(['demo', '--blocks', '1', '--rivals', file, '--dashboard-port', '0']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(file);
    expect(result.stderr).toMatch(/rivals\[0\]\.bidShareBps/);
    expect(result.stderr).not.toMatch(/devnet/i);
  }, 30_000);

  it('searcher demo --bid-policy / --bid-share out of their range exit 2 before anything starts', async () => {
    const policy = await runCli(['demo', '--blocks', '1', '--bid-policy', 'sometimes', '--dashboard-port', '0']);
    expect(policy.code).toBe(2);
    expect(policy.stderr).toMatch(/--bid-policy must be fixed or adaptive \(got sometimes\)/);
    const share = await runCli(['demo', '--blocks', '1', '--bid-share', '9901', '--dashboard-port', '0']);
    expect(share.code).toBe(2);
    expect(share.stderr).toMatch(/bid-share/);
    expect(`${policy.stderr}${share.stderr}`).not.toMatch(/devnet/i);
  }, 30_000);

  it('a device, a folder or a file that is not JSON is refused without reading it whole or quoting it', () => {
    expect(() => loadRivalsFile('/dev/zero')).toThrow(/not a regular file \(a device, pipe or socket\)/);
    expect(() => loadRivalsFile(tmpdir())).toThrow(/not a regular file \(a folder\)/);
    const secretish = fileWith('SEARCHER_PRIVATE_KEY=0xabc');
    let message = '';
    try {
      loadRivalsFile(secretish);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/not valid JSON/);
    expect(message).not.toContain('SEARCHER_P');
    expect(loadRivalsFile(fileWith(`\uFEFF${JSON.stringify([{ name: 'bom', bidShareBps: 5000 }])}`))).toEqual([expect.objectContaining({ name: 'bom' })]);
  });

  it('searcher demo --rivals with a missing file exits 2', async () => {
    const result = await runCli(['demo', '--blocks', '1', '--rivals', '/nonexistent/rivals.json', '--dashboard-port', '0']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('/nonexistent/rivals.json');
  }, 30_000);
});
