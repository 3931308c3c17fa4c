import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Address } from 'viem';
import { executorBytecode } from '../../abi/executor.generated.ts';
import { anvilBinaryPath } from '../../chain/anvil.ts';
import { forgeArtifact, uniswapArtifact, type UniswapContractName } from '../artifacts.ts';
import type { DevnetPool } from '../seed/pools.ts';
import type { DevnetToken } from '../tokens.ts';
import { scaleGeneratorVersion } from './generate.ts';
import { SearcherError } from '../../errors.ts';

/**
 * The on-disk cache of built scale markets. Building tens of thousands of pools takes minutes; loading anvil's
 * dump of the finished chain takes seconds. An entry is keyed by everything that decides the chain: the
 * generator's inputs and version, the build steps' version, the chain id, the trader count, the bytecode of
 * every contract the build deploys, and the anvil binary (its dump format). Any change is a new key, never a
 * stale chain.
 */

/** Bump when the build steps change what they put on chain (the generator has its own version). */
export const scaleBuildVersion = 2; // 2: Uniswap V4 (PoolManager, periphery, Permit2) placed, the router pointed at it

export type ScaleCacheInputs = { seed: number; pools: number; chainId: number; traders: number };

/** What a cache entry remembers besides the chain itself: what the manifest needs, and how the build went. */
export type ScaleCacheEntry = {
  key: string;
  inputs: ScaleCacheInputs;
  generatorVersion: number;
  buildVersion: number;
  buildMs: number;
  /** The head after the build: a loaded chain must start exactly here. */
  head: number;
  tokens: Array<Pick<DevnetToken, 'symbol' | 'name' | 'address' | 'decimals' | 'kind'>>;
  pools: DevnetPool[];
  seeder: Address;
  executor: { address: Address; owner: Address; operator: Address; inventoryWei: string };
};

const uniswapContracts: UniswapContractName[] = [
  'WETH9', 'UniswapV2Factory', 'UniswapV2Pair', 'UniswapV2Router02', 'UniswapV3Factory', 'UniswapV3Pool', 'SwapRouter',
  'NonfungiblePositionManager', 'SwapRouter02', 'QuoterV2', 'UniversalRouter',
];

/** Where built chains are kept: $SEARCHER_CACHE_DIR/devnet, else ~/.searcher/cache/devnet. */
export function defaultScaleCacheDir(): string {
  return join(process.env.SEARCHER_CACHE_DIR ?? join(homedir(), '.searcher', 'cache'), 'devnet');
}

export function scaleCacheKey(inputs: ScaleCacheInputs): string {
  const hash = createHash('sha256');
  hash.update(JSON.stringify({ inputs, generator: scaleGeneratorVersion, build: scaleBuildVersion }));
  for (const [file, contract] of [['MarketSeeder.sol', 'MarketSeeder'], ['StandardToken.sol', 'StandardToken'], ['NoReturnToken.sol', 'NoReturnToken']]) {
    hash.update(forgeArtifact(file!, contract!).bytecode);
  }
  for (const name of uniswapContracts) hash.update(uniswapArtifact(name).bytecode);
  hash.update(executorBytecode);
  const anvil = anvilBinaryPath();
  const stat = statSync(anvil);
  hash.update(`${anvil}:${stat.size}:${stat.mtimeMs}`);
  return hash.digest('hex').slice(0, 24);
}

const paths = (dir: string, key: string) => ({ state: join(dir, `scale-${key}.state.json`), entry: join(dir, `scale-${key}.json`) });

/** A complete entry for `key` (its state file and its description), or undefined. */
export function readScaleCache(dir: string, key: string): { entry: ScaleCacheEntry; statePath: string } | undefined {
  const { state, entry } = paths(dir, key);
  // The description is written last: without it, the state file may be half-written by a build that died.
  if (!existsSync(entry) || !existsSync(state)) return undefined;
  const parsed = JSON.parse(readFileSync(entry, 'utf8')) as ScaleCacheEntry;
  return parsed.key === key ? { entry: parsed, statePath: state } : undefined;
}

/** Where the build's anvil dumps its state on exit (--dump-state), before it becomes the entry's state file. */
export function scaleDumpPath(dir: string, key: string): string {
  mkdirSync(dir, { recursive: true });
  return `${paths(dir, key).state}.${process.pid}.dump`;
}

/**
 * Stores a build: anvil's dump (written by anvil itself on exit, so a chain of any size never passes through this
 * process's memory) becomes the state file, then the description is written; each step is an atomic rename.
 */
export function writeScaleCache(dir: string, dumpPath: string, entry: ScaleCacheEntry): string {
  const { state, entry: entryFile } = paths(dir, entry.key);
  if (!existsSync(dumpPath)) throw new SearcherError('SCALE_CACHE', `anvil did not dump its state to ${dumpPath}`);
  renameSync(dumpPath, state);
  writeFileSync(`${entryFile}.${process.pid}.tmp`, JSON.stringify(entry));
  renameSync(`${entryFile}.${process.pid}.tmp`, entryFile);
  return state;
}
