/**
 * The compiled Uniswap V4 contracts from npm: v4-core's `out/` (PoolManager, test routers and hooks) and
 * v4-periphery's `foundry-out/` (StateView, V4Quoter, PositionManager), plus Permit2's mainnet runtime code,
 * which v4-periphery ships as a literal in its permit2 test helper.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Abi, Hex } from 'viem';
import { SearcherError } from '../../errors.ts';
import type { Artifact } from '../artifacts.ts';

const require = createRequire(import.meta.url);
const cache = new Map<string, Artifact>();

export type V4Package = '@uniswap/v4-core/out' | '@uniswap/v4-periphery/foundry-out';

function readJson(path: string): string {
  try {
    return readFileSync(require.resolve(path), 'utf8');
  } catch (cause) {
    throw new SearcherError('ARTIFACT_MISSING', `artifact ${path} is missing; run \`npm install\``, { cause });
  }
}

/** A Foundry artifact: abi + creation bytecode. */
export function v4Artifact(pkg: V4Package, contract: string): Artifact {
  const path = `${pkg}/${contract}.sol/${contract}.json`;
  const cached = cache.get(path);
  if (cached) return cached;
  const json = JSON.parse(readJson(path)) as { abi: Abi; bytecode: { object: string } };
  const bytecode = (json.bytecode.object.startsWith('0x') ? json.bytecode.object : `0x${json.bytecode.object}`) as Hex;
  const artifact = { abi: json.abi, bytecode };
  cache.set(path, artifact);
  return artifact;
}

/** Permit2's runtime bytecode as deployed on mainnet (MIT), from lib/permit2/test/utils/DeployPermit2.sol. */
export function permit2RuntimeCode(): Hex {
  const path = '@uniswap/v4-periphery/lib/permit2/test/utils/DeployPermit2.sol';
  let source: string;
  try {
    source = readFileSync(require.resolve(path), 'utf8');
  } catch (cause) {
    throw new SearcherError('ARTIFACT_MISSING', `${path} is missing; run \`npm install\``, { cause });
  }
  const match = /hex"([0-9a-f]+)"/i.exec(source);
  if (!match) throw new SearcherError('ARTIFACT_MISSING', `${path} holds no bytecode literal`);
  return `0x${match[1]}` as Hex;
}
