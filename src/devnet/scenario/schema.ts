import { z } from 'zod';
import { v3FeeTickSpacing } from '../../chain/addresses.ts';
import { builderFaults } from '../builder/faulty.ts';
import { privateFlowHintsSchema } from '../relays/mevShareSink.ts';
import { rivalsSchema } from '../rivals/schema.ts';
import { v4PoolSchema } from './v4Schema.ts';

/**
 * The scenario file: what the devnet holds and what its users do. Amounts are decimal strings in token
 * units ("1500.25" USDC), converted exactly to base units; a value with more decimals than the token has is
 * an error, never rounded. Token references are symbols; "WETH" is always the real WETH9.
 */
const decimal = z
  .string()
  .regex(/^\d+(\.\d+)?$/, 'expected a non-negative decimal number in a string, e.g. "1500.25"');
const positiveDecimal = decimal.refine((value) => /[1-9]/.test(value), 'must be greater than zero');
const symbol = z.string().regex(/^[A-Za-z][A-Za-z0-9]{0,15}$/, 'expected a token symbol such as "USDC"');
const bps = z.number().int().min(0).max(10_000);

const tokenBase = {
  symbol,
  name: z.string().min(1).optional(),
  decimals: z.number().int().min(0).max(36).default(18),
};

export const tokenSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('standard'), ...tokenBase }),
  z.strictObject({ kind: z.literal('noReturn'), ...tokenBase }),
  z.strictObject({ kind: z.literal('feeOnTransfer'), ...tokenBase, feeBps: bps }),
  z.strictObject({ kind: z.literal('honeypot'), ...tokenBase }),
  z.strictObject({ kind: z.literal('salmonella'), ...tokenBase, creditBps: bps }),
]);

const pair = z.tuple([symbol, symbol]);

const positionRange = z.union([
  z.literal('full'),
  z.strictObject({ priceLower: positiveDecimal, priceUpper: positiveDecimal }),
]);

export const v3FeeSchema = z
  .number()
  .int()
  .refine((fee) => fee === 100 || fee in v3FeeTickSpacing, 'expected a V3 fee tier: 100, 500, 3000 or 10000');

export const poolSchema = z.discriminatedUnion('dex', [
  z.strictObject({
    dex: z.enum(['uniswapV2', 'sushiswap']),
    pair,
    /** Initial reserves, in the order of `pair`. */
    reserves: z.tuple([positiveDecimal, positiveDecimal]),
  }),
  z.strictObject({
    dex: z.literal('uniswapV3'),
    pair,
    fee: v3FeeSchema,
    /** Price of pair[0] in units of pair[1] ("3000" for WETH/USDC). */
    price: positiveDecimal,
    positions: z
      .array(
        z.strictObject({
          range: positionRange,
          /** Desired amounts in the order of `pair`; the position manager mints the most liquidity they allow. */
          amounts: z.tuple([decimal, decimal]),
        }),
      )
      .min(1, 'a V3 pool needs at least one liquidity position'),
  }),
]);

export const routerKinds = [
  'uniswapV2Router02',
  'sushiswapRouter',
  'swapRouter',
  'swapRouter02',
  'universalRouter',
] as const;
export type RouterKind = (typeof routerKinds)[number];
const routerKind = z.enum(routerKinds);

export const explicitSwapSchema = z.strictObject({
  /** The block the swap should land in; it is sent to the mempool when the block before it is mined. */
  block: z.number().int().min(1),
  trader: z.number().int().min(0),
  router: routerKind,
  /** Tokens from input to output. */
  path: z.array(symbol).min(2).max(4),
  /** V3 fee per hop (routers that use V3 pools); defaults to the deepest matching pool's fee. */
  fees: z.array(v3FeeSchema).optional(),
  amountIn: positiveDecimal,
  slippageBps: bps.optional(),
});

export const randomTrafficSchema = z.strictObject({
  seed: z.number().int().min(0),
  /** Mean number of swaps per block (Poisson). */
  swapsPerBlock: z.number().min(0).max(200),
  /** Swap size as basis points of the input token held by the pool, drawn from this distribution. */
  size: z.strictObject({
    distribution: z.enum(['lognormal', 'uniform']),
    medianBps: z.number().positive().max(10_000),
    sigma: z.number().min(0).max(5).default(1),
    maxBps: z.number().positive().max(10_000),
  }),
  /** Relative weights of the routers users go through. */
  routers: z.partialRecord(routerKind, z.number().min(0)),
  /** Pools (by index in `pools`) random flow trades in; default: every pool of standard tokens. */
  pools: z.array(z.number().int().min(0)).optional(),
  slippageBps: bps.default(100),
  /** Mean number of Uniswap V4 swaps per block (Poisson) when the scenario has v4Pools; default 2 (traffic/v4Plan.ts). */
  v4SwapsPerBlock: z.number().min(0).max(200).optional(),
});

const share = z.number().min(0).max(1);

/**
 * Which share of the users' swaps go through each private order-flow auction instead of the public mempool.
 * Absent or null: every swap is public. Shares are fractions of the swaps; the rest stays public.
 */
export const privateFlowSchema = z
  .strictObject({
    mevBlockerShare: share,
    mevShareShare: share,
    /** What MEV-Share users let searchers see (mev-share-node's hint names); default Flashbots Protect's: hash and default_logs. */
    hints: privateFlowHintsSchema,
  })
  .refine((flow) => flow.mevBlockerShare + flow.mevShareShare <= 1, 'mevBlockerShare + mevShareShare must sum to 1 or less');

export const scenarioSchema = z.strictObject({
  name: z.string().min(1),
  description: z.string().optional(),
  tokens: z.array(tokenSchema),
  pools: z.array(poolSchema).min(1),
  /** Uniswap V4 pools in the PoolManager (v4Schema.ts); none by default. */
  v4Pools: z.array(v4PoolSchema).optional(),
  traders: z.strictObject({
    count: z.number().int().min(1).max(100),
    /** ETH balance of each trader. */
    eth: positiveDecimal,
    /** Token balances minted to each trader (WETH is wrapped from their ETH). */
    tokens: z.record(symbol, decimal).default({}),
  }),
  /** The searcher's executor, deployed and funded with WETH inventory at start. */
  executor: z.strictObject({ inventoryWeth: decimal }).default({ inventoryWeth: '100' }),
  traffic: z
    .strictObject({
      swaps: z.array(explicitSwapSchema).default([]),
      random: randomTrafficSchema.optional(),
    })
    .default({ swaps: [] }),
  /** Builders besides the local one that `searcher demo` also sends to, each failing in its own way. */
  faultyBuilders: z.array(z.strictObject({ name: z.string().regex(/^[a-z0-9-]{1,32}$/), fault: z.enum(builderFaults) })).default([]),
  /** Private order flow (MEV Blocker, MEV-Share); absent or null = public mempool only. */
  privateFlow: privateFlowSchema.nullable().optional(),
  /** Rival searchers the devnet runs (src/devnet/rivals/): none by default. `searcher demo --rivals FILE` adds more. */
  rivals: rivalsSchema.default([]),
});

export type Scenario = z.infer<typeof scenarioSchema>;
export type ScenarioToken = z.infer<typeof tokenSchema>;
export type ScenarioPool = z.infer<typeof poolSchema>;
export type ExplicitSwap = z.infer<typeof explicitSwapSchema>;
export type RandomTraffic = z.infer<typeof randomTrafficSchema>;
export type PrivateFlow = z.infer<typeof privateFlowSchema>;
