import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { executorAbi, executorBytecode } from '../../src/abi/executor.generated.ts';
import { projectRoot } from '../../src/paths.ts';

describe('generated executor ABI', () => {
  it('matches the forge build (run `npm run build` after changing the contract)', () => {
    const artifact = JSON.parse(readFileSync(join(projectRoot(), 'out/Executor.sol/Executor.json'), 'utf8'));
    expect(executorAbi).toEqual(artifact.abi);
    expect(executorBytecode).toBe(artifact.bytecode.object);
  });
});
