import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { executorAbi, executorBytecode } from '../../src/abi/executor.generated.ts';
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
});
