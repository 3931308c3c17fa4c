import { z } from 'zod';
import { formatPath } from '../../errors.ts';
import { decimalToRational } from '../../units/decimal.ts';
import type { ScenarioIssue } from './load.ts';

/**
 * Uniswap V4 pools of a scenario. "ETH" is native ether (currency0 = address(0)); other symbols are tokens.
 * `hook` picks one of the devnet's hooks (src/devnet/v4/hooks.ts): none, v4-core's DynamicFeesTestHook (the
 * pool's fee is the flag and the hook sets `fee`), or v4-core's DeltaReturningHook (it takes
 * `afterSwapDelta` base units of the unspecified currency from every swap). Positions are tick ranges given as
 * prices, with their liquidity L as an integer: the PoolManager computes the amounts, and the deployer pays them.
 */
const symbol = z.string().regex(/^[A-Za-z][A-Za-z0-9]{0,15}$/, 'expected a token symbol such as "USDC", or ETH');
const positiveDecimal = z
  .string()
  .regex(/^\d+(\.\d+)?$/, 'expected a non-negative decimal number in a string, e.g. "1500.25"')
  .refine((value) => /[1-9]/.test(value), 'must be greater than zero');
const positiveInteger = z.string().regex(/^[1-9]\d*$/, 'expected a positive integer in a string');

export const v4HookKinds = ['none', 'dynamicFee', 'deltaReturning'] as const;

export const v4PoolSchema = z.strictObject({
  pair: z.tuple([symbol, symbol]),
  /** LP fee in pips (3000 = 0.3%); for a dynamicFee hook, the fee the hook sets. */
  fee: z.number().int().min(0).max(1_000_000),
  tickSpacing: z.number().int().min(1).max(32_767),
  hook: z.enum(v4HookKinds).default('none'),
  afterSwapDelta: positiveInteger.optional(),
  /** Price of pair[0] in units of pair[1]. */
  price: positiveDecimal,
  positions: z
    .array(
      z.strictObject({
        range: z.union([z.literal('full'), z.strictObject({ priceLower: positiveDecimal, priceUpper: positiveDecimal })]),
        liquidity: positiveInteger,
      }),
    )
    .min(1, 'a V4 pool needs at least one liquidity position'),
});

export type ScenarioV4Pool = z.infer<typeof v4PoolSchema>;

/** Cross-references: known symbols (tokens, WETH, ETH), two different currencies, one pool per key, sane ranges. */
export function checkV4Pools(pools: readonly ScenarioV4Pool[] | undefined, symbols: ReadonlySet<string>): ScenarioIssue[] {
  const issues: ScenarioIssue[] = [];
  const add = (path: PropertyKey[], message: string) => issues.push({ path: formatPath(['v4Pools', ...path]), message });
  const seen = new Set<string>();
  (pools ?? []).forEach((pool, index) => {
    pool.pair.forEach((value, side) => {
      if (value !== 'ETH' && !symbols.has(value)) add([index, 'pair', side], `unknown token "${value}" (define it under tokens, or use WETH or ETH)`);
    });
    if (pool.pair[0] === pool.pair[1]) add([index, 'pair'], 'a pool needs two different currencies');
    const key = `${[...pool.pair].sort().join('/')}:${pool.fee}:${pool.tickSpacing}:${pool.hook}`;
    if (seen.has(key)) add([index], 'duplicate V4 pool (same pair, fee, tick spacing and hook)');
    seen.add(key);
    if (pool.afterSwapDelta !== undefined && pool.hook !== 'deltaReturning') add([index, 'afterSwapDelta'], 'only a deltaReturning hook takes a delta');
    pool.positions.forEach((position, p) => {
      if (position.range === 'full') return;
      const lower = decimalToRational(position.range.priceLower);
      const upper = decimalToRational(position.range.priceUpper);
      if (!(lower.numerator * upper.denominator < upper.numerator * lower.denominator)) add([index, 'positions', p, 'range'], 'priceLower must be below priceUpper');
    });
  });
  return issues;
}
