import { readFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Abi, Hex } from 'viem';
import { SearcherError } from '../errors.ts';
import { projectRoot } from '../paths.ts';

export type Artifact = { abi: Abi; bytecode: Hex };

/** npm artifact paths of the real Uniswap contracts (mainnet bytecode). */
const uniswapArtifactPaths = {
  WETH9: '@uniswap/v2-periphery/build/WETH9.json',
  UniswapV2Factory: '@uniswap/v2-core/build/UniswapV2Factory.json',
  UniswapV2Pair: '@uniswap/v2-core/build/UniswapV2Pair.json',
  UniswapV2Router02: '@uniswap/v2-periphery/build/UniswapV2Router02.json',
  UniswapV3Factory: '@uniswap/v3-core/artifacts/contracts/UniswapV3Factory.sol/UniswapV3Factory.json',
  UniswapV3Pool: '@uniswap/v3-core/artifacts/contracts/UniswapV3Pool.sol/UniswapV3Pool.json',
  SwapRouter: '@uniswap/v3-periphery/artifacts/contracts/SwapRouter.sol/SwapRouter.json',
  NonfungiblePositionManager:
    '@uniswap/v3-periphery/artifacts/contracts/NonfungiblePositionManager.sol/NonfungiblePositionManager.json',
  SwapRouter02: '@uniswap/swap-router-contracts/artifacts/contracts/SwapRouter02.sol/SwapRouter02.json',
  QuoterV2: '@uniswap/swap-router-contracts/artifacts/contracts/lens/QuoterV2.sol/QuoterV2.json',
  UniversalRouter: '@uniswap/universal-router/artifacts/contracts/UniversalRouter.sol/UniversalRouter.json',
} as const;

export type UniswapContractName = keyof typeof uniswapArtifactPaths;

const require = createRequire(import.meta.url);
const cache = new Map<string, Artifact>();

function withPrefix(bytecode: string): Hex {
  return (bytecode.startsWith('0x') ? bytecode : `0x${bytecode}`) as Hex;
}

/** The real Uniswap artifact (abi + creation bytecode) from its npm package. */
export function uniswapArtifact(name: UniswapContractName): Artifact {
  const cached = cache.get(name);
  if (cached) return cached;
  let json: { abi: Abi; bytecode: string };
  try {
    json = JSON.parse(readFileSync(require.resolve(uniswapArtifactPaths[name]), 'utf8'));
  } catch (cause) {
    throw new SearcherError('ARTIFACT_MISSING', `artifact ${uniswapArtifactPaths[name]} is missing; run \`npm install\``, {
      cause,
    });
  }
  const artifact = { abi: json.abi, bytecode: withPrefix(json.bytecode) };
  cache.set(name, artifact);
  return artifact;
}

/** One of our own contracts, compiled by `forge build` into out/ (npm install runs it). */
export function forgeArtifact(file: string, contract: string): Artifact {
  const key = `${file}:${contract}`;
  const cached = cache.get(key);
  if (cached) return cached;
  const path = join(projectRoot(), 'out', file, `${contract}.json`);
  if (!existsSync(path)) {
    throw new SearcherError('ARTIFACT_MISSING', `${path} is missing; run \`npm run build\` (it runs forge build)`);
  }
  const json = JSON.parse(readFileSync(path, 'utf8')) as { abi: Abi; bytecode: { object: string } };
  const artifact = { abi: json.abi, bytecode: withPrefix(json.bytecode.object) };
  cache.set(key, artifact);
  return artifact;
}
