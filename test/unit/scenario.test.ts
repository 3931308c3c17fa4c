import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultScenarioPath, loadScenario, parseScenario, ScenarioError } from '../../src/devnet/scenario/load.ts';

const base = () => JSON.parse(readFileSync(defaultScenarioPath(), 'utf8'));

function issuesOf(mutate: (scenario: any) => void): Array<{ path: string; message: string }> {
  const scenario = base();
  mutate(scenario);
  try {
    parseScenario(scenario);
  } catch (error) {
    expect(error).toBeInstanceOf(ScenarioError);
    return [...(error as ScenarioError).issues];
  }
  throw new Error('expected the scenario to be refused');
}

describe('scenario validation', () => {
  it('accepts the shipped default scenario', () => {
    const scenario = loadScenario(defaultScenarioPath());
    expect(scenario.pools.length).toBeGreaterThan(10);
    expect(scenario.traffic.random?.swapsPerBlock).toBeGreaterThan(0);
  });

  it('names the field of a wrong type', () => {
    const issues = issuesOf((s) => (s.pools[1].reserves[0] = 600));
    expect(issues).toEqual([expect.objectContaining({ path: 'pools[1].reserves[0]' })]);
  });

  it('names an unknown token in a pool', () => {
    const issues = issuesOf((s) => (s.pools[0].pair[1] = 'USDX'));
    expect(issues[0]).toEqual({ path: 'pools[0].pair[1]', message: expect.stringContaining('unknown token "USDX"') });
  });

  it('refuses amounts more precise than the token', () => {
    const issues = issuesOf((s) => (s.pools[0].reserves[1] = '6000000.0000001'));
    expect(issues[0]).toEqual({ path: 'pools[0].reserves[1]', message: expect.stringContaining('more decimals than USDC (6)') });
  });

  it('refuses a fee tier the factory does not have', () => {
    const issues = issuesOf((s) => (s.pools[2].fee = 250));
    expect(issues[0]!.path).toBe('pools[2].fee');
    expect(issues[0]!.message).toMatch(/fee tier/);
  });

  it('refuses unknown keys (typos)', () => {
    const issues = issuesOf((s) => (s.traders.ethh = '1'));
    expect(issues[0]!.path).toBe('traders');
    expect(issues[0]!.message).toMatch(/ethh/);
  });

  it('refuses an inverted price range and a duplicate pool', () => {
    const issues = issuesOf((s) => {
      s.pools[2].positions[1].range = { priceLower: '3300', priceUpper: '2700' };
      s.pools.push(s.pools[0]);
    });
    expect(issues.map((issue) => issue.path)).toEqual(['pools[2].positions[1].range', `pools[${base().pools.length}]`]);
  });

  it('checks explicit swaps against traders and routes', () => {
    const issues = issuesOf((s) => {
      s.traffic.swaps = [
        { block: 1, trader: 99, router: 'sushiswapRouter', path: ['WETH', 'USDT'], amountIn: '1' },
        { block: 2, trader: 0, router: 'universalRouter', path: ['USDC', 'WETH'], amountIn: '1' },
      ];
    });
    expect(issues.map((issue) => issue.path)).toEqual([
      'traffic.swaps[0].trader',
      'traffic.swaps[0].path[1]',
      'traffic.swaps[1].path[0]',
    ]);
  });

  it('reports malformed JSON with the file name', () => {
    const dir = mkdtempSync(join(tmpdir(), 'scenario-'));
    const file = join(dir, 'broken.json');
    writeFileSync(file, '{"name": "x",');
    expect(() => loadScenario(file)).toThrow(new RegExp(`invalid scenario ${file}:\\n  \\(root\\): not valid JSON`));
  });
});
