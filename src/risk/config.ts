import { getAddress, isAddress } from 'viem';
import { z } from 'zod';
import { SearcherError } from '../errors.ts';
import { formatPath } from '../errors.ts';

/**
 * The risk layer's thresholds. Every limit has a default a cautious operator could start with; the run
 * config embeds this schema as its `risk` section (amounts in JSON are decimal wei strings, times in ms).
 */
const wei = z
  .union([z.string().regex(/^\d+$/, 'expected wei as a decimal string'), z.bigint().nonnegative()])
  .transform((value) => BigInt(value));
const gas = wei;
const ms = z.number().int().positive();
const bps = z.number().int().min(1).max(10_000);
const count = z.number().int().min(1).max(1_000_000);
const address = z.string().refine(isAddress, 'expected a 0x address').transform((value) => getAddress(value));

const ether = 10n ** 18n;

export const riskConfigSchema = z.strictObject({
  gas: z
    .strictObject({
      /** Gas limit of our own transactions in one bundle (the victim's gas is not ours). */
      maxGasPerBundle: gas.default(2_000_000n),
      /** Gas wei for bundles targeting one block: paid, plus the worst case of those still outstanding. */
      maxSpendPerBlockWei: wei.default(ether / 20n),
      /** Gas wei over the rolling window below: paid on chain plus outstanding. */
      maxSpendPerWindowWei: wei.default(ether / 2n),
      windowMs: ms.default(86_400_000),
      /** A bundle the submitter never resolves is assumed paid at its worst case after this long. */
      outstandingTimeoutMs: ms.default(120_000),
    })
    .prefault({}),
  loss: z
    .strictObject({
      /** Largest equity drawdown (realised, net of gas and builder payments) per rolling hour, bps of equity. */
      maxHourlyLossBps: bps.default(100),
      /** The same per rolling day; 200 bps = 2% of equity. */
      maxDailyLossBps: bps.default(200),
    })
    .prefault({}),
  failures: z
    .strictObject({
      /** Losing or failed bundles in a row that stop sending. */
      maxConsecutive: count.default(3),
      cooldownMs: ms.default(300_000),
    })
    .prefault({}),
  frequency: z
    .strictObject({
      maxPerSecond: count.default(50),
      maxPerPoolPerSecond: count.default(50),
    })
    .prefault({}),
  connectivity: z
    .strictObject({
      /** From a block's timestamp to our receipt of its header. */
      maxHeadLatencyMs: ms.default(4_000),
      /** Round trip of a request on the node's socket. */
      maxSocketLatencyMs: ms.default(1_000),
      /** Samples above a bound in a row before sends stop. */
      consecutiveSamples: count.default(3),
      /** No new head for this long stops sends (mainnet slots are 12 s). */
      maxHeadSilenceMs: ms.default(30_000),
    })
    .prefault({}),
  integrity: z
    .strictObject({
      /** A pool price moving more than this between observations, with no log that explains it, pauses the pool. */
      maxUnexplainedPriceJumpBps: bps.default(500),
      /** Prediction/simulation mismatches on one pool within the window that pause it. */
      maxMismatches: count.default(3),
      mismatchWindowMs: ms.default(600_000),
      poolPauseMs: ms.default(600_000),
    })
    .prefault({}),
  liquidity: z
    .strictObject({
      /** A pool whose liquidity falls by this fraction (bps) of its peak within the window is paused. */
      maxDropBps: bps.default(5_000),
      windowMs: ms.default(3_600_000),
      poolPauseMs: ms.default(1_800_000),
    })
    .prefault({}),
  exposure: z
    .strictObject({
      /** Largest amountIn a plan may take from the executor's inventory (start token units). */
      maxInventoryAmountIn: wei.default(10n * ether),
      /** Largest amount a plan may borrow in a flash swap (start token units). */
      maxFlashAmount: wei.default(100n * ether),
      /** Per start token overrides (tokens whose units are not 18-decimal WETH need their own caps). */
      tokens: z
        .record(z.string(), z.strictObject({ maxInventoryAmountIn: wei, maxFlashAmount: wei }))
        .default({})
        .superRefine((tokens, context) => {
          for (const key of Object.keys(tokens)) if (!isAddress(key)) context.addIssue({ code: 'custom', message: `expected a 0x address as key (got "${key}")`, path: [key] });
        }),
    })
    .prefault({}),
  killSwitch: z
    .strictObject({
      /** How often a running bot reads the store's halt latch (written by `searcher halt` / `resume`). */
      pollMs: ms.default(250),
      /** Environment variable holding the bearer token of POST /api/halt and /api/resume. */
      tokenEnv: z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'expected an environment variable name').default('SEARCHER_RISK_TOKEN'),
    })
    .prefault({}),
  /** Granularity of the rolling spend and loss windows (entries expire by bucket, conservatively late). */
  bucketMs: ms.default(60_000),
});

export type RiskConfig = z.infer<typeof riskConfigSchema>;
export type RiskConfigInput = z.input<typeof riskConfigSchema>;

export class RiskConfigError extends SearcherError {
  constructor(source: string, issues: string[]) {
    super('SCENARIO_INVALID', `invalid risk config ${source}:\n${issues.map((issue) => `  ${issue}`).join('\n')}`);
  }
}

/** Validates a risk section (or `{}` for every default); errors name the field. */
export function parseRiskConfig(json: unknown = {}, source = '(risk)'): RiskConfig {
  const parsed = riskConfigSchema.safeParse(json);
  if (!parsed.success) throw new RiskConfigError(source, parsed.error.issues.map((issue) => `${formatPath(issue.path) || '(root)'}: ${issue.message}`));
  return parsed.data;
}

/** The caps for one start token: its override, else the defaults. */
export function exposureCaps(config: RiskConfig, startToken: string): { maxInventoryAmountIn: bigint; maxFlashAmount: bigint } {
  const wanted = startToken.toLowerCase();
  for (const [token, caps] of Object.entries(config.exposure.tokens)) if (token.toLowerCase() === wanted) return caps;
  return config.exposure;
}
