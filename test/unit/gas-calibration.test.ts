import { keccak256 } from 'viem';
import { describe, expect, it } from 'vitest';
import { executorDeployedBytecode } from '../../src/abi/executor.generated.ts';
import calibration from '../../src/strategy/gasCalibration.json' with { type: 'json' };

describe('gas calibration', () => {
  it('was measured on the executor as built (re-run `npx tsx scripts/calibrate-gas.ts` after changing Executor.sol)', () => {
    expect(calibration.executorCodeHash).toBe(keccak256(executorDeployedBytecode));
  });

  it('covers every two- and three-hop shape of V2 and V3 hops, inventory and flash', () => {
    const shapes = ['v2v2', 'v2v3', 'v3v2', 'v3v3', 'v2v3v2', 'v2v3v3', 'v3v3v2', 'v3v3v3'];
    for (const shape of shapes) {
      const measured = (calibration.shapes as Record<string, { inventory: number; flash: number }>)[shape];
      expect(measured, shape).toBeDefined();
      expect(measured!.inventory).toBeGreaterThan(21_000);
      expect(measured!.flash).toBeGreaterThan(21_000);
    }
  });
});
