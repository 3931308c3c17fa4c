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

  it('covers the two-hop shapes with a V4 hop and three-hop shapes with one, each at least the dearer of its native-ETH and ERC-20 figures', () => {
    const shapes = ['v2v4', 'v4v2', 'v3v4', 'v4v3', 'v4v4', 'v4v3v2', 'v2v3v4', 'v2v4v2', 'v3v4v2', 'v2v4v3', 'v3v3v4', 'v4v3v3'];
    const all = calibration.shapes as Record<string, { inventory: number; flash: number }>;
    const variants = (calibration as { v4Variants?: Record<string, Record<string, { inventory: number; flash: number }>> }).v4Variants ?? {};
    for (const shape of shapes) {
      const measured = all[shape];
      expect(measured, shape).toBeDefined();
      expect(variants[shape], shape).toBeDefined();
      for (const mode of ['inventory', 'flash'] as const) {
        expect(measured![mode]).toBeGreaterThan(21_000);
        expect(measured![mode]).toBe(Math.max(...Object.values(variants[shape]!).map((variant) => variant[mode])));
      }
    }
  });
});
