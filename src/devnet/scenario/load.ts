import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatPath, SearcherError } from '../../errors.ts';
import { projectRoot } from '../../paths.ts';
import { decimalToRational, parseUnitsExact } from '../../units/decimal.ts';
import { scenarioSchema, type RouterKind, type Scenario } from './schema.ts';
import { checkV4Pools } from './v4Schema.ts';

export type ScenarioIssue = { path: string; message: string };

/** A scenario that failed validation; `issues` name the exact field and the reason. */
export class ScenarioError extends SearcherError {
  readonly issues: readonly ScenarioIssue[];

  constructor(source: string, issues: readonly ScenarioIssue[], options?: { cause?: unknown }) {
    const lines = issues.map((issue) => `  ${issue.path || '(root)'}: ${issue.message}`);
    super('SCENARIO_INVALID', `invalid scenario ${source}:\n${lines.join('\n')}`, options);
    this.issues = issues;
  }
}

/** ['pools', 2, 'reserves', 0] -> "pools[2].reserves[0]" */

export const defaultScenarioPath = (): string => join(projectRoot(), 'scenarios', 'default.json');

/** Reads, parses and validates a scenario file. Throws ScenarioError naming every bad field. */
export function loadScenario(file: string): Scenario {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new ScenarioError(file, [{ path: '', message: `cannot read the file (${(cause as Error).message})` }], { cause });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new ScenarioError(file, [{ path: '', message: `not valid JSON: ${(cause as Error).message}` }], { cause });
  }
  return parseScenario(json, file);
}

/** Validates a scenario object (schema, then the cross-references a schema cannot see). */
export function parseScenario(json: unknown, source = 'scenario'): Scenario {
  const parsed = scenarioSchema.safeParse(json);
  if (!parsed.success) {
    throw new ScenarioError(
      source,
      parsed.error.issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message })),
    );
  }
  const issues = checkReferences(parsed.data);
  if (issues.length > 0) throw new ScenarioError(source, issues);
  return parsed.data;
}

const v3Routers: ReadonlySet<RouterKind> = new Set(['swapRouter']);
const dexOfV2Router: Partial<Record<RouterKind, string>> = {
  uniswapV2Router02: 'uniswapV2',
  sushiswapRouter: 'sushiswap',
};

function checkReferences(scenario: Scenario): ScenarioIssue[] {
  const issues: ScenarioIssue[] = [];
  const add = (path: PropertyKey[], message: string) => issues.push({ path: formatPath(path), message });
  const decimals = new Map<string, number>([['WETH', 18]]);

  scenario.tokens.forEach((token, index) => {
    if (decimals.has(token.symbol)) add(['tokens', index, 'symbol'], `"${token.symbol}" is already defined`);
    decimals.set(token.symbol, token.decimals);
  });
  const checkSymbol = (value: string, path: PropertyKey[]) => {
    if (!decimals.has(value)) add(path, `unknown token "${value}" (define it under tokens, or use WETH)`);
  };
  const checkAmount = (value: string, token: string, path: PropertyKey[]) => {
    const tokenDecimals = decimals.get(token);
    if (tokenDecimals === undefined) return;
    try {
      parseUnitsExact(value, tokenDecimals);
    } catch {
      add(path, `"${value}" has more decimals than ${token} (${tokenDecimals})`);
    }
  };

  const seenPools = new Set<string>();
  scenario.pools.forEach((pool, index) => {
    const [a, b] = pool.pair;
    checkSymbol(a, ['pools', index, 'pair', 0]);
    checkSymbol(b, ['pools', index, 'pair', 1]);
    if (a === b) add(['pools', index, 'pair'], 'a pool needs two different tokens');
    const key = `${pool.dex}:${[a, b].sort().join('/')}:${pool.dex === 'uniswapV3' ? pool.fee : ''}`;
    if (seenPools.has(key)) add(['pools', index], `duplicate pool (${pool.dex} ${a}/${b})`);
    seenPools.add(key);
    if (pool.dex === 'uniswapV3') {
      pool.positions.forEach((position, p) => {
        checkAmount(position.amounts[0], a, ['pools', index, 'positions', p, 'amounts', 0]);
        checkAmount(position.amounts[1], b, ['pools', index, 'positions', p, 'amounts', 1]);
        if (position.range !== 'full' && !isBelow(position.range.priceLower, position.range.priceUpper)) {
          add(['pools', index, 'positions', p, 'range'], 'priceLower must be below priceUpper');
        }
      });
    } else {
      checkAmount(pool.reserves[0], a, ['pools', index, 'reserves', 0]);
      checkAmount(pool.reserves[1], b, ['pools', index, 'reserves', 1]);
    }
  });

  for (const [token, amount] of Object.entries(scenario.traders.tokens)) {
    checkSymbol(token, ['traders', 'tokens', token]);
    checkAmount(amount, token, ['traders', 'tokens', token]);
  }

  const hasPool = (dexes: readonly string[], a: string, b: string, fee?: number) =>
    scenario.pools.some(
      (pool) =>
        dexes.includes(pool.dex) &&
        ((pool.pair[0] === a && pool.pair[1] === b) || (pool.pair[0] === b && pool.pair[1] === a)) &&
        (fee === undefined || (pool.dex === 'uniswapV3' && pool.fee === fee)),
    );

  scenario.traffic.swaps.forEach((swap, index) => {
    const at = (...rest: PropertyKey[]) => ['traffic', 'swaps', index, ...rest];
    if (swap.trader >= scenario.traders.count) {
      add(at('trader'), `trader ${swap.trader} does not exist (traders.count is ${scenario.traders.count})`);
    }
    swap.path.forEach((token, hop) => checkSymbol(token, at('path', hop)));
    checkAmount(swap.amountIn, swap.path[0]!, at('amountIn'));
    if (swap.fees && swap.fees.length !== swap.path.length - 1) {
      add(at('fees'), `expected ${swap.path.length - 1} fees, one per hop`);
    }
    if (swap.router === 'universalRouter' && swap.path[0] !== 'WETH') {
      add(at('path', 0), 'universalRouter swaps start from ETH (path[0] must be WETH): the devnet has no Permit2');
    }
    for (let hop = 0; hop + 1 < swap.path.length; hop++) {
      const [a, b] = [swap.path[hop]!, swap.path[hop + 1]!];
      const fee = swap.fees?.[hop];
      const v2Dex = dexOfV2Router[swap.router];
      const ok = v2Dex
        ? hasPool([v2Dex], a, b)
        : v3Routers.has(swap.router) || fee !== undefined
          ? hasPool(['uniswapV3'], a, b, fee)
          : hasPool(['uniswapV2', 'uniswapV3'], a, b);
      if (!ok) add(at('path', hop + 1), `no pool for ${a} -> ${b} that ${swap.router} can use`);
    }
  });

  const random = scenario.traffic.random;
  if (random) {
    random.pools?.forEach((poolIndex, index) => {
      if (poolIndex >= scenario.pools.length) add(['traffic', 'random', 'pools', index], `pool ${poolIndex} does not exist`);
    });
    if (!Object.values(random.routers).some((weight) => (weight ?? 0) > 0)) {
      add(['traffic', 'random', 'routers'], 'give at least one router a positive weight');
    }
    if (random.size.medianBps > random.size.maxBps) add(['traffic', 'random', 'size', 'medianBps'], 'must not exceed maxBps');
  }
  issues.push(...checkV4Pools(scenario.v4Pools, new Set(decimals.keys())));
  return issues;
}

function isBelow(a: string, b: string): boolean {
  const x = decimalToRational(a);
  const y = decimalToRational(b);
  return x.numerator * y.denominator < y.numerator * x.denominator;
}
