import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { getAddress, isAddress, type Address } from 'viem';
import { z } from 'zod';
import { SearcherError } from '../errors.ts';
import { mainnet } from '../devnet/addresses.ts';
import { formatPath } from '../devnet/scenario/load.ts';

/**
 * The bot's configuration file (JSON). `chain` is either the devnet manifest itself (`searcher devnet
 * --manifest` writes one), `{ "manifest": "path" }`, or an explicit node + executor. Keys never appear here:
 * the operator key comes from SEARCHER_PRIVATE_KEY or an encrypted keystore.
 */
const address = z.string().refine(isAddress, 'expected a 0x address').transform((value) => getAddress(value));
const wei = z.string().regex(/^\d+$/, 'expected wei as a decimal string').transform(BigInt);

const explicitChain = z.object({
  chainId: z.number().int().positive(),
  rpcUrl: z.url(),
  wsUrl: z.string().regex(/^wss?:\/\//, 'expected a ws:// or wss:// URL'),
  executor: z.object({ address, operator: address.optional() }).loose(),
  contracts: z.object({ weth: address }).loose().default({ weth: mainnet.weth }),
}).loose();

export const runConfigSchema = z.strictObject({
  chain: z.union([z.strictObject({ manifest: z.string() }), explicitChain]),
  factories: z
    .strictObject({
      v2: z.array(z.strictObject({ address, feeBps: z.number().int().min(0).max(9999), venue: z.string() })),
      v3: z.array(z.strictObject({ address, venue: z.string() })),
    })
    .default({
      v2: [
        { address: mainnet.uniswapV2Factory, feeBps: 30, venue: 'uniswapV2' },
        { address: mainnet.sushiswapFactory, feeBps: 30, venue: 'sushiswap' },
      ],
      v3: [{ address: mainnet.uniswapV3Factory, venue: 'uniswapV3' }],
    }),
  strategy: z
    .strictObject({
      priorityFeeWei: wei.default(1_000_000_000n),
      builderShareBps: z.number().int().min(0).max(10_000).default(5000),
      minNetProfitWei: wei.default(0n),
      maxCyclesPerPool: z.number().int().min(1).max(10_000).default(256),
      /** Cycles sized exactly per victim or block, best in-range estimates first (latency vs. coverage). */
      maxSizedPerSearch: z.number().int().min(1).max(1_000).default(4),
      /** Tokens never traded (until token safety verdicts exist, the poisoned ones are listed here). */
      excludedTokens: z.array(address).default([]),
    })
    .default({ priorityFeeWei: 1_000_000_000n, builderShareBps: 5000, minNetProfitWei: 0n, maxCyclesPerPool: 256, maxSizedPerSearch: 4, excludedTokens: [] }),
  simulation: z.strictObject({ backend: z.enum(['simulateV1', 'fork']).default('simulateV1') }).default({ backend: 'simulateV1' }),
  /** Where token safety verdicts are kept (relative to this file). */
  tokenSafety: z.strictObject({ file: z.string().default('token-verdicts.json') }).default({ file: 'token-verdicts.json' }),
  signer: z.strictObject({ keyEnv: z.string().default('SEARCHER_PRIVATE_KEY'), keystore: z.string().optional() }).default({ keyEnv: 'SEARCHER_PRIVATE_KEY' }),
});

export type RunConfig = z.infer<typeof runConfigSchema>;

export type ResolvedPaths = { tokenVerdicts: string };

export type ResolvedChain = { chainId: number; rpcUrl: string; wsUrl: string; executor: Address; operator?: Address; weth: Address };

export class ConfigError extends SearcherError {
  constructor(source: string, issues: string[]) {
    super('SCENARIO_INVALID', `invalid config ${source}:\n${issues.map((issue) => `  ${issue}`).join('\n')}`);
  }
}

function parse<T>(schema: z.ZodType<T>, json: unknown, source: string): T {
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new ConfigError(source, parsed.error.issues.map((issue) => `${formatPath(issue.path) || '(root)'}: ${issue.message}`));
  return parsed.data;
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (cause) {
    throw new ConfigError(file, [`(root): ${(cause as Error).message}`]);
  }
}

/** Reads and validates the config; a manifest path is read relative to the config file. */
export function loadRunConfig(file: string): { config: RunConfig; chain: ResolvedChain; paths: ResolvedPaths } {
  const config = parse(runConfigSchema, readJson(file), file);
  const manifest = (config.chain as { manifest?: unknown }).manifest;
  let explicit = config.chain as z.infer<typeof explicitChain>;
  if (typeof manifest === 'string') {
    const manifestFile = resolve(dirname(file), manifest);
    explicit = parse(explicitChain, readJson(manifestFile), manifestFile);
  }
  return {
    config,
    paths: { tokenVerdicts: resolve(dirname(file), config.tokenSafety.file) },
    chain: {
      chainId: explicit.chainId,
      rpcUrl: explicit.rpcUrl,
      wsUrl: explicit.wsUrl,
      executor: explicit.executor.address,
      ...(explicit.executor.operator ? { operator: explicit.executor.operator } : {}),
      weth: explicit.contracts.weth,
    },
  };
}
