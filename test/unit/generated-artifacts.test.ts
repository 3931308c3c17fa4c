import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { executorAbi, executorBytecode, executorDeployedBytecode, executorImmutableReferences } from '../../src/abi/executor.generated.ts';
import { poolStateReaderAbi, poolStateReaderBytecode } from '../../src/abi/poolStateReader.generated.ts';
import { tokenProbeAbi, tokenProbeBytecode } from '../../src/abi/tokenProbe.generated.ts';
import { projectRoot } from '../../src/paths.ts';

const artifact = (name: string) => JSON.parse(readFileSync(join(projectRoot(), `out/${name}.sol/${name}.json`), 'utf8'));

describe('generated contract artifacts (run `npm run build` after changing a contract)', () => {
  it.each([
    ['Executor', executorAbi, executorBytecode],
    ['PoolStateReader', poolStateReaderAbi, poolStateReaderBytecode],
    ['TokenProbe', tokenProbeAbi, tokenProbeBytecode],
  ] as const)('%s matches the forge build', (name, abi, bytecode) => {
    expect(abi).toEqual(artifact(name).abi);
    expect(bytecode).toBe(artifact(name).bytecode.object);
  });

  it("the executor's runtime bytecode and immutable ranges (searcher doctor compares the chain's code with them)", () => {
    const { deployedBytecode } = artifact('Executor');
    expect(executorDeployedBytecode).toBe(deployedBytecode.object);
    const ranges = Object.values(deployedBytecode.immutableReferences as Record<string, Array<{ start: number; length: number }>>).flat();
    expect(ranges.length).toBeGreaterThan(0);
    expect([...executorImmutableReferences].sort((a, b) => a.start - b.start)).toEqual(ranges.sort((a, b) => a.start - b.start));
    // The build's bytes there are the placeholder zeros the constructor overwrites.
    for (const { start, length } of executorImmutableReferences) expect(executorDeployedBytecode.slice(2 + start * 2, 2 + (start + length) * 2)).toBe('0'.repeat(length * 2));
  });
});
