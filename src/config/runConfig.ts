import { readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { getAddress, isAddress, type Address } from 'viem';
import { z } from 'zod';
import { SearcherError } from '../errors.ts';
import { redactText } from '../redact.ts';
import { mainnet } from '../chain/addresses.ts';
import { formatPath } from '../errors.ts';
import { bundleFields, mainnetBuilders } from '../bundle/builders.ts';
import { dialectProblems, resolveBuilder, type ResolvedBuilder } from './builderDialect.ts';
import { riskConfigSchema } from '../risk/config.ts';
import { biddingSchema, defaultBidding, fixedShareProblem } from './bidding.ts';
import { JsonCommentError, stripJsonComments } from './jsonc.ts';
import { lineColumn, scanJson } from './jsonScan.ts';

/**
 * The bot's configuration file (JSON). `chain` is either the devnet manifest itself (`searcher devnet
 * --manifest` writes one), `{ "manifest": "path" }`, or an explicit node + executor. Keys never appear here:
 * the operator key comes from SEARCHER_PRIVATE_KEY or an encrypted keystore.
 */
const address = z.string().refine(isAddress, 'expected a 0x address').transform((value) => getAddress(value));
const wei = z.string().regex(/^\d+$/, 'expected wei as a decimal string').transform(BigInt);
/** Something that may hold a key by mistake: refused without echoing it (zod's messages never show the value). */
const looksLikeKey = (value: string) => /(0x)?[0-9a-fA-F]{32,}/.test(value);
const envName = z
  .string()
  .refine((value) => !looksLikeKey(value), 'looks like a key: name the environment variable that holds it, never the key')
  .refine((value) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(value), 'expected an environment variable name');

/** Nodes and builders are spoken to over HTTP(S); `z.url()` alone would let `ftp://` or `file:` through to the sender. */
const httpUrl = z.url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' });

const wsUrl = z.url({ protocol: /^wss?$/, error: 'expected a ws:// or wss:// URL' });

/**
 * The private order-flow streams the bot reads beside the public mempool; absent = that collector is off. A
 * devnet manifest lists the devnet's relays under the same names.
 */
const privateFlowChain = {
  /** MEV Blocker: `wsUrl` streams `mevblocker_partialPendingTransactions`; bids go to `rpcUrl` (eth_sendBundle). */
  mevBlocker: z.object({ wsUrl, rpcUrl: httpUrl }).loose().optional(),
  /** MEV-Share: `streamUrl` is the SSE hint stream; bundles go to `apiUrl` (mev_sendBundle). */
  mevShare: z.object({ streamUrl: httpUrl, apiUrl: httpUrl }).loose().optional(),
};

const explicitChain = z.object({
  chainId: z.number().int().positive(),
  rpcUrl: httpUrl,
  wsUrl: z.string().regex(/^wss?:\/\//, 'expected a ws:// or wss:// URL'),
  executor: z.object({ address, operator: address.optional() }).loose(),
  contracts: z.object({ weth: address }).loose().default({ weth: mainnet.weth }),
  ...privateFlowChain,
}).loose();

/** Connections kept ready per builder by default: a burst of bundles finds one open while the builder still answers the last. */
const defaultWarmConnections = 4;

export const runConfigSchema = z.strictObject({
  chain: z.union([z.strictObject({ manifest: z.string() }), explicitChain]),
  factories: z
    .strictObject({
      v2: z.array(z.strictObject({ address, feeBps: z.number().int().min(0).max(9999), venue: z.string() })),
      v3: z.array(z.strictObject({ address, venue: z.string() })),
      /**
       * Uniswap V4 PoolManagers whose pools the market follows (by pool id; hooked pools simulate-only). Off unless
       * listed: the search does not trade V4 pools yet, so following them costs reads for nothing but the state.
       */
      v4: z.array(z.strictObject({ poolManager: address, venue: z.string() })).optional(),
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
      /**
       * Borrow the first leg in a flash swap (up to risk.exposure.maxFlashAmount) when a trade's best input is
       * above the inventory cap and borrowing nets more than the capped trade. Off: such trades are sized down
       * to the inventory cap.
       */
      flash: z.boolean().default(false),
      /** How much to bid per opportunity (config/bidding.ts): the fixed builderShareBps unless `adaptive`. */
      bidding: biddingSchema.default(defaultBidding),
    })
    .superRefine((strategy, context) => {
      const problem = fixedShareProblem(strategy.builderShareBps, strategy.bidding);
      if (problem) context.addIssue({ code: 'custom', path: ['builderShareBps'], message: problem });
    })
    .default({ priorityFeeWei: 1_000_000_000n, builderShareBps: 5000, minNetProfitWei: 0n, maxCyclesPerPool: 256, maxSizedPerSearch: 4, excludedTokens: [], flash: false, bidding: defaultBidding }),
  /** How the market is loaded and kept: which pools are worth tracking, how hard the node is asked. */
  market: z
    .strictObject({
      /** Pools thinner than this on either side, valued in WETH (wei), are not tracked: dust no backrun profits from. */
      minLiquidityWei: wei.default(10n ** 18n),
      /** Lens calls in flight at once while loading (a provider answers a flood with 429s). */
      maxRequestsInFlight: z.number().int().min(1).max(64).default(8),
      /** Pools per lens call. */
      poolsPerCall: z.number().int().min(1).max(2_000).default(200),
      /** Blocks between saves of the pool checkpoint (in the store), from which a restart catches up. */
      checkpointEveryBlocks: z.number().int().min(1).max(100_000).default(50),
      /** A checkpoint further behind than this is not caught up event by event: its pools are read again. */
      maxWarmGapBlocks: z.number().int().min(0).max(1_000_000).default(5_000),
      /**
       * V3 ticks are loaded for price moves up to this factor either way from the current price (a trade that
       * would go further is refused, and the window follows the price); 0 loads every tick of every pool.
       */
      v3TickWindowPriceFactor: z.number().refine((value) => value === 0 || value >= 1.01, 'expected 0 (every tick) or a factor of at least 1.01').default(4),
    })
    .default({ minLiquidityWei: 10n ** 18n, maxRequestsInFlight: 8, poolsPerCall: 200, checkpointEveryBlocks: 50, maxWarmGapBlocks: 5_000, v3TickWindowPriceFactor: 4 }),
  simulation: z
    .strictObject({
      backend: z.enum(['simulateV1', 'fork']).default('simulateV1'),
      /**
       * `optimistic`: a bundle through pools an earlier simulation agreed with (to the wei) and tokens with a safe
       * verdict is sent first and simulated beside it; a disagreement cancels it (eth_cancelBundle) and pauses the
       * pools. `simulate-first`: every bundle is simulated before it is sent.
       */
      mode: z.enum(['optimistic', 'simulate-first']).default('optimistic'),
    })
    .default({ backend: 'simulateV1', mode: 'optimistic' }),
  /**
   * Deprecated and ignored: token verdicts live in the store (`--db`) since the JSON file was retired. Still
   * accepted so old configs load; `searcher run` warns when it is set.
   */
  tokenSafety: z.strictObject({ file: z.string().optional() }).optional(),
  signer: z
    .strictObject({
      keyEnv: envName.default('SEARCHER_PRIVATE_KEY'),
      keystore: z.string().refine((value) => !looksLikeKey(value), 'looks like a key: give the keystore file\'s path').optional(),
      /** Extra executor operators (the operator pool, each its own nonce chain): their keys, comma separated, in this variable. */
      operatorKeysEnv: envName.default('SEARCHER_OPERATOR_KEYS'),
      /** ...and/or encrypted keystores, with the main keystore's password (SEARCHER_KEYSTORE_PASSWORD). */
      operatorKeystores: z.array(z.string().refine((value) => !looksLikeKey(value), 'looks like a key: give the keystore file\'s path')).optional(),
    })
    .default({ keyEnv: 'SEARCHER_PRIVATE_KEY', operatorKeysEnv: 'SEARCHER_OPERATOR_KEYS' }),
  /**
   * Builders that receive bundles. Default: the devnet's local builder when the chain is a devnet manifest,
   * else the major mainnet builders' documented endpoints (src/bundle/builders.ts).
   */
  builders: z
    .array(
      z.strictObject({
        name: z.string().min(1),
        url: httpUrl,
        kind: z.enum(['flashbots-library', 'json-rpc']).default('json-rpc'),
        timeoutMs: z.number().int().min(10).max(60_000).default(1_000),
        /** Connections to it kept open and ready (`json-rpc` kind): a bundle then skips the TCP/TLS handshake. */
        warmConnections: z.number().int().min(0).max(32).default(defaultWarmConnections),
        // The builder's dialect (src/bundle/builders.ts): each option defaults to the built-in entry of this name,
        // else to the classic Flashbots fields; for a builder the list knows, an entry may only be stricter than its docs.
        /** The builder answers flashbots_getBundleStatsV2 (why a bundle missed). */
        stats: z.boolean().optional(),
        /** The optional eth_sendBundle fields it takes; others are left out of what we send it. */
        fields: z.array(z.enum(bundleFields)).optional(),
        /** Its docs require X-Flashbots-Signature (we always sign). */
        signatureRequired: z.boolean().optional(),
        /** Its eth_sendBundle rate limit, requests per second. */
        maxRequestsPerSecond: z.number().positive().max(100_000).optional(),
      }),
    )
    // Builders are told apart by name (metrics, the store's submissions, the dashboard): two of one name would merge.
    .superRefine((builders, context) => {
      builders.forEach((builder, index) => {
        const first = builders.findIndex((other) => other.name === builder.name);
        if (first < index) context.addIssue({ code: 'custom', path: [index, 'name'], message: `duplicate builder name "${builder.name}" (also builders[${first}]): give each builder its own name` });
        for (const problem of dialectProblems(builder)) context.addIssue({ code: 'custom', path: [index, problem.field], message: problem.message });
      });
    })
    .optional(),
  /** Off the devnet, bundles are only sent when this is true; otherwise the bot logs what it would send. */
  submit: z.boolean().default(false),
  /** Re-send an opportunity for up to this many blocks after the first while its victim is still pending. */
  extraBlocks: z.number().int().min(0).max(10).default(2),
  /** The Flashbots reputation key (signs X-Flashbots-Signature; holds no funds). Unset: a fresh key per run. */
  auth: z.strictObject({ keyEnv: envName.default('SEARCHER_FLASHBOTS_AUTH_KEY') }).default({ keyEnv: 'SEARCHER_FLASHBOTS_AUTH_KEY' }),
  /**
   * The extra operators (lanes). detachDependents: a bundle on the pools of an earlier one of ours goes out from a
   * free operator when it stands alone (simulated without them) and a builder took each earlier one's floor
   * version (paying the builder less per gas at the top of the block than each earlier backrun of a victim, the
   * builder, which runs bundles in that order, runs it after them: the state it was sized for; paying more, only
   * behind a route a rival contests: decision.ts), rather than after their nonces: a rival that outbids the earlier one no longer drops it. On by default (measured: see README). capDependentShare: one that would pay more per gas than an earlier one goes out detached all the
   * same, its share of the profit capped so that it ranks below them (else it rides their nonces, or, behind a route
   * where a rival outbid us lately, goes out detached at its own share and may run ahead of them); off by default: it bids less, so it loses more contested backruns to a rival bidding in between (see README).
   */
  lanes: z.strictObject({ detachDependents: z.boolean().default(true), capDependentShare: z.boolean().default(false) }).default({ detachDependents: true, capDependentShare: false }),
  /**
   * Gas money for the extra operators: one below minBalanceWei is topped up to topUpToWei from the main operator (at
   * start) or from the account whose key is in keyEnv (also while trading), at most maxPerTopUpWei at once and
   * maxPerDayWei per UTC day. A top-up that fails or that the caps do not allow stops that operator. Unset: none.
   */
  treasury: z
    .strictObject({ keyEnv: envName.optional(), minBalanceWei: wei, topUpToWei: wei, maxPerTopUpWei: wei, maxPerDayWei: wei })
    .refine((treasury) => treasury.topUpToWei > treasury.minBalanceWei, { message: 'topUpToWei must be above minBalanceWei', path: ['topUpToWei'] })
    .refine((treasury) => treasury.maxPerTopUpWei > 0n && treasury.maxPerTopUpWei <= treasury.maxPerDayWei, { message: 'maxPerTopUpWei must be above 0 and at most maxPerDayWei', path: ['maxPerTopUpWei'] })
    .optional(),
  risk: riskConfigSchema.default(riskConfigSchema.parse({})),
  dashboard: z
    .strictObject({
      host: z.string().default('127.0.0.1'),
      port: z.number().int().min(0).max(65535).default(8787),
    })
    .default({ host: '127.0.0.1', port: 8787 }),
}).superRefine((config, context) => {
  // The operator key holds the funds' authority: it never doubles as a bearer token (typed into curl, sent in
  // headers, kept by proxies) nor as the builders' reputation identity (its signature is sent to every builder).
  const operator = config.signer.keyEnv;
  if (config.auth.keyEnv === operator) {
    context.addIssue({ code: 'custom', path: ['auth', 'keyEnv'], message: `is ${operator}, the operator key's variable (signer.keyEnv): the operator key must not double as the builders' reputation key; give that its own variable (default SEARCHER_FLASHBOTS_AUTH_KEY)` });
  }
  const tokenEnv = config.risk.killSwitch.tokenEnv;
  const secrets: Record<string, string> = {
    [operator]: "the operator key's variable (signer.keyEnv)",
    [config.signer.operatorKeysEnv]: "the operator pool's keys (signer.operatorKeysEnv)",
    ...(config.treasury?.keyEnv ? { [config.treasury.keyEnv]: "the treasury's key (treasury.keyEnv)" } : {}),
    [config.auth.keyEnv]: "the builders' reputation key's variable (auth.keyEnv)",
    SEARCHER_KEYSTORE_PASSWORD: "the keystore's password",
  };
  if (tokenEnv in secrets) {
    context.addIssue({ code: 'custom', path: ['risk', 'killSwitch', 'tokenEnv'], message: `is ${tokenEnv}, ${secrets[tokenEnv]}: that secret would be the kill switch's bearer token; give the token its own variable (default SEARCHER_RISK_TOKEN)` });
  }
  // Each funded key has one job: the pool's keys and the treasury's are neither the main operator's nor the
  // builders' reputation key (sent with every request), nor each other (a treasury transfer from an operator takes a
  // nonce its bundles count on).
  type Job = { variable: string; what: string; path: string[] };
  const taken: Job[] = [
    { variable: operator, what: "the operator key's variable (signer.keyEnv)", path: ['signer', 'keyEnv'] },
    { variable: config.auth.keyEnv, what: "the builders' reputation key's variable (auth.keyEnv)", path: ['auth', 'keyEnv'] },
  ];
  const jobs: Job[] = [
    { variable: config.signer.operatorKeysEnv, what: "the operator pool's keys (signer.operatorKeysEnv)", path: ['signer', 'operatorKeysEnv'] },
    ...(config.treasury?.keyEnv ? [{ variable: config.treasury.keyEnv, what: "the treasury's key (treasury.keyEnv)", path: ['treasury', 'keyEnv'] }] : []),
  ];
  for (const job of jobs) {
    const clash = [...taken, ...jobs.filter((other) => other !== job)].find((other) => other.variable === job.variable);
    if (clash) context.addIssue({ code: 'custom', path: job.path, message: `is ${job.variable}, also ${clash.what}: each funded key has one job; give it a variable of its own` });
  }
});

export type RunConfig = z.infer<typeof runConfigSchema>;


export type ResolvedChain = {
  chainId: number;
  rpcUrl: string;
  wsUrl: string;
  executor: Address;
  operator?: Address;
  weth: Address;
  /** MEV Blocker's stream and bid endpoint; absent: the MEV Blocker collector is off. */
  mevBlocker?: { wsUrl: string; rpcUrl: string };
  /** MEV-Share's hint stream and bundle endpoint; absent: the MEV-Share collector is off. */
  mevShare?: { streamUrl: string; apiUrl: string };
};

export type { ResolvedBuilder } from './builderDialect.ts';

export class ConfigError extends SearcherError {
  constructor(source: string, issues: string[]) {
    super('SCENARIO_INVALID', redactText(`invalid config ${source}:\n${issues.map((issue) => `  ${issue}`).join('\n')}`));
  }
}

function parse<T>(schema: z.ZodType<T>, json: unknown, source: string): T {
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new ConfigError(source, parsed.error.issues.map((issue) => `${formatPath(issue.path) || '(root)'}: ${issue.message}`));
  return parsed.data;
}

/** A config is a few kB; a larger file is a wrong path (a log, a database), read whole into memory otherwise. */
const maxConfigBytes = 1_000_000;

function readJson(file: string): unknown {
  let text: string;
  try {
    // /dev/zero, a FIFO or a huge file would be read without end (a native abort): refused before reading.
    const stats = statSync(file);
    if (!stats.isFile()) throw new ConfigError(file, [`(root): not a regular file (${stats.isDirectory() ? 'a folder' : 'a device, pipe or socket'})`]);
    if (stats.size > maxConfigBytes) throw new ConfigError(file, [`(root): larger than 1 MB (${stats.size} bytes): not a config file`]);
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    if (cause instanceof ConfigError) throw cause;
    throw new ConfigError(file, [`(root): cannot read the file (${(cause as NodeJS.ErrnoException).code ?? 'error'})`]);
  }
  // Editors on Windows start UTF-8 files with a byte-order mark: invisible, and not JSON.
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  let json: string;
  try {
    // Comments are allowed (`searcher init` writes a commented config); they become spaces, positions unchanged.
    json = stripJsonComments(text);
  } catch (cause) {
    if (cause instanceof JsonCommentError) throw new ConfigError(file, [`(root): ${cause.message}`]);
    throw cause;
  }
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (cause) {
    // Our own walk says where (line, column); V8's message is a fallback and may quote a pasted key, so only
    // its position is kept from it.
    const scanned = scanJson(json).problem;
    if (scanned) throw new ConfigError(file, [`(root): not valid JSON at line ${scanned.line}, column ${scanned.column}: ${scanned.message}`]);
    const position = /at position (\d+)/.exec((cause as Error).message);
    const at = lineColumn(json, position ? Number(position[1]) : json.length);
    throw new ConfigError(file, [`(root): not valid JSON at line ${at.line}, column ${at.column}`]);
  }
  const duplicates = scanJson(json).duplicates;
  if (duplicates.length > 0) {
    throw new ConfigError(
      file,
      duplicates.map((duplicate) => `${duplicate.path}: duplicate key (lines ${duplicate.firstLine} and ${duplicate.secondLine}): JSON would keep only the last; merge them into one`),
    );
  }
  return value;
}

/** Reads and validates the config; a manifest path is read relative to the config file. */
export function loadRunConfig(file: string): { config: RunConfig; chain: ResolvedChain; builders: ResolvedBuilder[]; warnings: string[] } {
  const config = parse(runConfigSchema, readJson(file), file);
  const manifest = (config.chain as { manifest?: unknown }).manifest;
  let explicit = config.chain as z.infer<typeof explicitChain>;
  if (typeof manifest === 'string') {
    const manifestFile = resolve(dirname(file), manifest);
    explicit = parse(explicitChain, readJson(manifestFile), manifestFile);
  }
  const devnetBuilder = (explicit as { builderUrl?: unknown }).builderUrl;
  const builders: ResolvedBuilder[] = config.builders
    ? config.builders.map(resolveBuilder)
    : typeof devnetBuilder === 'string'
      ? [resolveBuilder({ name: 'local', url: devnetBuilder, kind: 'json-rpc', timeoutMs: 1_000, stats: true, signatureRequired: true, warmConnections: defaultWarmConnections })]
      : mainnetBuilders.map((builder) => resolveBuilder({ name: builder.name, url: builder.url, kind: builder.kind, timeoutMs: 1_000, warmConnections: defaultWarmConnections }));
  return {
    config,
    builders,
    warnings:
      config.tokenSafety?.file === undefined
        ? []
        : [`tokenSafety.file is deprecated and ignored: token verdicts now live in the store (--db); ${config.tokenSafety.file} is no longer read or written`],
    chain: {
      chainId: explicit.chainId,
      rpcUrl: explicit.rpcUrl,
      wsUrl: explicit.wsUrl,
      executor: explicit.executor.address,
      ...(explicit.executor.operator ? { operator: explicit.executor.operator } : {}),
      weth: explicit.contracts.weth,
      ...(explicit.mevBlocker ? { mevBlocker: { wsUrl: explicit.mevBlocker.wsUrl, rpcUrl: explicit.mevBlocker.rpcUrl } } : {}),
      ...(explicit.mevShare ? { mevShare: { streamUrl: explicit.mevShare.streamUrl, apiUrl: explicit.mevShare.apiUrl } } : {}),
    },
  };
}
