import { describe, expect, it } from 'vitest';
import { builderShareProblem } from '../../src/bundle/builderShareCap.ts';

const executor = '0x00000000000000000000000000000000000000e1';

describe("the strategy's builder share against the executor's cap", () => {
  it('accepts a share up to the cap, the cap itself included', () => {
    expect(builderShareProblem(5000, 9000, executor)).toBeUndefined();
    expect(builderShareProblem(9000, 9000, executor)).toBeUndefined();
    expect(builderShareProblem(0, 0, executor)).toBeUndefined();
  });

  it('names the config field, both values and the executor when the share is above the cap', () => {
    const problem = builderShareProblem(9001, 9000, executor);
    expect(problem).toMatch(/strategy\.builderShareBps \(9001\)/);
    expect(problem).toMatch(/maxBuilderShareBps\(\) = 9000/);
    expect(problem).toContain(executor);
  });
});
