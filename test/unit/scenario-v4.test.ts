import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario, parseScenario, ScenarioError } from '../../src/devnet/scenario/load.ts';
import { projectRoot } from '../../src/paths.ts';

const v4Path = join(projectRoot(), 'scenarios', 'v4.json');
const base = () => JSON.parse(readFileSync(v4Path, 'utf8'));

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

describe('scenario V4 pools', () => {
  it('accepts scenarios/v4.json: hookless pools on several tick spacings, native ETH, both hooks', () => {
    const pools = loadScenario(v4Path).v4Pools!;
    expect(pools.length).toBe(8);
    expect(pools.some((pool) => pool.pair.includes('ETH'))).toBe(true);
    expect(new Set(pools.filter((pool) => pool.hook === 'none').map((pool) => pool.tickSpacing))).toEqual(new Set([1, 10, 30, 60, 200]));
    expect(pools.map((pool) => pool.hook).filter((hook) => hook !== 'none').sort()).toEqual(['deltaReturning', 'dynamicFee']);
  });

  it('names an unknown currency (ETH and WETH are known)', () => {
    const issues = issuesOf((s) => (s.v4Pools[0].pair[1] = 'USDX'));
    expect(issues).toEqual([{ path: 'v4Pools[0].pair[1]', message: expect.stringContaining('unknown token "USDX"') }]);
  });

  it('refuses a pool of one currency, a duplicate key, an inverted range and a delta on a pool without that hook', () => {
    const issues = issuesOf((s) => {
      s.v4Pools[1].pair = ['ETH', 'ETH'];
      s.v4Pools.push({ ...s.v4Pools[0] });
      s.v4Pools[2].positions[1].range = { priceLower: '3500', priceUpper: '2500' };
      s.v4Pools[3].afterSwapDelta = '5';
    });
    expect(issues.map((issue) => issue.path).sort()).toEqual(['v4Pools[1].pair', 'v4Pools[2].positions[1].range', 'v4Pools[3].afterSwapDelta', 'v4Pools[8]']);
  });

  it('refuses a fee above 100% and an unknown hook', () => {
    const issues = issuesOf((s) => {
      s.v4Pools[0].fee = 1_000_001;
      s.v4Pools[1].hook = 'mystery';
    });
    expect(issues.map((issue) => issue.path).sort()).toEqual(['v4Pools[0].fee', 'v4Pools[1].hook']);
  });
});
